"""The credit state machines (DESIGN.md, State machines). Only the functions here assign a
status; each locks the row, checks the edge (409 otherwise), writes the event row and the
audit event, and saves.

List entries: proposed → notified → (objected ⇄ notified) → published → removed; removal
is also allowed before publication for some reasons (REMOVAL_FROM). A listing's points are
posted when it is published and reversed when a published entry is found wrong (§2.3).
Objections, repair requests and yearly grade records have their own maps below.
"""

from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import Conflict, NotFound
from credit import conf
from credit.models import (
    EntryKind,
    GradeEvent,
    GradeRecord,
    GradeStatus,
    LedgerEntry,
    ListEntry,
    ListEvent,
    ListStatus,
    Objection,
    ObjectionEvent,
    ObjectionStatus,
    RemovalReason,
    RepairEvent,
    RepairRequest,
    RepairStatus,
    RuleVersion,
)
from credit.services.common import lock_account, refresh_list_flags
from credit.services.ledger import compensate_locked, post_locked
from regulator import audit
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
    # From published only for a direct listing, objected to after publication (§2.2, §2.3).
    R.OBJECTION_UPHELD: frozenset({S.OBJECTED, S.PUBLISHED}),
    R.REPORT_FILED: frozenset({S.PROPOSED, S.NOTIFIED, S.OBJECTED, S.PUBLISHED}),
    # The basis was annulled (reconsideration, court) or the authority withdrew the entry.
    R.WITHDRAWN: frozenset({S.PROPOSED, S.NOTIFIED, S.OBJECTED, S.PUBLISHED}),
}
# The entry was wrong: its points are reversed, not left to expire.
REVERSES_POINTS = frozenset({R.OBJECTION_UPHELD, R.WITHDRAWN})


def snapshot(entry: ListEntry) -> dict:
    return {
        "status": entry.status,
        "removal_reason": entry.removal_reason,
        "notified_on": entry.notified_on,
        "notice_method": entry.notice_method,
        "notice_delivered_on": entry.notice_delivered_on,
        "objection_due_on": entry.objection_due_on,
        "published_on": entry.published_on,
        "effective_on": entry.effective_on,
        "retention_until": entry.retention_until,
        "end_on": entry.end_on,
        "fulfilled_on": entry.fulfilled_on,
        "ledger_entry": entry.ledger_entry_id,
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


def refuse(frm: str, to: str) -> Conflict:
    return Conflict(
        _("A list entry cannot go from %(frm)s to %(to)s.") % {"frm": frm, "to": to},
        code="invalid_transition",
    )


def _check_removal(entry: ListEntry, frm: str, removal_reason: str) -> None:
    if frm not in REMOVAL_FROM.get(removal_reason, frozenset()):
        raise Conflict(
            _("A %(status)s entry cannot be removed for reason %(reason)s.")
            % {"status": frm, "reason": removal_reason or "-"},
            code="invalid_transition",
        )
    # The rule decides, never the caller (issue 10 §2).
    if removal_reason == R.REPORT_FILED and not entry.rule.annual_report:
        raise Conflict(
            _("Only an annual-report entry ends when a report is filed."), code="invalid_transition"
        )
    if removal_reason == R.REPAIRED and entry.rule.code in conf.get("CREDIT_NON_REPAIRABLE_RULES"):
        raise Conflict(_("Entries of this kind cannot be repaired."), code="not_repairable")
    if removal_reason == R.OBJECTION_UPHELD and frm == S.PUBLISHED and not entry.rule.direct_listing:
        raise Conflict(_("A published entry is not open to objection."), code="invalid_transition")


def transition(
    *,
    entry_id: int,
    to: str,
    actor,
    action: str,
    reason: str = "",
    removal_reason: str = "",
    expect_from: frozenset[str] | None = None,
    fields: dict[str, Any] | None = None,
) -> ListEntry:
    """Lock, check the edge, apply the new state's dates (and ``fields``), write the event
    and the audit event, post or reverse the points, save."""
    ent_id = ListEntry.objects.filter(pk=entry_id).values_list("enterprise_id", flat=True).first()
    if ent_id is None:
        raise NotFound(_("Not found."))
    with transaction.atomic():
        account = lock_account(ent_id)  # lock order: account, then entry
        entry = ListEntry.objects.select_for_update().select_related("rule").get(pk=entry_id)
        frm = entry.status
        if to not in ALLOWED[frm] or (expect_from is not None and frm not in expect_from):
            raise refuse(frm, to)
        if to == S.REMOVED:
            _check_removal(entry, frm, removal_reason)
        before = snapshot(entry)
        today = timezone.localdate()
        for k, v in (fields or {}).items():
            setattr(entry, k, v)
        if to == S.PUBLISHED:
            entry.published_on = today
            entry.published_at = timezone.now()
            entry.effective_on = today
            years = conf.get("CREDIT_RETENTION_YEARS")[entry.list_kind]
            entry.retention_until = add_years(today, years)
            # §2.3: nothing unpublished moves a score; the points count from publication.
            entry.ledger_entry = post_locked(
                account=account,
                actor=actor,
                rule=entry.rule,
                version=RuleVersion.objects.filter(rule=entry.rule, version=entry.rule_version).first(),
                source_ref=f"list-entry:{entry.pk}",
                note=entry.reason,
                effective_at=entry.published_at,
            )
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
        if to == S.REMOVED and removal_reason != R.OBJECTION_UPHELD:
            # An objection still pending has nothing left to decide: close it, so that it
            # is neither answered later nor flagged overdue.
            for pk in Objection.objects.filter(entry=entry, status=ObjectionStatus.PENDING).values_list(
                "pk", flat=True
            ):
                case_transition(
                    Objection, pk=pk, to=ObjectionStatus.MOOT, actor=actor, action="closed", reason=reason
                )
        if to == S.PUBLISHED or frm == S.PUBLISHED:
            refresh_list_flags(account)
    return entry


def amend(
    *, entry_id: int, actor, action: str, reason: str, fields: dict[str, Any], allowed_in: frozenset[str]
) -> ListEntry:
    """A dated fact about an entry that does not change its status (notice delivered,
    penalty carried out): same lock, event row and audit event as a transition."""
    with transaction.atomic():
        entry = ListEntry.objects.select_for_update().filter(pk=entry_id).first()
        if entry is None:
            raise NotFound(_("Not found."))
        if entry.status not in allowed_in:
            raise Conflict(
                _("Not possible for a %(status)s entry.") % {"status": entry.status},
                code="invalid_transition",
            )
        before = snapshot(entry)
        for k, v in fields.items():
            setattr(entry, k, v)
        entry.save()
        record_event(
            entry=entry, actor=actor, frm=entry.status, to=entry.status, action=action, reason=reason
        )
        audit.record(
            actor=actor,
            action=f"credit.list_entry_{action}",
            obj=entry,
            before=before,
            after=snapshot(entry),
            reason=reason,
        )
    return entry


# --- objections, repairs and grade records ------------------------------------------------

OBJECTION_ALLOWED: dict[str, frozenset[str]] = {
    ObjectionStatus.PENDING: frozenset(
        {ObjectionStatus.UPHELD, ObjectionStatus.REJECTED, ObjectionStatus.MOOT}
    ),
    ObjectionStatus.UPHELD: frozenset(),
    ObjectionStatus.REJECTED: frozenset(),
    ObjectionStatus.MOOT: frozenset(),
}
RS = RepairStatus
REPAIR_ALLOWED: dict[str, frozenset[str]] = {
    RS.SUBMITTED: frozenset({RS.ACCEPTED, RS.NOT_ACCEPTED}),
    RS.ACCEPTED: frozenset({RS.GRANTED, RS.REFUSED}),
    RS.NOT_ACCEPTED: frozenset(),
    RS.GRANTED: frozenset(),
    RS.REFUSED: frozenset(),
}
G = GradeStatus
GRADE_ALLOWED: dict[str, frozenset[str]] = {
    G.PUBLICITY: frozenset({G.OBJECTED, G.FIXED}),
    # The objection answered (grade confirmed or corrected): publicity resumes; the sweep
    # fixes the record once the publicity period is over.
    G.OBJECTED: frozenset({G.PUBLICITY}),
    G.FIXED: frozenset(),
}

_CASES: dict[type[Model], tuple[type[Model], str, dict[str, frozenset[str]], str]] = {
    Objection: (ObjectionEvent, "objection", OBJECTION_ALLOWED, "objection"),
    RepairRequest: (RepairEvent, "repair", REPAIR_ALLOWED, "repair"),
    GradeRecord: (GradeEvent, "record", GRADE_ALLOWED, "grade_record"),
}


def _plain(value: Any) -> Any:
    return value.pk if isinstance(value, Model) else value


def case_created(*, row: Model, actor, action: str, reason: str = "", after: dict | None = None) -> None:
    """The event row (from "") and audit event of a newly filed objection, repair or record."""
    event_model, fk, _allowed, label = _CASES[type(row)]
    user, actor_label = actor_fields(actor)
    event_model.objects.create(
        **{fk: row},
        from_status="",
        to_status=row.status,
        action=action,
        actor=user,
        actor_label=actor_label,
        reason=reason,
        occurred_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action=f"credit.{label}_{action}",
        obj=row,
        after={"status": row.status, **(after or {})},
        reason=reason,
    )


def case_transition(
    model: type[Model], *, pk: int, to: str, actor, action: str, reason: str = "", fields: dict | None = None
) -> Any:
    """One transition function for objections, repairs and grade records (their maps above)."""
    event_model, fk, allowed, label = _CASES[model]
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=pk).first()
        if row is None:
            raise NotFound(_("Not found."))
        frm = row.status
        if to not in allowed[frm]:
            raise Conflict(
                _("Cannot go from %(frm)s to %(to)s.") % {"frm": frm, "to": to}, code="invalid_transition"
            )
        fields = fields or {}
        before = {"status": frm, **{k: _plain(getattr(row, k)) for k in fields}}
        for k, v in fields.items():
            setattr(row, k, v)
        row.status = to
        row.save()
        user, actor_label = actor_fields(actor)
        event_model.objects.create(
            **{fk: row},
            from_status=frm,
            to_status=to,
            action=action,
            actor=user,
            actor_label=actor_label,
            reason=reason,
            occurred_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action=f"credit.{label}_{action}",
            obj=row,
            before=before,
            after={"status": to, **{k: _plain(v) for k, v in fields.items()}},
            reason=reason,
        )
    return row
