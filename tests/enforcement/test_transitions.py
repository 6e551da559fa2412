"""Every allowed edge of the case and decision state machines is walked, every disallowed
edge refused with 409 (the maps in enforcement.transitions), and each service edge is
walked through the services themselves."""

import datetime as dt
from decimal import Decimal

import pytest

from config.api import ApplicationError, Conflict
from enforcement import services
from enforcement import transitions as tr
from enforcement.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Decision,
    DecisionEvent,
    DecisionStatus,
    PenaltyKind,
)
from regulator.models import AuditEvent
from tests.enforcement.conftest import SH, decide, open_case, past_reply_window

CASE_PAIRS = [(a, b) for a in CaseStatus.values for b in CaseStatus.values if a != b]
DECISION_PAIRS = [(a, b) for a in DecisionStatus.values for b in DecisionStatus.values if a != b]


@pytest.mark.django_db
@pytest.mark.parametrize(("frm", "to"), CASE_PAIRS)
def test_case_map_every_pair(frm, to, ent_a, supervisor, inspector, clock):
    case = open_case(supervisor, ent_a, officers=[supervisor, inspector])
    Case.objects.filter(pk=case.pk).update(status=frm)
    events = CaseEvent.objects.count()
    if to in tr.CASE_ALLOWED[frm]:
        moved = tr.case_transition(case_id=case.pk, to=to, actor=supervisor, action="test")
        assert moved.status == to
        assert CaseEvent.objects.count() == events + 1
        assert AuditEvent.objects.filter(action="enforcement.case_test", object_id=str(case.pk)).exists()
    else:
        with pytest.raises(Conflict):
            tr.case_transition(case_id=case.pk, to=to, actor=supervisor, action="test")
        assert Case.objects.get(pk=case.pk).status == frm
        assert CaseEvent.objects.count() == events


@pytest.mark.django_db
@pytest.mark.parametrize(("frm", "to"), DECISION_PAIRS)
def test_decision_map_every_pair(frm, to, walk, supervisor, ent_a):
    case = walk(ent_a, CaseStatus.DECIDED)
    dec = case.decisions.get()
    Decision.objects.filter(pk=dec.pk).update(status=frm)
    if to in tr.DECISION_ALLOWED[frm]:
        assert tr.decision_transition(decision_id=dec.pk, to=to, actor=supervisor, action="test").status == to
        assert DecisionEvent.objects.filter(decision=dec, to_status=to).exists()
    else:
        with pytest.raises(Conflict):
            tr.decision_transition(decision_id=dec.pk, to=to, actor=supervisor, action="test")
        assert Decision.objects.get(pk=dec.pk).status == frm


@pytest.mark.django_db
@pytest.mark.parametrize(
    "to",
    [
        CaseStatus.OPENED,
        CaseStatus.WITHDRAWN,
        CaseStatus.INVESTIGATING,
        CaseStatus.NOTICE_SENT,
        CaseStatus.DECIDED,
        CaseStatus.PERFORMED,
        CaseStatus.ENFORCEMENT,
        CaseStatus.CLOSED,
    ],
)
def test_walk_through_services(walk, ent_a, to):
    case = walk(ent_a, to)
    case.refresh_from_db()
    assert case.status == to


@pytest.mark.django_db
@pytest.mark.parametrize(
    "to", [CaseStatus.HEARING_REQUESTED, CaseStatus.HEARING_SCHEDULED, CaseStatus.HEARING_HELD]
)
def test_hearing_path(walk, ent_a, supervisor, to):
    case = walk(ent_a, to, amount="100000")  # ≥ the large-fine threshold: a hearing right
    assert case.status == to
    if to == CaseStatus.HEARING_HELD:
        dec = decide(supervisor, case, amount="100000")
        assert Case.objects.get(pk=case.pk).status == CaseStatus.DECIDED
        assert dec.amount == Decimal("100000")


@pytest.mark.django_db
@pytest.mark.parametrize("state", sorted(tr.UNDECIDED))
def test_withdraw_from_every_undecided_state(walk, ent_a, supervisor, state):
    case = walk(ent_a, state, amount="100000")
    assert (
        services.case_withdraw(actor=supervisor, case_id=case.pk, reason="证据不足").status
        == CaseStatus.WITHDRAWN
    )


@pytest.mark.django_db
def test_no_penalty_straight_from_investigation_then_closed(walk, ent_a, supervisor):
    case = walk(ent_a, CaseStatus.INVESTIGATING)
    dec = decide(supervisor, case, outcome="no_penalty")
    assert dec.outcome == "no_penalty" and dec.publish_due_on is None
    services.decision_deliver(actor=supervisor, decision_id=dec.pk)
    assert services.case_close(actor=supervisor, case_id=case.pk).status == CaseStatus.CLOSED
    assert not Decision.objects.get(pk=dec.pk).effects.exists()


@pytest.mark.django_db
def test_penalty_needs_the_notice(walk, ent_a, supervisor):
    case = walk(ent_a, CaseStatus.INVESTIGATING)
    with pytest.raises(ApplicationError) as exc:
        decide(supervisor, case)
    assert exc.value.code == "notice_required"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.INVESTIGATING


@pytest.mark.django_db
def test_decision_waits_for_the_reply_window(walk, ent_a, supervisor, clock):
    case = walk(ent_a, CaseStatus.NOTICE_SENT)
    with pytest.raises(Conflict) as exc:
        decide(supervisor, case)
    assert exc.value.code == "reply_window_open"
    past_reply_window(clock, case)
    assert decide(supervisor, case).status == DecisionStatus.MADE


@pytest.mark.django_db
def test_heavier_than_noticed_needs_a_new_notice(walk, ent_a, supervisor, clock):
    case = walk(ent_a, CaseStatus.NOTICE_SENT, amount="10000")
    past_reply_window(clock, case)
    with pytest.raises(ApplicationError) as exc:
        decide(supervisor, case, amount="80000")
    assert exc.value.code == "heavier_than_notice"


@pytest.mark.django_db
def test_investigation_needs_two_officers(ent_a, supervisor, inspector):
    case = open_case("inspections", ent_a, officers=None, ref="insp-1", source_kind="inspection")
    with pytest.raises(ApplicationError):
        services.case_investigate(actor=supervisor, case_id=case.pk)
    services.case_assign_officers(actor=supervisor, case_id=case.pk, officers=[supervisor.pk])
    with pytest.raises(ApplicationError):
        services.case_investigate(actor=supervisor, case_id=case.pk)
    services.case_assign_officers(actor=supervisor, case_id=case.pk, officers=[inspector.pk])
    assert services.case_investigate(actor=supervisor, case_id=case.pk).status == CaseStatus.INVESTIGATING


@pytest.mark.django_db
def test_person_opening_names_two_officers(ent_a, supervisor):
    with pytest.raises(ApplicationError) as exc:
        open_case(supervisor, ent_a, officers=[supervisor])
    assert "officers" in exc.value.errors
    assert not Case.objects.exists()


@pytest.mark.django_db
def test_officers_of_another_authority_refused(ent_a, supervisor, supervisor_gd):
    with pytest.raises(ApplicationError) as exc:
        open_case(supervisor, ent_a, officers=[supervisor, supervisor_gd])
    assert "officers" in exc.value.errors


@pytest.mark.django_db
def test_case_open_idempotent_per_source(ent_a):
    a = open_case("inspections", ent_a, officers=None, ref="result-7", source_kind="inspection")
    b = open_case("inspections", ent_a, officers=None, ref="result-7", source_kind="inspection")
    c = open_case("complaints", ent_a, officers=None, ref="result-7", source_kind="complaint")
    assert a.pk == b.pk != c.pk
    assert Case.objects.count() == 2


@pytest.mark.django_db
def test_case_open_bad_source_kind(ent_a):
    with pytest.raises(ApplicationError) as exc:
        open_case("x", ent_a, officers=None, source_kind="rumour")
    assert "source_kind" in exc.value.errors


@pytest.mark.django_db
def test_hearing_notice_period_and_chair(walk, ent_a, supervisor, inspector):
    case = walk(ent_a, CaseStatus.HEARING_REQUESTED, amount="100000")
    with pytest.raises(ApplicationError) as exc:
        services.case_schedule_hearing(
            actor=supervisor,
            case_id=case.pk,
            hearing_on=dt.date(2026, 3, 5),
            place="听证室",
            chair_id=inspector.pk,
        )
    # Too soon (7 working days' notice) and chaired by an investigating officer.
    assert set(exc.value.errors) >= {"hearing_on", "chair"}


@pytest.mark.django_db
def test_hearing_not_held_before_its_day(walk, ent_a, supervisor):
    case = walk(ent_a, CaseStatus.HEARING_SCHEDULED, amount="100000")
    with pytest.raises(Conflict):
        services.case_hold_hearing(actor=supervisor, case_id=case.pk, record="笔录")


@pytest.mark.django_db
def test_extension_recorded(walk, ent_a, supervisor):
    case = walk(ent_a, CaseStatus.INVESTIGATING)
    due = case.decision_due_on
    case = services.case_extend(actor=supervisor, case_id=case.pk, days=30, reason="案情复杂，经负责人批准")
    assert case.decision_due_on == due + dt.timedelta(days=30)
    assert case.extensions.get().reason.startswith("案情复杂")


@pytest.mark.django_db
def test_decision_deadline_sweep_flags_once(walk, ent_a, clock):
    case = walk(ent_a, CaseStatus.INVESTIGATING)
    assert case.decision_due_on == dt.date(2026, 5, 31)  # 90 calendar days from 2026-03-02
    clock.move_to(dt.datetime(2026, 6, 1, 10, tzinfo=SH))
    assert services.sweep_decision_deadline() == 1
    assert services.sweep_decision_deadline() == 0
    assert Case.objects.get(pk=case.pk).decision_overdue_flagged_at is not None


@pytest.mark.django_db
def test_close_refused_while_fine_unpaid(walk, ent_a, supervisor):
    case = walk(ent_a, CaseStatus.DECIDED)
    dec = case.decisions.get()
    with pytest.raises(Conflict):
        services.case_close(actor=supervisor, case_id=case.pk)
    services.decision_deliver(actor=supervisor, decision_id=dec.pk)
    with pytest.raises(Conflict):
        services.case_close(actor=supervisor, case_id=case.pk)


@pytest.mark.django_db
def test_warning_closes_on_delivery(walk, ent_a, supervisor):
    case = walk(ent_a, CaseStatus.DECIDED, kind=PenaltyKind.WARNING)
    dec = case.decisions.get()
    services.decision_deliver(actor=supervisor, decision_id=dec.pk)
    assert Decision.objects.get(pk=dec.pk).performance_status == "not_required"
    assert services.case_close(actor=supervisor, case_id=case.pk).status == CaseStatus.CLOSED


@pytest.mark.django_db
def test_events_are_append_only_and_delivered_decisions_immutable(walk, ent_a, supervisor):
    from django.db import IntegrityError, transaction

    case = walk(ent_a, CaseStatus.DECIDED)
    dec = case.decisions.get()
    Decision.objects.filter(pk=dec.pk).update(amount=Decimal("1"))  # still "made": allowed
    services.decision_deliver(actor=supervisor, decision_id=dec.pk)
    for attempt in (
        lambda: Decision.objects.filter(pk=dec.pk).update(amount=Decimal("2")),
        lambda: Decision.objects.filter(pk=dec.pk).update(reasons="rewritten"),
        lambda: Decision.objects.filter(pk=dec.pk).delete(),
        lambda: CaseEvent.objects.filter(case=case).update(reason="rewritten"),
        lambda: DecisionEvent.objects.filter(decision=dec).delete(),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()
    assert Decision.objects.get(pk=dec.pk).amount == Decimal("1")


@pytest.mark.django_db
def test_inspector_refers_a_case_without_officers(ent_a, inspector, inspector_gd):
    case = open_case(inspector, ent_a, officers=None, ref="finding-9", source_kind="inspection")
    assert case.authority_id == "MIIT" and not case.assignments.exists()
    with pytest.raises(ApplicationError) as exc:  # a provincial inspector refers to its own authority only
        open_case(inspector_gd, ent_a, officers=None, ref="finding-10", source_kind="inspection")
    assert "authority" in exc.value.errors
