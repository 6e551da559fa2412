"""Issue 17 §2–3: the statements one ``ledger_post`` sends to the database are pinned, so a
later change cannot quietly add round trips to the path every credit write takes."""

import cProfile
import os
import pstats
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.api import ApplicationError
from credit import services
from credit.models import Account, LedgerEntry
from regulator import audit
from regulator.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deduction")]


def _post(ent, actor, **kw):
    return services.ledger_post(actor=actor, enterprise=ent, rule_code="TEST_DEDUCTION", **kw)


def _statements(ent, actor, **kw) -> list[str]:
    if _is_pg():
        # The statement texts are built once per process, reading the ledger's sequence
        # name first: the budget is per post, whichever test happens to post first.
        from credit.services import ledger_pg

        ledger_pg._statements()
    with CaptureQueriesContext(connection) as ctx:
        _post(ent, actor, **kw)
    return [q["sql"] for q in ctx.captured_queries]


def test_profile_report(ent_a, supervisor):
    """Not an assertion: prints the statements of one warm post and a cProfile of N posts
    (``LEDGER_PROFILE_N=300 pytest -s -k profile_report``) for docs/benchmarks.md. Skipped
    unless asked: 300 posts add seconds to every suite run."""
    if not os.environ.get("LEDGER_PROFILE_N"):
        pytest.skip("set LEDGER_PROFILE_N to profile ledger_post")
    _post(ent_a, supervisor)  # account created, caches warm
    sql = _statements(ent_a, supervisor)
    keyed = _statements(ent_a, supervisor, idempotency_key="k-profile")
    n = int(os.environ["LEDGER_PROFILE_N"])
    db_time = [0.0]

    def timed(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_time[0] += time.perf_counter() - t0

    prof = cProfile.Profile()
    with connection.execute_wrapper(timed):
        t0 = time.perf_counter()
        prof.enable()
        for _ in range(n):
            _post(ent_a, supervisor)
        prof.disable()
        wall = time.perf_counter() - t0
    print(f"\n[ledger_post] vendor={connection.vendor} statements={len(sql)} with key={len(keyed)}")
    for s in sql:
        print("   ", s[:140])
    print(
        f"[ledger_post] {n} posts: wall {wall / n * 1e3:.3f} ms/post, "
        f"in execute {db_time[0] / n * 1e3:.3f} ms/post, Python {(wall - db_time[0]) / n * 1e3:.3f} ms/post"
    )
    pstats.Stats(prof).sort_stats("cumulative").print_stats(25)


def _is_pg() -> bool:
    return connection.vendor == "postgresql"


def test_single_post_statement_budget(ent_a, supervisor):
    """Issue 17 §2–3: on PostgreSQL a warm post is the lock-and-read statement and one
    CTE (entry, account, audit event) between BEGIN and COMMIT (shown here as SAVEPOINT
    and RELEASE); an idempotency key adds its look-up after the lock. Was 7 and 8."""
    _post(ent_a, supervisor)
    plain = _statements(ent_a, supervisor, source_ref="budget")
    keyed = _statements(ent_a, supervisor, idempotency_key="k-budget")
    replay = _statements(ent_a, supervisor, idempotency_key="k-budget")
    if _is_pg():
        assert len(plain) == 4, plain
        assert len(keyed) == 5, keyed
        assert len(replay) == 4, replay  # lock, key found: nothing written
        assert "FOR UPDATE" in plain[1] and plain[2].startswith("WITH e AS (INSERT INTO")
    else:
        assert len(plain) == 8, plain  # the ORM path queues the expiry in its own INSERT


def test_first_post_creates_account_then_same_path(ent_b, supervisor):
    sql = _statements(ent_b, supervisor)
    if _is_pg():
        # lock (no row), insert account ON CONFLICT DO NOTHING, lock again, CTE
        assert len(sql) == 6, sql
    acc = Account.objects.get(pk=ent_b.pk)
    assert (acc.score, acc.entry_count, acc.grade) == (80, 1, "A")


def test_fast_path_writes_what_the_orm_path_wrote(ent_a, supervisor):
    """The CTE writes the same rows the three ORM saves did: entry, account in step, and an
    audit event whose content hash verifies and whose snapshots are the account's."""
    e = _post(ent_a, supervisor, source_ref="same", note="why")
    stored = LedgerEntry.objects.select_related("rule").get(pk=e.pk)
    assert (stored.points, stored.rule.code, stored.rule_version, stored.note) == (
        -20,
        "TEST_DEDUCTION",
        1,
        "why",
    )
    assert stored.expires_at == e.expires_at and stored.actor_id == supervisor.pk
    acc = Account.objects.get(pk=ent_a.pk)
    assert (acc.score, acc.entry_count, acc.last_entry_id, acc.grade) == (80, 1, e.pk, "A")
    ev = AuditEvent.objects.get(action="credit.ledger_posting", object_id=str(e.pk))
    assert (ev.enterprise_id, ev.province, ev.reason) == (ent_a.pk, ent_a.province, "why")
    assert ev.before["score"] == 100 and ev.after["score"] == 80 and ev.after["rule"] == "TEST_DEDUCTION"
    assert ev.content_hash == audit.content_hash(ev)
    # The returned entry is a saved instance whose rule carries its descriptions (API output).
    assert not e._state.adding and e.rule.description_en == "test"


def test_rule_change_is_seen_by_the_next_post(ent_a, supervisor):
    """No stale rule: the rule is read with the lock, so an edit (in any process) applies
    to the very next post, and a retired rule is refused."""
    _post(ent_a, supervisor)
    services.rule_update(actor="test", code="TEST_DEDUCTION", points=-5)
    e = _post(ent_a, supervisor)
    assert (e.points, e.rule_version) == (-5, 2)
    services.rule_update(actor="test", code="TEST_DEDUCTION", active=False)
    with pytest.raises(ApplicationError) as exc:
        _post(ent_a, supervisor)
    assert "rule" in exc.value.errors
    assert Account.objects.get(pk=ent_a.pk).score == 75
