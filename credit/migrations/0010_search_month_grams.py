"""Issue 17 §4: one search index that knows when an entry was published.

``credit_list_grams(name, licences, published_on)`` is every distinct two-character sequence
of the upper-cased name and licence numbers (as ``credit_list_bigrams`` of 0008 was) plus one
token for the month of publication, ``@YYYYMM``. Its GIN index replaces 0008's bigram index:

* ``grams @> ARRAY[bigram]`` still finds every entry holding a two-character fragment;
* ``grams @> <the fragment's bigrams> AND grams && <the newest months' tokens>`` finds the
  matches published in the newest months only, intersected inside the index, so that the
  search's middle stage (credit/search.py, "probe") visits the table only for the matches
  among recent entries instead of every match in the list.

Only published entries are searchable, so the index is partial.

``credit_list_serial()`` is TRUE, declared PARALLEL UNSAFE: a statement that calls it is
planned without parallel workers. The search's second statement calls it, because at
2,000,000 entries the planner gave its gated index stage a Gather whose workers started
(3-5 ms, more on a busy machine) even when the gate skipped the stage. PostgreSQL only (SQLite, used
by ``make demo``, searches with the plain ORM filter).
"""

from django.db import migrations

GRAMS = """
CREATE OR REPLACE FUNCTION credit_list_grams(name text, licences text, published date) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ARRAY(
    SELECT DISTINCT substr(s, i, 2)
    FROM (VALUES (upper(coalesce(name, ''))), (upper(coalesce(licences, '')))) v(s),
         generate_series(1, char_length(s) - 1) i
  ) || CASE WHEN published IS NULL THEN '{}'::text[] ELSE ARRAY['@' || to_char(published, 'YYYYMM')] END
$$
"""
SERIAL = """
CREATE OR REPLACE FUNCTION credit_list_serial() RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL UNSAFE AS $$ SELECT true $$
"""
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


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(GRAMS)
    schema_editor.execute(SERIAL)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS credit_list_grams_gin ON credit_listentry USING gin "
        "(credit_list_grams(enterprise_name::text, licence_numbers::text, published_on)) "
        "WHERE published_on IS NOT NULL"
    )
    schema_editor.execute("DROP INDEX IF EXISTS credit_list_bigram_gin")
    schema_editor.execute("DROP FUNCTION IF EXISTS credit_list_bigrams(text, text)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BIGRAMS)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS credit_list_bigram_gin ON credit_listentry "
        "USING gin (credit_list_bigrams(enterprise_name::text, licence_numbers::text))"
    )
    schema_editor.execute("DROP INDEX IF EXISTS credit_list_grams_gin")
    schema_editor.execute("DROP FUNCTION IF EXISTS credit_list_grams(text, text, date)")
    schema_editor.execute("DROP FUNCTION IF EXISTS credit_list_serial()")


class Migration(migrations.Migration):
    dependencies = [("credit", "0009_ledger_enterprise_index_covered")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
