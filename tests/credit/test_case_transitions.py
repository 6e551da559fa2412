"""Objections, repair requests and yearly grade records: every edge of their maps walked,
allowed ones writing one event row and one audit event, the others a 409 writing nothing
(issue 8 §5)."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from config.api import Conflict
from credit import services
from credit import transitions as tr
from credit.models import (
    GradeRecord,
    GradeStatus,
    Objection,
    ObjectionStatus,
    RepairRequest,
    RepairStatus,
)
from regulator.models import AuditEvent
from tests.credit.conftest import at

pytestmark = pytest.mark.django_db

# How to reach each status from the initial one (along allowed edges).
PATHS = {
    Objection: {
        ObjectionStatus.PENDING: [],
        ObjectionStatus.UPHELD: [ObjectionStatus.UPHELD],
        ObjectionStatus.REJECTED: [ObjectionStatus.REJECTED],
        ObjectionStatus.MOOT: [ObjectionStatus.MOOT],
    },
    RepairRequest: {
        RepairStatus.SUBMITTED: [],
        RepairStatus.ACCEPTED: [RepairStatus.ACCEPTED],
        RepairStatus.NOT_ACCEPTED: [RepairStatus.NOT_ACCEPTED],
        RepairStatus.GRANTED: [RepairStatus.ACCEPTED, RepairStatus.GRANTED],
        RepairStatus.REFUSED: [RepairStatus.ACCEPTED, RepairStatus.REFUSED],
    },
    GradeRecord: {
        GradeStatus.PUBLICITY: [],
        GradeStatus.OBJECTED: [GradeStatus.OBJECTED],
        GradeStatus.FIXED: [GradeStatus.FIXED],
    },
}
ALLOWED = {Objection: tr.OBJECTION_ALLOWED, RepairRequest: tr.REPAIR_ALLOWED, GradeRecord: tr.GRADE_ALLOWED}
CASES = [(model, frm, to) for model, paths in PATHS.items() for frm in paths for to in paths]


def _fresh(model, ent_a, enterprise_a, propose, published):
    if model is Objection:
        e = propose(ent_a, notify=True)
        return services.objection_file(actor=enterprise_a, entry_id=e.pk, grounds="g")
    if model is RepairRequest:
        e = published(ent_a)
        with time_machine.travel(at(e.published_on + dt.timedelta(days=100))):
            return services.repair_file(actor=enterprise_a, entry_id=e.pk, statement="s", commitment="c")
    with time_machine.travel(at(dt.date(2026, 1, 15))):
        services.grade_sweep()
    return GradeRecord.objects.get(enterprise=ent_a)


@pytest.mark.parametrize(("model", "frm", "to"), CASES, ids=lambda v: getattr(v, "__name__", str(v)))
def test_every_case_edge(model, frm, to, ent_a, enterprise_a, supervisor, propose, published):
    if model is GradeRecord:
        ent_a.created_at = timezone.make_aware(dt.datetime(2020, 1, 1))
        ent_a.save(update_fields=["created_at"])
    row = _fresh(model, ent_a, enterprise_a, propose, published)
    assert row.events.count() == 1  # the filing (or recording) itself
    for step in PATHS[model][frm]:
        tr.case_transition(model, pk=row.pk, to=step, actor=supervisor, action="walk")
    events = row.events.count()
    audits = AuditEvent.objects.filter(object_id=str(row.pk), object_type=f"credit.{model._meta.model_name}")
    n_audits = audits.count()
    if to in ALLOWED[model][frm]:
        out = tr.case_transition(model, pk=row.pk, to=to, actor=supervisor, action="edge", reason="why")
        assert out.status == to
        last = row.events.last()
        assert (last.from_status, last.to_status, last.action, last.reason) == (frm, to, "edge", "why")
        assert row.events.count() == events + 1 and audits.count() == n_audits + 1
        assert audits.last().after["status"] == to
    else:
        with pytest.raises(Conflict):
            tr.case_transition(model, pk=row.pk, to=to, actor=supervisor, action="edge")
        assert model.objects.get(pk=row.pk).status == frm
        assert row.events.count() == events and audits.count() == n_audits


def test_objection_decided_twice_is_409_before_the_entry_moves(ent_a, enterprise_a, supervisor, propose):
    e = propose(ent_a, notify=True)
    obj = services.objection_file(actor=enterprise_a, entry_id=e.pk, grounds="g")
    services.objection_decide(actor=supervisor, objection_id=obj.pk, upheld=False, answer="no")
    e.refresh_from_db()
    entry_events = e.events.count()
    with pytest.raises(Conflict):
        services.objection_decide(
            actor=supervisor, objection_id=obj.pk, upheld=True, answer="changed my mind"
        )
    e.refresh_from_db()
    assert e.status == "notified" and e.events.count() == entry_events
    assert list(obj.events.values_list("to_status", flat=True)) == ["pending", "rejected"]


def test_repair_service_steps_write_events(ent_a, enterprise_a, supervisor, published):
    e = published(ent_a)
    with time_machine.travel(at(e.published_on + dt.timedelta(days=100))):
        rep = services.repair_file(actor=enterprise_a, entry_id=e.pk, statement="s", commitment="c")
        services.repair_accept(actor=supervisor, repair_id=rep.pk, accepted=True, note="complete")
        services.repair_decide(actor=supervisor, repair_id=rep.pk, granted=True, note="ok")
    assert list(rep.events.values_list("from_status", "to_status")) == [
        ("", "submitted"),
        ("submitted", "accepted"),
        ("accepted", "granted"),
    ]
    actions = set(
        AuditEvent.objects.filter(object_type="credit.repairrequest").values_list("action", flat=True)
    )
    assert actions == {"credit.repair_filed", "credit.repair_accepted", "credit.repair_decided"}


def test_withdrawing_an_objected_entry_closes_the_objection(ent_a, enterprise_a, supervisor, propose):
    e = propose(ent_a, notify=True)
    obj = services.objection_file(actor=enterprise_a, entry_id=e.pk, grounds="g")
    services.list_entry_withdraw(actor=supervisor, entry_id=e.pk, reason="处罚决定撤销")
    obj.refresh_from_db()
    assert obj.status == ObjectionStatus.MOOT
    assert list(obj.events.values_list("to_status", flat=True)) == ["pending", "moot"]
    with pytest.raises(Conflict):
        services.objection_decide(actor=supervisor, objection_id=obj.pk, upheld=True, answer="late")
