"""Objections and credit repair (REGULATION §2.3). Deadlines are working days on the
calendar; each stores the resolved date and the calendar version. Every status change goes
through credit.transitions.case_transition (event row + audit event)."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from credit import access, conf
from credit import transitions as tr
from credit.models import (
    ListEntry,
    ListStatus,
    Objection,
    ObjectionStatus,
    RemovalReason,
    RepairRequest,
    RepairStatus,
)
from credit.services.common import lock_account
from regulator import calendar
from regulator.dates import add_months
from regulator.models import Role

S = ListStatus


def _entry_of_own(actor, entry_id: int) -> ListEntry:
    # Enterprise users act on their own entries only; others' entries answer 404.
    entry = ListEntry.objects.select_related("rule").filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("Not found."))
    access.require_own(actor, entry.enterprise_id)
    return entry


def _required(**fields: str) -> None:
    missing = {k: [_("Required.")] for k, v in fields.items() if not (v or "").strip()}
    if missing:
        raise ApplicationError(_("Some required fields are empty."), errors=missing)


def _open_to_objection(entry: ListEntry) -> bool:
    # §2.3: within the window after the notice is delivered; a direct listing (§2.2) is
    # already published and is objected to afterwards, within the same window.
    if entry.objection_due_on is None:
        return False
    return entry.status == S.NOTIFIED or (entry.status == S.PUBLISHED and entry.rule.direct_listing)


def objection_file(*, actor, entry_id: int, grounds: str) -> Objection:
    _required(grounds=grounds)
    entry = _entry_of_own(actor, entry_id)
    today = timezone.localdate()
    if not _open_to_objection(entry):
        raise Conflict(_("This entry is not open to objection."), code="invalid_transition")
    if today > entry.objection_due_on:
        raise Conflict(
            _("The objection window closed on %(day)s.") % {"day": entry.objection_due_on},
            code="objection_window_closed",
        )
    try:
        with transaction.atomic():
            if entry.status == S.NOTIFIED:
                tr.transition(
                    entry_id=entry.pk,
                    to=S.OBJECTED,
                    actor=actor,
                    action="objected",
                    reason=grounds,
                    expect_from=frozenset({S.NOTIFIED}),
                )
            obj = Objection.objects.create(
                entry=entry,
                enterprise_id=entry.enterprise_id,
                filed_by=actor,
                filed_at=timezone.now(),
                grounds=grounds.strip(),
                reply_due_on=calendar.add_working_days(
                    today, conf.get("CREDIT_OBJECTION_REPLY_WORKING_DAYS")
                ),
                calendar_version=calendar.version(),
            )
            tr.case_created(
                row=obj,
                actor=actor,
                action="filed",
                reason=grounds,
                after={"entry": entry.pk, "reply_due_on": obj.reply_due_on},
            )
    except IntegrityError:
        raise Conflict(_("An objection to this entry is already pending."), code="objection_pending")
    return obj


def objection_decide(*, actor, objection_id: int, upheld: bool, answer: str) -> Objection:
    """Upheld → the entry is removed (points reversed if it was published); rejected → a
    notified entry goes back to notified, a direct listing stays published.

    The objection is locked and checked first, so a second decision is a 409 before the
    entry is touched."""
    _required(answer=answer)
    found = Objection.objects.select_related("entry__enterprise").filter(pk=objection_id).first()
    if found is None:
        raise NotFound(_("Not found."))
    access.require_on(actor, found.entry.enterprise, Role.SUPERVISOR)
    with transaction.atomic():
        # Lock order as everywhere in credit: the account first, then the objection, then
        # (inside the transition) the entry; a concurrent withdrawal waits on the account.
        lock_account(found.enterprise_id)
        obj = Objection.objects.select_for_update().select_related("entry__rule").get(pk=objection_id)
        if obj.status != ObjectionStatus.PENDING:
            raise Conflict(_("This objection has already been answered."), code="invalid_transition")
        entry = obj.entry
        if upheld:
            tr.transition(
                entry_id=entry.pk,
                to=S.REMOVED,
                actor=actor,
                action="removed",
                reason=answer,
                removal_reason=RemovalReason.OBJECTION_UPHELD,
                expect_from=frozenset({S.OBJECTED, S.PUBLISHED}),
            )
        elif entry.status == S.OBJECTED:
            tr.transition(
                entry_id=entry.pk,
                to=S.NOTIFIED,
                actor=actor,
                action="objection_rejected",
                reason=answer,
                expect_from=frozenset({S.OBJECTED}),
            )
        elif entry.status != S.PUBLISHED:
            raise Conflict(_("The entry is no longer open to this objection."), code="invalid_transition")
        return tr.case_transition(
            Objection,
            pk=objection_id,
            to=ObjectionStatus.UPHELD if upheld else ObjectionStatus.REJECTED,
            actor=actor,
            action="decided",
            reason=answer,
            fields={
                "answer": answer.strip(),
                "answered_at": timezone.now(),
                "answered_by": None if access.is_system(actor) else actor,
            },
        )


def repair_earliest_on(entry: ListEntry):
    months = conf.get("CREDIT_REPAIR_EARLIEST_MONTHS")[entry.list_kind]
    start = entry.effective_on or entry.published_on
    return add_months(start, months) if start else None


def _repairable(entry: ListEntry) -> None:
    """§2.3: revocation-based entries never; the penalty must be carried out first."""
    if entry.rule.code in conf.get("CREDIT_NON_REPAIRABLE_RULES"):
        raise Conflict(_("Entries of this kind cannot be repaired."), code="not_repairable")
    if entry.requires_fulfilment and entry.fulfilled_on is None:
        raise ApplicationError(
            _("The penalty behind this entry has not been recorded as carried out."),
            errors={"fulfilled_on": [_("Repair needs the penalty fulfilled first (REGULATION §2.3).")]},
        )


def repair_file(*, actor, entry_id: int, statement: str, commitment: str) -> RepairRequest:
    """§2.3 [D]: repair needs the violation corrected, the penalty fulfilled, a commitment."""
    _required(statement=statement, commitment=commitment)
    entry = _entry_of_own(actor, entry_id)
    today = timezone.localdate()
    if entry.status != S.PUBLISHED:
        raise Conflict(_("Only a published entry can be repaired."), code="invalid_transition")
    _repairable(entry)
    earliest = repair_earliest_on(entry)
    if earliest and today < earliest:
        raise Conflict(
            _("Repair can be requested from %(day)s.") % {"day": earliest}, code="repair_too_early"
        )
    try:
        with transaction.atomic():
            rep = RepairRequest.objects.create(
                entry=entry,
                enterprise_id=entry.enterprise_id,
                filed_by=actor,
                filed_at=timezone.now(),
                statement=statement.strip(),
                commitment=commitment.strip(),
                accept_due_on=calendar.add_working_days(today, conf.get("CREDIT_REPAIR_ACCEPT_WORKING_DAYS")),
                calendar_version=calendar.version(),
            )
            tr.case_created(
                row=rep,
                actor=actor,
                action="filed",
                after={"entry": entry.pk, "accept_due_on": rep.accept_due_on},
            )
    except IntegrityError:
        raise Conflict(_("A repair request for this entry is already open."), code="repair_open")
    return rep


def _repair_in_reach(actor, repair_id: int) -> RepairRequest:
    rep = (
        RepairRequest.objects.select_related("entry__enterprise", "entry__rule").filter(pk=repair_id).first()
    )
    if rep is None:
        raise NotFound(_("Not found."))
    access.require_on(actor, rep.entry.enterprise, Role.SUPERVISOR)
    return rep


def repair_accept(*, actor, repair_id: int, accepted: bool, note: str = "") -> RepairRequest:
    _repair_in_reach(actor, repair_id)
    now = timezone.now()
    fields: dict = {"accepted_at": now, "note": note.strip()}
    if accepted:
        days = conf.get("CREDIT_REPAIR_DECIDE_WORKING_DAYS")
        fields.update(
            decide_due_on=calendar.add_working_days(timezone.localdate(), days),
            calendar_version=calendar.version(),
        )
    else:
        fields.update(decided_at=now, decided_by=None if access.is_system(actor) else actor)
    return tr.case_transition(
        RepairRequest,
        pk=repair_id,
        to=RepairStatus.ACCEPTED if accepted else RepairStatus.NOT_ACCEPTED,
        actor=actor,
        action="accepted" if accepted else "not_accepted",
        reason=note,
        fields=fields,
    )


def repair_decide(*, actor, repair_id: int, granted: bool, note: str = "") -> RepairRequest:
    rep = _repair_in_reach(actor, repair_id)
    with transaction.atomic():
        out = tr.case_transition(
            RepairRequest,
            pk=repair_id,
            to=RepairStatus.GRANTED if granted else RepairStatus.REFUSED,
            actor=actor,
            action="decided",
            reason=note,
            fields={
                "decided_at": timezone.now(),
                "decided_by": None if access.is_system(actor) else actor,
                "note": note.strip() or rep.note,
            },
        )
        if granted:
            _repairable(rep.entry)  # checked again: the rules may have changed since filing
            # The register is updated at once, within the 3 working days of §2.3 [D].
            tr.transition(
                entry_id=rep.entry_id,
                to=S.REMOVED,
                actor=actor,
                action="removed",
                reason=note or "credit repaired",
                removal_reason=RemovalReason.REPAIRED,
            )
    return out
