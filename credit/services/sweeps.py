"""Daily sweeps (issue 3 §2, §4, §5). Each is idempotent: rows are claimed under the
account lock or by a conditional UPDATE, so a second run finds nothing left to do."""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from config.api import Conflict
from credit import conf
from credit import transitions as tr
from credit.models import (
    EntryKind,
    ExpiryDue,
    LedgerEntry,
    ListEntry,
    ListStatus,
    Objection,
    ObjectionStatus,
    RemovalReason,
    RepairRequest,
    RepairStatus,
)
from credit.services.common import lock_account
from credit.services.grades import grade_fix_due, grade_sweep
from credit.services.ledger import compensate_locked
from credit.services.lists import list_entry_publish
from regulator import audit

log = logging.getLogger(__name__)
SWEEP = "sweep"


def expiry_due(*, now: dt.datetime, after: tuple[dt.datetime, int] | None = None, batch: int = 500):
    """The next ``batch`` queue rows due at ``now``, oldest first, after the ``(expires_at,
    entry_id)`` key ``after``: (expires_at, entry_id, enterprise_id) tuples.

    A range read of the queue's primary key (expires_at, entry_id), which holds only postings
    whose expiry is not posted yet: the cost of a batch depends on the batch, not on how many
    postings have expired before (the ledger is not read at all). The key, rather than a
    fresh read from the start, skips the rows this run already deleted (dead until vacuumed).
    """
    rows = ExpiryDue.objects.filter(expires_at__lte=now)
    if after is not None:
        # The first condition alone is the index bound (it also holds when the backend
        # spells the row comparison out as OR).
        rows = rows.filter(expires_at__gte=after[0], pk__gt=after)
    rows = rows.order_by("expires_at", "entry_id")
    return rows.values_list("expires_at", "entry_id", "enterprise_id")[:batch]


def sweep_expire_points(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Post an expiry entry for every posting whose counting period is over.

    Due postings come from the queue (``ExpiryDue``), never from the ledger's history. No
    posting is missed: a posting and its queue row commit together (ledger.append_entry,
    ledger_post_batch, and one statement in ledger_pg), and a row leaves the queue only in
    the transaction that compensates its posting. So a posting committed while a run is
    under way, or one backdated so that it is due at once, is in the queue until expired:
    this run picks it up if its key is still ahead of the run's position, and the next run
    (which starts from the oldest due row) does otherwise.
    """
    now = now or timezone.now()
    posted = 0
    after = None
    while True:
        due = list(expiry_due(now=now, after=after, batch=batch))
        if not due:
            return posted
        for expires_at, entry_id, enterprise_id in due:
            after = (expires_at, entry_id)
            with transaction.atomic():
                account = lock_account(enterprise_id)
                # Re-check under the lock: a concurrent sweep or correction may have won
                # (its compensation deleted the queue row; drop it here all the same).
                if LedgerEntry.objects.filter(reverses_id=entry_id).exists():
                    ExpiryDue.objects.filter(expires_at=expires_at, entry_id=entry_id).delete()
                    continue
                original = LedgerEntry.objects.select_related("rule").get(pk=entry_id)
                # Posts the expiry (audited as every ledger entry) and deletes the queue row.
                compensate_locked(
                    account=account,
                    actor=SWEEP,
                    original=original,
                    kind=EntryKind.EXPIRY,
                    note="points period over",
                )
                posted += 1


def sweep_publish_due(*, today: dt.date | None = None) -> int:
    """Publish notified entries whose objection window has passed (no objection pending)."""
    if not conf.get("CREDIT_AUTO_PUBLISH"):
        return 0
    today = today or timezone.localdate()
    ids = ListEntry.objects.filter(status=ListStatus.NOTIFIED, objection_due_on__lt=today).values_list(
        "pk", flat=True
    )
    done = 0
    for pk in list(ids):
        try:
            list_entry_publish(actor=SWEEP, entry_id=pk, reason="objection window over")
            done += 1
        except Conflict:
            log.info("list entry %s changed under the publish sweep; skipped", pk)
    return done


def sweep_expire_listings(*, today: dt.date | None = None) -> int:
    """Remove published entries at the end of their retention period (§2.3 [D])."""
    today = today or timezone.localdate()
    ids = ListEntry.objects.filter(status=ListStatus.PUBLISHED, retention_until__lte=today).values_list(
        "pk", flat=True
    )
    done = 0
    for pk in list(ids):
        try:
            tr.transition(
                entry_id=pk,
                to=ListStatus.REMOVED,
                actor=SWEEP,
                action="removed",
                reason="retention period over",
                removal_reason=RemovalReason.EXPIRED,
                expect_from=frozenset({ListStatus.PUBLISHED}),
            )
            done += 1
        except Conflict:
            log.info("list entry %s changed under the expiry sweep; skipped", pk)
    return done


def sweep_flag_overdue(*, today: dt.date | None = None) -> dict[str, int]:
    """Flag objections and repairs whose answer is late. Conditional UPDATE: flags once."""
    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        obj_ids = list(
            Objection.objects.select_for_update(skip_locked=True)
            .filter(status=ObjectionStatus.PENDING, reply_due_on__lt=today, overdue_flagged_at__isnull=True)
            .values_list("pk", flat=True)
        )
        objections = Objection.objects.filter(pk__in=obj_ids, overdue_flagged_at__isnull=True).update(
            overdue_flagged_at=now
        )
        late_repairs = Q(status=RepairStatus.SUBMITTED, accept_due_on__lt=today) | Q(
            status=RepairStatus.ACCEPTED, decide_due_on__lt=today
        )
        rep_ids = list(
            RepairRequest.objects.select_for_update(skip_locked=True)
            .filter(late_repairs, overdue_flagged_at__isnull=True)
            .values_list("pk", flat=True)
        )
        repairs = RepairRequest.objects.filter(pk__in=rep_ids, overdue_flagged_at__isnull=True).update(
            overdue_flagged_at=now
        )
        if objections or repairs:
            audit.record(
                actor=SWEEP,
                action="credit.overdue_flagged",
                object_type="credit.sweep",
                object_id=str(today),
                after={"objections": obj_ids, "repairs": rep_ids},
            )
    return {"objections": objections, "repairs": repairs}


def sweep_daily() -> dict[str, object]:
    return {
        "points_expired": sweep_expire_points(),
        "entries_published": sweep_publish_due(),
        "entries_expired": sweep_expire_listings(),
        "overdue": sweep_flag_overdue(),
        "grades": grade_sweep(),
        "grades_fixed": grade_fix_due(),
    }


def requeue_expiries(*, actor) -> int:
    """Queue the expiry of every posting that has one, is not compensated and has no queue
    row (migration 0011's fill, run again): after a rolling deploy of 0011, processes still on
    the earlier code may have posted without queue rows. Idempotent; audited with the count."""
    import importlib
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    fill = importlib.import_module("credit.migrations.0011_expiry_queue").fill_expiry_queue
    with transaction.atomic():
        added = fill(apps, SimpleNamespace(connection=connection))
        audit.record(
            actor=actor,
            action="credit.expiry_queue_filled",
            object_type="credit.expirydue",
            object_id="",
            after={"queued": added},
        )
    return added
