import datetime as dt
import itertools

import pytest
import time_machine
from django.utils import timezone

from config.api import ApplicationError, Conflict
from credit import selectors, services
from credit import transitions as tr
from credit.models import LedgerEntry, ListEntry, ListStatus, RemovalReason, Sanction

pytestmark = pytest.mark.django_db
S = ListStatus


def _entry_in(status, ent, propose, supervisor, enterprise_user):
    e = propose(ent)
    if status == S.PROPOSED:
        return e
    services.list_entry_notify(actor=supervisor, entry_id=e.pk)
    if status == S.NOTIFIED:
        return e
    if status == S.OBJECTED:
        services.objection_file(actor=enterprise_user, entry_id=e.pk, grounds="wrong facts")
        return e
    if status == S.PUBLISHED:
        return services.list_entry_publish(actor=supervisor, entry_id=e.pk, force=True)
    return services.list_entry_withdraw(actor=supervisor, entry_id=e.pk, reason="x")


EDGES = [(frm, to) for frm in S.values for to in S.values]


@pytest.mark.parametrize(("frm", "to"), EDGES)
def test_every_transition_allowed_or_409(frm, to, ent_a, enterprise_a, propose, supervisor):
    entry = _entry_in(frm, ent_a, propose, supervisor, enterprise_a)
    assert ListEntry.objects.get(pk=entry.pk).status == frm
    reason = (
        next((r for r in RemovalReason.values if frm in tr.REMOVAL_FROM[r]), RemovalReason.WITHDRAWN)
        if to == S.REMOVED
        else ""
    )
    events_before = entry.events.count()
    if to in tr.ALLOWED[frm]:
        out = tr.transition(entry_id=entry.pk, to=to, actor=supervisor, action="t", removal_reason=reason)
        assert out.status == to
        assert entry.events.count() == events_before + 1
        assert entry.events.last().from_status == frm
    else:
        with pytest.raises(Conflict):
            tr.transition(entry_id=entry.pk, to=to, actor=supervisor, action="t", removal_reason=reason)
        assert ListEntry.objects.get(pk=entry.pk).status == frm
        assert entry.events.count() == events_before


@pytest.mark.parametrize(
    ("reason", "frm"), list(itertools.product(RemovalReason.values, [S.PROPOSED, S.PUBLISHED]))
)
def test_removal_reasons_by_state(reason, frm, ent_a, enterprise_a, propose, supervisor):
    entry = _entry_in(frm, ent_a, propose, supervisor, enterprise_a)
    if frm in tr.REMOVAL_FROM[reason]:
        assert (
            services.list_entry_remove(
                actor=supervisor, entry_id=entry.pk, removal_reason=reason, reason="r"
            ).end_on
            == timezone.localdate()
        )
    else:
        with pytest.raises(Conflict):
            services.list_entry_remove(actor=supervisor, entry_id=entry.pk, removal_reason=reason, reason="r")


def test_propose_posts_points_and_publish_sets_flags(ent_a, propose, supervisor):
    e = propose(ent_a, licence_numbers=["京B2-20170348"])
    assert selectors.account_get(ent_a).score == 80
    assert not selectors.account_get(ent_a).on_bad_list
    services.list_entry_notify(actor=supervisor, entry_id=e.pk)
    e.refresh_from_db()
    assert e.objection_due_on > e.notified_on and e.calendar_version
    with pytest.raises(Conflict):
        services.list_entry_publish(actor=supervisor, entry_id=e.pk)
    with time_machine.travel(
        dt.datetime.combine(
            e.objection_due_on + dt.timedelta(days=1), dt.time(12), tzinfo=timezone.get_current_timezone()
        )
    ):
        assert services.sweep_publish_due() == 1
        assert services.sweep_publish_due() == 0
    acc = selectors.account_get(ent_a)
    assert acc.on_bad_list and acc.grade == "A"


def test_immediate_dishonest_forces_c_and_blocks(ent_a, published):
    e = published(ent_a, "dishonest", "DISHONEST_REVOKED")
    assert e.status == S.PUBLISHED and e.objection_due_on is None
    assert [ev.to_status for ev in e.events.all()] == ["proposed", "notified", "published"]
    r = selectors.restrictions_for(ent_a)
    assert (r.grade, r.on_dishonest_list, r.stratum, r.always_include) == ("C", True, "dishonest", True)
    assert not (r.may_apply_licence or r.may_renew_licence or r.may_notify_commit)
    assert r.reasons


def test_propose_idempotent_per_source(ent_a, propose):
    a = propose(ent_a, source_ref="pen-1")
    b = propose(ent_a, source_ref="pen-1")
    assert a.pk == b.pk and LedgerEntry.objects.filter(enterprise=ent_a).count() == 1


def test_rule_must_match_list(ent_a, propose):
    with pytest.raises(ApplicationError):
        propose(ent_a, "dishonest", "BAD_PENALTY")


def test_remove_for_source(ent_a, published, supervisor):
    published(ent_a, "bad", "BAD_ANNUAL_REPORT", source_ref="ar:2025")
    assert (
        services.list_entry_remove_for_source(
            actor=supervisor, enterprise=ent_a, source_ref="ar:2025", reason="filed"
        )
        == 1
    )
    assert (
        services.list_entry_remove_for_source(
            actor=supervisor, enterprise=ent_a, source_ref="ar:2025", reason="filed"
        )
        == 0
    )
    assert not selectors.account_get(ent_a).on_bad_list


def test_second_penalty_within_three_years_escalates(ent_a, published):
    published(ent_a, source_ref="p1")
    assert not ListEntry.objects.filter(enterprise=ent_a, list_kind="dishonest").exists()
    second = published(ent_a, source_ref="p2")
    esc = ListEntry.objects.get(enterprise=ent_a, list_kind="dishonest")
    assert esc.rule.code == "DISHONEST_ESCALATION" and esc.source_ref == f"escalation:{second.pk}"
    assert esc.status == S.NOTIFIED and esc.objection_due_on


def test_annual_report_entries_do_not_escalate(ent_a, published):
    published(ent_a, "bad", "BAD_ANNUAL_REPORT", source_ref="a1")
    published(ent_a, "bad", "BAD_ANNUAL_REPORT", source_ref="a2")
    assert not ListEntry.objects.filter(enterprise=ent_a, list_kind="dishonest").exists()


def test_listing_expiry_sweep(ent_a, published):
    e = published(ent_a)
    later = dt.datetime.combine(e.retention_until, dt.time(12), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(later):
        assert services.sweep_expire_listings() == 1
        assert services.sweep_expire_listings() == 0
    e.refresh_from_db()
    assert (e.status, e.removal_reason) == (S.REMOVED, RemovalReason.EXPIRED)


def test_sanction_blocks_application_until_date(ent_a, supervisor):
    until = timezone.localdate() + dt.timedelta(days=365)
    s1 = services.sanction_impose(
        actor=supervisor,
        enterprise=ent_a,
        kind="application_ban",
        until=until,
        reason="false commitment",
        source_ref="c-1",
    )
    s2 = services.sanction_impose(
        actor=supervisor,
        enterprise=ent_a,
        kind="application_ban",
        until=until,
        reason="false commitment",
        source_ref="c-1",
    )
    assert s1.pk == s2.pk and Sanction.objects.count() == 1
    r = selectors.restrictions_for(ent_a)
    assert not r.may_apply_licence and not r.may_notify_commit and r.may_renew_licence
    with time_machine.travel(
        dt.datetime.combine(until + dt.timedelta(days=1), dt.time(12), tzinfo=timezone.get_current_timezone())
    ):
        assert selectors.restrictions_for(ent_a).may_apply_licence


def test_restrictions_strata(ent_a, ent_b, supervisor, published):
    r = selectors.restrictions_for(ent_a)
    assert (r.stratum, r.sampling_multiplier, r.sampling_rate(0.05)) == ("grade_AA", 0.5, 0.025)
    published(ent_b)
    r = selectors.restrictions_for(ent_b)
    assert (r.stratum, r.fixed_sampling_rate, r.may_notify_commit, r.may_apply_licence) == (
        "bad",
        0.2,
        False,
        True,
    )
    services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="COMPLAINT_TIMELINESS")
    services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="COMPLAINT_TIMELINESS")
    services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="BAD_PENALTY")
    r = selectors.restrictions_for(ent_a)
    assert (r.score, r.stratum, r.sampling_rate(0.05)) == (60, "grade_B", 0.1)


def test_propose_notifies_by_default_and_opens_window(ent_a, supervisor):
    e = services.list_entry_propose(
        actor=supervisor,
        enterprise=ent_a,
        list_kind="bad",
        rule_code="BAD_ANNUAL_REPORT",
        reason="no report",
        authority="京通管",
        source_ref="ar:2025",
    )
    assert e.status == S.NOTIFIED and e.objection_due_on > timezone.localdate()
    assert [ev.to_status for ev in e.events.all()] == ["proposed", "notified"]


def test_propose_without_authority_is_400(ent_a, supervisor):
    with pytest.raises(ApplicationError) as exc:
        services.list_entry_propose(
            actor=supervisor,
            enterprise=ent_a,
            list_kind="bad",
            rule_code="BAD_PENALTY",
            reason="r",
            authority=" ",
        )
    assert "authority" in exc.value.errors
    assert not ListEntry.objects.exists()
