"""The case and decision state machines (REGULATION.md §7). Only these functions assign a
status: each locks the row, checks the edge against its map, writes the event row and an
audit event, and saves. A disallowed edge is a 409.

Case: opened → investigating → notice_sent → (hearing_requested → hearing_scheduled →
hearing_held) → decided → (enforcement →) performed → closed; withdrawn from any state
before the decision. A no-penalty decision may follow the investigation directly (no notice
is owed when nothing is imposed); decided → closed when there is nothing to perform or the
decision was annulled.

Decision: made → delivered → superseded | annulled; made → superseded (corrected before
delivery). A delivered decision is immutable: only these two edges leave it.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import Conflict, NotFound
from enforcement.models import Case, CaseEvent, CaseStatus, Decision, DecisionEvent, DecisionStatus
from regulator import audit
from regulator.audit import actor_fields

C = CaseStatus
# The hearing branch is entered only by the party's request; a decision after a requested
# hearing must wait for it to be held. Closed and withdrawn are final.
CASE_ALLOWED: dict[str, frozenset[str]] = {
    C.OPENED: frozenset({C.INVESTIGATING, C.WITHDRAWN}),
    C.INVESTIGATING: frozenset({C.NOTICE_SENT, C.DECIDED, C.WITHDRAWN}),
    C.NOTICE_SENT: frozenset({C.HEARING_REQUESTED, C.DECIDED, C.WITHDRAWN}),
    C.HEARING_REQUESTED: frozenset({C.HEARING_SCHEDULED, C.WITHDRAWN}),
    C.HEARING_SCHEDULED: frozenset({C.HEARING_HELD, C.WITHDRAWN}),
    C.HEARING_HELD: frozenset({C.DECIDED, C.WITHDRAWN}),
    C.DECIDED: frozenset({C.ENFORCEMENT, C.PERFORMED, C.CLOSED}),
    C.ENFORCEMENT: frozenset({C.PERFORMED, C.CLOSED}),
    C.PERFORMED: frozenset({C.CLOSED}),
    C.CLOSED: frozenset(),
    C.WITHDRAWN: frozenset(),
}
# States in which the case is still open before a decision (deadline and withdrawal apply).
UNDECIDED = frozenset(
    {C.OPENED, C.INVESTIGATING, C.NOTICE_SENT, C.HEARING_REQUESTED, C.HEARING_SCHEDULED, C.HEARING_HELD}
)

D = DecisionStatus
# Nothing returns to "made": a delivered decision is changed only by another decision.
DECISION_ALLOWED: dict[str, frozenset[str]] = {
    D.MADE: frozenset({D.DELIVERED, D.SUPERSEDED}),
    D.DELIVERED: frozenset({D.SUPERSEDED, D.ANNULLED}),
    D.SUPERSEDED: frozenset(),
    D.ANNULLED: frozenset(),
}


def case_snapshot(case: Case) -> dict[str, Any]:
    return {
        "status": case.status,
        "decision_due_on": case.decision_due_on,
        "notice_sent_on": case.notice_sent_on,
        "reply_due_on": case.reply_due_on,
        "hearing_on": case.hearing_on,
    }


def decision_snapshot(dec: Decision) -> dict[str, Any]:
    return {
        "status": dec.status,
        "number": dec.number,
        "delivered_on": dec.delivered_on,
        "performance_status": dec.performance_status,
        "performance_due_on": dec.performance_due_on,
        "published_at": dec.published_at,
        "annulled_on": dec.annulled_on,
    }


def case_event(
    *, case: Case, actor, frm: str, to: str, action: str, reason: str = "", data=None
) -> CaseEvent:
    user, label = actor_fields(actor)
    return CaseEvent.objects.create(
        case=case,
        from_status=frm,
        to_status=to,
        action=action,
        actor=user,
        actor_label=label,
        reason=reason,
        data=data or {},
        occurred_at=timezone.now(),
    )


def decision_event(*, decision: Decision, actor, frm: str, to: str, action: str, reason: str = "", data=None):
    user, label = actor_fields(actor)
    return DecisionEvent.objects.create(
        decision=decision,
        from_status=frm,
        to_status=to,
        action=action,
        actor=user,
        actor_label=label,
        reason=reason,
        data=data or {},
        occurred_at=timezone.now(),
    )


def case_transition(
    *,
    case_id: int,
    to: str,
    actor,
    action: str,
    reason: str = "",
    apply: Callable[[Case], None] | None = None,
    check: Callable[[Case], None] | None = None,
    data: dict | None = None,
) -> Case:
    """Lock the case, check the edge (and ``check``, under the lock), ``apply`` the new
    state's fields, write event + audit, save. Two concurrent callers serialise on the row
    lock; the second sees the first's status and gets a 409."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None:
            raise NotFound(_("Not found."))
        frm = case.status
        if to not in CASE_ALLOWED[frm]:
            raise Conflict(
                _("A case cannot go from %(frm)s to %(to)s.") % {"frm": frm, "to": to},
                code="invalid_transition",
            )
        # Rules that depend on the row (dates, officers) are checked under the lock.
        if check is not None:
            check(case)
        before = case_snapshot(case)
        if apply is not None:
            apply(case)
        case.status = to
        case.save()
        case_event(case=case, actor=actor, frm=frm, to=to, action=action, reason=reason, data=data)
        audit.record(
            actor=actor,
            action=f"enforcement.case_{action}",
            obj=case,
            before=before,
            after=case_snapshot(case),
            reason=reason,
        )
    return case


def decision_transition(
    *,
    decision_id: int,
    to: str,
    actor,
    action: str,
    reason: str = "",
    apply: Callable[[Decision], None] | None = None,
    data: dict | None = None,
) -> Decision:
    with transaction.atomic():
        dec = Decision.objects.select_for_update().filter(pk=decision_id).first()
        if dec is None:
            raise NotFound(_("Not found."))
        frm = dec.status
        if to not in DECISION_ALLOWED[frm]:
            raise Conflict(
                _("A decision cannot go from %(frm)s to %(to)s.") % {"frm": frm, "to": to},
                code="invalid_transition",
            )
        before = decision_snapshot(dec)
        if apply is not None:
            apply(dec)
        dec.status = to
        dec.save()
        decision_event(decision=dec, actor=actor, frm=frm, to=to, action=action, reason=reason, data=data)
        audit.record(
            actor=actor,
            action=f"enforcement.decision_{action}",
            obj=dec,
            before=before,
            after=decision_snapshot(dec),
            reason=reason,
        )
    return dec
