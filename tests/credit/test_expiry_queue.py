"""The expiry sweep's queue (credit.ExpiryDue, migration 0011): written with every posting
that has an expiry, emptied by the compensation, and the only thing the sweep reads to find
due postings, so that a batch costs the same however much history the ledger holds."""

import datetime as dt
import importlib
import io
import json
import threading

import pytest
from django.apps import apps as django_apps
from django.db import connection, transaction
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config.api import Conflict
from credit import services
from credit.models import EntryKind, ExpiryDue, LedgerEntry
from credit.services import Posting
from credit.services.common import lock_account
from credit.services.ledger import post_locked, postable_rule
from credit.services.sweeps import expiry_due
from regulator.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deduction")]

LONG_AGO = dt.timedelta(days=400)  # TEST_DEDUCTION counts 12 months: due at once


@pytest.fixture
def forever(db):
    """A rule whose points count until reversed (0 months): its postings have no expiry."""
    return services.rule_create(
        actor="test",
        code="TEST_FOREVER",
        description_en="t",
        description_zh="测",
        points=5,
        validity_months=0,
    )


def _post(ent, actor, *, ago=dt.timedelta(0), rule="TEST_DEDUCTION", **kw):
    return services.ledger_post(
        actor=actor, enterprise=ent, rule_code=rule, effective_at=timezone.now() - ago, **kw
    )


def _queued() -> set[tuple[dt.datetime, int, int]]:
    return set(ExpiryDue.objects.values_list("expires_at", "entry_id", "enterprise_id"))


def _row(e: LedgerEntry) -> tuple[dt.datetime, int, int]:
    return (e.expires_at, e.pk, e.enterprise_id)


# --- Written with the posting -------------------------------------------------------


def test_single_post_queues_its_expiry_in_the_same_statement(ent_a, supervisor):
    _post(ent_a, supervisor)  # account exists, statement texts built
    with CaptureQueriesContext(connection) as ctx:
        e = _post(ent_a, supervisor)
    assert e.expires_at is not None
    assert _row(e) in _queued()
    if connection.vendor == "postgresql":
        # The fast path: the queue insert rides in the posting's CTE (no statement more).
        writes = [q["sql"] for q in ctx.captured_queries if "credit_expirydue" in q["sql"]]
        assert len(writes) == 1 and writes[0].startswith("WITH e AS (INSERT INTO"), writes


def test_orm_path_queues_its_expiry(ent_a, supervisor):
    """post_locked → append_entry: the path SQLite uses, and list publication everywhere."""
    with transaction.atomic():
        account = lock_account(ent_a.pk)
        e = post_locked(account=account, actor=supervisor, rule=postable_rule("TEST_DEDUCTION"))
    assert _queued() == {_row(e)}


def test_batch_queues_every_posting_with_an_expiry(ent_a, ent_b, supervisor, forever):
    entries = services.ledger_post_batch(
        actor=supervisor,
        postings=[
            Posting(ent_a.pk, "TEST_DEDUCTION"),
            Posting(ent_b.pk, "TEST_DEDUCTION"),
            Posting(ent_b.pk, "TEST_FOREVER"),
        ],
    )
    assert entries[2].expires_at is None
    assert _queued() == {_row(entries[0]), _row(entries[1])}


def test_posting_without_expiry_is_not_queued(ent_a, supervisor, forever):
    e = _post(ent_a, supervisor, rule="TEST_FOREVER")
    assert e.expires_at is None and not ExpiryDue.objects.exists()


def test_failed_post_leaves_no_queue_row(ent_a, supervisor):
    """Idempotency-key conflict: nothing is written, the queue included."""
    _post(ent_a, supervisor, idempotency_key="k")
    with pytest.raises(Conflict):
        _post(ent_a, supervisor, idempotency_key="k", rule="BONUS_ANNUAL_REPORT")
    assert ExpiryDue.objects.count() == 1


# --- Emptied by the compensation ------------------------------------------------------


def test_reversal_takes_the_posting_off_the_queue(ent_a, supervisor):
    e = _post(ent_a, supervisor, ago=LONG_AGO)
    services.ledger_reverse(actor=supervisor, entry_id=e.pk, reason="wrong enterprise")
    assert not ExpiryDue.objects.exists()
    assert services.sweep_expire_points() == 0
    assert not LedgerEntry.objects.filter(kind=EntryKind.EXPIRY).exists()


# --- The sweep -------------------------------------------------------------------------


def test_sweep_expires_due_postings_once(ent_a, ent_b, supervisor):
    due_a = _post(ent_a, supervisor, ago=LONG_AGO)
    due_b = _post(ent_b, supervisor, ago=LONG_AGO)
    live = _post(ent_a, supervisor)
    assert services.sweep_expire_points(batch=1) == 2  # several batches
    assert _queued() == {_row(live)}
    for e in (due_a, due_b):
        exp = LedgerEntry.objects.get(reverses=e)
        assert (exp.kind, exp.points, exp.effective_at) == (EntryKind.EXPIRY, 20, e.expires_at)
        # Audited as before: one ledger event for the expiry entry, by the sweep.
        ev = AuditEvent.objects.get(action="credit.ledger_expiry", object_id=str(exp.pk))
        assert ev.actor_label == "sweep"
    assert services.sweep_expire_points() == 0  # idempotent
    assert LedgerEntry.objects.filter(kind=EntryKind.EXPIRY).count() == 2


def test_sweep_respects_now(ent_a, supervisor):
    e = _post(ent_a, supervisor)
    assert services.sweep_expire_points(now=e.expires_at - dt.timedelta(seconds=1)) == 0
    assert services.sweep_expire_points(now=e.expires_at) == 1
    assert not ExpiryDue.objects.exists()


def test_sweep_drops_a_row_whose_posting_is_already_compensated(ent_a, supervisor):
    """The re-check under the lock: a row left behind by a compensation (e.g. one that
    committed between the batch read and the lock) is dropped, never expired."""
    e = _post(ent_a, supervisor, ago=LONG_AGO)
    services.ledger_reverse(actor=supervisor, entry_id=e.pk, reason="error")
    ExpiryDue.objects.create(expires_at=e.expires_at, entry_id=e.pk, enterprise_id=ent_a.pk)
    assert services.sweep_expire_points() == 0
    assert not ExpiryDue.objects.exists()
    assert LedgerEntry.objects.filter(reverses=e).get().kind == EntryKind.REVERSAL


def test_backdated_posting_is_caught_by_the_next_run(ent_a, supervisor):
    assert services.sweep_expire_points() == 0
    e = _post(ent_a, supervisor, ago=LONG_AGO)  # due the moment it is posted
    assert services.sweep_expire_points() == 1
    assert LedgerEntry.objects.filter(reverses=e, kind=EntryKind.EXPIRY).exists()


def test_posting_behind_a_running_sweep_is_caught_by_the_next_run(ent_a, ent_b, supervisor, monkeypatch):
    """A posting committed during a run, with a key the run has already passed, stays queued
    and the next run (which starts from the oldest due row) expires it."""
    from credit.services import sweeps

    first = _post(ent_a, supervisor, ago=LONG_AGO)
    later: list[LedgerEntry] = []
    real = sweeps.compensate_locked

    def compensate_then_post(**kw):
        out = real(**kw)
        if not later:  # a backdated posting older than the run's position
            later.append(_post(ent_b, supervisor, ago=LONG_AGO + dt.timedelta(days=30)))
        return out

    monkeypatch.setattr(sweeps, "compensate_locked", compensate_then_post)
    assert services.sweep_expire_points() == 1
    assert later[0].expires_at < first.expires_at and _queued() == {_row(later[0])}
    assert services.sweep_expire_points() == 1
    assert not ExpiryDue.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_sweep_racing_posts_and_reversals_expires_each_live_posting_once(ent_a, ent_b, supervisor):
    """Real threads: a sweep runs while backdated postings are committed and some are
    reversed. After one more run every posting is compensated exactly once, and the queue
    is empty."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    for ent in (ent_a, ent_b):
        for _ in range(10):
            _post(ent, supervisor, ago=LONG_AGO)
    errors: list[BaseException] = []
    reversed_: list[int] = []
    barrier = threading.Barrier(3)

    def sweep():
        try:
            barrier.wait()
            services.sweep_expire_points(batch=3)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    def post(ent):
        try:
            barrier.wait()
            for i in range(10):
                e = _post(ent, supervisor, ago=LONG_AGO + dt.timedelta(days=i))
                if i % 3 == 0:
                    try:
                        services.ledger_reverse(actor=supervisor, entry_id=e.pk, reason="error")
                        reversed_.append(e.pk)
                    except Conflict:
                        pass  # the sweep expired it first: the 409 a correction then gets
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=sweep),
        *(threading.Thread(target=post, args=(e,)) for e in (ent_a, ent_b)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    services.sweep_expire_points()
    postings = LedgerEntry.objects.filter(kind=EntryKind.POSTING)
    assert postings.count() == 40
    assert not postings.filter(compensated_by__isnull=True).exists()  # each compensated...
    reversals = set(LedgerEntry.objects.filter(kind=EntryKind.REVERSAL).values_list("reverses_id", flat=True))
    assert reversals == set(reversed_)
    assert LedgerEntry.objects.filter(kind=EntryKind.EXPIRY).count() == 40 - len(reversals)  # ...once
    assert not ExpiryDue.objects.exists()


# --- Migration 0011's fill ---------------------------------------------------------------


def test_fill_queues_exactly_the_uncompensated_postings_with_an_expiry(ent_a, ent_b, supervisor, forever):
    live = [_post(ent_a, supervisor), _post(ent_b, supervisor, ago=LONG_AGO)]  # the second is due
    reversed_ = _post(ent_a, supervisor)
    services.ledger_reverse(actor=supervisor, entry_id=reversed_.pk, reason="error")
    expired = _post(ent_b, supervisor, ago=dt.timedelta(days=800))
    services.sweep_expire_points(now=expired.expires_at)
    _post(ent_a, supervisor, rule="TEST_FOREVER")
    expected = {_row(e) for e in live}
    assert _queued() == expected
    ExpiryDue.objects.all().delete()  # as a database migrated before the queue existed

    fill = importlib.import_module("credit.migrations.0011_expiry_queue").fill_expiry_queue
    with connection.schema_editor() as editor:
        fill(django_apps, editor)
    assert _queued() == expected
    with connection.schema_editor() as editor:
        fill(django_apps, editor)  # again: idempotent (a duplicate would break the key)
    assert ExpiryDue.objects.count() == 2


# --- The due query reads the queue, not the history ------------------------------------------


def _rows_read(queryset) -> tuple[int, set[str]]:
    """Rows the executed plan read from tables (returned plus filtered out, times loops),
    and the tables it read, from EXPLAIN (ANALYZE, FORMAT JSON)."""
    plan = json.loads(queryset.explain(format="json", analyze=True))[0]["Plan"]
    total, tables, stack = 0, set(), [plan]
    while stack:
        node = stack.pop()
        stack.extend(node.get("Plans", []))
        if "Relation Name" in node:
            tables.add(node["Relation Name"])
            seen = (
                node["Actual Rows"]
                + node.get("Rows Removed by Filter", 0)
                + node.get("Rows Removed by Index Recheck", 0)
            )
            total += seen * node["Actual Loops"]
    return total, tables


def test_due_query_does_not_read_handled_history(ent_a, ent_b, supervisor):
    """N postings expired and swept, one due, two not yet due: the sweep's batch query reads
    the queue's three live rows and nothing of the ledger. The query the sweep used before
    (ledger postings due, less the compensated ones) reads every handled posting."""
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN ANALYZE JSON is PostgreSQL's")
    n = 200
    old = timezone.now() - LONG_AGO
    services.ledger_post_batch(
        actor=supervisor,
        postings=[Posting((ent_a, ent_b)[i % 2].pk, "TEST_DEDUCTION", effective_at=old) for i in range(n)],
    )
    assert services.sweep_expire_points() == n
    due = _post(ent_a, supervisor, ago=LONG_AGO)
    _post(ent_a, supervisor)
    _post(ent_b, supervisor)
    now = timezone.now()

    batch = expiry_due(now=now)
    assert [r[1] for r in batch] == [due.pk]
    read, tables = _rows_read(batch)
    assert tables == {ExpiryDue._meta.db_table}
    assert read <= 3, read  # the queue's live rows at most, whatever n is

    # Keyset continuation reads from the run's position on, and at scale it is a range
    # read of the queue's primary key (the planner prefers a scan of three rows here).
    after = expiry_due(now=now, after=(due.expires_at, due.pk))
    assert list(after) == []
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off")
        plan = json.loads(expiry_due(now=now).explain(format="json"))[0]["Plan"]
        scans = [plan]
        while "Relation Name" not in scans[-1]:
            scans.append(scans[-1]["Plans"][0])
        assert scans[-1]["Node Type"] == "Index Scan" and scans[-1]["Index Name"] == "credit_expirydue_pkey"
        assert "expires_at" in scans[-1]["Index Cond"]

    # The check tells the two designs apart: the old query reads the handled history.
    before = (
        LedgerEntry.objects.filter(kind=EntryKind.POSTING, expires_at__lte=now, compensated_by__isnull=True)
        .order_by("id")
        .values_list("id", "enterprise_id")[:500]
    )
    assert [r[0] for r in before] == [due.pk]
    old_read, _ = _rows_read(before)
    assert old_read >= n, old_read


def test_compensation_delete_is_one_statement(ent_a, supervisor):
    """The queue row goes by its primary key in one DELETE (no collector SELECT first)."""
    e = _post(ent_a, supervisor, ago=LONG_AGO)
    with CaptureQueriesContext(connection) as ctx:
        services.ledger_reverse(actor=supervisor, entry_id=e.pk, reason="error")
    deletes = [q["sql"] for q in ctx.captured_queries if "credit_expirydue" in q["sql"]]
    assert len(deletes) == 1 and deletes[0].startswith("DELETE FROM"), deletes


def test_queue_keys_match_the_ledger(ent_a, supervisor):
    """Every queued row names a posting with that expiry and enterprise, not compensated."""
    for i in range(3):
        _post(ent_a, supervisor, ago=dt.timedelta(days=i))
    for expires_at, entry_id, enterprise_id in _queued():
        assert LedgerEntry.objects.filter(
            Q(pk=entry_id, expires_at=expires_at, enterprise_id=enterprise_id, kind=EntryKind.POSTING),
            compensated_by__isnull=True,
        ).exists()


def test_requeue_command_after_a_rolling_deploy(ent_a, ent_b, supervisor):
    """Postings made by processes still on the code before 0011 carry no queue row: the
    command queues them (once: a second run adds nothing) and audits the count."""
    from django.core.management import call_command

    posted = [_post(ent_a, supervisor), _post(ent_b, supervisor)]
    ExpiryDue.objects.filter(entry=posted[1]).delete()  # as the earlier code posted it
    out = io.StringIO()
    call_command("credit_requeue_expiries", stdout=out)
    assert "1 postings queued" in out.getvalue() and _queued() == {_row(e) for e in posted}
    event = AuditEvent.objects.filter(action="credit.expiry_queue_filled").latest("id")
    assert (event.actor_label, event.after) == ("operator", {"queued": 1})
    call_command("credit_requeue_expiries", stdout=io.StringIO())
    assert ExpiryDue.objects.count() == 2
