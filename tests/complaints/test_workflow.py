"""The complaint workflow through its services (issue 14 §1-§4)."""

import datetime as dt

import pytest

from complaints import services
from complaints.models import Complaint, ComplaintEvent, Status
from complaints.transitions import ALLOWED
from config.api import ApplicationError, Conflict, NotFound
from regulator.models import AuditEvent
from tests.complaints.conftest import travel, walk

S = Status
D = dt.date

# How to reach each state from a fresh complaint, through the services.
PATHS = {
    S.RECEIVED: [],
    S.ACCEPTED: ["accept"],
    S.FORWARDED: ["accept", "forward"],
    S.RESPONDED: ["accept", "forward", "respond"],
    S.MEDIATING: ["accept", "mediate"],
    S.CLOSED: ["accept", "close"],
}


def _attempt(c, to, handler, enterprise_a):
    """Try the one service that leads to ``to``."""
    if to == S.ACCEPTED:
        return services.complaint_accept(actor=handler, complaint_id=c.pk)
    if to == S.REJECTED:
        return services.complaint_reject(actor=handler, complaint_id=c.pk, reject_reason="already_settled")
    if to == S.FORWARDED:
        return services.complaint_forward(actor=handler, complaint_id=c.pk)
    if to == S.RESPONDED:
        return services.complaint_respond(actor=enterprise_a, complaint_id=c.pk, response="ok")
    if to == S.MEDIATING:
        if c.status == S.CLOSED:
            return services.complaint_reopen(actor=handler, complaint_id=c.pk, reason="not fixed")
        return services.complaint_mediate(actor=handler, complaint_id=c.pk)
    if to == S.CLOSED:
        if c.status == S.RECEIVED:
            return services.complaint_withdraw(actor=handler, complaint_id=c.pk)
        return services.complaint_close(actor=handler, complaint_id=c.pk, outcome="resolved")
    raise AssertionError(to)


EDGES = [(frm, to) for frm in PATHS for to in sorted(ALLOWED[frm])]
NON_EDGES = [
    (frm, to)
    for frm in [*PATHS, S.REJECTED]
    for to in (S.ACCEPTED, S.REJECTED, S.FORWARDED, S.RESPONDED, S.MEDIATING, S.CLOSED)
    if to not in ALLOWED[frm]
]


def _reach(frm, ent_a, make_complaint, handler, enterprise_a):
    c, _code = make_complaint(ent_a)
    if frm == S.REJECTED:
        return services.complaint_reject(actor=handler, complaint_id=c.pk, reject_reason="already_settled")
    return walk(c, handler, PATHS[frm], enterprise_user=enterprise_a)


@pytest.mark.parametrize(("frm", "to"), EDGES)
def test_every_allowed_edge(frm, to, ent_a, make_complaint, handler, enterprise_a):
    c = _reach(frm, ent_a, make_complaint, handler, enterprise_a)
    n = ComplaintEvent.objects.filter(complaint=c).count()
    c = _attempt(c, to, handler, enterprise_a)
    assert c.status == to
    ev = ComplaintEvent.objects.filter(complaint=c).last()
    assert (ev.from_status, ev.to_status, ev.actor_label) == (
        frm,
        to,
        handler.username if to != S.RESPONDED else enterprise_a.username,
    )
    assert ComplaintEvent.objects.filter(complaint=c).count() == n + 1
    assert AuditEvent.objects.filter(object_type="complaints.complaint", object_id=str(c.pk)).count() >= n + 1


@pytest.mark.parametrize(("frm", "to"), NON_EDGES)
def test_every_disallowed_edge_is_409(frm, to, ent_a, make_complaint, handler, enterprise_a):
    c = _reach(frm, ent_a, make_complaint, handler, enterprise_a)
    before = Complaint.objects.get(pk=c.pk).status
    with pytest.raises((Conflict, NotFound)) as exc:
        _attempt(c, to, handler, enterprise_a)
    # Responding to an unforwarded complaint is "not yours to answer": 404 by design.
    if not (to == S.RESPONDED and c.forwarded_on is None):
        assert isinstance(exc.value, Conflict)
    assert Complaint.objects.get(pk=c.pk).status == before


def test_time_barred_billing_appeal_is_rejected_with_the_code(ent_a, make_complaint, handler):
    with travel(D(2026, 6, 10)):
        # Billing dispute from 2026-01-05: more than 5 months before receipt.
        c, _ = make_complaint(ent_a, kind="telecom", category="billing", disputed_on=D(2026, 1, 5))
        with pytest.raises(ApplicationError) as exc:
            services.complaint_accept(actor=handler, complaint_id=c.pk)
        assert exc.value.errors == {"reject_reason": ["time_barred"]}
        c = services.complaint_reject(actor=handler, complaint_id=c.pk, reject_reason="time_barred")
        assert (c.status, c.reject_reason) == (S.REJECTED, "time_barred")
        # The same date is within 2 years for a network-quality appeal: acceptable.
        c2, _ = make_complaint(ent_a, kind="telecom", category="network", disputed_on=D(2026, 1, 5))
        assert services.admissibility(c2) == []
        with pytest.raises(ApplicationError):
            services.complaint_reject(actor=handler, complaint_id=c2.pk, reject_reason="time_barred")
        # Exactly 5 months is still in time; 2 years and a day is not.
        c3, _ = make_complaint(ent_a, kind="telecom", category="billing", disputed_on=D(2026, 1, 10))
        assert services.admissibility(c3) == []
        c4, _ = make_complaint(ent_a, kind="telecom", category="other", disputed_on=D(2024, 6, 9))
        assert services.admissibility(c4) == ["time_barred"]


def test_appeal_not_first_raised_with_the_operator(ent_a, make_complaint, handler):
    c, _ = make_complaint(ent_a, kind="telecom", first_raised_on=None)
    assert services.admissibility(c) == ["not_raised_with_operator"]
    with pytest.raises(ApplicationError):
        services.complaint_accept(actor=handler, complaint_id=c.pk)
    # Internet complaints have no operator-first step (§4.2).
    c2, _ = make_complaint(ent_a, kind="internet")
    assert services.admissibility(c2) == []


def test_clock_dates_over_national_day(ent_a, make_complaint, handler):
    with travel(D(2026, 9, 29)):
        c, _ = make_complaint(ent_a, kind="internet")
        assert c.accept_due_on == D(2026, 10, 12)  # 5 working days, make-up Sat Oct 10 counted
        c = services.complaint_accept(actor=handler, complaint_id=c.pk)
        assert c.answer_due_on == D(2026, 10, 19)  # 10 working days for Internet complaints
    with travel(D(2026, 9, 30)):
        c = services.complaint_forward(actor=handler, complaint_id=c.pk)
        assert c.respond_due_on == D(2026, 10, 20)


def test_telecom_appeal_clocks_use_calendar_days(ent_a, make_complaint, handler):
    with travel(D(2026, 2, 12)):
        c, _ = make_complaint(ent_a, kind="telecom")
        assert c.accept_due_on == D(2026, 2, 26)  # working days over the Spring Festival
        c = walk(c, handler, ["accept", "forward"])
        assert c.answer_due_on == D(2026, 3, 14)  # 30 calendar days (§4.1)
        assert c.respond_due_on == D(2026, 2, 22)  # 10 calendar days [D]


def test_pause_and_resume_move_the_deadlines(ent_a, make_complaint, handler):
    with travel(D(2026, 3, 2)):
        c, code = make_complaint(ent_a)
        c = services.complaint_accept(actor=handler, complaint_id=c.pk)
        assert c.answer_due_on == D(2026, 3, 16)
    with travel(D(2026, 3, 3)):
        c = services.complaint_request_material(actor=handler, complaint_id=c.pk, request="发票照片")
        assert c.paused and c.answer_due_on is None
        with pytest.raises(Conflict):
            services.complaint_request_material(actor=handler, complaint_id=c.pk, request="again")
    with travel(D(2026, 3, 5)):
        c = services.complaint_supply_material(actor="complainant", complaint_id=c.pk, note="已上传")
        assert not c.paused
        assert c.answer_due_on == D(2026, 3, 18)  # two working days later
    with pytest.raises(Conflict):
        services.complaint_supply_material(actor="complainant", complaint_id=c.pk, note="more")
    with travel(D(2026, 3, 17)):
        c = services.complaint_close(actor=handler, complaint_id=c.pk, outcome="resolved")
        # 11 working days after acceptance, 9 of them on the clock: timely, not fast.
        assert (c.fast, c.timely, c.handling_days) == (False, True, 9)
        assert c.definition_version == "fyp14-fast5-timely10/1"


def test_fast_close_and_rating_once(ent_a, make_complaint, handler):
    with travel(D(2026, 3, 2)):
        c, _ = make_complaint(ent_a)
        c = walk(c, handler, ["accept"])
    with travel(D(2026, 3, 6)):
        c = services.complaint_close(actor=handler, complaint_id=c.pk, outcome="resolved")
        assert (c.fast, c.timely, c.public_on) == (True, True, D(2026, 3, 6))
        with pytest.raises(NotFound):  # staff do not rate
            services.complaint_rate(actor=handler, complaint_id=c.pk, rating=5)
        c = services.complaint_rate(actor="complainant", complaint_id=c.pk, rating=4)
        assert c.rating == 4
        with pytest.raises(Conflict):
            services.complaint_rate(actor="complainant", complaint_id=c.pk, rating=5)
        with pytest.raises(ApplicationError):
            services.complaint_rate(actor="complainant", complaint_id=c.pk, rating=6)


def test_reopen_once_within_the_period(ent_a, make_complaint, handler, settings):
    settings.TELEREG_COMPLAINTS_REOPEN_DAYS = 10
    with travel(D(2026, 3, 2)):
        c, _ = make_complaint(ent_a)
        c = walk(c, handler, ["accept", "close"])
        assert c.fast is True
    with travel(D(2026, 3, 5)):
        c = services.complaint_reopen(actor="complainant", complaint_id=c.pk, reason="又断线了")
        assert (c.status, c.reopen_count, c.fast, c.timely, c.closed_on) == (
            S.MEDIATING,
            1,
            False,
            False,
            None,
        )
        c = services.complaint_close(actor=handler, complaint_id=c.pk, outcome="unresolved")
        assert (c.fast, c.timely) == (False, False)  # reopened counts as not fast (§4.3)
        with pytest.raises(Conflict):
            services.complaint_reopen(actor="complainant", complaint_id=c.pk, reason="again")
    with travel(D(2026, 3, 2)):
        c2, _ = make_complaint(ent_a)
        c2 = walk(c2, handler, ["accept", "close"])
    with travel(D(2026, 3, 13)), pytest.raises(Conflict):
        services.complaint_reopen(actor="complainant", complaint_id=c2.pk, reason="late")


def test_withdrawal_gives_no_fast_result(ent_a, make_complaint, handler):
    c, _ = make_complaint(ent_a)
    c = walk(c, handler, ["accept"])
    c = services.complaint_withdraw(actor="complainant", complaint_id=c.pk, reason="已解决")
    assert (c.status, c.outcome, c.fast, c.timely) == (S.CLOSED, "withdrawn", None, None)
    assert c.public_on is not None
    with pytest.raises(Conflict):
        services.complaint_rate(actor="complainant", complaint_id=c.pk, rating=3)
    with pytest.raises(Conflict):
        services.complaint_reopen(actor="complainant", complaint_id=c.pk, reason="x")


def test_provincial_handler_acts_only_in_its_province(ent_a, ent_b, make_complaint, handler_gd, handler):
    a, _ = make_complaint(ent_a)  # Beijing
    b, _ = make_complaint(ent_b)  # Guangdong
    with pytest.raises(NotFound):
        services.complaint_accept(actor=handler_gd, complaint_id=a.pk)
    assert services.complaint_accept(actor=handler_gd, complaint_id=b.pk).status == S.ACCEPTED
    with pytest.raises(NotFound):
        make_complaint(ent_a, actor=handler_gd)
    # National handlers (the 12300 centre) act everywhere.
    assert services.complaint_accept(actor=handler, complaint_id=a.pk).status == S.ACCEPTED


def test_only_the_respondent_enterprise_answers(
    ent_a, ent_b, make_complaint, handler, enterprise_a, enterprise_b
):
    c, _ = make_complaint(ent_a)
    c = walk(c, handler, ["accept"])
    with pytest.raises(NotFound):  # not forwarded yet
        services.complaint_respond(actor=enterprise_a, complaint_id=c.pk, response="x")
    c = walk(c, handler, ["forward"])
    with pytest.raises(NotFound):
        services.complaint_respond(actor=enterprise_b, complaint_id=c.pk, response="x")
    with pytest.raises(ApplicationError):
        services.complaint_respond(actor=enterprise_a, complaint_id=c.pk, response="  ")
    c = services.complaint_respond(actor=enterprise_a, complaint_id=c.pk, response="已退费")
    assert (c.status, c.enterprise_response) == (S.RESPONDED, "已退费")


def test_assign_to_a_handler_of_the_centre(ent_b, make_complaint, handler, handler_gd, handler_bj):
    c, _ = make_complaint(ent_b)
    with pytest.raises(ApplicationError):
        services.complaint_assign(actor=handler, complaint_id=c.pk, handler_id=handler_bj.pk)
    c = services.complaint_assign(actor=handler, complaint_id=c.pk, handler_id=handler_gd.pk)
    assert c.handler_id == handler_gd.pk


def test_intake_validation_saves_nothing(ent_a, handler):
    n = Complaint.objects.count()
    with pytest.raises(ApplicationError) as exc:
        services.complaint_intake(
            actor=handler,
            kind="internet",
            category="other",
            description="x",
            complainant_name="李四",
            enterprise_uscc="91110000XXXXXXXXXX",
        )
    assert "complainant_phone" in exc.value.errors
    assert Complaint.objects.count() == n
