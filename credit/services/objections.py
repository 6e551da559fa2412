"""Objections and credit repair (issue 3 §5; REGULATION §2.3). Deadlines are working days
on the calendar; each stores the resolved date and the calendar version."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from credit import conf
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
from regulator import audit, calendar
from regulator.dates import add_months
from regulator.selectors import enterprise_scope

S = ListStatus


def _entry_for_enterprise_actor(actor, entry_id: int) -> ListEntry:
    # Enterprise users act on their own entries only; others' entries answer 404.
    entry = enterprise_scope(actor, ListEntry.objects.all()).filter(pk=entry_id).first()
    if entry is None or getattr(actor, "enterprise_id", None) != entry.enterprise_id:
        raise NotFound(_("Not found."))
    return entry


def _required(**fields: str) -> None:
    missing = {k: [_("Required.")] for k, v in fields.items() if not (v or "").strip()}
    if missing:
        raise ApplicationError(_("Some required fields are empty."), errors=missing)


def objection_file(*, actor, entry_id: int, grounds: str) -> Objection:
    _required(grounds=grounds)
    entry = _entry_for_enterprise_actor(actor, entry_id)
    today = timezone.localdate()
    if entry.status != S.NOTIFIED or entry.objection_due_on is None:
        raise Conflict(_("This entry is not open to objection."), code="invalid_transition")
    if today > entry.objection_due_on:
        raise Conflict(
            _("The objection window closed on %(day)s.") % {"day": entry.objection_due_on},
            code="objection_window_closed",
        )
    with transaction.atomic():
        tr.transition(
            entry_id=entry.pk,
            to=S.OBJECTED,
            actor=actor,
            action="objected",
            reason=grounds,
            expect_from=frozenset({S.NOTIFIED}),
        )
        days = conf.get("CREDIT_OBJECTION_REPLY_WORKING_DAYS")
        obj = Objection.objects.create(
            entry=entry,
            enterprise_id=entry.enterprise_id,
            filed_by=actor,
            filed_at=timezone.now(),
            grounds=grounds.strip(),
            reply_due_on=calendar.add_working_days(today, days),
            calendar_version=calendar.version(),
        )
        audit.record(
            actor=actor,
            action="credit.objection_filed",
            obj=obj,
            after={"entry": entry.pk, "reply_due_on": obj.reply_due_on},
            reason=grounds,
        )
    return obj


def objection_decide(*, actor, objection_id: int, upheld: bool, answer: str) -> Objection:
    """Upheld → the entry is withdrawn and its points reversed; rejected → back to notified."""
    _required(answer=answer)
    with transaction.atomic():
        obj = Objection.objects.filter(pk=objection_id).first()
        if obj is None:
            raise NotFound(_("Not found."))
        if upheld:
            tr.transition(
                entry_id=obj.entry_id,
                to=S.REMOVED,
                actor=actor,
                action="removed",
                reason=answer,
                removal_reason=RemovalReason.OBJECTION_UPHELD,
            )
        else:
            tr.transition(
                entry_id=obj.entry_id,
                to=S.NOTIFIED,
                actor=actor,
                action="objection_rejected",
                reason=answer,
                expect_from=frozenset({S.OBJECTED}),
            )
        obj = Objection.objects.select_for_update().get(pk=objection_id)
        if obj.status != ObjectionStatus.PENDING:
            raise Conflict(_("This objection has already been answered."), code="invalid_transition")
        obj.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.REJECTED
        obj.answer = answer.strip()
        obj.answered_at = timezone.now()
        obj.answered_by = actor if getattr(actor, "is_authenticated", False) else None
        obj.save()
        audit.record(
            actor=actor,
            action="credit.objection_decided",
            obj=obj,
            before={"status": ObjectionStatus.PENDING},
            after={"status": obj.status},
            reason=answer,
        )
    return obj


def repair_earliest_on(entry: ListEntry):
    months = conf.get("CREDIT_REPAIR_EARLIEST_MONTHS")[entry.list_kind]
    start = entry.effective_on or entry.published_on
    return add_months(start, months) if start else None


def repair_file(*, actor, entry_id: int, statement: str, commitment: str) -> RepairRequest:
    """§2.3 [D]: repair needs the violation corrected, the penalty fulfilled, a commitment."""
    _required(statement=statement, commitment=commitment)
    entry = _entry_for_enterprise_actor(actor, entry_id)
    today = timezone.localdate()
    if entry.status != S.PUBLISHED:
        raise Conflict(_("Only a published entry can be repaired."), code="invalid_transition")
    if entry.rule.code in conf.get("CREDIT_NON_REPAIRABLE_RULES"):
        raise Conflict(_("Entries of this kind cannot be repaired."), code="not_repairable")
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
            audit.record(
                actor=actor,
                action="credit.repair_filed",
                obj=rep,
                after={"entry": entry.pk, "accept_due_on": rep.accept_due_on},
            )
    except IntegrityError:
        raise Conflict(_("A repair request for this entry is already open."), code="repair_open")
    return rep


def _locked_repair(repair_id: int, expected: str) -> RepairRequest:
    rep = RepairRequest.objects.select_for_update().filter(pk=repair_id).first()
    if rep is None:
        raise NotFound(_("Not found."))
    if rep.status != expected:
        raise Conflict(
            _("A %(status)s repair request cannot do that.") % {"status": rep.status},
            code="invalid_transition",
        )
    return rep


def repair_accept(*, actor, repair_id: int, accepted: bool, note: str = "") -> RepairRequest:
    with transaction.atomic():
        rep = _locked_repair(repair_id, RepairStatus.SUBMITTED)
        before = rep.status
        rep.accepted_at = timezone.now()
        rep.note = note.strip()
        if accepted:
            rep.status = RepairStatus.ACCEPTED
            days = conf.get("CREDIT_REPAIR_DECIDE_WORKING_DAYS")
            rep.decide_due_on = calendar.add_working_days(timezone.localdate(), days)
            rep.calendar_version = calendar.version()
        else:
            rep.status = RepairStatus.NOT_ACCEPTED
            rep.decided_at = rep.accepted_at
            rep.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        rep.save()
        audit.record(
            actor=actor,
            action="credit.repair_accepted" if accepted else "credit.repair_not_accepted",
            obj=rep,
            before={"status": before},
            after={"status": rep.status, "decide_due_on": rep.decide_due_on},
            reason=note,
        )
    return rep


def repair_decide(*, actor, repair_id: int, granted: bool, note: str = "") -> RepairRequest:
    with transaction.atomic():
        rep = _locked_repair(repair_id, RepairStatus.ACCEPTED)
        if granted:
            tr.transition(
                entry_id=rep.entry_id,
                to=S.REMOVED,
                actor=actor,
                action="removed",
                reason=note or "credit repaired",
                removal_reason=RemovalReason.REPAIRED,
            )
        rep.status = RepairStatus.GRANTED if granted else RepairStatus.REFUSED
        rep.decided_at = timezone.now()
        rep.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        rep.note = note.strip() or rep.note
        rep.save()
        audit.record(
            actor=actor,
            action="credit.repair_decided",
            obj=rep,
            before={"status": RepairStatus.ACCEPTED},
            after={"status": rep.status},
            reason=note,
        )
    return rep
