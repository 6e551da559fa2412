"""The audit trail: chained, verifiable, tamper-evident, and append-only on PostgreSQL."""

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from regulator import audit
from regulator.models import AuditEvent
from tests.conftest import PERSONAS

needs_pg = pytest.mark.skipif("connection.vendor != 'postgresql'")


def _record(n, actor="test"):
    with transaction.atomic():
        for i in range(n):
            audit.record(actor=actor, action="test.thing", object_type="test", object_id=i, after={"i": i})


def test_events_are_written_unsealed_then_chained_in_order(db, supervisor):
    _record(3, actor=supervisor)
    assert audit.unsealed_count() == 3
    assert audit.seal() == 3
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == audit.GENESIS
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert events[0].actor == supervisor and events[0].actor_label == "supervisor"
    assert audit.verify_chain() == (3, [])
    _record(2)
    assert audit.seal_all() == 2
    assert AuditEvent.objects.get(seq=4).prev_hash == events[-1].hash
    assert audit.verify_chain() == (5, [])


def test_seal_works_in_batches(db):
    _record(5)
    assert audit.seal(limit=2) == 2
    assert audit.seal(limit=2) == 2
    assert audit.seal(limit=2) == 1
    assert audit.seal(limit=2) == 0
    assert audit.verify_chain() == (5, [])


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


@needs_pg
def test_tampered_content_is_found(db):
    _record(4)
    audit.seal_all()
    victim = AuditEvent.objects.get(seq=2)
    _tamper("UPDATE regulator_auditevent SET reason = 'edited' WHERE id = %s", [victim.id])
    checked, breaks = audit.verify_chain()
    assert checked == 4
    assert [(b.event_id, b.problem) for b in breaks] == [(victim.id, "content does not match its hash")]
    with pytest.raises(CommandError, match="audit chain broken"):
        call_command("verify_audit_chain")


@needs_pg
def test_deleted_event_is_found(db):
    _record(4)
    audit.seal_all()
    victim = AuditEvent.objects.get(seq=3)
    _tamper("DELETE FROM regulator_auditevent WHERE id = %s", [victim.id])
    _checked, breaks = audit.verify_chain()
    assert {b.problem for b in breaks} == {
        "chain position 3 is missing",
        "prev_hash does not match the preceding event",
    }


def test_verify_command_seals_then_reports_intact_chain(db, capsys):
    _record(2)
    call_command("verify_audit_chain")
    assert "audit chain intact: 2 events (2 newly sealed)" in capsys.readouterr().out


@needs_pg
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE regulator_auditevent SET reason = 'x'",
        "UPDATE regulator_auditevent SET seq = 99, hash = 'h', prev_hash = 'p', reason = 'x'",
        "DELETE FROM regulator_auditevent",
    ],
)
def test_trigger_refuses_changes_to_unsealed_events(db, sql):
    _record(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)
    assert AuditEvent.objects.get().reason == ""


@needs_pg
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE regulator_auditevent SET reason = 'x'",
        "UPDATE regulator_auditevent SET hash = repeat('0', 64)",
        "UPDATE regulator_auditevent SET seq = NULL, hash = NULL, prev_hash = NULL",
        "DELETE FROM regulator_auditevent",
    ],
)
def test_trigger_refuses_every_change_to_sealed_events(db, sql):
    _record(1)
    audit.seal_all()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)
    assert audit.verify_chain() == (1, [])


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_sealers_keep_one_chain():
    from django.db import connections

    errors = []
    already = AuditEvent.objects.count()  # reference data reloaded for transactional tests

    def writer():
        try:
            for _ in range(5):
                _record(2)
                audit.seal()
        except Exception as exc:  # pragma: no cover - surfaced by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    audit.seal_all()
    assert audit.verify_chain() == (already + 60, [])
    assert audit.unsealed_count() == 0


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_lists_events_for_auditor_and_supervisor_only(db, persona, as_persona):
    _record(2)
    audit.seal_all()
    expected = {"anon": 401, "auditor": 200, "supervisor": 200}
    _user, client = as_persona(persona)
    response = client.get("/api/v1/audit-events/")
    assert response.status_code == expected.get(persona, 403)
    if response.status_code == 200:
        body = response.json()
        assert body["count"] == 2
        assert {"seq", "hash", "prev_hash", "action", "request_id"} <= set(body["results"][0])


def test_record_many_writes_one_event_each_and_chains(db, officer):
    with transaction.atomic():
        audit.record_many(
            actor=officer,
            events=[
                {"action": "test.bulk", "object_type": "t", "object_id": i, "after": {"i": i}}
                for i in range(3)
            ],
        )
    assert list(AuditEvent.objects.values_list("object_id", "actor_label")) == [
        ("0", "officer"),
        ("1", "officer"),
        ("2", "officer"),
    ]
    assert audit.seal_all() == 3
    assert audit.verify_chain() == (3, [])


@pytest.mark.parametrize("persona", PERSONAS)
def test_public_chain_head_open_to_everyone(db, persona, as_persona):
    _user, client = as_persona(persona)
    assert client.get("/api/v1/public/audit-chain/").status_code == 404  # nothing sealed yet
    _record(3)
    audit.seal_all()
    head = client.get("/api/v1/public/audit-chain/").json()
    assert head["seq"] == 3 and head["hash"] == AuditEvent.objects.get(seq=3).hash
    link = client.get("/api/v1/public/audit-chain/", {"seq": 2}).json()
    assert link["hash"] == head["prev_hash"]
    assert client.get("/api/v1/public/audit-chain/", {"seq": 9}).status_code == 404
    assert client.get("/api/v1/public/audit-chain/", {"seq": "x"}).status_code == 400


@needs_pg
def test_a_kept_head_exposes_a_truncated_and_regrown_tail(db, client):
    _record(3)
    audit.seal_all()
    kept = client.get("/api/v1/public/audit-chain/").json()
    _tamper("DELETE FROM regulator_auditevent WHERE seq = 3", [])
    _record(1)
    audit.seal_all()
    assert audit.verify_chain()[1] == []  # the chain alone re-links cleanly...
    now = client.get("/api/v1/public/audit-chain/", {"seq": kept["seq"]}).json()
    assert now["hash"] != kept["hash"]  # ...but the head someone kept no longer matches
