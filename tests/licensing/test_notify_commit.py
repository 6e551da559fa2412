"""Notify-and-commit (§1.3): commitment, automatic checks, post-issuance checks, and the
consequences of a false commitment."""

import datetime as dt

import pytest
import time_machine

from config.api import ApplicationError, Conflict
from credit import selectors as credit_selectors
from licensing import services
from licensing.models import Application, Commitment, Licence, LicenceVersion, PostCheck, PostCheckStatus
from licensing.services.postchecks import ALLOWED as PC_ALLOWED
from regulator import canonical
from tests.licensing.conftest import api_data, commit_issued, commitment, new_app

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _dishonest(ent):
    # Through licensing's adapter, which speaks whichever credit signature is installed.
    from licensing.services.common import list_holder

    list_holder(
        actor="test",
        enterprise=ent,
        list_kind="dishonest",
        rule_code="DISHONEST_REVOKED",
        reason="licence revoked elsewhere",
        authority="11",
        source_ref=f"test:{ent.pk}",
    )


def test_notify_commit_end_to_end_through_the_api(
    api, enterprise_a, officer_bj, django_capture_on_commit_callbacks
):
    ent, off = api(enterprise_a), api(officer_bj)
    st = api(None).get("/api/v1/public/conditions-statement/").json()
    assert st["version"] == 1
    r = ent.post("/api/v1/applications/", api_data(categories=["B25", "B21"]), format="json")
    assert r.status_code == 201
    app_id = r.json()["id"]

    with django_capture_on_commit_callbacks(execute=True):
        r = ent.post(
            f"/api/v1/applications/{app_id}/submit/",
            {"commitment": commitment(st["version"])},
            format="json",
        )
    assert r.status_code == 200, r.json()
    body = ent.get(f"/api/v1/applications/{app_id}/").json()
    assert body["path"] == "notify_commit"
    assert body["status"] == "issued", body
    assert body["auto_check_result"]["passed"] is True
    number = body["licence_number"]
    assert number.startswith("京B2-")
    c = body["commitment"]
    assert c["statement_version"] == 1 and c["signatory_name"] == "张三"
    assert c["committed_sha256"] == canonical.sha256_hex(c["committed"])
    assert c["committed"]["application"]["categories"] == ["B21", "B25"]
    assert [e["to_status"] for e in body["events"]] == [
        "draft",
        "submitted_with_commitment",
        "approved",
        "issued",
    ]
    decision = [d for d in body["deadlines"] if d["kind"] == "commit_decision"][0]
    assert decision["amount"] == 1 and decision["unit"] == "working" and decision["met_at"]

    pcs = off.get("/api/v1/post-checks/").json()["results"]
    assert len(pcs) == 1 and pcs[0]["licence"] == number and pcs[0]["status"] == "due"
    assert dt.date.fromisoformat(pcs[0]["due_on"]) == dt.date.today() + dt.timedelta(days=60)
    # The enterprise sees its own check but cannot decide it.
    assert ent.get("/api/v1/post-checks/").json()["count"] == 1
    assert ent.post(f"/api/v1/post-checks/{pcs[0]['id']}/pass/", {}, format="json").status_code == 403

    r = off.post(
        f"/api/v1/post-checks/{pcs[0]['id']}/order-rectification/", {"reason": "机房未到位"}, format="json"
    )
    assert r.status_code == 200 and r.json()["status"] == "rectifying"
    assert dt.date.fromisoformat(r.json()["rectify_by"]) == dt.date.today() + dt.timedelta(days=30)
    r = off.post(f"/api/v1/post-checks/{pcs[0]['id']}/rectified/", {"reason": "已整改"}, format="json")
    assert r.json()["status"] == "rectified"
    assert off.post(f"/api/v1/post-checks/{pcs[0]['id']}/pass/", {}, format="json").status_code == 409


def test_commitment_is_required_and_nothing_is_saved_without_it(api, enterprise_a):
    app = new_app(enterprise_a, categories=["B25"])
    ent = api(enterprise_a)
    r = ent.post(f"/api/v1/applications/{app.pk}/submit/", {}, format="json")
    assert r.status_code == 400 and "commitment" in r.json()["errors"]
    r = ent.post(
        f"/api/v1/applications/{app.pk}/submit/", {"commitment": commitment(version=99)}, format="json"
    )
    assert r.status_code == 400 and "commitment.statement_version" in r.json()["errors"]
    r = ent.post(
        f"/api/v1/applications/{app.pk}/submit/", {"commitment": commitment(accept=False)}, format="json"
    )
    assert r.status_code == 400 and "commitment.accept" in r.json()["errors"]
    app.refresh_from_db()
    assert (app.status, app.path, app.submitted_at) == ("draft", "", None)
    assert not Commitment.objects.exists()


def test_new_statement_version_is_what_applicants_commit_to(
    api, enterprise_a, officer, django_capture_on_commit_callbacks
):
    r = api(officer).post(
        "/api/v1/conditions-statements/", {"text": "第2版条件说明：" + "条件" * 20}, format="json"
    )
    assert r.status_code == 201 and r.json()["version"] == 2
    app = new_app(enterprise_a, categories=["B25"])
    with pytest.raises(ApplicationError):
        services.application_submit(actor=enterprise_a, application_id=app.pk, commitment=commitment(1))
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(actor=enterprise_a, application_id=app.pk, commitment=commitment(2))
    assert Commitment.objects.get(application=app).statement.version == 2


def test_dishonest_listed_enterprise_cannot_take_notify_commit(
    api, enterprise_a, django_capture_on_commit_callbacks
):
    app = new_app(enterprise_a, categories=["B25"])
    _dishonest(enterprise_a.enterprise)
    assert credit_selectors.restrictions_for(enterprise_a.enterprise).on_dishonest_list
    path, reasons = services.path_for(app)
    assert path == "standard" and reasons
    with django_capture_on_commit_callbacks(execute=True):
        r = api(enterprise_a).post(
            f"/api/v1/applications/{app.pk}/submit/", {"commitment": commitment()}, format="json"
        )
    # The dishonest list bars licences altogether (§2.2), so the submission is refused.
    assert r.status_code == 400 and r.json()["code"] == "barred"
    app.refresh_from_db()
    assert app.status == "draft" and not Licence.objects.exists()


def test_bad_list_sends_notify_commit_categories_down_the_standard_path(
    monkeypatch, enterprise_a, django_capture_on_commit_callbacks
):
    from licensing.services import applications as app_services

    real = credit_selectors.restrictions_for

    def bad_listed(enterprise):
        r = real(enterprise)
        return type(r)(
            **{**r.__dict__, "on_bad_list": True, "may_notify_commit": False, "reasons": ["bad list"]}
        )

    monkeypatch.setattr(app_services, "restrictions", bad_listed)
    app = new_app(enterprise_a, categories=["B25"])
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(actor=enterprise_a, application_id=app.pk, commitment=commitment())
    app.refresh_from_db()
    assert (app.path, app.status) == ("standard", "submitted")
    assert app.events.last().data["path_reasons"] == ["bad list"]


def test_auto_check_rejects_when_restrictions_change_before_it_runs(
    enterprise_a, django_capture_on_commit_callbacks
):
    app = new_app(enterprise_a, categories=["B25"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_submit(actor=enterprise_a, application_id=app.pk, commitment=commitment())
    _dishonest(enterprise_a.enterprise)
    for cb in callbacks:
        cb()
    app.refresh_from_db()
    assert app.status == "rejected"
    assert app.auto_check_result["passed"] is False and app.decision_reason
    assert not Licence.objects.filter(application=app).exists()
    # Running the check again changes nothing.
    services.application_auto_check(application_id=app.pk)
    app.refresh_from_db()
    assert app.status == "rejected"


def test_auto_check_retry_sweep_picks_up_missed_checks(enterprise_a, django_capture_on_commit_callbacks):
    app = new_app(enterprise_a, categories=["B25"])
    with django_capture_on_commit_callbacks(execute=False):
        services.application_submit(actor=enterprise_a, application_id=app.pk, commitment=commitment())
    assert services.auto_check_retry_sweep() == 0  # too recent
    app.refresh_from_db()
    Application.objects.filter(pk=app.pk).update(submitted_at=app.submitted_at - dt.timedelta(hours=1))
    assert services.auto_check_retry_sweep() == 1
    app.refresh_from_db()
    assert app.status == "issued"


def test_false_commitment_revokes_lists_and_bars(
    api, enterprise_a, officer_bj, django_capture_on_commit_callbacks
):
    app, lic = commit_issued(enterprise_a, django_capture_on_commit_callbacks)
    pc = PostCheck.objects.get(licence=lic)
    r = api(officer_bj).post(
        f"/api/v1/post-checks/{pc.pk}/revoke/",
        {"reason": "承诺的机房不存在", "findings": "现场核查无机房"},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "revoked"
    lic.refresh_from_db()
    # §1.3 [I]: a false commitment undoes the grant itself (撤销), it is not a penalty (吊销).
    assert lic.status == "withdrawn" and lic.version == 2
    assert LicenceVersion.objects.get(licence=lic, version=2).document["status"] == "withdrawn"
    rs = credit_selectors.restrictions_for(enterprise_a.enterprise)
    assert rs.on_dishonest_list and not rs.may_apply_licence and not rs.may_notify_commit
    sanctions = credit_selectors.active_sanctions(enterprise_a.enterprise)
    assert [s.kind for s in sanctions] == ["application_ban"]
    assert sanctions[0].until == dt.date.today().replace(year=dt.date.today().year + 1)
    r = api(enterprise_a).post("/api/v1/applications/", api_data(categories=["B21"]), format="json")
    assert r.status_code == 400 and r.json()["code"] == "barred"
    assert Application.objects.count() == 1


@pytest.mark.parametrize("src", list(PostCheckStatus))
def test_every_postcheck_edge(enterprise_a, officer_bj, django_capture_on_commit_callbacks, src):
    _app, lic = commit_issued(enterprise_a, django_capture_on_commit_callbacks)
    pc = PostCheck.objects.get(licence=lic)
    for dst in PostCheckStatus:
        PostCheck.objects.filter(pk=pc.pk).update(status=src)
        if dst in PC_ALLOWED[src]:
            services.postcheck_transition(postcheck_id=pc.pk, to=dst, actor=officer_bj, reason="r")
            pc.refresh_from_db()
            assert pc.status == dst
        else:
            with pytest.raises(Conflict):
                services.postcheck_transition(postcheck_id=pc.pk, to=dst, actor=officer_bj)
            pc.refresh_from_db()
            assert pc.status == src


def test_postcheck_overdue_sweep(enterprise_a, django_capture_on_commit_callbacks):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=SHANGHAI), tick=False):
        _app, lic = commit_issued(enterprise_a, django_capture_on_commit_callbacks)
    pc = PostCheck.objects.get(licence=lic)
    assert pc.due_on == dt.date(2026, 5, 1)
    with time_machine.travel(dt.datetime(2026, 5, 1, 23, tzinfo=SHANGHAI), tick=False):
        assert services.postcheck_overdue_sweep() == 0
    with time_machine.travel(dt.datetime(2026, 5, 2, 9, tzinfo=SHANGHAI), tick=False):
        assert services.postcheck_overdue_sweep() == 1
        assert services.postcheck_overdue_sweep() == 0
    pc.refresh_from_db()
    assert pc.overdue_at is not None and pc.status == "due"


def test_officer_cannot_decide_a_commitment_case(
    api, enterprise_a, officer_bj, django_capture_on_commit_callbacks
):
    app = new_app(enterprise_a, categories=["B25"])
    with django_capture_on_commit_callbacks(execute=False):
        services.application_submit(actor=enterprise_a, application_id=app.pk, commitment=commitment())
    off = api(officer_bj)
    for action in ("approve", "reject", "accept", "issue"):
        r = off.post(f"/api/v1/applications/{app.pk}/{action}/", {"reason": "manual"}, format="json")
        assert r.status_code == 409, action
    app.refresh_from_db()
    assert app.status == "submitted_with_commitment"
