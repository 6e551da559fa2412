"""One access test per persona per endpoint (PERSONAS from tests.conftest)."""

import datetime as dt
from urllib.parse import quote

import pytest
import time_machine

from licensing import services
from licensing.models import PostCheck
from tests.conftest import PERSONAS
from tests.factories import UserFactory
from tests.licensing.conftest import api_data, commit_issued, new_app, pdf, standard_issued

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))

ALL = dict.fromkeys(PERSONAS, 200)
STAFF_AND_ENT = {**ALL, "anon": 401}
NO_HANDLER = {**STAFF_AND_ENT, "handler": 403}
OFFICER_ONLY = dict.fromkeys(PERSONAS, 403) | {"anon": 401, "officer": 200}
ENTERPRISE_ONLY = dict.fromkeys(PERSONAS, 403) | {"anon": 401, "enterprise_a": 200}


@pytest.fixture
def world(enterprise_a, django_capture_on_commit_callbacks):
    off = UserFactory(username="officer-setup", role="officer")
    _app, lic = standard_issued(enterprise_a, off)
    _c, commit_lic = commit_issued(enterprise_a, django_capture_on_commit_callbacks, categories=["B22"])
    submitted = new_app(enterprise_a, categories=["B13"])
    services.application_submit(actor=enterprise_a, application_id=submitted.pk)
    draft = new_app(enterprise_a, categories=["B14"])
    with time_machine.travel(dt.datetime(2027, 1, 5, 10, tzinfo=SHANGHAI)):
        report = services.annual_report_file(
            actor=enterprise_a,
            year=2026,
            operations="o",
            changes="c",
            service_quality="q",
            security_measures="s",
        )
    return {
        "licence": lic,
        "draft": draft,
        "submitted": submitted,
        "postcheck": PostCheck.objects.get(licence=commit_lic),
        "report": report,
    }


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
    ("statements", "get", lambda w: "/api/v1/conditions-statements/", None, STAFF_AND_ENT),
    (
        "statement-publish",
        "post",
        lambda w: "/api/v1/conditions-statements/",
        lambda w: {"text": "新版告知承诺条件说明，" * 5},
        {**OFFICER_ONLY, "officer": 201},
    ),
    ("applications", "get", lambda w: "/api/v1/applications/", None, NO_HANDLER),
    (
        "application-create",
        "post",
        lambda w: "/api/v1/applications/",
        lambda w: api_data(categories=["B23"]),
        {**ENTERPRISE_ONLY, "enterprise_a": 201},
    ),
    ("application", "get", lambda w: f"/api/v1/applications/{w['draft'].pk}/", None, NO_HANDLER),
    (
        "application-edit",
        "patch",
        lambda w: f"/api/v1/applications/{w['draft'].pk}/",
        lambda w: {"staff_count": 30},
        ENTERPRISE_ONLY,
    ),
    ("materials", "get", lambda w: f"/api/v1/applications/{w['draft'].pk}/materials/", None, NO_HANDLER),
    (
        "material-upload",
        "multipart",
        lambda w: f"/api/v1/applications/{w['draft'].pk}/materials/",
        lambda w: {"file": pdf()},
        {**ENTERPRISE_ONLY, "enterprise_a": 201},
    ),
    (
        "submit",
        "post",
        lambda w: f"/api/v1/applications/{w['draft'].pk}/submit/",
        lambda w: {},
        ENTERPRISE_ONLY,
    ),
    (
        "accept",
        "post",
        lambda w: f"/api/v1/applications/{w['submitted'].pk}/accept/",
        lambda w: {},
        OFFICER_ONLY,
    ),
    ("licences", "get", lambda w: "/api/v1/licences/", None, STAFF_AND_ENT),
    ("licence", "get", lambda w: f"/api/v1/licences/{quote(w['licence'].number)}/", None, STAFF_AND_ENT),
    (
        "licence-suspend",
        "post",
        lambda w: f"/api/v1/licences/{quote(w['licence'].number)}/suspend/",
        lambda w: {"reason": "r"},
        OFFICER_ONLY,
    ),
    ("post-checks", "get", lambda w: "/api/v1/post-checks/", None, NO_HANDLER),
    ("post-check", "get", lambda w: f"/api/v1/post-checks/{w['postcheck'].pk}/", None, NO_HANDLER),
    (
        "post-check-pass",
        "post",
        lambda w: f"/api/v1/post-checks/{w['postcheck'].pk}/pass/",
        lambda w: {},
        OFFICER_ONLY,
    ),
    ("annual-reports", "get", lambda w: "/api/v1/annual-reports/", None, NO_HANDLER),
    ("annual-report", "get", lambda w: f"/api/v1/annual-reports/{w['report'].pk}/", None, NO_HANDLER),
    (
        "annual-report-file",
        "post",
        lambda w: "/api/v1/annual-reports/",
        lambda w: {
            "year": 2025,
            "operations": "o",
            "changes": "c",
            "service_quality": "q",
            "security_measures": "s",
        },
        {**ENTERPRISE_ONLY, "enterprise_a": 201},
    ),
    (
        "annual-report-confirm",
        "post",
        lambda w: f"/api/v1/annual-reports/{w['report'].pk}/confirm/",
        lambda w: {},
        OFFICER_ONLY,
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
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


def test_other_enterprise_sees_404_not_403(api, world, enterprise_b):
    other = api(enterprise_b)
    assert other.get(f"/api/v1/applications/{world['draft'].pk}/").status_code == 404
    assert (
        other.post(f"/api/v1/applications/{world['draft'].pk}/submit/", {}, format="json").status_code == 404
    )
    assert other.get(f"/api/v1/licences/{quote(world['licence'].number)}/").status_code == 404
    assert other.get(f"/api/v1/post-checks/{world['postcheck'].pk}/").status_code == 404
    assert other.get(f"/api/v1/annual-reports/{world['report'].pk}/").status_code == 404
    assert other.get("/api/v1/applications/").json()["count"] == 0
    assert other.get("/api/v1/licences/").json()["count"] == 0


def test_provincial_officer_sees_only_their_province(api, world):
    gd = UserFactory(username="gd-officer", role="officer", province="44")
    assert api(gd).get("/api/v1/applications/").json()["count"] == 0
    assert (
        api(gd).post(f"/api/v1/applications/{world['submitted'].pk}/accept/", {}, format="json").status_code
        == 404
    )


def test_list_queries_do_not_grow_with_rows(api, enterprise_a, officer, django_assert_max_num_queries):
    for cats in (["B11"], ["B12"], ["B13"], ["B14"]):
        new_app(enterprise_a, categories=cats)
    with django_assert_max_num_queries(12):
        r = api(officer).get("/api/v1/applications/")
    assert r.json()["count"] == 4
