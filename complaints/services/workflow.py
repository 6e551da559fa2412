"""Workflow steps of a complaint (REGULATION.md §4.1; issue 14 §3). Each is one call of
``transitions.change``: locked row, checked edge, event, audit, rollup delta."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import conf
from complaints.models import Category, Complaint, ComplaintPause, Kind, Outcome, RejectReason, Status
from complaints.services import common
from complaints.transitions import CLOSE_FROM, OPEN, change, transition
from config.api import ApplicationError, Conflict, NotFound
from regulator import scoping
from regulator.dates import add_months
from regulator.models import Role

S = Status


def time_barred(c: Complaint) -> bool:
    """§4.1 [F S25]: charging disputes older than 5 months, others older than 2 years, on
    the day the appeal was received (the bars are settings)."""
    if c.disputed_on is None:
        return False
    # Calendar months (add_months clamps Jan 31 + 1 month to Feb 28); a dispute exactly
    # 5 months old on the day of receipt is still in time.
    bars = conf.get("COMPLAINTS_TIME_BAR_MONTHS")
    months = bars["billing"] if c.category == Category.BILLING else bars["other"]
    return add_months(c.disputed_on, int(months)) < c.received_on


def admissibility(c: Complaint) -> list[str]:
    """Reason codes that bar acceptance, as far as the record shows (the handler judges the
    rest: settled, handled elsewhere, out of jurisdiction)."""
    reasons = []
    if time_barred(c):
        reasons.append(RejectReason.TIME_BARRED.value)
    if c.kind == Kind.TELECOM and c.first_raised_on is None:
        # Order 35: the user must first complain to the operator (§4.1).
        reasons.append(RejectReason.NOT_RAISED.value)
    return reasons


def _handler_check(actor):
    def check(c: Complaint) -> None:
        common.require_handler(actor, c)

    return check


def complaint_accept(*, actor, complaint_id: int, reason: str = "") -> Complaint:
    def check(c: Complaint) -> None:
        common.require_handler(actor, c)
        barred = admissibility(c)
        if barred:
            raise ApplicationError(
                _("This complaint cannot be accepted; reject it with the reason given."),
                errors={"reject_reason": barred},
                code="inadmissible",
            )

    def apply(c: Complaint) -> None:
        # §4.1: acceptance starts the 30-day answer clock (complete materials).
        c.accepted_on = common.today()
        # The handler who accepts works the case unless it was assigned: the one person
        # who sees the complainant's details in full.
        if c.handler_id is None and getattr(actor, "is_authenticated", False):
            c.handler = actor
        common.recompute_deadlines(c)

    return transition(
        complaint_id=complaint_id,
        to=S.ACCEPTED,
        actor=actor,
        action="accepted",
        reason=reason,
        check=check,
        apply=apply,
    )


def complaint_reject(*, actor, complaint_id: int, reject_reason: str, reason: str = "") -> Complaint:
    if reject_reason not in RejectReason.values:
        raise ApplicationError(_("Invalid input."), errors={"reject_reason": [_("Unknown reason code.")]})

    def check(c: Complaint) -> None:
        common.require_handler(actor, c)
        # A time bar is a matter of dates: refuse the code when the dates do not show it.
        if reject_reason == RejectReason.TIME_BARRED and not time_barred(c):
            raise ApplicationError(
                _("The dates on record do not make this complaint time-barred."),
                errors={"reject_reason": [_("Not time-barred.")]},
            )

    def apply(c: Complaint) -> None:
        c.reject_reason = reject_reason
        if c.handler_id is None and getattr(actor, "is_authenticated", False):
            c.handler = actor

    return transition(
        complaint_id=complaint_id,
        to=S.REJECTED,
        actor=actor,
        action="rejected",
        reason=reason or reject_reason,
        check=check,
        apply=apply,
        data={"code": reject_reason},
    )


def complaint_forward(*, actor, complaint_id: int, reason: str = "") -> Complaint:
    def apply(c: Complaint) -> None:
        # Forwarding starts the enterprise's clock (10 days [D] / 10 working days §4.2).
        c.forwarded_on = common.today()
        common.recompute_deadlines(c)

    return transition(
        complaint_id=complaint_id,
        to=S.FORWARDED,
        actor=actor,
        action="forwarded",
        reason=reason,
        check=_handler_check(actor),
        apply=apply,
    )


def complaint_respond(*, actor, complaint_id: int, response: str) -> Complaint:
    """The enterprise's answer to a forwarded complaint (only its own enterprise's)."""
    if not response.strip():
        raise ApplicationError(_("Invalid input."), errors={"response": [_("This field may not be blank.")]})

    def check(c: Complaint) -> None:
        require = common.require_enterprise
        require(actor, c)

    def apply(c: Complaint) -> None:
        # The enterprise's answer stops its clock; the centre still answers the complainant.
        c.responded_on = common.today()
        c.enterprise_response = response

    return transition(
        complaint_id=complaint_id, to=S.RESPONDED, actor=actor, action="responded", check=check, apply=apply
    )


def complaint_mediate(*, actor, complaint_id: int, reason: str = "") -> Complaint:
    return transition(
        complaint_id=complaint_id,
        to=S.MEDIATING,
        actor=actor,
        action="mediating",
        reason=reason,
        check=_handler_check(actor),
        apply=lambda c: None,
    )


def _close_pause(c: Complaint, day: dt.date) -> None:
    ComplaintPause.objects.filter(complaint=c, resumed_on__isnull=True).update(resumed_on=day)
    c.paused = False


def complaint_close(*, actor, complaint_id: int, outcome: str, resolution: str = "") -> Complaint:
    if outcome not in (Outcome.RESOLVED, Outcome.UNRESOLVED):
        raise ApplicationError(_("Invalid input."), errors={"outcome": [_("Choose resolved or unresolved.")]})

    def check(c: Complaint) -> None:
        common.require_handler(actor, c)
        if c.status not in CLOSE_FROM[outcome]:
            raise Conflict(
                _("A %(status)s complaint cannot be closed as %(outcome)s.")
                % {"status": c.status, "outcome": outcome},
                code="invalid_transition",
            )

    def apply(c: Complaint) -> None:
        day = common.today()
        # Closing ends any pause the same day, so no open pause outlives the complaint.
        _close_pause(c, day)
        c.outcome, c.resolution, c.closed_on = outcome, resolution, day
        common.judge(c, day)
        # Public from the day it closes, unless already public (answer time passed).
        c.public_on = c.public_on or day

    return transition(
        complaint_id=complaint_id,
        to=S.CLOSED,
        actor=actor,
        action="closed",
        reason=resolution,
        check=check,
        apply=apply,
        data={"outcome": outcome},
    )


def complaint_withdraw(*, actor, complaint_id: int, reason: str = "") -> Complaint:
    """The complainant withdraws (through the tracking code, or a handler records it)."""

    def check(c: Complaint) -> None:
        common.require_handler(actor, c)
        if c.status not in OPEN:
            raise Conflict(_("Only an open complaint can be withdrawn."), code="invalid_transition")

    def apply(c: Complaint) -> None:
        day = common.today()
        _close_pause(c, day)
        c.outcome, c.closed_on = Outcome.WITHDRAWN, day
        # The complainant ended it, not the handling: no fast result. A timeliness already
        # missed (the sweep marked it late) stays on the record.
        c.fast = None
        if c.accepted_on is not None:
            c.public_on = c.public_on or day
            c.definition_version = c.definition_version or common.definition().version

    return transition(
        complaint_id=complaint_id,
        to=S.CLOSED,
        actor=actor,
        action="withdrawn",
        reason=reason,
        check=check,
        apply=apply,
    )


def complaint_reopen(*, actor, complaint_id: int, reason: str) -> Complaint:
    """Reopen a closed complaint once within the set period (back to mediation). §4.3 [D]:
    a reopened complaint counts as neither fast nor timely."""
    if not reason.strip():
        raise ApplicationError(
            _("Invalid input."), errors={"reason": [_("Say why the complaint is reopened.")]}
        )

    def check(c: Complaint) -> None:
        common.require_handler(actor, c)
        if c.status != S.CLOSED or c.outcome == Outcome.WITHDRAWN:
            raise Conflict(
                _("Only a complaint closed by the centre can be reopened."), code="invalid_transition"
            )
        if c.reopen_count >= int(conf.get("COMPLAINTS_MAX_REOPENS")):
            raise Conflict(_("This complaint has already been reopened."), code="reopen_limit")
        limit = c.closed_on + dt.timedelta(days=int(conf.get("COMPLAINTS_REOPEN_DAYS")))
        if common.today() > limit:
            raise Conflict(_("The period for reopening has passed."), code="reopen_period")

    def apply(c: Complaint) -> None:
        # Counted, never reset: the limit of one reopening holds across cycles.
        c.reopen_count += 1
        c.outcome, c.closed_on = "", None
        d = common.definition()
        if d.reopened_not_fast:
            c.fast, c.timely, c.definition_version = False, False, d.version

    return transition(
        complaint_id=complaint_id,
        to=S.MEDIATING,
        actor=actor,
        action="reopened",
        reason=reason,
        check=check,
        apply=apply,
    )


def complaint_request_material(*, actor, complaint_id: int, request: str) -> Complaint:
    """Ask the complainant for material: the clocks pause until it arrives."""
    if not request.strip():
        raise ApplicationError(_("Invalid input."), errors={"request": [_("Say what material is needed.")]})

    def check(c: Complaint) -> None:
        common.require_handler(actor, c)
        if c.status not in OPEN:
            raise Conflict(_("Only an open complaint can wait for material."), code="invalid_transition")
        if c.paused:
            raise Conflict(_("Material has already been requested."), code="already_paused")

    def apply(c: Complaint) -> None:
        # The unique partial index allows one open pause per complaint, so a race between
        # two requests cannot open two.
        ComplaintPause.objects.create(complaint=c, paused_on=common.today(), request=request)
        c.paused = True
        common.recompute_deadlines(c)

    return change(
        complaint_id=complaint_id,
        actor=actor,
        action="material_requested",
        reason=request,
        check=check,
        apply=apply,
    )


def complaint_supply_material(
    *, actor, complaint_id: int, note: str = "", files: list | None = None
) -> Complaint:
    """The complainant supplies material: the paused clocks resume."""
    files = list(files or [])
    if not (note.strip() or files):
        raise ApplicationError(_("Invalid input."), errors={"note": [_("Send a note or a file.")]})

    def check(c: Complaint) -> None:
        common.require_handler(actor, c)
        if not c.paused:
            raise Conflict(_("No material has been requested."), code="not_paused")
        common.check_files(files, existing=c.attachments.count())

    def apply(c: Complaint) -> None:
        # Material arriving resumes every clock from this day on.
        _close_pause(c, common.today())
        common.save_files(c, files, uploaded_by="complainant")
        common.recompute_deadlines(c)

    return change(
        complaint_id=complaint_id,
        actor=actor,
        action="material_supplied",
        reason=note,
        check=check,
        apply=apply,
        data={"files": len(files)},
    )


def complaint_rate(*, actor, complaint_id: int, rating: int) -> Complaint:
    """The complainant rates the outcome 1–5, once, after closing (§4.3 satisfaction)."""
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ApplicationError(
            _("Invalid input."), errors={"rating": [_("Give a whole number from 1 to 5.")]}
        )

    def check(c: Complaint) -> None:
        if getattr(actor, "is_authenticated", False):
            raise NotFound(_("Not found."))  # only the complainant rates, by tracking code
        if c.status != S.CLOSED or c.outcome == Outcome.WITHDRAWN or c.accepted_on is None:
            raise Conflict(_("Only a closed complaint can be rated."), code="not_closed")
        if c.rating is not None:
            raise Conflict(_("This complaint has already been rated."), code="already_rated")

    def apply(c: Complaint) -> None:
        c.rating, c.rated_at = rating, timezone.now()

    return change(
        complaint_id=complaint_id,
        actor=actor,
        action="rated",
        check=check,
        apply=apply,
        data={"rating": rating},
    )


def complaint_assign(*, actor, complaint_id: int, handler_id: int) -> Complaint:
    """Give the case to a handler of the complaint's centre (the one who sees it in full)."""
    target = get_user_model().objects.filter(pk=handler_id, role=Role.HANDLER, is_active=True).first()

    def check(c: Complaint) -> None:
        common.require_handler(actor, c)
        if target is None or not scoping.in_jurisdiction(target, c.province):
            raise ApplicationError(
                _("Invalid input."), errors={"handler": [_("Not a handler of this centre.")]}
            )
        if c.status not in OPEN:
            raise Conflict(_("Only an open complaint can be assigned."), code="invalid_transition")

    def apply(c: Complaint) -> None:
        c.handler = target

    if target is None:
        raise ApplicationError(_("Invalid input."), errors={"handler": [_("Not a handler of this centre.")]})
    return change(
        complaint_id=complaint_id,
        actor=actor,
        action="assigned",
        check=check,
        apply=apply,
        data={"handler": handler_id},
    )


def get_by_code(code: str) -> Complaint:
    """The complaint a tracking code opens; a wrong code is 404 (never says more)."""
    from complaints.services.intake import hash_code

    # Looked up by hash: the comparison is in the database index, and the code never
    # appears in a query log.
    c = Complaint.objects.filter(tracking_hash=hash_code(code or "")).only("pk").first()
    if c is None:
        raise NotFound(_("Not found."))
    return c
