"""The sweeps as a management command and as Celery beat entries."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import call_command

from credit.models import ListEntry
from enforcement.models import CaseStatus
from tests.enforcement.conftest import SH


def test_beat_has_the_enforcement_sweeps():
    tasks = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"enforcement.tasks.sweep_daily", "enforcement.tasks.sweep_effects"} <= tasks


@pytest.mark.django_db
def test_command_runs_every_sweep_idempotently(walk, ent_a, supervisor, clock):
    from enforcement import services

    case = walk(ent_a, CaseStatus.DECIDED)
    dec = services.decision_deliver(actor=supervisor, decision_id=case.decisions.get().pk)
    clock.move_to(dt.datetime.combine(dec.performance_due_on + dt.timedelta(days=2), dt.time(9), tzinfo=SH))
    out = io.StringIO()
    call_command("enforcement_sweep", stdout=out)
    call_command("enforcement_sweep", stdout=out)
    text = out.getvalue()
    assert "unperformed: {'overdue': 1" in text and "unperformed: {'overdue': 0" in text
    assert ListEntry.objects.filter(source_ref=f"penalty-unfulfilled:{dec.pk}").count() == 1
    # The bad listing left pending by the delivery (no commit hooks here) ran in the sweep.
    assert ListEntry.objects.filter(source_ref=f"penalty:{dec.pk}").count() == 1


@pytest.mark.django_db
def test_effect_task_runs_the_effect(walk, ent_a, supervisor):
    from enforcement import services, tasks

    case = walk(ent_a, CaseStatus.DECIDED)
    dec = services.decision_deliver(actor=supervisor, decision_id=case.decisions.get().pk)
    eff = dec.effects.get()
    assert tasks.effect_run.delay(eff.pk).get() == "done"
    assert tasks.effect_run.delay(eff.pk).get() == "done"  # a second run changes nothing
    assert ListEntry.objects.filter(source_ref=f"penalty:{dec.pk}").count() == 1
    assert tasks.effect_run.delay(10**9).get() == "missing"
