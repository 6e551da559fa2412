import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from config.api import Conflict, NotFound
from credit import selectors, services
from credit.models import LedgerEntry, ListStatus, ObjectionStatus, RepairStatus

pytestmark = pytest.mark.django_db


def _at(day):
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def notified(ent_a, propose, supervisor):
    e = propose(ent_a)
    return services.list_entry_notify(actor=supervisor, entry_id=e.pk)


def test_upheld_objection_before_publication_posts_and_reverses_nothing(
    ent_a, enterprise_a, supervisor, notified
):
    assert selectors.account_get(ent_a).score == 100
    obj = services.objection_file(actor=enterprise_a, entry_id=notified.pk, grounds="penalty annulled")
    assert obj.reply_due_on > timezone.localdate()
    services.objection_decide(actor=supervisor, objection_id=obj.pk, upheld=True, answer="agreed")
    notified.refresh_from_db()
    assert (notified.status, notified.removal_reason, notified.published_on) == (
        ListStatus.REMOVED,
        "objection_upheld",
        None,
    )
    assert selectors.account_get(ent_a).score == 100
    assert not LedgerEntry.objects.filter(enterprise=ent_a).exists()
    events = list(obj.events.values_list("from_status", "to_status"))
    assert events == [("", "pending"), ("pending", "upheld")]
    with pytest.raises(Conflict):
        services.objection_decide(actor=supervisor, objection_id=obj.pk, upheld=True, answer="again")
    assert obj.events.count() == 2


def test_rejected_objection_returns_to_notified(ent_a, enterprise_a, supervisor, notified):
    obj = services.objection_file(actor=enterprise_a, entry_id=notified.pk, grounds="no")
    out = services.objection_decide(actor=supervisor, objection_id=obj.pk, upheld=False, answer="facts stand")
    assert out.status == ObjectionStatus.REJECTED
    notified.refresh_from_db()
    assert notified.status == ListStatus.NOTIFIED and selectors.account_get(ent_a).score == 100


def test_objection_after_window_is_409(enterprise_a, notified):
    with time_machine.travel(_at(notified.objection_due_on + dt.timedelta(days=1))), pytest.raises(Conflict):
        services.objection_file(actor=enterprise_a, entry_id=notified.pk, grounds="late")


def test_other_enterprise_cannot_object(enterprise_b, notified):
    with pytest.raises(NotFound):
        services.objection_file(actor=enterprise_b, entry_id=notified.pk, grounds="not mine")


def test_overdue_objection_flagged_once(enterprise_a, notified):
    obj = services.objection_file(actor=enterprise_a, entry_id=notified.pk, grounds="g")
    with time_machine.travel(_at(obj.reply_due_on + dt.timedelta(days=1))):
        assert services.sweep_flag_overdue()["objections"] == 1
        assert services.sweep_flag_overdue()["objections"] == 0


def test_repair_flow(ent_a, enterprise_a, supervisor, published):
    e = published(ent_a)
    with pytest.raises(Conflict):
        services.repair_file(actor=enterprise_a, entry_id=e.pk, statement="fixed", commitment="promise")
    with time_machine.travel(_at(e.published_on + dt.timedelta(days=100))):
        rep = services.repair_file(actor=enterprise_a, entry_id=e.pk, statement="fixed", commitment="promise")
        with pytest.raises(Conflict):
            services.repair_file(actor=enterprise_a, entry_id=e.pk, statement="again", commitment="promise")
        rep = services.repair_accept(actor=supervisor, repair_id=rep.pk, accepted=True)
        assert rep.status == RepairStatus.ACCEPTED and rep.decide_due_on
        rep = services.repair_decide(actor=supervisor, repair_id=rep.pk, granted=True, note="ok")
    e.refresh_from_db()
    assert (rep.status, e.status, e.removal_reason) == (RepairStatus.GRANTED, ListStatus.REMOVED, "repaired")
    assert not selectors.account_get(ent_a).on_bad_list


@pytest.mark.parametrize("rule", ["DISHONEST_REVOKED", "DISHONEST_FALSE_COMMITMENT"])
def test_revocation_entries_cannot_be_repaired(ent_a, enterprise_a, published, rule):
    e = published(ent_a, "dishonest", rule)
    with time_machine.travel(_at(e.published_on + dt.timedelta(days=800))), pytest.raises(Conflict):
        services.repair_file(actor=enterprise_a, entry_id=e.pk, statement="s", commitment="c")


def test_overdue_repair_acceptance_flagged(ent_a, enterprise_a, published):
    e = published(ent_a)
    with time_machine.travel(_at(e.published_on + dt.timedelta(days=100))):
        rep = services.repair_file(actor=enterprise_a, entry_id=e.pk, statement="s", commitment="c")
    with time_machine.travel(_at(rep.accept_due_on + dt.timedelta(days=1))):
        assert services.sweep_flag_overdue()["repairs"] == 1
        assert services.sweep_flag_overdue()["repairs"] == 0
