"""Bad input is a 400 with nothing saved (and never a 500)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from licensing.models import Application, Material
from regulator import uscc
from tests.factories import EnterpriseFactory, UserFactory
from tests.licensing.conftest import api_data, new_app

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"categories": ["B99"]}, "categories"),
        ({"categories": []}, "categories"),
        ({"coverage": ["44"]}, "coverage"),  # ent_a is in Beijing; Guangdong's CA cannot license it
        ({"coverage": ["99"]}, "coverage"),
        ({"coverage": ["11", "31"], "issuer": "11"}, "issuer"),  # two provinces → MIIT
        ({"registered_capital": "999999.99"}, "registered_capital"),
        ({"coverage": ["11", "31"], "registered_capital": "9999999"}, "registered_capital"),
        ({"categories": ["A11"], "registered_capital": "99999999"}, "registered_capital"),
        ({"staff_count": 0}, "staff_count"),
        ({"registered_capital": "abc"}, "registered_capital"),
        ({"premises": ""}, "premises"),
    ],
)
def test_bad_application_input(api, enterprise_a, over, field):
    r = api(enterprise_a).post("/api/v1/applications/", api_data(**over), format="json")
    assert r.status_code == 400, r.content
    body = r.json()
    assert set(body) == {"message", "code", "errors"}
    assert field in body["errors"], body
    assert not Application.objects.exists()


def test_threshold_met_exactly_is_fine(api, enterprise_a):
    r = api(enterprise_a).post(
        "/api/v1/applications/", api_data(coverage=["11", "31"], registered_capital="10000000"), format="json"
    )
    assert r.status_code == 201 and r.json()["issuer"] == "MIIT"


def test_duplicate_pending_application(api, enterprise_a):
    ent = api(enterprise_a)
    assert ent.post("/api/v1/applications/", api_data(categories=["B11"]), format="json").status_code == 201
    r = ent.post("/api/v1/applications/", api_data(categories=["B11", "B12"]), format="json")
    assert r.status_code == 400 and r.json()["code"] == "duplicate_pending"
    assert Application.objects.count() == 1
    # Another service is fine, and a terminal application no longer blocks.
    assert ent.post("/api/v1/applications/", api_data(categories=["B12"]), format="json").status_code == 201
    Application.objects.filter(categories__code="B11").update(status="withdrawn")
    assert ent.post("/api/v1/applications/", api_data(categories=["B11"]), format="json").status_code == 201


def test_individual_business_cannot_apply(api):
    code = uscc.make(division="110105", serial=424242, kind="2")
    assert code.startswith("92")
    ent = EnterpriseFactory(uscc=code)
    user = UserFactory(role="enterprise", enterprise=ent)
    r = api(user).post("/api/v1/applications/", api_data(), format="json")
    assert r.status_code == 400 and "uscc" in r.json()["errors"]
    assert not Application.objects.exists()


def test_idempotent_create(api, enterprise_a):
    ent = api(enterprise_a)
    h = {"HTTP_IDEMPOTENCY_KEY": "k-1"}
    r1 = ent.post("/api/v1/applications/", api_data(), format="json", **h)
    r2 = ent.post("/api/v1/applications/", api_data(), format="json", **h)
    assert r1.status_code == r2.status_code == 201 and r1.json()["id"] == r2.json()["id"]
    assert r2["Idempotent-Replayed"] == "true"
    r3 = ent.post("/api/v1/applications/", api_data(staff_count=99), format="json", **h)
    assert r3.status_code == 409
    assert Application.objects.count() == 1


def test_edit_only_in_draft_or_correction(api, enterprise_a):
    from licensing import services

    app = new_app(enterprise_a)
    ent = api(enterprise_a)
    r = ent.patch(f"/api/v1/applications/{app.pk}/", {"registered_capital": "10"}, format="json")
    assert r.status_code == 400
    app.refresh_from_db()
    assert str(app.registered_capital) == "5000000.00"
    services.application_submit(actor=enterprise_a, application_id=app.pk)
    assert ent.patch(f"/api/v1/applications/{app.pk}/", {"staff_count": 3}, format="json").status_code == 409


@pytest.mark.parametrize(
    ("name", "data", "ctype", "code"),
    [
        ("a.exe", b"MZ\x90\x00", "application/octet-stream", "unsupported_type"),
        ("fake.pdf", b"MZ\x90\x00not a pdf", "application/pdf", "unsupported_type"),
        ("big.pdf", b"%PDF-" + b"0" * 2048, "application/pdf", "too_large"),
    ],
)
def test_material_limits(api, settings, enterprise_a, name, data, ctype, code):
    settings.TELEREG_MATERIAL_MAX_BYTES = 1024
    app = new_app(enterprise_a)
    f = SimpleUploadedFile(name, data, content_type=ctype)
    r = api(enterprise_a).post(f"/api/v1/applications/{app.pk}/materials/", {"file": f}, format="multipart")
    assert r.status_code == 400 and r.json()["code"] == code
    assert not Material.objects.exists()


def test_material_png_ok_and_other_enterprise_404(api, enterprise_a, enterprise_b):
    app = new_app(enterprise_a)
    png = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png")
    r = api(enterprise_b).post(f"/api/v1/applications/{app.pk}/materials/", {"file": png}, format="multipart")
    assert r.status_code == 404
    png.seek(0)
    r = api(enterprise_a).post(f"/api/v1/applications/{app.pk}/materials/", {"file": png}, format="multipart")
    assert r.status_code == 201 and r.json()["content_type"] == "image/png"
    assert api(enterprise_a).get(f"/api/v1/applications/{app.pk}/materials/").json()[0]["size"] == 12


def test_garbage_bodies_are_400(api, enterprise_a, officer_bj):
    app = new_app(enterprise_a)
    ent = api(enterprise_a)
    assert ent.post("/api/v1/applications/", {"categories": "B11"}, format="json").status_code == 400
    r = ent.post(f"/api/v1/applications/{app.pk}/submit/", {"commitment": "yes"}, format="json")
    assert r.status_code == 400
    r = api(officer_bj).post(
        f"/api/v1/applications/{app.pk}/request-correction/", {"reason": "x"}, format="json"
    )
    assert r.status_code in (400, 409)


def test_material_upload_retry_with_same_key_stores_once(api, enterprise_a):
    app = new_app(enterprise_a)
    url = f"/api/v1/applications/{app.pk}/materials/"
    c = api(enterprise_a)

    def upload(content: bytes):
        f = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + content, content_type="image/png")
        return c.post(url, {"file": f, "kind": "premises"}, format="multipart", HTTP_IDEMPOTENCY_KEY="up-1")

    first, again, other = upload(b"0000"), upload(b"0000"), upload(b"1111")
    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 409)
    assert first.json() == again.json()
    assert Material.objects.count() == 1
