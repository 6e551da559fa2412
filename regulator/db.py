"""Database helpers for migrations: append-only tables on PostgreSQL.

Usage in a migration's operations list: ``*append_only("credit_ledgerentry")``.
TRUNCATE is left alone: it is an operator's tool (and the test runner's flush).
"""

from django.db import migrations

_REFUSE = """
    RAISE EXCEPTION 'telereg: % on append-only table % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
"""

_APPEND_ONLY = f"""
CREATE OR REPLACE FUNCTION telereg_refuse_change() RETURNS trigger AS $$
BEGIN
{_REFUSE}
END;
$$ LANGUAGE plpgsql;
"""

_AUDIT_GUARD = f"""
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
{_REFUSE}
END;
$$ LANGUAGE plpgsql;
"""


def _guard(table: str, function_sql: str, function: str) -> list[migrations.RunPython]:
    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(function_sql, params=None)
        schema_editor.execute(
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION {function}();"
        )

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";')

    return [migrations.RunPython(forward, backward, elidable=False)]


def append_only(table: str) -> list[migrations.RunPython]:
    """Refuse every UPDATE and DELETE on ``table``."""
    return _guard(table, _APPEND_ONLY, "telereg_refuse_change")


def drop_append_only(table: str) -> list[migrations.RunPython]:
    return [op.__class__(op.reverse_code, op.code, elidable=False) for op in append_only(table)]


def audit_guard(table: str) -> list[migrations.RunPython]:
    """Append-only with one exception: the sealer may fill seq/prev_hash/hash once."""
    return _guard(table, _AUDIT_GUARD, "telereg_audit_guard")
