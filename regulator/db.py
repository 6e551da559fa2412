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


def drop_append_only(table: str) -> list[migrations.RunPython]:
    return [op.__class__(op.reverse_code, op.code, elidable=False) for op in append_only(table)]


_AUDIT_GUARD = """
CREATE OR REPLACE FUNCTION telereg_audit_guard() RETURNS trigger AS $$
BEGIN
    -- The one update ever allowed: sealing an unsealed event without touching its content.
    IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND OLD.seq IS NULL
       AND NEW.hash IS NOT NULL AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL
       AND NEW.id = OLD.id
       AND NEW.occurred_at = OLD.occurred_at
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.actor_label = OLD.actor_label
       AND NEW.action = OLD.action
       AND NEW.object_type = OLD.object_type
       AND NEW.object_id = OLD.object_id
       AND NEW.before IS NOT DISTINCT FROM OLD.before
       AND NEW.after IS NOT DISTINCT FROM OLD.after
       AND NEW.reason = OLD.reason
       AND NEW.request_id = OLD.request_id THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'telereg: % on append-only table % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def audit_guard(table: str) -> list[migrations.RunPython]:
    """Append-only with one exception: the sealer may fill seq/prev_hash/hash once."""

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(_AUDIT_GUARD, params=None)
        schema_editor.execute(
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION telereg_audit_guard();"
        )

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";')

    return [migrations.RunPython(forward, backward, elidable=False)]
