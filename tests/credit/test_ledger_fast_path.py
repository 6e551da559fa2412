"""Issue 17: the PostgreSQL fast path of ``ledger_post`` (credit/services/ledger_pg.py)
writes exactly what the ORM path (``post_locked`` → ``append_entry`` → ``audit.record``)
writes, with or without server-side prepared statements."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone

from credit import services
from credit.models import Account, LedgerEntry
from credit.services import ledger_pg
from credit.services.common import lock_account
from credit.services.ledger import post_locked, postable_rule
from regulator import audit
from regulator.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deduction")]

WHEN = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the fast path is PostgreSQL's")


def _fast(ent, actor, **kw):
    return services.ledger_post(actor=actor, enterprise=ent, rule_code="TEST_DEDUCTION", **kw)


def _orm(ent, actor, **kw):
    with transaction.atomic():
        account = lock_account(ent.pk)
        return post_locked(account=account, actor=actor, rule=postable_rule("TEST_DEDUCTION"), **kw)


def _event(entry) -> AuditEvent:
    return AuditEvent.objects.get(object_type="credit.ledgerentry", object_id=str(entry.pk))


ENTRY_FIELDS = [
    "rule_id",
    "rule_version",
    "kind",
    "points",
    "effective_at",
    "expires_at",
    "reverses_id",
    "source_ref",
    "actor_id",
    "actor_label",
    "note",
]


def test_fast_path_rows_equal_the_orm_paths(ent_a, ent_b, supervisor):
    """Same entry columns, same account movement, same audit event shape (every key and
    value of before/after but the enterprise and the entry id), and both hashes verify."""
    _fast(ent_a, supervisor)
    _orm(ent_b, supervisor)
    kw = {"source_ref": "complaint:7", "note": "逾期答复", "effective_at": WHEN}
    fast = LedgerEntry.objects.get(pk=_fast(ent_a, supervisor, **kw).pk)
    orm = LedgerEntry.objects.get(pk=_orm(ent_b, supervisor, **kw).pk)
    assert [getattr(fast, f) for f in ENTRY_FIELDS] == [getattr(orm, f) for f in ENTRY_FIELDS]
    a, b = Account.objects.get(pk=ent_a.pk), Account.objects.get(pk=ent_b.pk)
    assert (a.score, a.grade, a.entry_count) == (b.score, b.grade, b.entry_count) == (60, "B", 2)
    assert (a.last_entry_id, b.last_entry_id) == (fast.pk, orm.pk)
    ev_fast, ev_orm = _event(fast), _event(orm)
    for ev in (ev_fast, ev_orm):
        assert ev.content_hash == audit.content_hash(ev)
    assert (
        ev_fast.before
        == ev_orm.before
        == {
            "score": 80,
            "grade": "A",
            "on_bad_list": False,
            "on_dishonest_list": False,
        }
    )
    assert {**ev_fast.after, "enterprise": None} == {**ev_orm.after, "enterprise": None}
    assert ev_fast.after["effective_at"] == WHEN.isoformat() and ev_fast.after["score"] == 60
    same = ["actor_id", "actor_label", "action", "object_type", "reason", "request_id", "province"]
    ent_fields = [getattr(ev_fast, f) for f in same[:-1]], [getattr(ev_orm, f) for f in same[:-1]]
    assert ent_fields[0] == ent_fields[1]
    assert (ev_fast.enterprise_id, ev_fast.province) == (ent_a.pk, ent_a.province)
    assert ev_fast.seq is None and ev_fast.hash is None  # inserted unsealed, as record() does


def test_returned_entry_is_a_saved_instance(ent_a, supervisor):
    e = _fast(ent_a, supervisor, note="n")
    assert not e._state.adding and e._state.db == connection.alias
    assert e.rule.code == "TEST_DEDUCTION" and e.rule.description_zh == "测试"
    assert e.actor == supervisor and e.enterprise_id == ent_a.pk
    assert timezone.is_aware(e.recorded_at) and e.expires_at > e.effective_at


def _prepared_statements() -> list[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        return [r[0] for r in cur.fetchall()]


def test_statements_are_prepared_when_the_connection_allows(ent_a, supervisor):
    """DATABASES OPTIONS prepare_threshold (DB_PREPARED_STATEMENTS, on by default) lets the
    two statements be parsed and planned once per connection."""
    _fast(ent_a, supervisor)
    assert connection.connection.prepare_threshold is not None
    prepared = _prepared_statements()
    assert any("FOR UPDATE OF a" in s for s in prepared), prepared
    assert any(s.startswith("WITH e AS (INSERT INTO") for s in prepared), prepared


def test_without_prepared_statements_same_result(ent_a, supervisor):
    """Behind an old PgBouncer (DB_PREPARED_STATEMENTS=0) the same statements run unprepared."""
    raw = connection.connection
    saved = raw.prepare_threshold
    raw.prepare_threshold = None
    try:
        before = set(_prepared_statements())
        e = _fast(ent_a, supervisor, source_ref="unprepared")
        e2 = _fast(ent_a, supervisor, idempotency_key="k1")
        assert _fast(ent_a, supervisor, idempotency_key="k1").pk == e2.pk
        assert set(_prepared_statements()) == before
    finally:
        raw.prepare_threshold = saved
    acc = Account.objects.get(pk=ent_a.pk)
    assert (acc.score, acc.entry_count, acc.last_entry_id) == (60, 2, e2.pk)
    assert _event(e).content_hash == audit.content_hash(_event(e))


def test_statement_texts_built_once_per_process(ent_a, supervisor):
    _fast(ent_a, supervisor)
    first = ledger_pg._statements()
    assert ledger_pg._statements() is first
    # The entry id comes from the table's own sequence, so the ORM's inserts elsewhere and
    # the fast path never collide.
    assert "nextval('public.credit_ledgerentry_id_seq'::regclass)" in first["lock"]
    assert first["entry_attnames"][0] == "id" and "content_hash" in first["event_attnames"]
