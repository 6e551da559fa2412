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


# Version 2 of the audit guard (migration regulator 0005): events are inserted unsealed, the
# content is immutable (now also content_hash, enterprise_id, province), and the one sealing
# update must continue the chain with the hash the database computes itself:
# hash = sha256("<seq>|<prev_hash>|<content_hash>"), prev_hash = the hash at seq - 1.
_AUDIT_GUARD_V2 = f"""
CREATE OR REPLACE FUNCTION telereg_audit_guard() RETURNS trigger AS $$
DECLARE
    expected_prev text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.seq IS NOT NULL OR NEW.hash IS NOT NULL OR NEW.prev_hash IS NOT NULL THEN
            RAISE EXCEPTION 'telereg: audit events are inserted unsealed; only the sealer seals'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.content_hash !~ '^[0-9a-f]{{64}}$' THEN
            RAISE EXCEPTION 'telereg: an audit event needs its content hash'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
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
       AND NEW.request_id = OLD.request_id
       AND NEW.enterprise_id IS NOT DISTINCT FROM OLD.enterprise_id
       AND NEW.province = OLD.province
       AND NEW.content_hash = OLD.content_hash THEN
        IF NEW.seq = 1 THEN
            expected_prev := repeat('0', 64);
        ELSE
            SELECT hash INTO expected_prev FROM regulator_auditevent WHERE seq = NEW.seq - 1;
        END IF;
        IF expected_prev IS NULL OR NEW.prev_hash IS DISTINCT FROM expected_prev THEN
            RAISE EXCEPTION 'telereg: audit seal at % does not continue the chain', NEW.seq
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.hash IS DISTINCT FROM encode(sha256(convert_to(
                NEW.seq::text || '|' || NEW.prev_hash || '|' || NEW.content_hash, 'UTF8')), 'hex') THEN
            RAISE EXCEPTION 'telereg: audit seal at % carries a hash the chain did not compute', NEW.seq
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
{_REFUSE}
END;
$$ LANGUAGE plpgsql;
"""  # noqa: S608 (constant SQL, no input)


def audit_guard_v2(table: str) -> list[migrations.RunPython]:
    """The audit guard that also checks inserts and recomputes the seal (see above)."""

    def forward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(_AUDIT_GUARD_V2, params=None)
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";')
        schema_editor.execute(
            f'CREATE TRIGGER "{table}_append_only" BEFORE INSERT OR UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION telereg_audit_guard();"
        )

    def backward(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";')
        schema_editor.execute(_AUDIT_GUARD, params=None)
        schema_editor.execute(
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION telereg_audit_guard();"
        )

    return [migrations.RunPython(forward, backward, elidable=False)]
