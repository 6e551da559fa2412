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


def sweep_expire_points(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Post an expiry entry for every posting whose counting period is over."""
    now = now or timezone.now()
    posted = 0
    last_id = 0
    while True:
        due = list(
            LedgerEntry.objects.filter(
                kind=EntryKind.POSTING, expires_at__lte=now, compensated_by__isnull=True, id__gt=last_id
            )
            .order_by("id")
            .values_list("id", "enterprise_id")[:batch]
        )
        if not due:
            return posted
        for entry_id, enterprise_id in due:
            last_id = entry_id
            with transaction.atomic():
                account = lock_account(enterprise_id)
                # Re-check under the lock: a concurrent sweep or correction may have won.
                if LedgerEntry.objects.filter(reverses_id=entry_id).exists():
                    continue
                original = LedgerEntry.objects.select_related("rule").get(pk=entry_id)
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
