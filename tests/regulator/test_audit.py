"""The audit trail: chained, verifiable, tamper-evident, and append-only on PostgreSQL."""

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from regulator import audit
from regulator.models import AuditEvent


def _record(n, actor="test"):
    with transaction.atomic():
        for i in range(n):
            audit.record(actor=actor, action="test.thing", object_type="test", object_id=i, after={"i": i})


def test_events_link_to_their_predecessor(db, supervisor):
    _record(3, actor=supervisor)
    events = list(AuditEvent.objects.order_by("id"))
    assert events[0].prev_hash == audit.GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert events[0].actor == supervisor and events[0].actor_label == "supervisor"
    checked, breaks = audit.verify_chain()
    assert (checked, breaks) == (3, [])


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        audit.record(actor="x", action="a", object_type="t", object_id=1)


def _tamper(sql, params):
    # The trigger refuses UPDATE/DELETE; an attacker with superuser rights can switch
    # triggers off. The chain must still expose what they did.
    with connection.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        cur.execute(sql, params)
        cur.execute("SET session_replication_role = DEFAULT")


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_tampered_content_is_found(db):
    _record(4)
    victim = AuditEvent.objects.order_by("id")[1]
    _tamper("UPDATE regulator_auditevent SET reason = 'edited' WHERE id = %s", [victim.id])
    checked, breaks = audit.verify_chain()
    assert checked == 4
    assert [(b.event_id, b.problem) for b in breaks] == [(victim.id, "content does not match its hash")]
    with pytest.raises(CommandError, match="audit chain broken"):
        call_command("verify_audit_chain")


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_deleted_event_is_found(db):
    _record(4)
    victim = AuditEvent.objects.order_by("id")[2]
    _tamper("DELETE FROM regulator_auditevent WHERE id = %s", [victim.id])
    _checked, breaks = audit.verify_chain()
    assert len(breaks) == 1 and "prev_hash" in breaks[0].problem


def test_verify_command_reports_intact_chain(db, capsys):
    _record(2)
    call_command("verify_audit_chain")
    assert "audit chain intact: 2 events" in capsys.readouterr().out


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize(
    "sql", ["UPDATE regulator_auditevent SET reason = 'x'", "DELETE FROM regulator_auditevent"]
)
def test_trigger_refuses_update_and_delete(db, sql):
    _record(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)
    assert AuditEvent.objects.get().reason == ""


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain():
    from django.db import connections

    errors = []

    def worker():
        try:
            _record(10)
        except Exception as exc:  # pragma: no cover - surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    checked, breaks = audit.verify_chain()
    assert (checked, breaks) == (60, [])


def test_api_lists_events_for_auditor_and_supervisor_only(db, as_persona):
    from tests.conftest import PERSONAS

    _record(2)
    expected = {"anon": 401, "auditor": 200, "supervisor": 200}
    for name in PERSONAS:
        _user, client = as_persona(name)
        response = client.get("/api/v1/audit-events/")
        assert response.status_code == expected.get(name, 403), name
        if response.status_code == 200:
            body = response.json()
            assert body["count"] == 2
            assert {"hash", "prev_hash", "action", "request_id"} <= set(body["results"][0])
