"""One access test per persona (national and provincial) per endpoint (issue 8).

The world is a Beijing enterprise holding MIIT-issued (cross-regional) licences, so the
national officer is the issuing officer; the Guangdong personas are outside both the
issuer (officer_gd) and the jurisdiction (the other provincial staff): they see empty
lists, 404 on the rows, and 403 where their role may not act at all.
"""

import datetime as dt
from decimal import Decimal
from urllib.parse import quote

import pytest
import time_machine

from licensing import services
from licensing.models import LicensingDecision, PostCheck
from tests.conftest import PERSONAS, PROVINCIAL_PERSONAS
from tests.factories import UserFactory
from tests.licensing.conftest import api_data, commit_issued, new_app, pdf, standard_issued

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
MIIT_APP = {"coverage": ["11", "31"], "registered_capital": Decimal("20000000")}
EVERYONE = (*PERSONAS, *PROVINCIAL_PERSONAS)


def expect(national: dict, provincial: dict | int) -> dict:
    """Expected status per persona: the national map, then the Guangdong personas."""
    if isinstance(provincial, int):
        provincial = dict.fromkeys(PROVINCIAL_PERSONAS, provincial)
    return {**national, **provincial}


ALL = dict.fromkeys(EVERYONE, 200)
STAFF_AND_ENT = {**dict.fromkeys(PERSONAS, 200), "anon": 401}
NO_HANDLER = {**STAFF_AND_ENT, "handler": 403}
OFFICER_ONLY = dict.fromkeys(PERSONAS, 403) | {"anon": 401, "officer": 200}
ENTERPRISE_ONLY = dict.fromkeys(PERSONAS, 403) | {"anon": 401, "enterprise_a": 200}
# Provincial staff outside the row's issuer and jurisdiction.
GD_LIST = {**dict.fromkeys(PROVINCIAL_PERSONAS, 200), "handler_gd": 403}
GD_ROW = {**dict.fromkeys(PROVINCIAL_PERSONAS, 404), "handler_gd": 403}
GD_ROW_WITH_HANDLER = dict.fromkeys(PROVINCIAL_PERSONAS, 404)
GD_OFFICER_ACT = {**dict.fromkeys(PROVINCIAL_PERSONAS, 403), "officer_gd": 404}
REPORT = {"operations": "o", "changes": "c", "service_quality": "q", "security_measures": "s"}


@pytest.fixture
def world(enterprise_a, officer, django_capture_on_commit_callbacks):
    _app, lic = standard_issued(enterprise_a, officer, **MIIT_APP)
    _c, commit_lic = commit_issued(
        enterprise_a, django_capture_on_commit_callbacks, categories=["B22"], **MIIT_APP
    )
    submitted = new_app(enterprise_a, categories=["B13"], **MIIT_APP)
    services.application_submit(actor=enterprise_a, application_id=submitted.pk)
    draft = new_app(enterprise_a, categories=["B14"], **MIIT_APP)
    with time_machine.travel(dt.datetime(2027, 1, 5, 10, tzinfo=SHANGHAI)):
        report = services.annual_report_file(actor=enterprise_a, year=2026, **REPORT)
        returned = services.annual_report_file(actor=enterprise_a, year=2025, **REPORT)
    services.annual_report_return(actor=officer, report_id=returned.pk, reasons=["补充投诉处理情况"])
    services.decision_publish_sweep()
    material = services.material_add(
        actor=enterprise_a, application_id=draft.pk, kind="licence", upload=pdf()
    )
    cancellation = services.cancellation_file(
        actor=enterprise_a,
        licence_number=lic.number,
        categories=lic.categories,
        users_settled=True,
        users_statement="用户已迁移",
        stop_on=dt.date.today() + dt.timedelta(days=95),
    )
    return {
        "material": material,
        "cancellation": cancellation,
        "licence": lic,
        "draft": draft,
        "submitted": submitted,
        "postcheck": PostCheck.objects.get(licence=commit_lic),
        "report": report,
        "returned": returned,
        "decision": LicensingDecision.objects.filter(licence=lic).get(),
    }


def lic_url(w, suffix=""):
    return f"/api/v1/licences/{quote(w['licence'].number)}/{suffix}"


ENDPOINTS = [
    ("categories", "get", lambda w: "/api/v1/public/service-categories/", None, ALL),
    ("statement", "get", lambda w: "/api/v1/public/conditions-statement/", None, ALL),
    ("keys", "get", lambda w: "/api/v1/public/licence-keys/", None, ALL),
    ("public-licence", "get", lambda w: f"/api/v1/public/licences/{quote(w['licence'].number)}/", None, ALL),
    (
        "verify",
        "post",
        lambda w: "/api/v1/public/licences/verify/",
        lambda w: {
            "document": w["licence"].versions.get().document,
            "signature": w["licence"].versions.get().signature,
        },
        ALL,
    ),
    ("public-annual-reports", "get", lambda w: "/api/v1/public/annual-reports/", None, ALL),
    ("public-decisions", "get", lambda w: "/api/v1/public/licensing-decisions/", None, ALL),
    ("public-decisions-csv", "get", lambda w: "/api/v1/public/licensing-decisions/?format=csv", None, ALL),
    ("statements", "get", lambda w: "/api/v1/conditions-statements/", None, expect(STAFF_AND_ENT, 200)),
    (
        "statement-publish",
        "post",
        lambda w: "/api/v1/conditions-statements/",
        lambda w: {"text": "新版告知承诺条件说明，" * 5},
        # The statement binds every authority's applicants: MIIT publishes it.
        expect({**OFFICER_ONLY, "officer": 201}, 403),
    ),
    ("applications", "get", lambda w: "/api/v1/applications/", None, expect(NO_HANDLER, GD_LIST)),
    (
        "application-create",
        "post",
        lambda w: "/api/v1/applications/",
        lambda w: api_data(categories=["B23"], **MIIT_APP),
        expect({**ENTERPRISE_ONLY, "enterprise_a": 201}, 403),
    ),
    (
        "application",
        "get",
        lambda w: f"/api/v1/applications/{w['draft'].pk}/",
        None,
        expect(NO_HANDLER, GD_ROW),
    ),
    (
        "application-edit",
        "patch",
        lambda w: f"/api/v1/applications/{w['draft'].pk}/",
        lambda w: {"staff_count": 30},
        expect(ENTERPRISE_ONLY, GD_OFFICER_ACT),
    ),
    (
        "materials",
        "get",
        lambda w: f"/api/v1/applications/{w['draft'].pk}/materials/",
        None,
        expect(NO_HANDLER, GD_ROW),
    ),
    (
        "material-upload",
        "multipart",
        lambda w: f"/api/v1/applications/{w['draft'].pk}/materials/",
        lambda w: {"file": pdf()},
        expect({**ENTERPRISE_ONLY, "enterprise_a": 201}, GD_OFFICER_ACT),
    ),
    (
        "submit",
        "post",
        lambda w: f"/api/v1/applications/{w['draft'].pk}/submit/",
        lambda w: {},
        expect(ENTERPRISE_ONLY, GD_OFFICER_ACT),
    ),
    (
        "accept",
        "post",
        lambda w: f"/api/v1/applications/{w['submitted'].pk}/accept/",
        lambda w: {},
        expect(OFFICER_ONLY, GD_OFFICER_ACT),
    ),
    ("licences", "get", lambda w: "/api/v1/licences/", None, expect(STAFF_AND_ENT, 200)),
    ("licence", "get", lambda w: lic_url(w), None, expect(STAFF_AND_ENT, GD_ROW_WITH_HANDLER)),
    (
        "licence-suspend",
        "post",
        lambda w: lic_url(w, "suspend/"),
        lambda w: {"reason": "r"},
        expect(OFFICER_ONLY, GD_OFFICER_ACT),
    ),
    (
        "licence-withdraw",
        "post",
        lambda w: lic_url(w, "withdraw/"),
        lambda w: {"reason": "以欺骗手段取得许可", "legal_basis": "《行政许可法》第六十九条"},
        expect(OFFICER_ONLY, GD_OFFICER_ACT),
    ),
    ("post-checks", "get", lambda w: "/api/v1/post-checks/", None, expect(NO_HANDLER, GD_LIST)),
    (
        "post-check",
        "get",
        lambda w: f"/api/v1/post-checks/{w['postcheck'].pk}/",
        None,
        expect(NO_HANDLER, GD_ROW),
    ),
    (
        "post-check-pass",
        "post",
        lambda w: f"/api/v1/post-checks/{w['postcheck'].pk}/pass/",
        lambda w: {},
        expect(OFFICER_ONLY, GD_OFFICER_ACT),
    ),
    ("annual-reports", "get", lambda w: "/api/v1/annual-reports/", None, expect(NO_HANDLER, GD_LIST)),
    (
        "annual-report",
        "get",
        lambda w: f"/api/v1/annual-reports/{w['report'].pk}/",
        None,
        expect(NO_HANDLER, GD_ROW),
    ),
    (
        "annual-report-file",
        "post",
        lambda w: "/api/v1/annual-reports/",
        lambda w: {"year": 2024, **REPORT},
        expect({**ENTERPRISE_ONLY, "enterprise_a": 201}, 403),
    ),
    (
        "annual-report-confirm",
        "post",
        lambda w: f"/api/v1/annual-reports/{w['report'].pk}/confirm/",
        lambda w: {},
        expect(OFFICER_ONLY, GD_OFFICER_ACT),
    ),
    (
        "annual-report-return",
        "post",
        lambda w: f"/api/v1/annual-reports/{w['report'].pk}/return/",
        lambda w: {"reasons": ["补充分支机构"]},
        expect(OFFICER_ONLY, GD_OFFICER_ACT),
    ),
    (
        "annual-report-refile",
        "post",
        lambda w: f"/api/v1/annual-reports/{w['returned'].pk}/refile/",
        lambda w: REPORT,
        expect(ENTERPRISE_ONLY, 403),
    ),
    (
        "change-filings",
        "get",
        lambda w: "/api/v1/change-filings/",
        None,
        expect({**dict.fromkeys(PERSONAS, 200), "anon": 401}, 200),
    ),
    (
        "change-filing",
        "post",
        lambda w: "/api/v1/change-filings/",
        lambda w: {"changed_on": "2026-11-30", "registered_address": "北京市西城区2号"},
        expect({**ENTERPRISE_ONLY, "enterprise_a": 201}, 403),
    ),
    ("cancellations", "get", lambda w: "/api/v1/cancellations/", None, expect(STAFF_AND_ENT, 200)),
    (
        "cancellation-confirm",
        "post",
        lambda w: f"/api/v1/cancellations/{w['cancellation'].pk}/confirm/",
        lambda w: {"reason": "核实"},
        expect(OFFICER_ONLY, GD_OFFICER_ACT),
    ),
    (
        "cancellation-withdraw",
        "post",
        lambda w: f"/api/v1/cancellations/{w['cancellation'].pk}/withdraw/",
        lambda w: {},
        # The officer's role may not withdraw the holder's request (403 from the service).
        expect(ENTERPRISE_ONLY, GD_OFFICER_ACT),
    ),
    (
        "material-download",
        "get",
        lambda w: f"/api/v1/materials/{w['material'].pk}/download/",
        None,
        expect({**OFFICER_ONLY, "enterprise_a": 200}, GD_OFFICER_ACT),
    ),
    (
        "my-contacts",
        "patch",
        lambda w: "/api/v1/my-enterprise/contacts/",
        lambda w: {"contact_email": "ops@example.com"},
        expect(ENTERPRISE_ONLY, 403),
    ),
    ("notifications", "get", lambda w: "/api/v1/notifications/", None, expect(STAFF_AND_ENT, 200)),
    (
        "decisions",
        "get",
        lambda w: "/api/v1/licensing-decisions/",
        None,
        expect({**dict.fromkeys(PERSONAS, 200), "anon": 401, "enterprise_a": 403}, 200),
    ),
    (
        "decision-hold",
        "post",
        lambda w: f"/api/v1/licensing-decisions/{w['decision'].pk}/hold/",
        lambda w: {"reason": "r"},
        # Already published by the sweep: the issuing officer gets a 409.
        expect({**OFFICER_ONLY, "officer": 409}, GD_OFFICER_ACT),
    ),
]


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize(
    ("name", "method", "url", "body", "expected"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS]
)
def test_access(as_persona, world, persona, name, method, url, body, expected):
    _user, client = as_persona(persona)
    path = url(world)
    if method == "get":
        r = client.get(path)
    elif method == "multipart":
        r = client.post(path, body(world), format="multipart")
    else:
        r = getattr(client, method)(path, body(world), format="json")
    assert r.status_code == expected[persona], (name, persona, r.content[:300])


@pytest.mark.parametrize("persona", PROVINCIAL_PERSONAS)
def test_provincial_staff_lists_are_empty(as_persona, world, persona):
    _user, client = as_persona(persona)
    for path in ("/api/v1/licences/", "/api/v1/licensing-decisions/"):
        assert client.get(path).json()["count"] == 0, (persona, path)


def test_other_enterprise_sees_404_not_403(api, world, enterprise_b):
    other = api(enterprise_b)
    assert other.get(f"/api/v1/applications/{world['draft'].pk}/").status_code == 404
    assert (
        other.post(f"/api/v1/applications/{world['draft'].pk}/submit/", {}, format="json").status_code == 404
    )
    assert other.get(lic_url(world)).status_code == 404
    assert other.get(f"/api/v1/post-checks/{world['postcheck'].pk}/").status_code == 404
    assert other.get(f"/api/v1/annual-reports/{world['report'].pk}/").status_code == 404
    assert other.get("/api/v1/applications/").json()["count"] == 0
    assert other.get("/api/v1/licences/").json()["count"] == 0


def test_provincial_officer_cannot_act_on_an_miit_case(world, officer_gd):
    """The issue-8 probe: a Guangdong officer accepting an application that MIIT issues.
    The service itself refuses (404), not only the view."""
    from config.api import NotFound

    with pytest.raises(NotFound):
        services.application_accept(actor=officer_gd, application_id=world["submitted"].pk)
    with pytest.raises(NotFound):
        services.licence_suspend(actor=officer_gd, licence_id=world["licence"].pk, reason="r")
    with pytest.raises(NotFound):
        services.postcheck_pass(actor=officer_gd, postcheck_id=world["postcheck"].pk)
    with pytest.raises(NotFound):
        services.annual_report_confirm(actor=officer_gd, report_id=world["report"].pk)
    with pytest.raises(NotFound):
        services.licence_revoke(actor=officer_gd, licence_id=world["licence"].pk, reason="r")
    world["submitted"].refresh_from_db()
    assert world["submitted"].status == "submitted"


def test_provincial_officer_acts_on_its_own_cases(enterprise_b, officer_gd, officer):
    """A Guangdong single-province case is the Guangdong officer's, and not MIIT's."""
    from config.api import NotFound

    app = new_app(enterprise_b, coverage=["44"], premises="广州市天河区")
    services.application_submit(actor=enterprise_b, application_id=app.pk)
    with pytest.raises(NotFound):
        services.application_accept(actor=officer, application_id=app.pk)
    services.application_accept(actor=officer_gd, application_id=app.pk)
    app.refresh_from_db()
    assert app.status == "accepted" and app.issuer_id == "44"


@pytest.mark.parametrize("rows", [2, 6])
def test_list_queries_do_not_grow_with_rows(api, enterprise_a, officer, rows, django_assert_max_num_queries):
    for i in range(rows):
        new_app(enterprise_a, categories=[["B11", "B12", "B13", "B14", "B21", "B23"][i]], **MIIT_APP)
    with django_assert_max_num_queries(12):
        r = api(officer).get("/api/v1/applications/")
    assert r.json()["count"] == rows


@pytest.mark.parametrize("rows", [1, 4])
def test_decision_list_queries_do_not_grow(api, enterprise_a, officer, rows, django_assert_max_num_queries):
    for i in range(rows):
        standard_issued(enterprise_a, officer, categories=[["B11", "B12", "B13", "B14"][i]], **MIIT_APP)
    services.decision_publish_sweep()
    with django_assert_max_num_queries(4):
        r = api(None).get("/api/v1/public/licensing-decisions/")
    assert r.json()["count"] == rows


def test_unknown_officer_role_user(api, world):
    stranger = UserFactory(username="no-authority-officer", role="officer", province="31")
    assert api(stranger).get(lic_url(world)).status_code == 404
