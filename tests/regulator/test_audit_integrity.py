"""Issue 8 point 2 and issue 9 points 7-8: the audit list scoped and masked, seals the
database recomputes, and an application role that cannot turn the database against its own
append-only records."""

import pytest
from django.db import DatabaseError, connection, connections, transaction

from regulator import audit, services
from regulator.models import AuditEvent
from tests.conftest import PERSONAS, PROVINCIAL_PERSONAS
from tests.factories import EnterpriseFactory, new_uscc

needs_pg = pytest.mark.skipif("connection.vendor != 'postgresql'")


@pytest.fixture
def events(db, officer, ent_a, ent_b):
    """One change to a Beijing (ent_a) and one to a Guangdong (ent_b) enterprise's contacts,
    and one event that concerns no province."""
    services.enterprise_update(
        actor=officer, enterprise=ent_a, contact_phone="13800000001", contact_email="a@a.cn"
    )
    services.enterprise_update(actor=officer, enterprise=ent_b, contact_phone="13900000002")
    with transaction.atomic():
        audit.record(actor=officer, action="rule.changed", object_type="credit.rule", object_id="R1")
    return ent_a, ent_b


def _listed(api, user):
    response = api(user).get("/api/v1/audit-events/")
    return response.status_code, (response.json()["results"] if response.status_code == 200 else [])


@pytest.mark.parametrize("persona", PERSONAS + PROVINCIAL_PERSONAS)
def test_audit_list_access_per_persona(persona, as_persona, events, api):
    user, _client = as_persona(persona)
    status, rows = _listed(api, user)
    expected = {
        "anon": 401,
        "supervisor": 200,
        "auditor": 200,
        "supervisor_gd": 200,
        "auditor_gd": 200,
    }.get(persona, 403)
    assert status == expected
    if status != 200:
        return
    provinces = {r["province"] for r in rows}
    if persona.endswith("_gd"):
        # Guangdong staff: only events concerning Guangdong (ent_b), nothing national.
        assert provinces == {"44"} and {r["enterprise"] for r in rows} == {events[1].uscc}
    else:
        assert {"11", "44", ""} <= provinces


def test_supervisor_sees_personal_fields_masked_auditor_in_full(events, api, supervisor, auditor):
    ent_a = events[0]
    _s, rows = _listed(api, supervisor)
    row = next(r for r in rows if r["enterprise"] == ent_a.uscc)
    assert row["after"]["contact_phone"] == audit.MASK and row["after"]["contact_email"] == audit.MASK
    assert row["after"]["legal_representative"] == audit.MASK
    assert row["after"]["name"] == ent_a.name  # the enterprise's name is not personal
    _s, rows = _listed(api, auditor)
    row = next(r for r in rows if r["enterprise"] == ent_a.uscc)
    assert row["after"]["contact_phone"] == "13800000001"


def test_guangdong_supervisor_cannot_read_a_beijing_phone(events, api, supervisor_gd):
    _s, rows = _listed(api, supervisor_gd)
    assert "13800000001" not in str(rows) and "13900000002" not in str(rows)


def test_masking_leaves_the_chain_verifying(events, api, supervisor):
    audit.seal_all()
    assert audit.verify_chain()[1] == []
    stored = AuditEvent.objects.filter(enterprise=events[0]).get()
    assert stored.after["contact_phone"] == "13800000001"  # the record keeps the full value


def test_events_record_whom_they_concern(db, officer_gd, supervisor):
    ent = EnterpriseFactory(uscc=new_uscc("440106"))
    services.enterprise_update(actor=supervisor, enterprise=ent, contact_phone="13900000009")
    with transaction.atomic():
        by_id = audit.record(actor=officer_gd, action="x", object_type="t", object_id=1, enterprise=ent.pk)
        staff = audit.record(actor=supervisor, action="user.y", obj=officer_gd)
    ev = AuditEvent.objects.get(action="enterprise.updated")
    assert (ev.enterprise_id, ev.province) == (ent.pk, "44")
    assert (by_id.enterprise_id, by_id.province) == (ent.pk, "44")
    assert staff.province == "44" and staff.enterprise_id is None


def test_record_many_takes_the_enterprise(db, ent_b):
    with transaction.atomic():
        (ev,) = audit.record_many(
            actor="sweep",
            events=[{"action": "a", "object_type": "t", "object_id": 1, "enterprise_id": ent_b.pk}],
        )
    assert ev.province == "44"


# --- point 8: only the sealer seals, with the hash the chain computes -----------------------


def _one():
    with transaction.atomic():
        return audit.record(actor="test", action="test.thing", object_type="t", object_id=1)


@needs_pg
@pytest.mark.parametrize(
    "sql",
    [
        # A caller-supplied hash at the right position, after the right predecessor.
        "UPDATE regulator_auditevent SET seq = 1, prev_hash = repeat('0', 64), hash = repeat('a', 64)",
        # The right hash formula at a position that does not continue the chain.
        "UPDATE regulator_auditevent SET seq = 7, prev_hash = repeat('0', 64), "
        "hash = encode(sha256(convert_to('7|' || repeat('0', 64) || '|' || content_hash, 'UTF8')), 'hex')",
        # A wrong predecessor.
        "UPDATE regulator_auditevent SET seq = 1, prev_hash = repeat('b', 64), "
        "hash = encode(sha256(convert_to('1|' || repeat('b', 64) || '|' || content_hash, 'UTF8')), 'hex')",
    ],
)
def test_a_forged_seal_is_refused(db, sql):
    _one()
    with pytest.raises(DatabaseError, match="audit seal"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)
    assert audit.seal_all() == 1 and audit.verify_chain() == (1, [])


@needs_pg
def test_the_seal_the_database_computes_is_accepted(db):
    ev = _one()
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE regulator_auditevent SET seq = 1, prev_hash = repeat('0', 64), "
            "hash = encode(sha256(convert_to('1|' || repeat('0', 64) || '|' || content_hash, 'UTF8')), 'hex') "
            "WHERE id = %s",
            [ev.pk],
        )
    assert audit.verify_chain() == (1, [])


@needs_pg
@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO regulator_auditevent (occurred_at, actor_label, action, object_type, object_id, reason, "
        "request_id, province, content_hash, seq, prev_hash, hash) VALUES (now(), 'x', 'x', 'x', '1', '', '', '', "
        "repeat('c', 64), 1, repeat('0', 64), repeat('d', 64))",
        "INSERT INTO regulator_auditevent (occurred_at, actor_label, action, object_type, object_id, reason, "
        "request_id, province, content_hash) VALUES (now(), 'x', 'x', 'x', '1', '', '', '', '')",
    ],
)
def test_events_are_inserted_unsealed_with_a_content_hash(db, sql):
    with pytest.raises(DatabaseError, match="telereg"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)


@needs_pg
def test_public_head_serves_only_a_verifying_head(db, client):
    _one()
    audit.seal_all()
    assert client.get("/api/v1/public/audit-chain/").status_code == 200
    ev = _one()
    # The owner switches the guard off and forges the head (what the application role cannot do).
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks before ALTER
        cur.execute("ALTER TABLE regulator_auditevent DISABLE TRIGGER USER")
        cur.execute(
            "UPDATE regulator_auditevent SET seq = 2, prev_hash = (SELECT hash FROM regulator_auditevent "
            "WHERE seq = 1), hash = repeat('f', 64) WHERE id = %s",
            [ev.pk],
        )
        cur.execute("ALTER TABLE regulator_auditevent ENABLE TRIGGER USER")
    response = client.get("/api/v1/public/audit-chain/")
    assert response.status_code == 409 and response.json()["code"] == "audit_chain_broken"
    assert client.get("/api/v1/public/audit-chain/", {"seq": 1}).status_code == 200


# --- point 7: the application role owns no table ---------------------------------------------

APPEND_ONLY = ["credit_ledgerentry", "regulator_auditevent", "credit_listevent"]
needs_app_role = pytest.mark.skipif(
    "'app' not in __import__('django.conf').conf.settings.DATABASES",
    reason="needs DATABASE_OWNER_URL (scripts/with-postgres.sh sets it)",
)


@pytest.fixture(autouse=True, scope="module")
def _close_app_connection():
    """The app alias's connection would keep the test database busy at teardown."""
    yield
    if "app" in connections:
        connections["app"].close()


def _as_app(sql):
    with transaction.atomic(using="app"), connections["app"].cursor() as cur:
        cur.execute("SET LOCAL lock_timeout = '2s'")
        cur.execute(sql)


@needs_app_role
@pytest.mark.django_db(databases=["default", "app"])
@pytest.mark.parametrize("table", APPEND_ONLY)
@pytest.mark.parametrize(
    "sql,error",
    [
        ("TRUNCATE {t}", "permission denied"),
        ("ALTER TABLE {t} DISABLE TRIGGER USER", "must be owner"),
        ("ALTER TABLE {t} DISABLE TRIGGER {t}_append_only", "must be owner"),
        ("DROP TRIGGER {t}_append_only ON {t}", "must be owner"),
    ],
)
def test_app_role_cannot_bypass_the_append_only_tables(table, sql, error):
    with pytest.raises(DatabaseError, match=error):
        _as_app(sql.format(t=table))


@needs_app_role
@pytest.mark.django_db(databases=["default", "app"])
def test_app_role_cannot_switch_triggers_off_for_its_session():
    with pytest.raises(DatabaseError, match="permission denied"):
        _as_app("SET session_replication_role = replica")


@needs_app_role
@pytest.mark.django_db(databases=["default", "app"])
def test_app_role_owns_nothing_and_may_read_and_write_rows():
    with connections["app"].cursor() as cur:
        cur.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
        role, superuser = cur.fetchone()
        cur.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user"
        )
        owned = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM regulator_authority")
        readable = cur.fetchone()[0]
    assert not superuser and owned == 0 and readable > 0
    from django.conf import settings

    assert role == settings.DATABASE_APP_ROLE
