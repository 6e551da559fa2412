"""verify_draw (management command) and tools/verify_draw.py (standalone) recompute a draw
and detect a changed selection, a changed assignment, a changed recusal and a changed frame."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from inspections import services
from inspections.management.commands.verify_draw import load_tool, local_documents
from inspections.models import Assignment, FrameChunk, Inspection
from tests.inspections.conftest import licensed, new_campaign, roster, set_credit

TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_draw.py"


def make_draw(supervisor, item):
    ents = licensed(30)
    for e in ents[:3]:
        set_credit(e, grade="C", dishonest=True, score=30)
    for e in ents[3:10]:
        set_credit(e, grade="B", bad=True, score=70)
    inspectors = roster(supervisor, 7, cap=3)
    services.conflict_declare(actor=supervisor, inspector=inspectors[0], enterprise=ents[0], kind="kin")
    camp = new_campaign(supervisor, item, base_rate="0.2")
    services.campaign_freeze(actor=supervisor, campaign_id=camp.pk)
    draw = services.campaign_draw(
        actor=supervisor, campaign_id=camp.pk, seed_inputs=["04815162342815162342", "beacon:8990e7a9"]
    )
    ins = Inspection.objects.filter(draw=draw).order_by("id").first()
    seat = ins.assignments.order_by("seq").first()
    services.inspection_recuse(actor=supervisor, inspection=ins, badge=seat.badge, reason="曾在该企业任职")
    return draw


def diffs(draw):
    return load_tool().verify(*local_documents(draw.pk))


@pytest.mark.django_db
def test_clean_draw_verifies(supervisor, item):
    draw = make_draw(supervisor, item)
    assert diffs(draw) == []
    call_command("verify_draw", str(draw.pk))


@pytest.mark.django_db
def test_frozen_draw_verifies_its_frame(supervisor, item):
    licensed(3)
    camp = new_campaign(supervisor, item)
    draw = services.campaign_freeze(actor=supervisor, campaign_id=camp.pk)
    assert diffs(draw) == []


@pytest.mark.django_db
def test_changed_selection_is_detected(supervisor, item):
    draw = make_draw(supervisor, item)
    first = Inspection.objects.filter(draw=draw, stratum="grade_AA").order_by("position").first()
    Inspection.objects.filter(pk=first.pk).update(ticket="0.000000001")
    found = diffs(draw)
    assert any(d.startswith("selection #") and "0.000000001" in d for d in found), found
    with pytest.raises(CommandError):
        call_command("verify_draw", str(draw.pk))


@pytest.mark.django_db
def test_swapped_target_is_detected(supervisor, item):
    draw = make_draw(supervisor, item)
    chosen = set(Inspection.objects.filter(draw=draw).values_list("uscc", flat=True))
    frame, _doc = local_documents(draw.pk)
    import json

    aa = next(s for s in json.loads(frame)["strata"] if s["name"] == "grade_AA")
    outsider = next(u for u in aa["ids"] if u not in chosen)
    first = Inspection.objects.filter(draw=draw, stratum="grade_AA").order_by("position").first()
    Inspection.objects.filter(pk=first.pk).update(uscc=outsider)
    assert any(outsider in d for d in diffs(draw) if d.startswith("selection"))


@pytest.mark.django_db
def test_changed_assignment_is_detected(supervisor, item):
    draw = make_draw(supervisor, item)
    seat = Assignment.objects.filter(inspection__draw=draw, dealt=True).order_by("-id").first()
    other = next(b["badge"] for b in draw.pool["inspectors"] if b["badge"] != seat.badge)
    Assignment.objects.filter(pk=seat.pk).update(badge=other)
    found = diffs(draw)
    assert any(d.startswith("assignment #") for d in found), found


@pytest.mark.django_db
def test_changed_recusal_and_frame_are_detected(supervisor, item):
    from inspections.models import Recusal

    draw = make_draw(supervisor, item)
    rec = Recusal.objects.get(inspection__draw=draw)
    Recusal.objects.filter(pk=rec.pk).update(replacement="R006" if rec.replacement != "R006" else "R005")
    assert any(d.startswith("recusal #1") for d in diffs(draw))
    chunk = FrameChunk.objects.filter(draw=draw).first()
    FrameChunk.objects.filter(pk=chunk.pk).update(data=chunk.data.replace('"team_size":2', '"team_size":3'))
    found = diffs(draw)
    assert any(d.startswith("frame hash") for d in found), found


@pytest.mark.django_db(transaction=True)
def test_standalone_script_over_http(live_server, supervisor, item):
    draw = make_draw(supervisor, item)
    run = [sys.executable, str(TOOL), str(draw.pk), "--url", live_server.url]
    ok = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "OK" in ok.stdout
    seat = Assignment.objects.filter(inspection__draw=draw, dealt=True).order_by("id").last()
    other = next(b["badge"] for b in draw.pool["inspectors"] if b["badge"] != seat.badge)
    Assignment.objects.filter(pk=seat.pk).update(badge=other)
    first = Inspection.objects.filter(draw=draw).order_by("-id").first()
    Inspection.objects.filter(pk=first.pk).update(ticket="0.1")
    bad = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert "assignment #" in bad.stdout and "selection #" in bad.stdout


def test_standalone_script_imports_nothing_of_telereg():
    source = TOOL.read_text()
    for name in ("django", "inspections", "regulator", "rest_framework"):
        assert f"import {name}" not in source and f"from {name}" not in source
