"""SLA sweep (notify once per threshold) and the quarterly credit feed (post once)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from complaints import conf, services
from complaints.models import Complaint, ComplaintPause, CreditFeed, Notification, Rollup, SlaAlert
from credit.models import LedgerEntry
from regulator.models import Role
from tests.complaints.conftest import travel, walk
from tests.factories import UserFactory

D = dt.date


@pytest.fixture
def people(supervisor, handler):
    handler.email = "handler@example.org"
    handler.save()
    supervisor.email = "sup@example.org"
    supervisor.save()
    return handler, supervisor


def test_breach_sweep_run_twice_notifies_once(
    ent_a, make_complaint, people, api, django_capture_on_commit_callbacks
):
    handler, supervisor = people
    with travel(D(2026, 3, 2)):
        c, _ = make_complaint(ent_a)  # accept clock: 5 working days, due Mon Mar 9
    with travel(D(2026, 3, 4)):
        assert services.sweep_sla()["alerts"] == 0  # 2/5 used
    with travel(D(2026, 3, 6)), django_capture_on_commit_callbacks(execute=True):
        first = services.sweep_sla()
        second = services.sweep_sla()
    assert (first["alerts"], second["alerts"]) == (1, 0)  # at risk: 4/5 used
    assert first["notified"] == 2 and second["notified"] == 0
    assert sorted(n.recipient.username for n in Notification.objects.all()) == ["handler", "supervisor"]
    assert sorted(m.to[0] for m in mail.outbox) == ["handler@example.org", "sup@example.org"]
    with travel(D(2026, 3, 10)), django_capture_on_commit_callbacks(execute=True):
        third = services.sweep_sla()
        fourth = services.sweep_sla()
    assert (third["alerts"], fourth["alerts"]) == (1, 0)  # breached
    assert set(SlaAlert.objects.values_list("clock", "level")) == {
        ("accept", "at_risk"),
        ("accept", "breached"),
    }
    assert Notification.objects.count() == 4 and len(mail.outbox) == 4
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 4
    # The in-app list shows the handler's own notifications only.
    body = api(handler).get("/api/v1/complaints/notifications/").json()
    assert body["count"] == 2 and {r["public_id"] for r in body["results"]} == {c.public_id}
    assert api(UserFactory(role=Role.HANDLER)).get("/api/v1/complaints/notifications/").json()["count"] == 0
    n = body["results"][0]["id"]
    assert api(handler).post(f"/api/v1/complaints/notifications/{n}/read/").json()["read_at"]
    assert api(supervisor).post(f"/api/v1/complaints/notifications/{n}/read/").status_code == 404


def test_provincial_supervisors_are_notified_for_their_centre(
    ent_b, make_complaint, handler_gd, supervisor_gd
):
    with travel(D(2026, 3, 2)):
        c, _ = make_complaint(ent_b, actor=handler_gd)
    with travel(D(2026, 3, 10)):
        services.sweep_sla()
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {
        "handler_gd",
        "supervisor_gd",
    }


def test_paused_clock_is_not_flagged(ent_a, make_complaint, handler):
    with travel(D(2026, 3, 2)):
        c, _ = make_complaint(ent_a)
        c = services.complaint_accept(actor=handler, complaint_id=c.pk)
        services.complaint_request_material(actor=handler, complaint_id=c.pk, request="材料")
    with travel(D(2026, 4, 30)):
        counts = services.sweep_sla()
    assert counts["alerts"] == 0 and counts["late"] == 0


def test_overdue_complaint_becomes_untimely_and_public(ent_a, make_complaint, handler):
    with travel(D(2026, 3, 2)):
        c, _ = make_complaint(ent_a)
        walk(c, handler, ["accept"])  # Internet: answer and timely both 10 working days, Mar 16
    with travel(D(2026, 3, 16)):
        assert services.sweep_sla()["late"] == 0
    with travel(D(2026, 3, 17)):
        counts = services.sweep_sla()
        again = services.sweep_sla()
    assert (counts["late"], counts["published"], again["late"], again["published"]) == (1, 1, 0, 0)
    c.refresh_from_db()
    assert (c.timely, c.fast, c.public_on) == (False, None, D(2026, 3, 17))
    r = Rollup.objects.get()
    assert (r.records, r.closed, r.timely_known, r.timely) == (1, 0, 1, 0)
    with travel(D(2026, 3, 18)):
        c = services.complaint_close(actor=handler, complaint_id=c.pk, outcome="resolved")
    r.refresh_from_db()
    assert (c.timely, c.fast, r.records, r.closed, r.fast_known, r.fast) == (False, False, 1, 1, 1, 0)


def test_policy_change_recomputes_deadlines_keeping_pauses(ent_a, make_complaint, handler, settings):
    with travel(D(2026, 3, 2)):
        c, _ = make_complaint(ent_a)
        c = services.complaint_accept(actor=handler, complaint_id=c.pk)
    with travel(D(2026, 3, 3)):
        services.complaint_request_material(actor=handler, complaint_id=c.pk, request="x")
    with travel(D(2026, 3, 5)):
        c = services.complaint_supply_material(actor="complainant", complaint_id=c.pk, note="ok")
    assert c.answer_due_on == D(2026, 3, 18)
    clocks = {k: dict(v) for k, v in conf.get("COMPLAINTS_CLOCKS").items()}
    clocks["internet"]["answer"] = {"start": "accepted", "span": [7, "working"]}
    clocks["internet"]["version"] = "isc-2019/d2"
    settings.TELEREG_COMPLAINTS_CLOCKS = clocks
    with travel(D(2026, 3, 6)):
        assert services.sweep_sla()["recomputed"] == 1
    c.refresh_from_db()
    # 7 working days plus the two paused (Mar 4, 5): Mar 13, not Mar 11.
    assert (c.answer_due_on, c.clock_version) == (D(2026, 3, 13), "isc-2019/d2")
    assert ComplaintPause.objects.filter(complaint=c).count() == 1


@pytest.fixture
def late_quarter(ent_a, ent_b, make_complaint, handler, settings):
    """Q1 2026: ent_a has 3 complaints, 2 of them late (33% timely); ent_b 2, both timely."""
    settings.TELEREG_COMPLAINTS_CREDIT_MIN_COUNT = 2
    out = []
    with travel(D(2026, 2, 2)):
        for ent in (ent_a, ent_a, ent_a, ent_b, ent_b):
            c, _ = make_complaint(ent)
            out.append(walk(c, handler, ["accept"]))
    with travel(D(2026, 2, 5)):
        for c in (out[0], out[3], out[4]):
            services.complaint_close(actor=handler, complaint_id=c.pk, outcome="resolved")
    with travel(D(2026, 3, 31)):
        services.sweep_sla()
    return out


def test_quarterly_credit_feed_posts_once(late_quarter, ent_a, ent_b):
    assert services.sweep_credit_feed(today=D(2026, 4, 10)) == 0  # too early: Q1 answers still due
    assert services.sweep_credit_feed(today=D(2026, 5, 10)) == 1
    assert services.sweep_credit_feed(today=D(2026, 5, 11)) == 0
    feed = CreditFeed.objects.get()
    assert (feed.enterprise_id, feed.period, feed.timely, feed.timely_known) == (ent_a.pk, "2026-Q1", 1, 3)
    entries = LedgerEntry.objects.filter(enterprise=ent_a)
    assert entries.count() == 1 and entries.get().points == -10
    assert not LedgerEntry.objects.filter(enterprise=ent_b).exists()


def test_credit_feed_minimum_count(late_quarter, settings):
    settings.TELEREG_COMPLAINTS_CREDIT_MIN_COUNT = 4
    assert services.sweep_credit_feed(period="2026-Q1") == 0


def test_sweep_command(late_quarter, ent_a):
    call_command("complaints_sweep", "--today", "2026-05-10")
    call_command("complaints_sweep", "--today", "2026-05-10")
    assert CreditFeed.objects.count() == 1 and LedgerEntry.objects.filter(enterprise=ent_a).count() == 1
    assert Complaint.objects.filter(timely=False).count() == 2
