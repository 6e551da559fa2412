"""The inspections API: one access test per persona (national and Guangdong) per endpoint,
shapes, the public endpoints (frame byte-identical to its hash, results with filters and
CSV), query budgets."""

import hashlib
import json

import pytest
from django.utils import timezone

from inspections import sampling, services
from inspections.models import Inspection
from tests.conftest import PERSONAS, PROVINCIAL_PERSONAS
from tests.inspections.conftest import SEASON, licensed, new_campaign, roster

pytestmark = pytest.mark.django_db
EVERYONE = (*PERSONAS, *PROVINCIAL_PERSONAS)


def expect(national: dict, provincial: dict | int) -> dict:
    if isinstance(provincial, int):
        provincial = dict.fromkeys(PROVINCIAL_PERSONAS, provincial)
    return {**national, **provincial}


def only(roles: dict, default=403) -> dict:
    return {**dict.fromkeys(PERSONAS, default), "anon": 401, **roles}


PUBLIC = dict.fromkeys(EVERYONE, 200)
READ = only({"supervisor": 200, "inspector": 200, "auditor": 200})
GD_READ = {
    **dict.fromkeys(PROVINCIAL_PERSONAS, 403),
    "supervisor_gd": 200,
    "inspector_gd": 200,
    "auditor_gd": 200,
}
GD_ROW = {
    **dict.fromkeys(PROVINCIAL_PERSONAS, 403),
    "supervisor_gd": 404,
    "inspector_gd": 404,
    "auditor_gd": 404,
}
GD_SUP_ROW = {**dict.fromkeys(PROVINCIAL_PERSONAS, 403), "supervisor_gd": 404, "auditor_gd": 404}
GD_SUP_ACT = {**dict.fromkeys(PROVINCIAL_PERSONAS, 403), "supervisor_gd": 404}


@pytest.fixture
def world(supervisor, inspector, item):
    """A MIIT draw of one target whose team is the inspector persona and one colleague, a
    draft campaign and a frozen one."""
    ent = licensed(1)[0]
    services.inspector_create(actor=supervisor, user_id=inspector.pk)
    roster(supervisor, 1)
    camp = new_campaign(supervisor, item, code="W-DRAWN")
    services.campaign_freeze(actor=supervisor, campaign_id=camp.pk)
    draw = services.campaign_draw(actor=supervisor, campaign_id=camp.pk, seed_inputs=["12345678901234567890"])
    draft = new_campaign(supervisor, item, code="W-DRAFT")
    frozen = new_campaign(supervisor, item, code="W-FROZEN")
    services.campaign_freeze(actor=supervisor, campaign_id=frozen.pk)
    return {
        "ent": ent,
        "draw": draw,
        "ins": Inspection.objects.get(draw=draw),
        "draft": draft,
        "frozen": frozen,
    }


CAMPAIGN_BODY = {
    "code": "API-1",
    "title": "t",
    "legal_basis": "b",
    "items": ["ITEM-ANNUAL"],
    "season_start": SEASON[0].isoformat(),
    "season_end": SEASON[1].isoformat(),
}

ENDPOINTS = [
    ("items", "get", lambda w: "/api/v1/inspections/items/", None, expect(READ, GD_READ)),
    (
        "item-create",
        "post",
        lambda w: "/api/v1/inspections/items/",
        lambda w: {"code": "X-1", "title": "t", "legal_basis": "b", "content": "c", "method": "on_site"},
        expect(only({"supervisor": 201}), {**dict.fromkeys(PROVINCIAL_PERSONAS, 403), "supervisor_gd": 201}),
    ),
    ("inspectors", "get", lambda w: "/api/v1/inspections/inspectors/", None, expect(READ, GD_READ)),
    ("inspector", "get", lambda w: "/api/v1/inspections/inspectors/INS-001/", None, expect(READ, GD_ROW)),
    (
        "inspector-update",
        "patch",
        lambda w: "/api/v1/inspections/inspectors/INS-001/",
        lambda w: {"load_cap": 5},
        expect(only({"supervisor": 200}), GD_SUP_ACT),
    ),
    ("conflicts", "get", lambda w: "/api/v1/inspections/conflicts/", None, expect(READ, GD_READ)),
    (
        "conflict-declare",
        "post",
        lambda w: "/api/v1/inspections/conflicts/",
        lambda w: {"badge": "INS-001", "uscc": w["ent"].uscc, "kind": "kin"},
        expect(
            only({"supervisor": 201, "inspector": 201}),
            {**dict.fromkeys(PROVINCIAL_PERSONAS, 403), "supervisor_gd": 404, "inspector_gd": 404},
        ),
    ),
    (
        "campaigns",
        "get",
        lambda w: "/api/v1/inspections/campaigns/",
        None,
        expect(only({"supervisor": 200, "auditor": 200}), {**GD_READ, "inspector_gd": 403}),
    ),
    (
        "campaign-create",
        "post",
        lambda w: "/api/v1/inspections/campaigns/",
        lambda w: CAMPAIGN_BODY,
        # The Guangdong supervisor may not use MIIT's item... it is MIIT's list; a campaign
        # of its own authority with it is fine (items are the published list).
        expect(only({"supervisor": 201}), {**dict.fromkeys(PROVINCIAL_PERSONAS, 403), "supervisor_gd": 201}),
    ),
    (
        "campaign",
        "get",
        lambda w: f"/api/v1/inspections/campaigns/{w['draft'].pk}/",
        None,
        expect(only({"supervisor": 200, "auditor": 200}), GD_SUP_ROW),
    ),
    (
        "campaign-freeze",
        "post",
        lambda w: f"/api/v1/inspections/campaigns/{w['draft'].pk}/freeze/",
        lambda w: {},
        expect(only({"supervisor": 200}), GD_SUP_ACT),
    ),
    (
        "campaign-draw",
        "post",
        lambda w: f"/api/v1/inspections/campaigns/{w['frozen'].pk}/draw/",
        lambda w: {"seed_inputs": ["31415926535897932384"]},
        expect(only({"supervisor": 200}), GD_SUP_ACT),
    ),
    ("inspections", "get", lambda w: "/api/v1/inspections/inspections/", None, expect(READ, GD_READ)),
    (
        "inspection",
        "get",
        lambda w: f"/api/v1/inspections/inspections/{w['ins'].pk}/",
        None,
        expect(READ, GD_ROW),
    ),
    (
        "inspection-start",
        "post",
        lambda w: f"/api/v1/inspections/inspections/{w['ins'].pk}/start/",
        lambda w: {},
        expect(only({"inspector": 200}), {**dict.fromkeys(PROVINCIAL_PERSONAS, 403), "inspector_gd": 404}),
    ),
    (
        "inspection-recuse",
        "post",
        lambda w: f"/api/v1/inspections/inspections/{w['ins'].pk}/recuse/",
        lambda w: {"badge": "INS-001", "reason": "亲属关系"},
        expect(
            only({"inspector": 201, "supervisor": 201}),
            {**dict.fromkeys(PROVINCIAL_PERSONAS, 403), "inspector_gd": 404, "supervisor_gd": 404},
        ),
    ),
    ("public-items", "get", lambda w: "/api/v1/public/inspection-items/", None, PUBLIC),
    ("public-draws", "get", lambda w: "/api/v1/public/draws/", None, PUBLIC),
    ("public-draw", "get", lambda w: f"/api/v1/public/draws/{w['draw'].pk}/", None, PUBLIC),
    ("public-frame", "get", lambda w: f"/api/v1/public/draws/{w['draw'].pk}/frame/", None, PUBLIC),
    ("public-results", "get", lambda w: "/api/v1/public/inspection-results/", None, PUBLIC),
]


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize(
    ("name", "method", "url", "body", "expected"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS]
)
def test_access(as_persona, world, persona, name, method, url, body, expected):
    _user, client = as_persona(persona)
    path = url(world)
    r = client.get(path) if method == "get" else getattr(client, method)(path, body(world), format="json")
    assert r.status_code == expected[persona], (name, persona, r.content[:300])


def test_own_inspections_only(api, world, supervisor):
    other = roster(supervisor, 1, prefix="Z")[0]
    assert api(other.user).get("/api/v1/inspections/inspections/").json()["count"] == 0
    assert api(other.user).get(f"/api/v1/inspections/inspections/{world['ins'].pk}/").status_code == 404


def test_frame_is_streamed_and_byte_identical_to_its_hash(api, world):
    r = api().get(f"/api/v1/public/draws/{world['draw'].pk}/frame/")
    assert r.streaming
    body = b"".join(r.streaming_content)
    assert hashlib.sha256(body).hexdigest() == world["draw"].frame_hash == r["X-Frame-Hash"]
    assert sampling.canonical_json(json.loads(body)) == body


def test_frozen_draw_is_public_without_seed(api, world):
    frozen = world["frozen"].draw
    doc = api().get(f"/api/v1/public/draws/{frozen.pk}/").json()
    assert doc["status"] == "frozen" and doc["seed"] is None and doc["frame_hash"] == frozen.frame_hash
    assert doc["selections"] == [] and doc["seed_inputs"] == []


def test_public_draw_document(api, world):
    doc = api().get(f"/api/v1/public/draws/{world['draw'].pk}/").json()
    assert doc["seed_inputs"] == ["12345678901234567890"]
    assert doc["seed"] == sampling.seed_from(doc["frame_hash"], doc["seed_inputs"])
    assert doc["selections"][0]["id"] == world["ent"].uscc
    assert sorted(doc["assignments"][0]["badges"]) == ["INS-001", "R000"]
    assert "seed_rule" in doc and doc["algorithm"] == sampling.ALGORITHM
    # No personal data: badges only.
    assert "inspector" not in json.dumps(doc, ensure_ascii=False).lower().replace("|inspectors", "")


def test_draw_api_refuses_seed_before_freeze(api, world, supervisor):
    r = api(supervisor).post(
        f"/api/v1/inspections/campaigns/{world['draft'].pk}/draw/", {"seed_inputs": ["1"]}, format="json"
    )
    assert r.status_code == 409 and r.json()["code"] == "frame_not_frozen"
    r = api(supervisor).post(
        f"/api/v1/inspections/campaigns/{world['frozen'].pk}/draw/", {"seed_inputs": []}, format="json"
    )
    assert r.status_code == 400 and "seed_inputs" in r.json()["errors"]


def _publish_via_api(api, world, supervisor):
    ins = world["ins"]
    team = [a.inspector.user for a in ins.assignments.select_related("inspector__user")]
    base = f"/api/v1/inspections/inspections/{ins.pk}"
    assert api(team[0]).post(f"{base}/start/", {}, format="json").status_code == 200
    r = api(team[0]).post(
        f"{base}/record/", {"outcome": "ok", "inspected_on": timezone.localdate().isoformat()}, format="json"
    )
    assert r.status_code == 200, r.content
    r = api(team[1]).post(f"{base}/confirm/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "published"


def test_results_filters_csv_and_budget(api, world, supervisor, django_assert_max_num_queries):
    _publish_via_api(api, world, supervisor)
    client = api()
    with django_assert_max_num_queries(6):
        data = client.get("/api/v1/public/inspection-results/").json()
    row = data["results"][0]
    assert data["count"] == 1
    assert row["uscc"] == world["ent"].uscc and row["result"] == "ok" and row["authority"] == "MIIT"
    assert row["items"] == ["ITEM-ANNUAL"] and row["licence_numbers"]
    assert client.get("/api/v1/public/inspection-results/?result=violation").json()["count"] == 0
    assert client.get(f"/api/v1/public/inspection-results/?uscc={world['ent'].uscc}").json()["count"] == 1
    assert client.get("/api/v1/public/inspection-results/?authority=44").json()["count"] == 0
    assert client.get("/api/v1/public/inspection-results/?result=bogus").status_code == 400
    assert client.get("/api/v1/public/inspection-results/?date_from=notadate").status_code == 400
    r = client.get("/api/v1/public/inspection-results/?format=csv")
    text = b"".join(r.streaming_content).decode()
    assert text.startswith("\ufeffid,enterprise_name,uscc") and world["ent"].uscc in text


def test_results_list_budget_does_not_grow(api, supervisor, inspector, item, django_assert_max_num_queries):
    licensed(6)
    roster(supervisor, 2)
    camp = new_campaign(supervisor, item, code="B-1", base_rate="1")
    services.campaign_freeze(actor=supervisor, campaign_id=camp.pk)
    draw = services.campaign_draw(actor=supervisor, campaign_id=camp.pk, seed_inputs=["9"])
    Inspection.objects.filter(draw=draw).update(
        status="published", published_at=timezone.now(), outcome="ok", inspected_on=timezone.localdate()
    )
    with django_assert_max_num_queries(6):
        data = api().get("/api/v1/public/inspection-results/").json()
    # AA × 0.5 of a base rate of 1: half of the six.
    assert data["count"] == Inspection.objects.filter(draw=draw).count() == 3
    assert len({r["uscc"] for r in data["results"]}) == 3


def test_inspection_list_budget(api, world, supervisor, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        r = api(supervisor).get("/api/v1/inspections/inspections/")
    assert r.json()["count"] == 1


def test_bad_input_is_400_not_500(api, world, supervisor):
    c = api(supervisor)
    assert c.post("/api/v1/inspections/campaigns/", {"code": "x"}, format="json").status_code == 400
    body = {**CAMPAIGN_BODY, "team_size": 1}
    r = c.post("/api/v1/inspections/campaigns/", body, format="json")
    assert r.status_code == 400 and "team_size" in r.json()["errors"]
    body = {**CAMPAIGN_BODY, "items": ["NOPE"]}
    assert c.post("/api/v1/inspections/campaigns/", body, format="json").status_code == 400
    r = c.post(
        "/api/v1/inspections/conflicts/", {"uscc": "bad", "kind": "kin", "badge": "INS-001"}, format="json"
    )
    assert r.status_code in (400, 404)
    assert c.get("/api/v1/public/draws/999999/").status_code == 404
    assert c.get("/api/v1/public/draws/999999/frame/").status_code == 404


def test_csv_cells_cannot_be_formulas(api, world, supervisor):
    from regulator.models import Enterprise

    Enterprise.objects.filter(pk=world["ent"].pk).update(name='=HYPERLINK("http://x")')
    _publish_via_api(api, world, supervisor)
    text = b"".join(api().get("/api/v1/public/inspection-results/?format=csv").streaming_content).decode()
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
