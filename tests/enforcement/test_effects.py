"""A decision's effects on credit and licensing, exactly once each (issue 12 §3)."""

import datetime as dt
from decimal import Decimal

import pytest

from config.api import Conflict
from credit import selectors as credit_selectors
from credit import services as credit
from credit.models import ListEntry, ListStatus
from enforcement import services
from enforcement.models import CaseStatus, Decision, DecisionStatus, Effect, EffectStatus, PenaltyKind
from licensing.models import Licence
from tests.enforcement.conftest import SH, decide, notice, open_case, past_reply_window


def delivered(walk, ent, supervisor, **kw):
    case = walk(ent, CaseStatus.DECIDED, **kw)
    dec = case.decisions.get()
    dec = services.decision_deliver(actor=supervisor, decision_id=dec.pk)
    services.effects_run_pending()
    return Decision.objects.get(pk=dec.pk)


def publish_entry(clock, entry):
    """Serve the listing notice and let its objection window pass, then publish (credit)."""
    entry.refresh_from_db()
    if entry.notice_delivered_on is None:
        credit.list_entry_notice_delivered(actor="test", entry_id=entry.pk, delivered_on=entry.notified_on)
        entry.refresh_from_db()
    clock.move_to(dt.datetime.combine(entry.objection_due_on + dt.timedelta(days=1), dt.time(10), tzinfo=SH))
    return credit.list_entry_publish(actor="test", entry_id=entry.pk)


@pytest.mark.django_db
def test_penalty_proposes_the_bad_listing_once(walk, ent_a, supervisor):
    dec = delivered(walk, ent_a, supervisor)
    entry = ListEntry.objects.get(source_ref=f"penalty:{dec.pk}")
    assert entry.list_kind == "bad" and entry.rule.code == "BAD_PENALTY"
    assert entry.requires_fulfilment is True
    assert dec.number in entry.reason
    assert dec.effects.get(kind="bad_listing").status == EffectStatus.DONE
    # Asking again (a retry, a second delivery attempt) changes nothing.
    services.effects_run_pending()
    with pytest.raises(Conflict):
        services.decision_deliver(actor=supervisor, decision_id=dec.pk)
    assert ListEntry.objects.filter(source_ref=f"penalty:{dec.pk}").count() == 1
    assert Effect.objects.filter(decision=dec).count() == 1


@pytest.mark.django_db
def test_unpaid_fine_dishonest_once_with_surcharge(walk, ent_a, supervisor, clock):
    dec = delivered(walk, ent_a, supervisor, amount="30000")
    assert dec.performance_due_on == dec.delivered_on + dt.timedelta(days=15)
    clock.move_to(dt.datetime.combine(dec.performance_due_on, dt.time(23), tzinfo=SH))
    assert services.sweep_unperformed()["overdue"] == 0  # the due date itself is in time
    clock.move_to(dt.datetime.combine(dec.performance_due_on + dt.timedelta(days=10), dt.time(9), tzinfo=SH))
    for _ in range(3):  # however often the sweep runs
        services.sweep_unperformed()
        services.sweep_daily()
    dishonest = ListEntry.objects.filter(source_ref=f"penalty-unfulfilled:{dec.pk}")
    assert dishonest.count() == 1
    assert dishonest.get().list_kind == "dishonest"
    assert dishonest.get().rule.code == "DISHONEST_PENALTY_UNFULFILLED"
    dec.refresh_from_db()
    assert dec.performance_status == "overdue"
    assert dec.surcharge_due == Decimal("9000.00")  # 3% × 30,000 × 10 days
    # Capped at the fine itself.
    clock.shift(dt.timedelta(days=60))
    services.sweep_unperformed()
    dec.refresh_from_db()
    assert dec.surcharge_due == Decimal("30000.00")
    assert ListEntry.objects.filter(source_ref=f"penalty-unfulfilled:{dec.pk}").count() == 1


@pytest.mark.django_db
def test_performance_marks_the_listing_fulfilled(walk, ent_a, supervisor, clock):
    dec = delivered(walk, ent_a, supervisor)
    clock.shift(dt.timedelta(days=3))
    services.decision_perform(actor=supervisor, decision_id=dec.pk, note="已缴纳")
    services.effects_run_pending()
    entry = ListEntry.objects.get(source_ref=f"penalty:{dec.pk}")
    assert entry.fulfilled_on == dt.date(2026, 3, 13)
    assert Decision.objects.get(pk=dec.pk).case.status == CaseStatus.PERFORMED
    with pytest.raises(Conflict):
        services.decision_perform(actor=supervisor, decision_id=dec.pk)


@pytest.mark.django_db
def test_late_payment_fixes_the_surcharge(walk, ent_a, supervisor, clock):
    dec = delivered(walk, ent_a, supervisor, amount="20000")
    clock.move_to(dt.datetime.combine(dec.performance_due_on + dt.timedelta(days=4), dt.time(9), tzinfo=SH))
    services.sweep_unperformed()
    services.decision_perform(actor=supervisor, decision_id=dec.pk)
    dec.refresh_from_db()
    assert dec.surcharge_due == Decimal("2400.00")  # 4 days × 3% × 20,000
    assert dec.performance_status == "performed"


@pytest.mark.django_db
def test_annulment_restores_score_and_removes_listings(walk, ent_a, supervisor, clock):
    dec = delivered(walk, ent_a, supervisor)
    clock.move_to(dt.datetime.combine(dec.performance_due_on + dt.timedelta(days=2), dt.time(9), tzinfo=SH))
    services.sweep_unperformed()
    bad = ListEntry.objects.get(source_ref=f"penalty:{dec.pk}")
    dishonest = ListEntry.objects.get(source_ref=f"penalty-unfulfilled:{dec.pk}")
    publish_entry(clock, bad)
    publish_entry(clock, dishonest)
    acc = credit_selectors.account_get(ent_a)
    assert acc.score < 100 and acc.on_dishonest_list
    services.decision_annul(
        actor=supervisor,
        decision_id=dec.pk,
        annulment_kind="court",
        reference="(2026)京0105行初1号",
        reason="事实不清",
    )
    services.effects_run_pending()
    for e in (bad, dishonest):
        e.refresh_from_db()
        assert e.status == ListStatus.REMOVED
    acc = credit_selectors.account_get(ent_a)
    assert acc.score == 100 and not acc.on_bad_list and not acc.on_dishonest_list
    dec.refresh_from_db()
    assert dec.status == DecisionStatus.ANNULLED and dec.published_at is not None
    assert dec.case.status == CaseStatus.CLOSED
    assert dec.effects.get(kind="withdrawal").status == EffectStatus.DONE


@pytest.mark.django_db
def test_annulment_before_the_listing_ran_cancels_it(
    walk, ent_a, supervisor, django_capture_on_commit_callbacks
):
    case = walk(ent_a, CaseStatus.DECIDED)
    dec = case.decisions.get()
    services.decision_deliver(actor=supervisor, decision_id=dec.pk)  # effect left pending (no commit hooks)
    services.decision_annul(
        actor=supervisor,
        decision_id=dec.pk,
        annulment_kind="reconsideration",
        reference="复议1号",
        reason="撤销",
    )
    services.effects_run_pending()
    assert dec.effects.get(kind="bad_listing").status == EffectStatus.CANCELLED
    assert not ListEntry.objects.filter(source_ref=f"penalty:{dec.pk}").exists()


@pytest.mark.django_db
def test_revocation_revokes_through_licensing(walk, ent_a, supervisor, licence_a):
    dec = delivered(walk, ent_a, supervisor, kind=PenaltyKind.REVOCATION, licence=licence_a)
    assert Licence.objects.get(pk=licence_a.pk).status == "revoked"
    entry = ListEntry.objects.get(source_ref=f"penalty:{dec.pk}")
    assert entry.list_kind == "dishonest"
    assert not ListEntry.objects.filter(source_ref=f"penalty:{dec.pk}", list_kind="bad").exists()
    assert dec.performance_status == "not_required"
    assert dec.listing_due_on == dec.decided_on + dt.timedelta(days=30)
    with pytest.raises(Conflict):
        services.decision_correct(actor=supervisor, decision_id=dec.pk, reason="更正")


@pytest.mark.django_db
def test_correction_supersedes_and_relists(walk, ent_a, supervisor):
    dec = delivered(walk, ent_a, supervisor, amount="30000")
    new = services.decision_correct(actor=supervisor, decision_id=dec.pk, reason="金额笔误", amount="20000")
    services.effects_run_pending()
    old = Decision.objects.get(pk=dec.pk)
    assert old.status == DecisionStatus.SUPERSEDED and old.amount == Decimal("30000")
    assert new.supersedes_id == old.pk and new.number != old.number and new.amount == Decimal("20000")
    assert ListEntry.objects.get(source_ref=f"penalty:{old.pk}").status == ListStatus.REMOVED
    services.decision_deliver(actor=supervisor, decision_id=new.pk)
    services.effects_run_pending()
    assert (
        ListEntry.objects.exclude(status=ListStatus.REMOVED).get(enterprise=ent_a).source_ref
        == f"penalty:{new.pk}"
    )
    with pytest.raises(Conflict):  # the superseded decision never changes again
        services.decision_annul(
            actor=supervisor, decision_id=old.pk, annulment_kind="court", reference="x", reason="x"
        )


@pytest.mark.django_db
def test_numbers_unique_per_authority_and_year(
    walk, ent_a, ent_b, supervisor, supervisor_gd, inspector_gd, clock
):
    a = walk(ent_a, CaseStatus.DECIDED).decisions.get()
    b = walk(ent_a, CaseStatus.DECIDED).decisions.get()
    gd = open_case(supervisor_gd, ent_b, officers=[supervisor_gd, inspector_gd], authority="44")
    services.case_investigate(actor=supervisor_gd, case_id=gd.pk)
    notice(supervisor_gd, gd)
    past_reply_window(clock, gd)
    c = decide(supervisor_gd, gd)
    assert a.number == "工信罚〔2026〕1号" and b.number == "工信罚〔2026〕2号"
    assert c.number == "粤通罚〔2026〕1号"


@pytest.mark.django_db
def test_listing_deadline_sweep_flags_undelivered_decision(walk, ent_a, clock):
    dec = walk(ent_a, CaseStatus.DECIDED).decisions.get()
    assert dec.listing_due_on == dec.decided_on + dt.timedelta(days=30)
    clock.move_to(dt.datetime.combine(dec.listing_due_on, dt.time(12), tzinfo=SH))
    assert services.sweep_listing_deadline() == 0
    clock.shift(dt.timedelta(days=1))
    assert services.sweep_listing_deadline() == 1
    assert services.sweep_listing_deadline() == 0
    assert Decision.objects.get(pk=dec.pk).listing_late_flagged_at is not None


@pytest.mark.django_db
def test_failed_revocation_flagged_late(walk, ent_a, supervisor, licence_a, clock):
    from licensing import services as licensing

    case = walk(ent_a, CaseStatus.DECIDED, kind=PenaltyKind.REVOCATION, licence=licence_a)
    licensing.licence_cancel(actor="test", licence_id=licence_a.pk, reason="企业申请注销")
    dec = services.decision_deliver(actor=supervisor, decision_id=case.decisions.get().pk)
    services.effects_run_pending()
    eff = dec.effects.get(kind="revocation")
    assert eff.status == EffectStatus.PENDING and eff.last_error  # licensing refused: already ended
    clock.move_to(dt.datetime.combine(dec.listing_due_on + dt.timedelta(days=1), dt.time(9), tzinfo=SH))
    assert services.sweep_listing_deadline() == 1


@pytest.mark.django_db
def test_publication_late_flagged_then_published(walk, ent_a, supervisor, clock, settings):
    settings.TELEREG_ENFORCEMENT_PUBLISH_ON_DELIVERY = False
    dec = delivered(walk, ent_a, supervisor)
    assert dec.published_at is None
    clock.move_to(dt.datetime.combine(dec.publish_due_on, dt.time(12), tzinfo=SH))
    assert services.sweep_publication() == 0
    clock.shift(dt.timedelta(days=1))
    assert services.sweep_publication() == 1
    assert services.sweep_publication() == 0
    assert services.decision_publish(actor=supervisor, decision_id=dec.pk).published_at is not None


@pytest.mark.django_db
def test_refused_effect_stays_pending_then_retried(walk, ent_a, supervisor, settings):
    settings.TELEREG_ENFORCEMENT_BAD_RULE = "NO_SUCH_RULE"
    dec = delivered(walk, ent_a, supervisor)
    eff = dec.effects.get(kind="bad_listing")
    assert eff.status == EffectStatus.PENDING and eff.attempts == 1 and eff.last_error
    settings.TELEREG_ENFORCEMENT_BAD_RULE = "BAD_PENALTY"
    services.effects_run_pending()
    eff.refresh_from_db()
    assert eff.status == EffectStatus.DONE
    assert ListEntry.objects.filter(source_ref=f"penalty:{dec.pk}").count() == 1
