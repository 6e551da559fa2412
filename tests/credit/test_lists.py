import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from config.api import ApplicationError, Conflict, NotFound
from credit import selectors, services
from credit import transitions as tr
from credit.models import EntryKind, LedgerEntry, ListEntry, ListStatus, RemovalReason, Sanction
from regulator.models import AuditEvent
from tests.credit.conftest import at

pytestmark = pytest.mark.django_db
S = ListStatus


def _entry_in(status, ent, propose, published, supervisor, enterprise_user, rule_code="BAD_PENALTY"):
    if status == S.PUBLISHED:
        return published(ent, rule_code=rule_code)
    e = propose(ent, rule_code=rule_code)
    if status == S.PROPOSED:
        return e
    services.list_entry_notify(actor=supervisor, entry_id=e.pk)
    if status == S.NOTIFIED:
        return e
    if status == S.OBJECTED:
        services.objection_file(actor=enterprise_user, entry_id=e.pk, grounds="wrong facts")
        return e
    return services.list_entry_withdraw(actor=supervisor, entry_id=e.pk, reason="x")


EDGES = [(frm, to) for frm in S.values for to in S.values]


@pytest.mark.parametrize(("frm", "to"), EDGES)
def test_every_transition_allowed_or_409(frm, to, ent_a, enterprise_a, propose, published, supervisor):
    entry = _entry_in(frm, ent_a, propose, published, supervisor, enterprise_a)
    assert ListEntry.objects.get(pk=entry.pk).status == frm
    reason = RemovalReason.WITHDRAWN if to == S.REMOVED else ""
    events_before = entry.events.count()
    audits_before = AuditEvent.objects.filter(object_type="credit.listentry", object_id=str(entry.pk)).count()
    if to in tr.ALLOWED[frm]:
        out = tr.transition(entry_id=entry.pk, to=to, actor=supervisor, action="t", removal_reason=reason)
        assert out.status == to
        assert entry.events.count() == events_before + 1
        assert (entry.events.last().from_status, entry.events.last().to_status) == (frm, to)
        audit = AuditEvent.objects.filter(object_type="credit.listentry", object_id=str(entry.pk)).last()
        assert audit.action == "credit.list_entry_t" and audit.after["status"] == to
    else:
        with pytest.raises(Conflict):
            tr.transition(entry_id=entry.pk, to=to, actor=supervisor, action="t", removal_reason=reason)
        assert ListEntry.objects.get(pk=entry.pk).status == frm
        assert entry.events.count() == events_before
        assert (
            AuditEvent.objects.filter(object_type="credit.listentry", object_id=str(entry.pk)).count()
            == audits_before
        )


# (removal reason, rule, state) → allowed? The rule decides report_filed and repair (§2.3).
REMOVALS = [
    (RemovalReason.EXPIRED, "BAD_PENALTY", S.PROPOSED, False),
    (RemovalReason.EXPIRED, "BAD_PENALTY", S.PUBLISHED, True),
    (RemovalReason.REPAIRED, "BAD_PENALTY", S.PROPOSED, False),
    (RemovalReason.REPAIRED, "BAD_PENALTY", S.PUBLISHED, True),
    (RemovalReason.OBJECTION_UPHELD, "BAD_PENALTY", S.PROPOSED, False),
    (RemovalReason.OBJECTION_UPHELD, "BAD_PENALTY", S.PUBLISHED, False),
    (RemovalReason.REPORT_FILED, "BAD_ANNUAL_REPORT", S.PROPOSED, True),
    (RemovalReason.REPORT_FILED, "BAD_ANNUAL_REPORT", S.PUBLISHED, True),
    (RemovalReason.REPORT_FILED, "BAD_PENALTY", S.PROPOSED, False),
    (RemovalReason.REPORT_FILED, "BAD_PENALTY", S.PUBLISHED, False),
    (RemovalReason.WITHDRAWN, "BAD_PENALTY", S.PROPOSED, True),
    (RemovalReason.WITHDRAWN, "BAD_PENALTY", S.PUBLISHED, True),
]


@pytest.mark.parametrize(("reason", "rule", "frm", "ok"), REMOVALS)
def test_removal_reasons_by_rule_and_state(
    reason, rule, frm, ok, ent_a, enterprise_a, propose, published, supervisor
):
    entry = _entry_in(frm, ent_a, propose, published, supervisor, enterprise_a, rule_code=rule)
    remove = (
        (
            lambda: services.list_entry_remove(
                actor=supervisor, entry_id=entry.pk, removal_reason=reason, reason="r"
            )
        )
        if reason in (RemovalReason.REPORT_FILED, RemovalReason.WITHDRAWN)
        else (
            lambda: tr.transition(
                entry_id=entry.pk, to=S.REMOVED, actor=supervisor, action="removed", removal_reason=reason
            )
        )
    )
    if ok:
        assert remove().end_on == timezone.localdate()
    else:
        with pytest.raises(Conflict):
            remove()
        assert ListEntry.objects.get(pk=entry.pk).status == frm


def test_proposal_moves_nothing_until_publication(ent_a, supervisor, propose):
    """Issue 10 §1: a proposed dishonest entry used to show score 55, grade C and barred the
    firm while its objection window was still open."""
    e = propose(ent_a, "dishonest", "DISHONEST_PENALTY_UNFULFILLED", notify=True)
    assert e.status == S.NOTIFIED and e.ledger_entry_id is None
    r = selectors.restrictions_for(ent_a)
    assert (r.score, r.grade, r.on_dishonest_list) == (100, "AA", False)
    assert r.may_apply_licence and r.may_renew_licence and r.may_notify_commit
    assert api_score(ent_a) == (100, "AA")
    assert not LedgerEntry.objects.filter(enterprise=ent_a).exists()
    publish_day = e.objection_due_on + dt.timedelta(days=1)
    with time_machine.travel(at(publish_day)):
        assert services.sweep_publish_due() == 1
        e.refresh_from_db()
        posting = e.ledger_entry
        # The points count from publication, for the rule's months.
        assert posting.effective_at == e.published_at and posting.expires_at.date() == publish_day.replace(
            year=publish_day.year + 1
        )
        r = selectors.restrictions_for(ent_a)
        assert (r.score, r.grade, r.on_dishonest_list, r.may_apply_licence) == (55, "C", True, False)


def api_score(ent):
    from credit.selectors import public_credit

    d = public_credit(ent.uscc)
    return d["account"].score, d["account"].grade


@pytest.mark.parametrize("blocks", [[], ["notify_commit"]])
def test_pending_proposal_blocks_what_the_setting_says(settings, blocks, ent_a, propose):
    settings.TELEREG_CREDIT_PENDING_PROPOSAL_BLOCKS = blocks
    propose(ent_a, notify=True)
    r = selectors.restrictions_for(ent_a)
    assert r.may_notify_commit is (not blocks)
    assert r.may_apply_licence


def test_withdrawing_a_published_entry_restores_the_score(ent_a, supervisor, published):
    e = published(ent_a)
    assert selectors.account_get(ent_a).score == 80
    out = services.list_entry_withdraw(actor=supervisor, entry_id=e.pk, reason="处罚决定经复议撤销")
    assert (out.status, out.removal_reason) == (S.REMOVED, RemovalReason.WITHDRAWN)
    acc = selectors.account_get(ent_a)
    assert (acc.score, acc.on_bad_list) == (100, False)
    assert LedgerEntry.objects.get(reverses=e.ledger_entry).kind == EntryKind.REVERSAL
    assert e.events.last().action == "withdrawn"
    assert AuditEvent.objects.filter(action="credit.list_entry_withdrawn", object_id=str(e.pk)).exists()
    with pytest.raises(Conflict):
        services.list_entry_withdraw(actor=supervisor, entry_id=e.pk, reason="again")


def test_report_filed_on_a_penalty_entry_is_409(ent_a, supervisor, published):
    e = published(ent_a, source_ref="pen-1")
    with pytest.raises(Conflict):
        services.list_entry_remove(
            actor=supervisor, entry_id=e.pk, removal_reason=RemovalReason.REPORT_FILED, reason="filed"
        )
    with pytest.raises(Conflict):
        services.list_entry_remove_for_source(
            actor=supervisor, enterprise=ent_a, source_ref="pen-1", reason="filed"
        )
    assert ListEntry.objects.get(pk=e.pk).status == S.PUBLISHED


def test_direct_listing_follows_the_catalogue_flag(ent_a, supervisor, propose):
    revoked = propose(ent_a, "dishonest", "DISHONEST_REVOKED")
    assert revoked.status == S.PUBLISHED and revoked.rule.direct_listing
    assert [ev.to_status for ev in revoked.events.all()] == ["proposed", "notified", "published"]
    # Not flagged: a notice and a window, whatever the caller wanted.
    other = propose(ent_a, "dishonest", "DISHONEST_PENALTY_UNFULFILLED", notify=True, source_ref="u1")
    assert other.status == S.NOTIFIED and other.objection_due_on > timezone.localdate()
    with pytest.raises(TypeError):
        services.list_entry_propose(
            actor=supervisor,
            enterprise=ent_a,
            list_kind="bad",
            rule_code="BAD_PENALTY",
            reason="r",
            authority="MIIT",
            immediate=True,
        )
    r = selectors.restrictions_for(ent_a)
    assert (r.grade, r.on_dishonest_list, r.stratum, r.always_include) == ("C", True, "dishonest", True)
    assert not (r.may_apply_licence or r.may_renew_licence or r.may_notify_commit)


def test_direct_listing_can_be_objected_to_afterwards(ent_a, enterprise_a, supervisor, propose):
    e = propose(ent_a, "dishonest", "DISHONEST_REVOKED")
    assert e.objection_due_on and e.notice_delivered_on == timezone.localdate()
    obj = services.objection_file(actor=enterprise_a, entry_id=e.pk, grounds="the revocation was annulled")
    assert ListEntry.objects.get(pk=e.pk).status == S.PUBLISHED  # stays listed meanwhile
    services.objection_decide(actor=supervisor, objection_id=obj.pk, upheld=True, answer="agreed")
    e.refresh_from_db()
    assert (e.status, e.removal_reason) == (S.REMOVED, RemovalReason.OBJECTION_UPHELD)
    assert selectors.account_get(ent_a).score == 100 and not selectors.account_get(ent_a).on_dishonest_list


def test_direct_listing_objection_rejected_stays_published(ent_a, enterprise_a, supervisor, propose):
    e = propose(ent_a, "dishonest", "DISHONEST_REVOKED")
    obj = services.objection_file(actor=enterprise_a, entry_id=e.pk, grounds="no")
    services.objection_decide(actor=supervisor, objection_id=obj.pk, upheld=False, answer="stands")
    assert ListEntry.objects.get(pk=e.pk).status == S.PUBLISHED
    with time_machine.travel(at(e.objection_due_on + dt.timedelta(days=1))), pytest.raises(Conflict):
        services.objection_file(actor=enterprise_a, entry_id=e.pk, grounds="late")


def test_propose_idempotent_per_source(ent_a, propose):
    a = propose(ent_a, source_ref="pen-1")
    b = propose(ent_a, source_ref="pen-1")
    assert a.pk == b.pk and ListEntry.objects.filter(enterprise=ent_a).count() == 1


def test_rule_must_match_list(ent_a, propose):
    with pytest.raises(ApplicationError):
        propose(ent_a, "dishonest", "BAD_PENALTY")


def test_remove_for_source(ent_a, published, supervisor):
    published(ent_a, "bad", "BAD_ANNUAL_REPORT", source_ref="ar:2025")
    kw = {"actor": supervisor, "enterprise": ent_a, "source_ref": "ar:2025", "reason": "filed"}
    assert services.list_entry_remove_for_source(**kw) == 1
    assert services.list_entry_remove_for_source(**kw) == 0
    assert not selectors.account_get(ent_a).on_bad_list


def test_escalation_happens_once(ent_a, published):
    """Issue 10 §4: three penalty entries used to give two dishonest entries and −90."""
    published(ent_a, source_ref="p1")
    assert not ListEntry.objects.filter(enterprise=ent_a, list_kind="dishonest").exists()
    second = published(ent_a, source_ref="p2")
    esc = ListEntry.objects.get(enterprise=ent_a, list_kind="dishonest")
    assert esc.rule.code == "DISHONEST_ESCALATION" and esc.source_ref == f"escalation:{second.pk}"
    assert esc.status == S.NOTIFIED and esc.objection_due_on
    assert set(esc.escalation_basis.values_list("source_ref", flat=True)) == {"p1", "p2"}
    published(ent_a, source_ref="p3")
    assert ListEntry.objects.filter(enterprise=ent_a, list_kind="dishonest").count() == 1
    # Three published penalties at −20 each; the escalation is not published yet.
    assert selectors.account_get(ent_a).score == 40


def test_annulment_takes_off_what_it_caused(ent_a, supervisor, published):
    published(ent_a, source_ref="penalty:1")
    published(ent_a, source_ref="penalty:2")
    esc = ListEntry.objects.get(enterprise=ent_a, list_kind="dishonest")
    n = services.list_entry_withdraw_for_source(actor=supervisor, source_ref="penalty:1", reason="复议撤销")
    assert n == 2  # the entry and the escalation it was a basis of
    esc.refresh_from_db()
    assert (esc.status, esc.removal_reason) == (S.REMOVED, RemovalReason.WITHDRAWN)
    assert (
        services.list_entry_withdraw_for_source(actor=supervisor, source_ref="penalty:1", reason="again") == 0
    )
    assert selectors.account_get(ent_a).score == 80  # penalty 2 stays


def test_escalation_rests_on_the_penalties_that_remain(ent_a, supervisor, published):
    p1 = published(ent_a, source_ref="penalty:1")
    published(ent_a, source_ref="penalty:2")
    p3 = published(ent_a, source_ref="penalty:3")
    assert (
        services.list_entry_withdraw_for_source(actor=supervisor, source_ref="penalty:1", reason="撤销") == 2
    )
    open_esc = ListEntry.objects.filter(enterprise=ent_a, list_kind="dishonest").exclude(status=S.REMOVED)
    # Penalties 2 and 3 are still two within three years: one escalation, now resting on them.
    esc = open_esc.get()
    assert esc.source_ref == f"escalation:{p3.pk}"
    assert p1.pk not in set(esc.escalation_basis.values_list("pk", flat=True))


def test_annual_report_entries_do_not_escalate(ent_a, published):
    published(ent_a, "bad", "BAD_ANNUAL_REPORT", source_ref="a1")
    published(ent_a, "bad", "BAD_ANNUAL_REPORT", source_ref="a2")
    assert not ListEntry.objects.filter(enterprise=ent_a, list_kind="dishonest").exists()


def test_listing_expiry_sweep(ent_a, published):
    e = published(ent_a)
    with time_machine.travel(at(e.retention_until)):
        assert services.sweep_expire_listings() == 1
        assert services.sweep_expire_listings() == 0
    e.refresh_from_db()
    assert (e.status, e.removal_reason) == (S.REMOVED, RemovalReason.EXPIRED)


def test_sanction_blocks_application_until_date(ent_a, supervisor):
    until = timezone.localdate() + dt.timedelta(days=365)
    kw = {"actor": supervisor, "enterprise": ent_a, "kind": "application_ban", "until": until}
    s1 = services.sanction_impose(reason="false commitment", source_ref="c-1", **kw)
    s2 = services.sanction_impose(reason="false commitment", source_ref="c-1", **kw)
    assert s1.pk == s2.pk and Sanction.objects.count() == 1
    r = selectors.restrictions_for(ent_a)
    assert not r.may_apply_licence and not r.may_notify_commit and r.may_renew_licence
    with time_machine.travel(at(until + dt.timedelta(days=1))):
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
    for _ in range(4):
        services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="COMPLAINT_TIMELINESS")
    r = selectors.restrictions_for(ent_a)
    assert (r.score, r.stratum, r.sampling_rate(0.05)) == (60, "grade_B", 0.1)


def test_propose_notifies_by_default_with_stored_notice(ent_a, supervisor):
    e = services.list_entry_propose(
        actor=supervisor,
        enterprise=ent_a,
        list_kind="bad",
        rule_code="BAD_ANNUAL_REPORT",
        reason="no report",
        authority="11",
        source_ref="ar:2025",
    )
    assert e.status == S.NOTIFIED and e.objection_due_on > timezone.localdate()
    assert (e.notice_method, e.notice_delivered_on) == ("platform", timezone.localdate())
    assert ent_a.uscc in e.notice_text and "no report" in e.notice_text and e.legal_basis in e.notice_text
    assert (e.deciding_authority_id, e.authority) == ("11", "北京市通信管理局")
    assert [ev.to_status for ev in e.events.all()] == ["proposed", "notified"]


def test_objection_window_runs_from_delivery(settings, ent_a, enterprise_a, supervisor, propose):
    """送达: with platform display not counting, the window waits for the recorded delivery,
    and runs 10 working days on the 2026 calendar (National Day week and its make-up
    Saturday)."""
    settings.TELEREG_CREDIT_PLATFORM_DISPLAY_IS_DELIVERY = False
    with time_machine.travel(at(dt.date(2026, 9, 28))):
        e = propose(ent_a)
        e = services.list_entry_notify(actor=supervisor, entry_id=e.pk, method="post", reason="挂号信")
        assert (e.notice_delivered_on, e.objection_due_on) == (None, None)
        with pytest.raises(Conflict):
            services.list_entry_publish(actor=supervisor, entry_id=e.pk)
        with pytest.raises(Conflict):
            services.objection_file(actor=enterprise_a, entry_id=e.pk, grounds="g")
    with time_machine.travel(at(dt.date(2026, 10, 1))):
        with pytest.raises(ApplicationError) as exc:
            services.list_entry_notice_delivered(
                actor=supervisor, entry_id=e.pk, delivered_on=dt.date(2026, 10, 2)
            )
        assert "delivered_on" in exc.value.errors
        e = services.list_entry_notice_delivered(
            actor=supervisor, entry_id=e.pk, delivered_on=dt.date(2026, 9, 30)
        )
    assert e.notice_delivered_on == dt.date(2026, 9, 30)
    assert e.objection_due_on == dt.date(2026, 10, 20)
    assert e.events.last().action == "notice_delivered"
    with time_machine.travel(at(dt.date(2026, 10, 20))):
        services.objection_file(actor=enterprise_a, entry_id=e.pk, grounds="within the window")
    with pytest.raises(Conflict):
        services.list_entry_notice_delivered(
            actor=supervisor, entry_id=e.pk, delivered_on=dt.date(2026, 9, 30)
        )


def test_repair_refused_until_the_penalty_is_fulfilled(ent_a, enterprise_a, supervisor, published):
    e = published(ent_a, source_ref="penalty:9", requires_fulfilment=True)
    later = at(e.published_on + dt.timedelta(days=100))
    with time_machine.travel(later), pytest.raises(ApplicationError) as exc:
        services.repair_file(actor=enterprise_a, entry_id=e.pk, statement="fixed", commitment="promise")
    assert exc.value.status_code == 400 and "fulfilled_on" in exc.value.errors
    n = services.list_entry_mark_fulfilled(
        actor=supervisor, source_ref="penalty:9", fulfilled_on=timezone.localdate()
    )
    assert n == 1 and ListEntry.objects.get(pk=e.pk).fulfilled_on == timezone.localdate()
    assert (
        services.list_entry_mark_fulfilled(
            actor=supervisor, source_ref="penalty:9", fulfilled_on=timezone.localdate()
        )
        == 0
    )
    with time_machine.travel(later):
        rep = services.repair_file(actor=enterprise_a, entry_id=e.pk, statement="fixed", commitment="promise")
    assert rep.pk


def test_revocation_entries_unrepairable_on_every_path(ent_a, supervisor, propose):
    e = propose(ent_a, "dishonest", "DISHONEST_REVOKED")
    with pytest.raises(Conflict):
        tr.transition(
            entry_id=e.pk,
            to=S.REMOVED,
            actor=supervisor,
            action="removed",
            removal_reason=RemovalReason.REPAIRED,
        )
    assert ListEntry.objects.get(pk=e.pk).status == S.PUBLISHED


def test_authority_is_a_validated_code(ent_a, ent_b, supervisor, supervisor_gd):
    kw = {"list_kind": "bad", "rule_code": "BAD_PENALTY", "reason": "r", "notify": False}
    with pytest.raises(ApplicationError) as exc:
        services.list_entry_propose(actor=supervisor, enterprise=ent_a, authority="北京市通信管理局", **kw)
    assert "authority" in exc.value.errors
    with pytest.raises(ApplicationError) as exc:
        services.list_entry_propose(actor=supervisor_gd, enterprise=ent_b, authority="MIIT", **kw)
    assert "authority" in exc.value.errors
    with pytest.raises(NotFound):  # a Beijing enterprise is out of Guangdong's reach
        services.list_entry_propose(actor=supervisor_gd, enterprise=ent_a, authority="44", **kw)
    assert not ListEntry.objects.exists()
    ok = services.list_entry_propose(actor=supervisor_gd, enterprise=ent_b, authority="44", **kw)
    assert ok.deciding_authority_id == "44"


def test_propose_without_reason_is_400(ent_a, supervisor):
    with pytest.raises(ApplicationError) as exc:
        services.list_entry_propose(
            actor=supervisor,
            enterprise=ent_a,
            list_kind="bad",
            rule_code="BAD_PENALTY",
            reason=" ",
            authority="MIIT",
        )
    assert "reason" in exc.value.errors
    assert not ListEntry.objects.exists()


def test_remove_service_takes_only_report_filed_or_withdrawn(ent_a, supervisor, published):
    e = published(ent_a)
    for reason in (RemovalReason.EXPIRED, RemovalReason.REPAIRED, RemovalReason.OBJECTION_UPHELD):
        with pytest.raises(ApplicationError) as exc:
            services.list_entry_remove(actor=supervisor, entry_id=e.pk, removal_reason=reason, reason="r")
        assert "removal_reason" in exc.value.errors
    assert ListEntry.objects.get(pk=e.pk).status == S.PUBLISHED


def test_points_follow_the_rule_version_the_listing_was_decided_under(ent_a, supervisor, propose):
    e = propose(ent_a, notify=True)
    services.rule_update(actor=supervisor, code="BAD_PENALTY", points=-30)
    with time_machine.travel(at(e.objection_due_on + dt.timedelta(days=1))):
        e = services.list_entry_publish(actor=supervisor, entry_id=e.pk)
    assert (e.ledger_entry.points, e.ledger_entry.rule_version) == (-20, e.rule_version)


def test_direct_listing_window_waits_for_delivery(settings, ent_a, enterprise_a, supervisor, propose):
    settings.TELEREG_CREDIT_PLATFORM_DISPLAY_IS_DELIVERY = False
    e = propose(ent_a, "dishonest", "DISHONEST_REVOKED")
    assert e.status == S.PUBLISHED and e.objection_due_on is None
    with pytest.raises(Conflict):
        services.objection_file(actor=enterprise_a, entry_id=e.pk, grounds="g")
    e = services.list_entry_notice_delivered(
        actor=supervisor, entry_id=e.pk, delivered_on=timezone.localdate()
    )
    assert e.objection_due_on > timezone.localdate()
    assert services.objection_file(actor=enterprise_a, entry_id=e.pk, grounds="g").status == "pending"
