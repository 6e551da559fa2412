"""Issue 17 §4: the public lists' order (newest publication first) as an index, so that a
broad search (a short or common fragment matching thousands of entries) reads its first page
by walking this index and stops after a page of matches, instead of collecting and sorting
every match; the count beside it is capped (credit.api.public_search.CappedCountPagination)."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS credit_list_published_order ON credit_listentry "
        "(published_on DESC, id DESC) WHERE published_on IS NOT NULL"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS credit_list_published_order")


class Migration(migrations.Migration):
    dependencies = [("credit", "0006_database_defaults")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
