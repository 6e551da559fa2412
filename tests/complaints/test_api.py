"""Complaint API: access per persona per endpoint, masking, public intake and tracking,
throttling, bad input, and no personal data in any public response."""

import datetime as dt
import io
import re
import zipfile

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from complaints import services
from complaints.models import Attachment, Complaint
from regulator.models import Role
from tests.complaints.conftest import travel, walk
from tests.conftest import PERSONAS, PROVINCIAL_PERSONAS
from tests.factories import UserFactory

ALL = PERSONAS + PROVINCIAL_PERSONAS
DENIED = {401, 403}
PDF = b"%PDF-1.4\n%test\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def beijing(ent_a, make_complaint, handler, enterprise_a):
    """A forwarded complaint against ent_a (Beijing), worked by the national handler."""
    c, code = make_complaint(ent_a)
    return walk(c, handler, ["accept", "forward"]), code


def _expect(persona: str, allowed: dict[str, int], default=DENIED):
    return allowed.get(persona, default)


def _check(resp, expected):
    if isinstance(expected, set):
        assert resp.status_code in expected, resp.content
    else:
        assert resp.status_code == expected, resp.content


# --- access, one test per persona per endpoint -------------------------------------------

READERS_BJ = {
    "enterprise_a": 200,
    "supervisor": 200,
    "handler": 200,
    "auditor": 200,
    "supervisor_gd": 404,
    "handler_gd": 404,
    "auditor_gd": 404,
}


@pytest.mark.parametrize("persona", ALL)
def test_access_list(persona, as_persona, beijing):
    _user, client = as_persona(persona)
    resp = client.get("/api/v1/complaints/")
    lists = {
        "enterprise_a": 1,
        "supervisor": 1,
        "handler": 1,
        "auditor": 1,
        "supervisor_gd": 0,
        "handler_gd": 0,
        "auditor_gd": 0,
    }
    if persona in lists:
        assert resp.status_code == 200
        assert resp.json()["count"] == lists[persona]
    else:
        _check(resp, DENIED)


@pytest.mark.parametrize("persona", ALL)
def test_access_detail(persona, as_persona, beijing):
    _user, client = as_persona(persona)
    _check(client.get(f"/api/v1/complaints/{beijing[0].pk}/"), _expect(persona, READERS_BJ))


@pytest.mark.parametrize("persona", ALL)
def test_access_intake(persona, as_persona, ent_a, ent_b):
    _user, client = as_persona(persona)
    body = {
        "kind": "internet",
        "category": "app_rights",
        "description": "强制授权",
        "complainant_name": "赵六",
        "complainant_phone": "13800001111",
        "enterprise_uscc": ent_a.uscc,
        "channel": "phone",
    }
    expected = _expect(persona, {"handler": 201, "handler_gd": 404})
    _check(client.post("/api/v1/complaints/", body, format="json"), expected)
    if persona == "handler_gd":  # its own province is fine
        assert (
            client.post(
                "/api/v1/complaints/", {**body, "enterprise_uscc": ent_b.uscc}, format="json"
            ).status_code
            == 201
        )


STEPS = [
    ("accept", {}, {"handler": 200, "handler_gd": 404}),
    ("request-material", {"request": "证明"}, {"handler": 200, "handler_gd": 404}),
    ("mediate", {}, {"handler": 200, "handler_gd": 404}),
    ("close", {"outcome": "resolved"}, {"handler": 200, "handler_gd": 404}),
    ("withdraw", {}, {"handler": 200, "handler_gd": 404}),
    ("reject", {"reject_reason": "already_settled"}, {"handler": 200, "handler_gd": 404}),
]


@pytest.mark.parametrize("persona", ALL)
@pytest.mark.parametrize(("step", "body", "allowed"), STEPS, ids=[s[0] for s in STEPS])
def test_access_steps(persona, step, body, allowed, as_persona, ent_a, make_complaint, handler):
    c, _ = make_complaint(ent_a)
    if step in ("mediate", "close"):
        c = walk(c, handler, ["accept"])
    _user, client = as_persona(persona)
    _check(client.post(f"/api/v1/complaints/{c.pk}/{step}/", body, format="json"), _expect(persona, allowed))


@pytest.mark.parametrize("persona", ALL)
def test_access_forward_reopen_assign(persona, as_persona, ent_a, make_complaint, handler):
    c, _ = make_complaint(ent_a)
    c = walk(c, handler, ["accept"])
    closed, _ = make_complaint(ent_a)
    closed = walk(closed, handler, ["accept", "close"])
    _user, client = as_persona(persona)
    allowed = {"handler": 200, "handler_gd": 404}
    _check(client.post(f"/api/v1/complaints/{c.pk}/forward/", {}, format="json"), _expect(persona, allowed))
    _check(
        client.post(f"/api/v1/complaints/{closed.pk}/reopen/", {"reason": "再次"}, format="json"),
        _expect(persona, allowed),
    )
    target = UserFactory(role=Role.HANDLER, province="11")
    _check(
        client.post(f"/api/v1/complaints/{c.pk}/assign/", {"handler": target.pk}, format="json"),
        _expect(persona, allowed),
    )


@pytest.mark.parametrize("persona", ALL)
def test_access_respond(persona, as_persona, beijing):
    _user, client = as_persona(persona)
    resp = client.post(f"/api/v1/complaints/{beijing[0].pk}/respond/", {"response": "已退费"}, format="json")
    _check(resp, _expect(persona, {"enterprise_a": 200}))


def test_enterprise_b_cannot_see_or_answer_a(beijing, enterprise_b, api):
    client = api(enterprise_b)
    assert client.get("/api/v1/complaints/").json()["count"] == 0
    assert client.get(f"/api/v1/complaints/{beijing[0].pk}/").status_code == 404
    assert (
        client.post(
            f"/api/v1/complaints/{beijing[0].pk}/respond/", {"response": "x"}, format="json"
        ).status_code
        == 404
    )


def test_enterprise_sees_only_forwarded(ent_a, make_complaint, enterprise_a, api):
    c, _ = make_complaint(ent_a)
    assert api(enterprise_a).get(f"/api/v1/complaints/{c.pk}/").status_code == 404


@pytest.mark.parametrize("persona", ALL)
def test_access_notifications(persona, as_persona, db):
    _user, client = as_persona(persona)
    _check(client.get("/api/v1/complaints/notifications/"), DENIED if persona == "anon" else 200)


@pytest.mark.parametrize("persona", ALL)
def test_access_staff_stats(persona, as_persona, beijing):
    _user, client = as_persona(persona)
    allowed = dict.fromkeys(
        ("supervisor", "handler", "auditor", "supervisor_gd", "handler_gd", "auditor_gd"), 200
    )
    _check(client.get("/api/v1/complaints/stats/?period=2026-Q1"), _expect(persona, allowed))


@pytest.mark.parametrize("persona", ALL)
def test_access_public(persona, as_persona, beijing):
    _user, client = as_persona(persona)
    assert client.get("/api/v1/public/complaints/").status_code == 200
    assert client.get("/api/v1/public/complaint-stats/?period=2026-12").status_code == 200
    assert client.get(f"/api/v1/public/complaints/track/{beijing[1]}/").status_code == 200


# --- personal data ------------------------------------------------------------------------


def test_masked_except_for_the_handler_of_the_case(beijing, api, handler, supervisor, enterprise_a):
    c = beijing[0]
    full = api(handler).get(f"/api/v1/complaints/{c.pk}/").json()
    assert (full["complainant_name"], full["complainant_phone"], full["complainant_email"]) == (
        "王小明",
        "13912345678",
        "xiaoming@example.com",
    )
    other = UserFactory(role=Role.HANDLER)
    for user in (supervisor, enterprise_a, other):
        body = api(user).get(f"/api/v1/complaints/{c.pk}/").json()
        assert (body["complainant_name"], body["complainant_phone"], body["complainant_email"]) == (
            "王**",
            "139****5678",
            "x***@example.com",
        )
    # Staff lists are masked even for the handler of the case.
    row = api(other).get("/api/v1/complaints/").json()["results"][0]
    assert row["complainant_phone"] == "139****5678"


PHONE = re.compile(r"1[3-9]\d{9}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def test_no_personal_data_in_any_public_response(ent_a, make_complaint, handler, api):
    names = ["王小明", "李雷雷", "韩梅梅"]
    codes = []
    for i, name in enumerate(names):
        c, code = make_complaint(
            ent_a,
            complainant_name=name,
            complainant_phone=f"1391234567{i}",
            complainant_email=f"p{i}@mail.example.cn",
        )
        c = walk(c, handler, ["accept", "close"])
        services.complaint_rate(actor="complainant", complaint_id=c.pk, rating=4)
        codes.append(code)
    client = api(None)
    period = dt.date.today().strftime("%Y-%m")
    bodies = [
        client.get("/api/v1/public/complaints/").content,
        client.get("/api/v1/public/complaints/?format=csv").getvalue(),
        client.get(f"/api/v1/public/complaint-stats/?period={period}&group_by=enterprise").content,
        client.get(
            f"/api/v1/public/complaint-stats/?period={period}&group_by=province&format=csv"
        ).getvalue(),
        client.get(f"/api/v1/public/complaints/track/{codes[0]}/").content,
    ]
    assert b"enterprise_uscc" in bodies[0] and ent_a.uscc.encode() in bodies[1]
    for body in bodies:
        text = body.decode("utf-8")
        assert not PHONE.search(text), text
        assert not EMAIL.search(text), text
        for name in names:
            assert name not in text
        assert "信号差" not in text or body is bodies[4]  # free text only to the complainant


# --- public intake and tracking -------------------------------------------------------------


def _intake(client, ent, **kw):
    body = {
        "kind": "internet",
        "category": "personal_info",
        "description": "App 超范围收集个人信息",
        "complainant_name": "孙七",
        "complainant_email": "sun7@example.net",
        "enterprise_uscc": ent.uscc,
        **kw,
    }
    return client.post("/api/v1/public/complaints/intake/", body)


def test_public_intake_and_tracking(ent_a, api, handler):
    client = api(None)
    with travel(dt.date(2026, 3, 2)):
        resp = _intake(client, ent_a, attachments=[SimpleUploadedFile("a.pdf", PDF, "application/pdf")])
    assert resp.status_code == 201, resp.content
    code = resp.json()["tracking_code"]
    assert len(code) >= 22 and resp.json()["accept_due_on"] == "2026-03-09"
    c = Complaint.objects.get(public_id=resp.json()["public_id"])
    assert c.tracking_hash != code and code not in str(Complaint.objects.values().get(pk=c.pk))
    assert (c.channel, c.handler_id, c.attachments.count()) == ("web", None, 1)
    assert client.get(f"/api/v1/public/complaints/track/{code}/").json()["status"] == "received"
    assert client.get(f"/api/v1/public/complaints/track/{code}x/").status_code == 404
    assert client.get("/api/v1/public/complaints/track/wrong-code/").status_code == 404
    # Handler asks for material; the complainant supplies it; the clock resumes.
    with travel(dt.date(2026, 3, 3)):
        services.complaint_accept(actor=handler, complaint_id=c.pk)
        services.complaint_request_material(actor=handler, complaint_id=c.pk, request="截图")
    body = client.get(f"/api/v1/public/complaints/track/{code}/").json()
    assert body["paused"] and body["material_requested"] == "截图"
    with travel(dt.date(2026, 3, 5)):
        bad = client.post(
            f"/api/v1/public/complaints/track/{code}/material/",
            {"attachments": [SimpleUploadedFile("x.exe", b"MZ\x90\x00", "application/pdf")]},
        )
        assert bad.status_code == 400 and "attachments" in bad.json()["errors"]
        ok = client.post(
            f"/api/v1/public/complaints/track/{code}/material/",
            {"note": "见截图", "attachments": [SimpleUploadedFile("s.png", PNG, "image/png")]},
        )
    assert ok.status_code == 200 and ok.json()["paused"] is False
    assert Attachment.objects.filter(complaint=c).count() == 2
    # Rating before closing is refused; after closing once only.
    assert client.post(f"/api/v1/public/complaints/track/{code}/rate/", {"rating": 5}).status_code == 409
    with travel(dt.date(2026, 3, 6)):
        services.complaint_close(actor=handler, complaint_id=c.pk, outcome="resolved")
    assert client.post(f"/api/v1/public/complaints/track/{code}/rate/", {"rating": 9}).status_code == 400
    assert client.post(f"/api/v1/public/complaints/track/{code}/rate/", {"rating": 5}).json()["rating"] == 5
    assert client.post(f"/api/v1/public/complaints/track/{code}/rate/", {"rating": 4}).status_code == 409
    assert client.post("/api/v1/public/complaints/track/nope/rate/", {"rating": 4}).status_code == 404


def test_public_withdraw(ent_a, api):
    client = api(None)
    code = _intake(client, ent_a).json()["tracking_code"]
    resp = client.post(f"/api/v1/public/complaints/track/{code}/withdraw/", {"reason": "已和解"})
    assert resp.status_code == 200 and resp.json()["outcome"] == "withdrawn"
    assert client.post(f"/api/v1/public/complaints/track/{code}/withdraw/", {}).status_code == 409


def test_intake_is_throttled_per_client_then_allowed_after_the_window(ent_a, api, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t14"}
    }
    settings.TELEREG_THROTTLE_RATES = {"complaint_intake": "2/m", "complaint_tracking": "3/m"}
    cache.clear()
    client = api(None)
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), tick=False) as t:
        assert [_intake(client, ent_a).status_code for _ in range(3)] == [201, 201, 429]
        assert Complaint.objects.count() == 2
        t.shift(61)
        assert _intake(client, ent_a).status_code == 201
        # Repeated wrong tracking codes are throttled too.
        codes = [client.get(f"/api/v1/public/complaints/track/guess{i}/").status_code for i in range(4)]
        assert codes == [404, 404, 404, 429]


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"kind": "fax"}, {"kind"}),
        ({"complainant_email": "not-an-email"}, {"complainant_email"}),
        ({"complainant_name": ""}, {"complainant_name"}),
        ({"enterprise_uscc": ""}, {"enterprise_uscc"}),
        ({"enterprise_uscc": "91110000MA01234567"}, {"enterprise_uscc"}),
        ({"complainant_email": "", "complainant_phone": ""}, {"complainant_phone"}),
        ({"complainant_phone": "call me"}, {"complainant_phone"}),
        ({"first_raised_on": "2999-01-01"}, {"first_raised_on"}),
        ({"description": "x" * 5001}, {"description"}),
    ],
)
def test_bad_input_is_400_with_field_errors_and_nothing_saved(change, fields, ent_a, api):
    resp = _intake(api(None), ent_a, **change)
    assert resp.status_code == 400, resp.content
    assert fields <= set(resp.json()["errors"]), resp.json()
    assert Complaint.objects.count() == 0 and Attachment.objects.count() == 0


def test_bad_attachments_save_nothing(ent_a, api, settings):
    settings.TELEREG_COMPLAINTS_ATTACHMENT_MAX_BYTES = 200
    client = api(None)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "x")
    for f in (
        SimpleUploadedFile("big.pdf", PDF + b"0" * 300, "application/pdf"),
        SimpleUploadedFile("fake.pdf", b"<html>", "application/pdf"),
        SimpleUploadedFile("poly.pdf", b"%PDF-1" + buf.getvalue(), "application/pdf"),
        SimpleUploadedFile("a.gif", b"GIF89a", "image/gif"),
    ):
        resp = _intake(client, ent_a, attachments=[SimpleUploadedFile("ok.png", PNG, "image/png"), f])
        assert resp.status_code == 400 and "attachments" in resp.json()["errors"]
    assert Complaint.objects.count() == 0 and Attachment.objects.count() == 0


def test_staff_step_bad_input(beijing, api, handler):
    c = beijing[0]
    resp = api(handler).post(f"/api/v1/complaints/{c.pk}/close/", {"outcome": "withdrawn"}, format="json")
    assert resp.status_code == 400 and "outcome" in resp.json()["errors"]
    resp = api(handler).post(f"/api/v1/complaints/{c.pk}/reject/", {"reject_reason": "nope"}, format="json")
    assert resp.status_code == 400 and "reject_reason" in resp.json()["errors"]
    resp = api(handler).post(f"/api/v1/complaints/{c.pk}/accept/", {}, format="json")
    assert resp.status_code == 409 and resp.json()["code"] == "invalid_transition"
    assert api(handler).get("/api/v1/complaints/?status=bogus").status_code == 400
    assert api(handler).get("/api/v1/complaints/stats/?period=2026-13").status_code == 400


def test_list_query_budgets(ent_a, make_complaint, handler, api, django_assert_max_num_queries):
    for _ in range(5):
        c, _code = make_complaint(ent_a)
        walk(c, handler, ["accept", "close"])
    client = api(handler)
    with django_assert_max_num_queries(4):
        assert client.get("/api/v1/complaints/").json()["count"] == 5
    anon = api(None)
    with django_assert_max_num_queries(3):
        assert anon.get("/api/v1/public/complaints/").json()["count"] == 5


def test_public_intake_names_the_respondent_by_licence_number(ent_a, api, enterprise_a):
    """§4.1: the complainant may know only the licence number printed on the operator's site;
    it is resolved through licensing's register (wired in config), typed as people type it."""
    from tests.factories import UserFactory
    from tests.licensing.conftest import standard_issued

    officer_bj = UserFactory(username="officer_bj_c", role="officer", province="11")
    _app, licence = standard_issued(enterprise_a, officer_bj)
    typed = licence.number.replace("-", "－").lower()  # full-width hyphen, lower case
    resp = _intake(api(None), ent_a, enterprise_uscc="", licence_number=typed)
    assert resp.status_code == 201, resp.content
    assert Complaint.objects.get(public_id=resp.json()["public_id"]).enterprise_id == ent_a.pk
    unknown = _intake(api(None), ent_a, enterprise_uscc="", licence_number="京B2-20990001")
    assert unknown.status_code == 400 and "licence_number" in unknown.json()["errors"]
