"""Inspections after the draw: the state machine, confirmation by both inspectors,
publication and its effects (once each), recusal, the lateness sweep."""

import datetime as dt

import consistent_sampler
import pytest
import time_machine
from django.utils import timezone

from config.api import ApplicationError, Conflict, NotFound
from credit.models import LedgerEntry, ListEntry
from enforcement.models import Case
from inspections import services
from inspections.models import Assignment, Inspection, InspectionEvent, Recusal
from inspections.selectors import public_draw_document
from inspections.services import work
from regulator.models import User
from tests.inspections.conftest import drawn, licensed, roster

pytestmark = pytest.mark.django_db


@pytest.fixture
def one(supervisor, item):
    """A draw of one AA licensee (take 1) with a roster of 4 inspectors."""
    licensed(1)
    roster(supervisor, 4)
    draw = drawn(supervisor, item)
    ins = Inspection.objects.get(draw=draw)
    team = [User.objects.get(inspector__badge=a.badge) for a in ins.assignments.order_by("seq")]
    return ins, team


def record(ins, user, outcome="ok", **kw):
    kw.setdefault("inspected_on", timezone.localdate())
    return services.inspection_record(actor=user, inspection=ins, outcome=outcome, **kw)


def publish(ins, team, outcome="ok", **kw):
    services.inspection_start(actor=team[0], inspection=ins)
    record(ins, team[0], outcome, **kw)
    return services.inspection_confirm(actor=team[1], inspection=ins)


def test_walk_to_published_with_both_confirmations(one):
    ins, team = one
    services.inspection_start(actor=team[0], inspection=ins)
    ins = record(ins, team[0], "ok")
    assert ins.status == "recorded"
    # The recorder's confirmation counts; the second inspector's publishes.
    assert Assignment.objects.filter(inspection=ins, confirmed_at__isnull=False).count() == 1
    ins = services.inspection_confirm(actor=team[1], inspection=ins)
    assert ins.status == "published" and ins.published_at is not None
    assert list(InspectionEvent.objects.filter(inspection=ins).values_list("to_status", flat=True)) == [
        "in_progress",
        "recorded",
        "published",
    ]
    assert ins.licence_numbers  # the holder's licence numbers are published with the result


def test_reopen_clears_confirmations(one):
    ins, team = one
    services.inspection_start(actor=team[0], inspection=ins)
    record(ins, team[0], "ok")
    ins = services.inspection_reopen(actor=team[1], inspection=ins, reason="facts incomplete")
    assert ins.status == "in_progress"
    assert not Assignment.objects.filter(inspection=ins, confirmed_at__isnull=False).exists()
    with pytest.raises(ApplicationError):
        services.inspection_reopen(actor=team[1], inspection=ins, reason=" ")


def test_every_disallowed_transition_is_409(one):
    ins, _team = one
    allowed = {(src, to) for src, tos in work.ALLOWED.items() for to in tos}
    for src in work.ALLOWED:
        for to in work.ALLOWED:
            if (src, to) in allowed:
                continue
            Inspection.objects.filter(pk=ins.pk).update(status=src)
            with pytest.raises(Conflict):
                work.transition(inspection_id=ins.pk, to=to, actor="test")
    for src, to in sorted(allowed):
        Inspection.objects.filter(pk=ins.pk).update(status=src)
        assert work.transition(inspection_id=ins.pk, to=to, actor="test").status == to


def test_only_team_members_act(one, inspector, inspector_gd, supervisor):
    ins, _team = one
    for actor in (inspector, inspector_gd, supervisor):
        with pytest.raises(NotFound):
            services.inspection_start(actor=actor, inspection=ins)


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"outcome": "violation", "facts": "x", "items": ["ITEM-ANNUAL"]}, "severity"),
        ({"outcome": "violation", "facts": "x", "severity": "minor"}, "items"),
        ({"outcome": "violation", "severity": "minor", "items": ["ITEM-ANNUAL"]}, "facts"),
        ({"outcome": "ok", "severity": "minor"}, "severity"),
        ({"outcome": "nope"}, "outcome"),
        ({"outcome": "not_at_address"}, "facts"),
        ({"outcome": "ok", "items": ["OTHER"]}, "items"),
        ({"outcome": "ok", "inspected_on": dt.date(2000, 1, 1)}, "inspected_on"),
    ],
)
def test_result_validation(one, kw, field):
    ins, team = one
    services.inspection_start(actor=team[0], inspection=ins)
    with pytest.raises(ApplicationError) as e:
        record(ins, team[0], **kw)
    assert field in e.value.errors
    ins.refresh_from_db()
    assert ins.status == "in_progress"


def test_clean_result_posts_the_bonus_once(one):
    ins, team = one
    ins = publish(ins, team, "ok")
    entries = LedgerEntry.objects.filter(enterprise=ins.enterprise, source_ref=f"inspection:{ins.pk}")
    assert entries.count() == 1 and ins.effects["credit_bonus"] == entries.get().pk
    # A replay of the effects does nothing twice.
    work.apply_effects(ins)
    assert entries.count() == 1


def test_not_at_address_proposes_the_bad_list_entry(one):
    ins, team = one
    ins = publish(ins, team, "not_at_address", facts="注册地址无该企业办公场所")
    entry = ListEntry.objects.get(enterprise=ins.enterprise, source_ref=f"inspection:{ins.pk}")
    assert entry.list_kind == "bad" and entry.rule.code == "BAD_UNREACHABLE"
    assert not LedgerEntry.objects.filter(
        source_ref=f"inspection:{ins.pk}", rule__code="BONUS_CLEAN_INSPECTION"
    ).exists()


def test_violation_opens_an_enforcement_case(one):
    ins, team = one
    ins = publish(ins, team, "violation", facts="未按规定留存日志", severity="serious", items=["ITEM-ANNUAL"])
    case = Case.objects.get(source_kind="inspection", source_ref=f"inspection:{ins.pk}")
    assert case.enterprise_id == ins.enterprise_id and case.authority_id == "MIIT"
    assert "ITEM-ANNUAL" in case.provisions
    work.apply_effects(ins)
    assert Case.objects.filter(source_ref=f"inspection:{ins.pk}").count() == 1


def test_fixed_on_the_spot_has_no_credit_effect(one):
    ins, team = one
    ins = publish(ins, team, "fixed", facts="现场整改")
    assert ins.effects == {}


def test_recusal_takes_the_next_in_order_and_is_published(one, supervisor):
    ins, team = one
    draw = ins.draw
    order = list(
        consistent_sampler.sampler(
            [i["badge"] for i in draw.pool["inspectors"]], seed=draw.seed + "|inspectors", output="id"
        )
    )
    assert [a.badge for a in ins.assignments.order_by("seq")] == order[:2]
    row = services.inspection_recuse(actor=team[0], inspection=ins, badge="", reason="曾在该企业任职")
    assert row.badge == order[0] and row.replacement == order[2]
    active = list(Assignment.objects.filter(inspection=ins, recused=False).values_list("badge", flat=True))
    assert sorted(active) == sorted([order[1], order[2]])
    # A supervisor records the recusal of the replacement: the next after it is order[3].
    row2 = services.inspection_recuse(actor=supervisor, inspection=ins, badge=order[2], reason="亲属关系")
    assert row2.replacement == order[3]
    # Then nobody eligible is left (order[0] and order[2] recused, order[1] on the team).
    row3 = services.inspection_recuse(actor=supervisor, inspection=ins, badge=order[3], reason="持股")
    assert row3.replacement == ""
    doc = public_draw_document(draw)
    assert [(r["badge"], r["replacement"]) for r in doc["recusals"]] == [
        (order[0], order[2]),
        (order[2], order[3]),
        (order[3], None),
    ]
    # The team is short now: the inspection cannot start.
    with pytest.raises(Conflict):
        services.inspection_start(actor=User.objects.get(inspector__badge=order[1]), inspection=ins)


def test_recusal_refused_after_the_result_and_for_outsiders(one, inspector, supervisor):
    ins, team = one
    with pytest.raises(NotFound):
        services.inspection_recuse(actor=inspector, inspection=ins, badge="", reason="x")
    with pytest.raises(ApplicationError):
        services.inspection_recuse(actor=supervisor, inspection=ins, badge="NOBODY", reason="x")
    with pytest.raises(ApplicationError):
        services.inspection_recuse(actor=team[0], inspection=ins, badge="", reason="")
    services.inspection_start(actor=team[0], inspection=ins)
    record(ins, team[0], "ok")
    with pytest.raises(Conflict):
        services.inspection_recuse(actor=team[1], inspection=ins, badge="", reason="late")
    assert not Recusal.objects.exists()


def test_late_sweep_flags_once(one):
    ins, _team = one
    with time_machine.travel(dt.datetime.combine(ins.due_on + dt.timedelta(days=1), dt.time(12)), tick=False):
        assert work.sweep_late() == 1
        assert work.sweep_late() == 0
    ins.refresh_from_db()
    assert ins.late_at is not None


def test_not_late_before_due(one):
    ins, _team = one
    assert work.sweep_late(today=ins.due_on) == 0


def test_sweep_command_and_task(one):
    from io import StringIO

    from django.core.management import call_command

    from inspections import tasks

    ins, _team = one
    out = StringIO()
    with time_machine.travel(dt.datetime.combine(ins.due_on + dt.timedelta(days=2), dt.time(12)), tick=False):
        call_command("inspections_sweep", stdout=out)
        assert out.getvalue().strip() == "late: 1"
        assert tasks.late_sweep() == 0
