"""Issue 17 §4: indexes for the public list search's two access paths (credit/search.py).

* ``credit_list_bigrams(name, licences)``: every two-character sequence of the upper-cased
  name and licence numbers, as an array, with a GIN index on it. pg_trgm needs three
  characters; Chinese trade names are often two (华为, 腾讯), so a two-character fragment is
  looked up here (``@> ARRAY[...]``) and rechecked with LIKE.
* ``credit_list_walk`` replaces ``credit_list_published_order`` (0007): the same newest-first
  order, carrying the columns the search filters on (INCLUDE), so the bounded walk over the
  newest entries is an index-only scan (no heap visit per row read).
* ``credit_list_province_walk``: the same order within a province (covering too), so a
  province filter walks only that province's entries.
PostgreSQL only (SQLite, used by ``make demo``, searches with the plain ORM filter).
"""

from django.db import migrations

BIGRAMS = """
CREATE OR REPLACE FUNCTION credit_list_bigrams(name text, licences text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY(
    SELECT substr(s, i, 2)
    FROM (VALUES (upper(coalesce(name, ''))), (upper(coalesce(licences, '')))) v(s),
         generate_series(1, char_length(s) - 1) i
  )
$$
"""
# The fragment's columns first: the walk tests them on every index tuple it reads.
INCLUDE = "INCLUDE (enterprise_name, licence_numbers, status, list_kind, province)"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BIGRAMS)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS credit_list_bigram_gin ON credit_listentry "
        "USING gin (credit_list_bigrams(enterprise_name::text, licence_numbers::text))"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS credit_list_walk ON credit_listentry "
        f"(published_on DESC, id DESC) {INCLUDE} WHERE published_on IS NOT NULL"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS credit_list_province_walk ON credit_listentry "
        f"(province, published_on DESC, id DESC) {INCLUDE} WHERE published_on IS NOT NULL"
    )
    schema_editor.execute("DROP INDEX IF EXISTS credit_list_published_order")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS credit_list_published_order ON credit_listentry "
        "(published_on DESC, id DESC) WHERE published_on IS NOT NULL"
    )
    for name in ("credit_list_bigram_gin", "credit_list_walk", "credit_list_province_walk"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS credit_list_bigrams(text, text)")


class Migration(migrations.Migration):
    dependencies = [("credit", "0007_public_list_order_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
