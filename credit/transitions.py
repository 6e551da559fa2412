"""The list-entry state machine (issue 3 §4). Only ``transition`` assigns a status.

proposed → notified → (objected ⇄ notified) → published → removed; removal is also
allowed before publication for some reasons (REMOVAL_FROM). Every change writes a
ListEvent row and an audit event.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import Conflict, NotFound
from credit import conf
from credit.models import EntryKind, LedgerEntry, ListEntry, ListEvent, ListStatus, RemovalReason
from credit.services.common import lock_account, refresh_list_flags
from credit.services.ledger import compensate_locked
from regulator import audit, calendar
from regulator.audit import actor_fields
from regulator.dates import add_years

S = ListStatus
ALLOWED: dict[str, frozenset[str]] = {
    S.PROPOSED: frozenset({S.NOTIFIED, S.REMOVED}),
    S.NOTIFIED: frozenset({S.OBJECTED, S.PUBLISHED, S.REMOVED}),
    S.OBJECTED: frozenset({S.NOTIFIED, S.REMOVED}),
    S.PUBLISHED: frozenset({S.REMOVED}),
    S.REMOVED: frozenset(),
}

R = RemovalReason
# Which states each removal reason may end (§2.3).
REMOVAL_FROM: dict[str, frozenset[str]] = {
    R.EXPIRED: frozenset({S.PUBLISHED}),
    R.REPAIRED: frozenset({S.PUBLISHED}),
    R.OBJECTION_UPHELD: frozenset({S.OBJECTED}),
    R.REPORT_FILED: frozenset({S.PROPOSED, S.NOTIFIED, S.OBJECTED, S.PUBLISHED}),
    R.WITHDRAWN: frozenset({S.PROPOSED, S.NOTIFIED, S.OBJECTED}),
}
# The entry was wrong: its points are reversed, not left to expire.
REVERSES_POINTS = frozenset({R.OBJECTION_UPHELD, R.WITHDRAWN})


def snapshot(entry: ListEntry) -> dict:
    return {
        "status": entry.status,
        "removal_reason": entry.removal_reason,
        "notified_on": entry.notified_on,
        "objection_due_on": entry.objection_due_on,
        "published_on": entry.published_on,
        "effective_on": entry.effective_on,
        "retention_until": entry.retention_until,
        "end_on": entry.end_on,
    }


def record_event(
    *, entry: ListEntry, actor, frm: str, to: str, action: str, reason: str, data=None
) -> ListEvent:
    user, label = actor_fields(actor)
    return ListEvent.objects.create(
        entry=entry,
        from_status=frm,
        to_status=to,
        action=action,
        actor=user,
        actor_label=label,
        reason=reason,
        data=data or {},
        occurred_at=timezone.now(),
    )


def transition(
    *,
    entry_id: int,
    to: str,
    actor,
    action: str,
    reason: str = "",
    removal_reason: str = "",
    objection_window: bool = True,
    expect_from: frozenset[str] | None = None,
) -> ListEntry:
    """Lock, check the edge, apply the dates of the new state, write event + audit, save."""
    ent_id = ListEntry.objects.filter(pk=entry_id).values_list("enterprise_id", flat=True).first()
    if ent_id is None:
        raise NotFound(_("Not found."))
    with transaction.atomic():
        account = lock_account(ent_id)  # lock order: account, then entry
        entry = ListEntry.objects.select_for_update().get(pk=entry_id)
        frm = entry.status
        if to not in ALLOWED[frm] or (expect_from is not None and frm not in expect_from):
            raise Conflict(
                _("A list entry cannot go from %(frm)s to %(to)s.") % {"frm": frm, "to": to},
                code="invalid_transition",
            )
        if to == S.REMOVED and frm not in REMOVAL_FROM.get(removal_reason, frozenset()):
            raise Conflict(
                _("A %(status)s entry cannot be removed for reason %(reason)s.")
                % {"status": frm, "reason": removal_reason or "-"},
                code="invalid_transition",
            )
        before = snapshot(entry)
        today = timezone.localdate()
        if to == S.NOTIFIED and frm == S.PROPOSED:
            entry.notified_on = today
            if objection_window:
                days = conf.get("CREDIT_OBJECTION_WINDOW_WORKING_DAYS")
                entry.objection_due_on = calendar.add_working_days(today, days)
                entry.calendar_version = calendar.version()
        elif to == S.PUBLISHED:
            entry.published_on = today
            entry.published_at = timezone.now()
            entry.effective_on = today
            years = conf.get("CREDIT_RETENTION_YEARS")[entry.list_kind]
            entry.retention_until = add_years(today, years)
        elif to == S.REMOVED:
            entry.end_on = today
            entry.removal_reason = removal_reason
        entry.status = to
        entry.save()
        record_event(entry=entry, actor=actor, frm=frm, to=to, action=action, reason=reason)
        audit.record(
            actor=actor,
            action=f"credit.list_entry_{action}",
            obj=entry,
            before=before,
            after=snapshot(entry),
            reason=reason,
        )
        if to == S.REMOVED and removal_reason in REVERSES_POINTS and entry.ledger_entry_id:
            original = LedgerEntry.objects.select_related("rule").get(pk=entry.ledger_entry_id)
            if not LedgerEntry.objects.filter(reverses=original).exists():
                compensate_locked(
                    account=account,
                    actor=actor,
                    original=original,
                    kind=EntryKind.REVERSAL,
                    note=f"list entry {entry.pk} {removal_reason}",
                )
        if to == S.PUBLISHED or frm == S.PUBLISHED:
            refresh_list_flags(account)
    return entry
