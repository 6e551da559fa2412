"""The standard path (§1.2) end to end through the API, and every transition edge."""

import datetime as dt

import pytest
import time_machine

from config.api import Conflict
from licensing import services
from licensing.models import Application, ApplicationEvent, AppStatus, Deadline, Licence, LicenceVersion
from licensing.services.applications import ALLOWED
from regulator.models import AuditEvent
from tests.licensing.conftest import api_data, new_app, pdf

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_standard_path_end_to_end_through_the_api(api, enterprise_a, officer_bj):
    ent, off = api(enterprise_a), api(officer_bj)
    r = ent.post("/api/v1/applications/", api_data(categories=["B11", "B25"]), format="json")
    assert r.status_code == 201, r.json()
    app_id = r.json()["id"]
    assert r.json()["status"] == "draft"
    assert r.json()["issuer"] == "11"

    r = ent.post(
        f"/api/v1/applications/{app_id}/materials/",
        {"kind": "business_licence", "file": pdf()},
        format="multipart",
    )
    assert r.status_code == 201, r.json()
    assert len(r.json()["sha256"]) == 64

    r = ent.post(f"/api/v1/applications/{app_id}/submit/", {}, format="json")
    assert r.status_code == 200, r.json()
    # B11 is not open to notify-and-commit, so the whole application is standard.
    assert (r.json()["status"], r.json()["path"]) == ("submitted", "standard")
    assert {d["kind"] for d in r.json()["deadlines"]} == {"correction", "acceptance"}

    r = off.post(
        f"/api/v1/applications/{app_id}/request-correction/",
        {"reason": "材料不全", "items": ["补充机房租赁合同", "补充安全评估报告"]},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "needs_correction"
    assert r.json()["correction_items"] == ["补充机房租赁合同", "补充安全评估报告"]

    r = ent.patch(f"/api/v1/applications/{app_id}/", {"staff_count": 20}, format="json")
    assert r.status_code == 200 and r.json()["staff_count"] == 20
    r = ent.post(f"/api/v1/applications/{app_id}/submit/", {}, format="json")
    assert r.json()["status"] == "submitted"

    for action, expected in [
        ("accept", "accepted"),
        ("start-review", "under_review"),
        ("approve", "approved"),
    ]:
        r = off.post(f"/api/v1/applications/{app_id}/{action}/", {"reason": "ok"}, format="json")
        assert r.status_code == 200, (action, r.json())
        assert r.json()["status"] == expected
    decision = [d for d in r.json()["deadlines"] if d["kind"] == "decision"][0]
    assert decision["amount"] == 60 and decision["met_at"] is not None
    assert [d for d in r.json()["deadlines"] if d["kind"] == "issue"][0]["met_at"] is None

    r = off.post(f"/api/v1/applications/{app_id}/issue/", {}, format="json")
    assert r.status_code == 200, r.json()
    number = r.json()["licence_number"]
    assert r.json()["status"] == "issued"
    year = dt.date.today().year
    assert number.startswith(f"京B1.B2-{year}")
    lic = Licence.objects.get(number=number)
    assert lic.enterprise == enterprise_a.enterprise
    assert (lic.valid_until - lic.valid_from).days in (1825, 1826)  # five years, last day inclusive
    assert LicenceVersion.objects.filter(licence=lic).count() == 1

    events = list(ApplicationEvent.objects.filter(application_id=app_id).values_list("to_status", flat=True))
    assert events == [
        "draft",
        "submitted",
        "needs_correction",
        "submitted",
        "accepted",
        "under_review",
        "approved",
        "issued",
    ]
    assert AuditEvent.objects.filter(object_type="licensing.application", object_id=str(app_id)).count() >= 8

    # The enterprise sees its own licence; an officer_bj may not submit and the enterprise may not approve.
    assert ent.get(f"/api/v1/licences/{number}/").status_code == 200
    assert off.post(f"/api/v1/applications/{app_id}/submit/", {}, format="json").status_code == 403
    assert ent.post(f"/api/v1/applications/{app_id}/approve/", {}, format="json").status_code == 403
    # Issued is terminal.
    assert (
        off.post(f"/api/v1/applications/{app_id}/reject/", {"reason": "x"}, format="json").status_code == 409
    )


def test_reject_needs_reasons_and_is_recorded(api, enterprise_a, officer_bj):
    app = new_app(enterprise_a)
    services.application_submit(actor=enterprise_a, application_id=app.pk)
    services.application_accept(actor=officer_bj, application_id=app.pk)
    services.application_start_review(actor=officer_bj, application_id=app.pk)
    off = api(officer_bj)
    r = off.post(f"/api/v1/applications/{app.pk}/reject/", {"reason": ""}, format="json")
    assert r.status_code == 400 and "reason" in r.json()["errors"]
    app.refresh_from_db()
    assert app.status == "under_review"
    r = off.post(f"/api/v1/applications/{app.pk}/reject/", {"reason": "安全措施不足"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert r.json()["decision_reason"] == "安全措施不足"


def test_not_accepted_and_withdrawn(api, enterprise_a, officer_bj):
    a = new_app(enterprise_a)
    services.application_submit(actor=enterprise_a, application_id=a.pk)
    r = api(officer_bj).post(
        f"/api/v1/applications/{a.pk}/not-accept/", {"reason": "不属于受理范围"}, format="json"
    )
    assert r.json()["status"] == "not_accepted"
    b = new_app(enterprise_a)
    r = api(enterprise_a).post(
        f"/api/v1/applications/{b.pk}/withdraw/", {"reason": "changed plans"}, format="json"
    )
    assert r.json()["status"] == "withdrawn"


def test_unknown_action_is_404(api, enterprise_a, officer_bj):
    a = new_app(enterprise_a)
    assert api(officer_bj).post(f"/api/v1/applications/{a.pk}/fly/", {}, format="json").status_code == 404


def _app_in(user, status):
    app = new_app(user)
    # Put the row straight into the state under test; the transition function is what we test.
    Application.objects.filter(pk=app.pk).update(status=status)
    return app


@pytest.mark.parametrize("src", list(AppStatus))
def test_every_edge_allowed_or_409(enterprise_a, officer_bj, src):
    for dst in AppStatus:
        app = _app_in(enterprise_a, src)
        if dst in ALLOWED[src]:
            services.application_transition(application_id=app.pk, to=dst, actor=officer_bj)
            app.refresh_from_db()
            assert app.status == dst
            assert ApplicationEvent.objects.filter(application=app, from_status=src, to_status=dst).exists()
        else:
            with pytest.raises(Conflict):
                services.application_transition(application_id=app.pk, to=dst, actor=officer_bj)
            app.refresh_from_db()
            assert app.status == src
        Application.objects.filter(pk=app.pk).update(status=AppStatus.WITHDRAWN)


def test_terminal_states_have_no_exit():
    for s in (AppStatus.ISSUED, AppStatus.REJECTED, AppStatus.NOT_ACCEPTED, AppStatus.WITHDRAWN):
        assert ALLOWED[s] == set()


# --- deadlines across the 2026 National Day holiday ------------------------------------


def test_deadlines_across_national_day(enterprise_a, officer_bj):
    """Issue 11 point 2: the correction request counts working days (工作日); acceptance,
    decision and issue count calendar days (日), as the regulation gives them."""
    with time_machine.travel(dt.datetime(2026, 9, 30, 10, tzinfo=SHANGHAI), tick=False):
        app = new_app(enterprise_a)
        services.application_submit(actor=enterprise_a, application_id=app.pk)
        d = {x.kind: x for x in Deadline.objects.filter(application=app)}
        # 10-01..07 are holidays, 10-10 (Sat) is a make-up working day: 5 working days → 10-13.
        assert d["correction"].due_on == dt.date(2026, 10, 13)
        assert d["correction"].unit == "working" and d["correction"].calendar_version
        # Acceptance: 5 日, calendar days straight through the holiday.
        assert (d["acceptance"].due_on, d["acceptance"].unit) == (dt.date(2026, 10, 5), "calendar")
        services.application_accept(actor=officer_bj, application_id=app.pk)
        dec = Deadline.objects.get(application=app, kind="decision")
        assert (dec.starts_on, dec.amount, dec.unit) == (dt.date(2026, 9, 30), 60, "calendar")
        assert dec.due_on == dt.date(2026, 11, 29)
    with time_machine.travel(dt.datetime(2026, 9, 18, 10, tzinfo=SHANGHAI), tick=False):
        b = new_app(enterprise_a, categories=["B12"])
        services.application_submit(actor=enterprise_a, application_id=b.pk)
        services.application_accept(actor=officer_bj, application_id=b.pk)
        services.application_start_review(actor=officer_bj, application_id=b.pk)
        services.application_approve(actor=officer_bj, application_id=b.pk)
        issue = Deadline.objects.get(application=b, kind="issue")
        assert (issue.due_on, issue.unit) == (dt.date(2026, 9, 28), "calendar")


def test_basic_service_decision_is_180_calendar_days_after_acceptance(enterprise_a, officer):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), tick=False):
        app = new_app(enterprise_a, categories=["A24"], coverage=["11", "31"], registered_capital=10**9)
        services.application_submit(actor=enterprise_a, application_id=app.pk)
        services.application_accept(actor=officer, application_id=app.pk)
        dec = Deadline.objects.get(application=app, kind="decision")
    assert (dec.amount, dec.unit) == (180, "calendar")
    assert dec.due_on == dt.date(2026, 3, 2) + dt.timedelta(days=180) == dt.date(2026, 8, 29)


def test_deadline_unit_is_a_setting(settings, enterprise_a):
    settings.TELEREG_DEADLINES = {"acceptance": {"n": 5, "unit": "working"}}
    with time_machine.travel(dt.datetime(2026, 9, 30, 10, tzinfo=SHANGHAI), tick=False):
        app = new_app(enterprise_a)
        services.application_submit(actor=enterprise_a, application_id=app.pk)
        d = {x.kind: x for x in Deadline.objects.filter(application=app)}
        assert d["acceptance"].due_on == dt.date(2026, 10, 13)
        assert d["acceptance"].unit == "working"
        assert d["correction"].due_on == dt.date(2026, 10, 13)


def test_overdue_deadlines_are_flagged_never_approved(enterprise_a):
    with time_machine.travel(dt.datetime(2026, 9, 30, 10, tzinfo=SHANGHAI), tick=False):
        app = new_app(enterprise_a)
        services.application_submit(actor=enterprise_a, application_id=app.pk)
    with time_machine.travel(dt.datetime(2026, 10, 5, 10, tzinfo=SHANGHAI), tick=False):
        assert services.deadline_overdue_sweep() == 0  # due today is not overdue
    with time_machine.travel(dt.datetime(2026, 10, 14, 10, tzinfo=SHANGHAI), tick=False):
        # acceptance (10-05, calendar) and correction (10-13, working) are both past.
        assert services.deadline_overdue_sweep() == 2
        assert services.deadline_overdue_sweep() == 0  # run twice, acts once
    app.refresh_from_db()
    assert app.status == "submitted"
    assert AuditEvent.objects.filter(action="licensing.deadline.overdue", object_id=str(app.pk)).count() == 2
