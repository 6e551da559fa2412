# Event rows are append-only, and a decision's document content cannot change once it left
# the "made" state (delivered, superseded, annulled): PostgreSQL refuses it, whatever code
# path tries (REGULATION.md §7; issue 12 §2).

from django.db import migrations

from regulator.db import append_only

GUARD = """
CREATE OR REPLACE FUNCTION enforcement_decision_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'telereg: a penalty decision is never deleted'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status <> 'made' AND (
        NEW.number IS DISTINCT FROM OLD.number
        OR NEW.authority_id IS DISTINCT FROM OLD.authority_id
        OR NEW.year IS DISTINCT FROM OLD.year
        OR NEW.sequence IS DISTINCT FROM OLD.sequence
        OR NEW.case_id IS DISTINCT FROM OLD.case_id
        OR NEW.outcome IS DISTINCT FROM OLD.outcome
        OR NEW.kind IS DISTINCT FROM OLD.kind
        OR NEW.amount IS DISTINCT FROM OLD.amount
        OR NEW.suspension_days IS DISTINCT FROM OLD.suspension_days
        OR NEW.licence_id IS DISTINCT FROM OLD.licence_id
        OR NEW.title IS DISTINCT FROM OLD.title
        OR NEW.reasons IS DISTINCT FROM OLD.reasons
        OR NEW.legal_basis IS DISTINCT FROM OLD.legal_basis
        OR NEW.content IS DISTINCT FROM OLD.content
        OR NEW.enterprise_name IS DISTINCT FROM OLD.enterprise_name
        OR NEW.enterprise_uscc IS DISTINCT FROM OLD.enterprise_uscc
        OR NEW.supersedes_id IS DISTINCT FROM OLD.supersedes_id
    ) THEN
        RAISE EXCEPTION 'telereg: a delivered penalty decision is immutable; correct it by a new decision'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER enforcement_decision_immutable BEFORE UPDATE OR DELETE ON enforcement_decision
    FOR EACH ROW EXECUTE FUNCTION enforcement_decision_guard();
"""

UNGUARD = """
DROP TRIGGER IF EXISTS enforcement_decision_immutable ON enforcement_decision;
DROP FUNCTION IF EXISTS enforcement_decision_guard();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0001_initial")]

    operations = [
        *append_only("enforcement_caseevent"),
        *append_only("enforcement_decisionevent"),
        migrations.RunPython(forward, backward, elidable=False),
    ]
