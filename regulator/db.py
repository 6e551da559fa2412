"""Database helpers for migrations: append-only tables on PostgreSQL.

Usage in a migration's operations list: ``*append_only("credit_ledgerentry")``.
TRUNCATE is left alone: it is an operator's tool (and the test runner's flush).
"""

from django.db import migrations

_FUNCTION = """
CREATE OR REPLACE FUNCTION telereg_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'telereg: % on append-only table % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def append_only(table: str) -> list[migrations.RunPython]:
    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(_FUNCTION, params=None)
        schema_editor.execute(
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION telereg_refuse_change();"
        )

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";')

    return [migrations.RunPython(forward, backward, elidable=False)]
