"""Licences: numbers, versions, status changes, renewal, and the public e-licence."""

import datetime as dt
import json
from urllib.parse import quote

import pytest
import time_machine

from config.api import ApplicationError, Conflict
from licensing import services, signing
from licensing.models import Licence, LicenceStatus, LicenceVersion
from licensing.services.licences import ALLOWED as LIC_ALLOWED
from tests.factories import EnterpriseFactory, UserFactory, new_uscc
from tests.licensing.conftest import TEST_KEY, TEST_KID, new_app, standard_issued

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_numbers_by_issuer_and_year(enterprise_a, enterprise_b, officer_bj, officer, officer_gd):
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=SHANGHAI), tick=False):
        _a, l1 = standard_issued(enterprise_a, officer_bj, categories=["B11"])
        _b, l2 = standard_issued(
            enterprise_a, officer, categories=["B12"], coverage=["11", "31"], registered_capital=10**7
        )
        _c, l3 = standard_issued(enterprise_b, officer_gd, categories=["B14"], coverage=["44"])
        _d, l4 = standard_issued(enterprise_a, officer_bj, categories=["B13"])
    assert l1.number == "京B1-20260001"
    assert l2.number == "B1-20260001"  # MIIT: cross-regional, its own sequence
    assert l3.number == "粤B1-20260001"
    assert l4.number == "京B1-20260002"
    assert l2.issuer_id == "MIIT" and l3.issuer_id == "44"
    with time_machine.travel(dt.datetime(2027, 1, 4, 10, tzinfo=SHANGHAI), tick=False):
        _e, l5 = standard_issued(enterprise_a, officer_bj, categories=["B14"])
    assert l5.number == "京B1-20270001"


def test_foreign_invested_and_basic_numbers(officer_bj, officer):
    ent = EnterpriseFactory(uscc=new_uscc("110105"))
    user = UserFactory(role="enterprise", enterprise=ent)
    _a, lic = standard_issued(user, officer_bj, categories=["B21", "B11"], foreign_invested=True)
    assert lic.number.startswith("合字京B1.B2-")
    _b, basic = standard_issued(user, officer, categories=["A24"], registered_capital=10**8)
    assert basic.number.startswith("A2-") and basic.issuer_id == "MIIT"


def test_public_licence_lookup_url_encoded_and_verify_offline(api, enterprise_a, officer_bj):
    _app, lic = standard_issued(enterprise_a, officer_bj)
    r = api(None).get(f"/api/v1/public/licences/{quote(lic.number)}/")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["number"] == lic.number and body["status"] == "valid"
    assert body["holder"]["uscc"] == enterprise_a.enterprise.uscc
    e = body["e_licence"]
    assert e["key_id"] == TEST_KID and e["algorithm"] == "Ed25519"
    keys = api(None).get("/api/v1/public/licence-keys/").json()["keys"]
    assert keys == {TEST_KID: signing.public_key_b64(TEST_KEY)}
    # What README tells anyone to do, with only the public key and the standard library:
    message = json.dumps(e["document"], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    assert signing.verify_bytes(keys[e["key_id"]], message, e["signature"])
    tampered = message.replace(lic.valid_until.isoformat().encode(), b"2099-12-31")
    assert tampered != message
    assert not signing.verify_bytes(keys[e["key_id"]], tampered, e["signature"])


def test_verify_tells_valid_tampered_revoked_and_superseded_apart(api, enterprise_a, officer_bj):
    _app, lic = standard_issued(enterprise_a, officer_bj)
    v1 = LicenceVersion.objects.get(licence=lic, version=1)
    pub = api(None)

    def verify(doc, sig):
        r = pub.post("/api/v1/public/licences/verify/", {"document": doc, "signature": sig}, format="json")
        assert r.status_code == 200, r.content
        return r.json()

    ok = verify(v1.document, v1.signature)
    assert (ok["verdict"], ok["signature_valid"], ok["licence_status"]) == ("valid", True, "valid")

    bad = dict(v1.document, valid_until="2099-12-31")
    t = verify(bad, v1.signature)
    assert (t["verdict"], t["signature_valid"]) == ("invalid_signature", False)

    services.licence_suspend(actor=officer_bj, licence_id=lic.pk, reason="整改期间暂停")
    s = verify(v1.document, v1.signature)
    assert (s["verdict"], s["is_current_version"], s["current_version"]) == ("suspended", False, 2)
    services.licence_reinstate(actor=officer_bj, licence_id=lic.pk, reason="整改完成")
    assert verify(v1.document, v1.signature)["verdict"] == "superseded"
    v3 = LicenceVersion.objects.get(licence=lic, version=3)
    assert verify(v3.document, v3.signature)["verdict"] == "valid"
    assert (
        v3.document["supersedes_sha256"] == LicenceVersion.objects.get(licence=lic, version=2).document_sha256
    )

    services.licence_revoke(actor=officer_bj, licence_id=lic.pk, reason="以欺骗手段取得许可")
    rv = verify(v3.document, v3.signature)
    assert (rv["verdict"], rv["signature_valid"], rv["licence_status"]) == ("revoked", True, "revoked")
    unknown = verify(dict(v3.document, key_id="nope"), v3.signature)
    assert unknown["verdict"] == "unknown_key"


def test_retired_key_still_verifies(settings, api, enterprise_a, officer_bj):
    _app, lic = standard_issued(enterprise_a, officer_bj)
    v1 = LicenceVersion.objects.get(licence=lic, version=1)
    new = signing.private_key_from_seed(b"next key")
    settings.TELEREG_LICENCE_SIGNING_KEYS = {"test-key-2": signing.private_key_b64(new)}
    settings.TELEREG_LICENCE_ACTIVE_KEY_ID = "test-key-2"
    settings.TELEREG_LICENCE_RETIRED_PUBLIC_KEYS = {TEST_KID: signing.public_key_b64(TEST_KEY)}
    r = api(None).post(
        "/api/v1/public/licences/verify/", {"document": v1.document, "signature": v1.signature}, format="json"
    )
    assert r.json()["verdict"] == "valid"
    services.licence_suspend(actor=officer_bj, licence_id=lic.pk, reason="r")
    assert LicenceVersion.objects.get(licence=lic, version=2).key_id == "test-key-2"


def test_bad_lookups(api):
    pub = api(None)
    r = pub.get(f"/api/v1/public/licences/{quote('京ICP备12345678号')}/")
    assert r.status_code == 400 and r.json()["code"] == "not_a_licence_number"
    assert "filing" in r.json()["message"]
    assert pub.get(f"/api/v1/public/licences/{quote('京B2-20269999')}/").status_code == 404
    r = pub.post("/api/v1/public/licences/verify/", {"document": "x", "signature": "y"}, format="json")
    assert r.status_code == 400


def test_licence_versions_are_append_only(enterprise_a, officer_bj):
    from django.db import IntegrityError, connection, transaction

    _app, lic = standard_issued(enterprise_a, officer_bj)
    if connection.vendor != "postgresql":
        pytest.skip("trigger is PostgreSQL-only")
    with pytest.raises(IntegrityError), transaction.atomic():
        LicenceVersion.objects.filter(licence=lic).update(signature="forged")


@pytest.mark.parametrize("src", list(LicenceStatus))
def test_every_licence_edge(enterprise_a, officer_bj, src):
    _app, lic = standard_issued(enterprise_a, officer_bj)
    for dst in LicenceStatus:
        Licence.objects.filter(pk=lic.pk).update(status=src)
        if dst in LIC_ALLOWED[src]:
            out = services.licence_transition(licence_id=lic.pk, to=dst, actor=officer_bj, reason="r")
            # Reinstating a suspension lands on what the dates say (valid here).
            assert out.status == dst
        else:
            with pytest.raises(Conflict):
                services.licence_transition(licence_id=lic.pk, to=dst, actor=officer_bj)
            lic.refresh_from_db()
            assert lic.status == src


def test_officer_licence_actions_api(api, enterprise_a, officer_bj):
    _app, lic = standard_issued(enterprise_a, officer_bj)
    off = api(officer_bj)
    url = f"/api/v1/licences/{quote(lic.number)}"
    assert off.post(f"{url}/suspend/", {"reason": ""}, format="json").status_code == 400
    r = off.post(f"{url}/suspend/", {"reason": "违规"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "suspended" and r.json()["version"] == 2
    assert off.post(f"{url}/suspend/", {"reason": "again"}, format="json").status_code == 409
    assert api(enterprise_a).post(f"{url}/reinstate/", {"reason": "x"}, format="json").status_code == 403
    r = off.post(f"{url}/cancel/", {"reason": "企业申请注销"}, format="json")
    assert r.json()["status"] == "cancelled"
    detail = off.get(f"{url}/").json()
    assert [v["change"] for v in detail["versions"]] == ["issued", "suspended", "cancelled"]


def test_status_sweep_expiring_and_expired(enterprise_a, officer_bj):
    with time_machine.travel(dt.datetime(2026, 1, 5, 10, tzinfo=SHANGHAI), tick=False):
        _app, lic = standard_issued(enterprise_a, officer_bj)
    assert lic.valid_until == dt.date(2031, 1, 4)
    with time_machine.travel(dt.datetime(2030, 10, 5, 10, tzinfo=SHANGHAI), tick=False):
        assert services.licence_status_sweep() == {"expiring": 0, "expired": 0}  # 91 days left
    with time_machine.travel(dt.datetime(2030, 10, 6, 10, tzinfo=SHANGHAI), tick=False):
        assert services.licence_status_sweep() == {"expiring": 1, "expired": 0}
        assert services.licence_status_sweep() == {"expiring": 0, "expired": 0}
    lic.refresh_from_db()
    assert lic.status == "expiring"
    with time_machine.travel(dt.datetime(2031, 1, 5, 10, tzinfo=SHANGHAI), tick=False):
        assert services.licence_status_sweep() == {"expiring": 0, "expired": 1}
    lic.refresh_from_db()
    assert lic.status == "expired" and lic.version == 1


def test_renewal_at_least_90_days_before_expiry(enterprise_a, officer_bj):
    with time_machine.travel(dt.datetime(2026, 1, 5, 10, tzinfo=SHANGHAI), tick=False):
        _app, lic = standard_issued(enterprise_a, officer_bj)
    # valid_until 2031-01-04: the last day to apply is 2030-10-06.
    with time_machine.travel(dt.datetime(2030, 10, 7, 10, tzinfo=SHANGHAI), tick=False):
        with pytest.raises(ApplicationError) as exc:
            new_app(enterprise_a, renew_licence_number=lic.number)
        assert "renew_licence_number" in exc.value.errors
    with time_machine.travel(dt.datetime(2030, 10, 6, 10, tzinfo=SHANGHAI), tick=False):
        with pytest.raises(ApplicationError):
            new_app(enterprise_a, categories=["B11", "B12"], renew_licence_number=lic.number)
        app = new_app(enterprise_a, renew_licence_number=lic.number)
        assert app.kind == "renewal"
        services.application_submit(actor=enterprise_a, application_id=app.pk)
        assert app.__class__.objects.get(pk=app.pk).path == "standard"
        services.application_accept(actor=officer_bj, application_id=app.pk)
        services.application_start_review(actor=officer_bj, application_id=app.pk)
        services.application_approve(actor=officer_bj, application_id=app.pk)
        services.application_issue(actor=officer_bj, application_id=app.pk)
    lic.refresh_from_db()
    assert lic.valid_until == dt.date(2036, 1, 4)
    assert lic.version == 2 and lic.versions.get(version=2).change == "renewed"
    assert Licence.objects.count() == 1


def test_public_page_lookup_and_verify(client, enterprise_a, officer_bj):
    _app, lic = standard_issued(enterprise_a, officer_bj)
    r = client.get("/public/licences/", {"number": lic.number})
    assert r.status_code == 200
    assert lic.number in r.content.decode()
    v = lic.versions.get(version=1)
    r = client.post(
        "/public/licences/",
        {"document": json.dumps(v.document, ensure_ascii=False), "signature": v.signature},
    )
    assert r.status_code == 200 and r.context["result"]["verdict"] == "valid"
    r = client.post(
        "/public/licences/", {"document": json.dumps(dict(v.document, number="x")), "signature": v.signature}
    )
    assert r.context["result"]["verdict"] == "invalid_signature"
    r = client.get("/public/licences/", {"number": "京ICP备12345678号"})
    assert r.status_code == 200 and r.context["error"]


def test_messages_in_chinese(api):
    r = api(None).get(
        f"/api/v1/public/licences/{quote('京ICP备12345678号')}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert r.status_code == 400 and r.json()["message"] == "这是ICP备案号，不是电信业务经营许可证编号。"
