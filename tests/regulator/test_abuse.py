"""Issue 9: abuse resistance. Each test is a probe that failed (a 500, an HTML page, a body
read in full, an endless token...) before the kernel changes."""

import datetime as dt
import io
import json

import pytest
import time_machine
from django.utils import timezone

from regulator.models import ApiToken, AuditEvent
from tests.factories import UserFactory

NESTED = "[" * 100_000 + "]" * 100_000
LOCMEM = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle-tests"}
}


def _post_raw(client, url, body: str, **extra):
    return client.generic("POST", url, body.encode("utf-8", "surrogatepass"), "application/json", **extra)


# --- point 1: no 500 on any input -----------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/api/v1/auth/token/", "/api/v1/public/licences/verify/", "/api/v1/enterprises/"]
)
def test_deeply_nested_json_is_a_400(db, api, officer, url):
    response = _post_raw(api(officer), url, NESTED)
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_nesting_past_the_limit_names_the_path(db, api, officer, settings):
    settings.TELEREG_JSON_MAX_DEPTH = 3
    body = json.dumps({"name": {"a": {"b": {"c": {"d": 1}}}}})
    response = _post_raw(api(officer), "/api/v1/enterprises/", body)
    assert response.status_code == 400
    assert "name.a.b.c" in response.json()["errors"]


@pytest.mark.parametrize(
    "url,field",
    [("/api/v1/auth/token/", "username"), ("/api/v1/public/licences/verify/", "document.number")],
)
def test_lone_surrogate_in_a_json_body_is_a_400_naming_the_field(db, api, url, field):
    # A JSON escape "\ud800" decodes to a str no UTF-8 encoder accepts (signing, the DB).
    body = '{"username": "\\ud800", "password": "x"}'
    if field == "document.number":
        body = '{"document": {"number": "\\udfff"}, "signature": "x", "key_id": "k"}'
    response = _post_raw(api(), url, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_lone_surrogate_in_a_header_is_a_400_naming_it(db, api, officer):
    response = api(officer).post("/api/v1/enterprises/", {}, format="json", HTTP_IDEMPOTENCY_KEY="key-\ud800")
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]


@pytest.mark.parametrize("page", ["99999999999999999999999", str(2**63), str(2**31)])
@pytest.mark.parametrize("url", ["/api/v1/enterprises/", "/api/v1/public/lists/", "/api/v1/audit-events/"])
def test_page_number_past_any_page_is_a_404_not_a_500(db, api, auditor, url, page):
    response = api(auditor).get(url, {"page": page})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/nothing", "/api/v1/enterprises/x/y/z/"])
def test_unknown_api_path_is_a_json_404(db, client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"message", "code", "errors"}


def test_unknown_method_under_api_is_json(db, client):
    response = client.put("/api/v1/public/audit-chain/")
    assert response.status_code in (401, 405)
    assert response["Content-Type"].startswith("application/json")


# --- point 6: request-size cap before the body is read --------------------------------------


class _Exploding(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_oversized_body_is_a_413_before_any_byte_is_read(db, client, settings):
    settings.TELEREG_REQUEST_MAX_BYTES = 1024
    response = client.generic(
        "POST",
        "/api/v1/auth/token/",
        b"",
        "application/json",
        CONTENT_LENGTH=str(1024**3),
        **{"wsgi.input": _Exploding()},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert response["Connection"] == "close"


def test_body_under_the_cap_is_read(db, client, settings):
    settings.TELEREG_REQUEST_MAX_BYTES = 1024
    response = client.post(
        "/api/v1/auth/token/", {"username": "x", "password": "y"}, content_type="application/json"
    )
    assert response.status_code == 400  # wrong credentials, not refused for size


def test_non_numeric_content_length_is_a_400(db, client):
    response = client.generic("POST", "/api/v1/auth/token/", b"", "application/json", CONTENT_LENGTH="lots")
    assert response.status_code == 400


# --- point 4: strict headers ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/api/v1/public/audit-chain/", "/api/docs/"])
def test_security_headers_on_pages_and_api(db, client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "http:" not in csp and "https:" not in csp and "*" not in csp  # no third-party origin
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_api_docs_load_nothing_from_a_cdn_and_no_inline_script(db, client):
    import re

    html = client.get("/api/docs/").content.decode()
    assert "cdn." not in html and "https://" not in html
    # script-src 'self' forbids inline scripts: every <script> has a src, served by us.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    script = re.findall(r'<script src="([^"]+\?script[^"]*)"', html)
    assert script and client.get(script[0].replace("&amp;", "&")).status_code == 200


# --- point 2: throttles and lockout -----------------------------------------------------------


@pytest.fixture
def throttled(db, settings):
    """A real (per-test) cache and small rates."""
    from django.core.cache import cache

    settings.CACHES = LOCMEM
    settings.TELEREG_THROTTLE_RATES = {"login": "3/m", "login_account": "4/m", "public_lookup": "2/m"}
    cache.clear()
    yield settings
    cache.clear()


def test_login_is_throttled_per_client_then_allowed_after_the_window(throttled, client, officer):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for i in range(3):
            r = client.post("/api/v1/auth/token/", {"username": f"nobody{i}", "password": "x"})
            assert r.status_code == 400
        r = client.post("/api/v1/auth/token/", {"username": "officer", "password": "pw-123456"})
        assert r.status_code == 429
        assert r.json()["code"] == "throttled"
        assert 0 < int(r["Retry-After"]) <= 60
        clock.shift(dt.timedelta(seconds=61))
        r = client.post("/api/v1/auth/token/", {"username": "officer", "password": "pw-123456"})
        assert r.status_code == 200


def test_login_is_throttled_per_account_across_addresses(throttled, client, officer):
    throttled.TELEREG_THROTTLE_RATES = {"login": "100/m", "login_account": "2/m"}
    for i in range(2):
        r = client.post(
            "/api/v1/auth/token/", {"username": "Officer", "password": "x"}, REMOTE_ADDR=f"10.0.0.{i}"
        )
        assert r.status_code == 400
    r = client.post("/api/v1/auth/token/", {"username": "officer", "password": "x"}, REMOTE_ADDR="10.0.0.9")
    assert r.status_code == 429
    # Another account from the same addresses is not affected.
    r = client.post("/api/v1/auth/token/", {"username": "other", "password": "x"}, REMOTE_ADDR="10.0.0.9")
    assert r.status_code == 400


def test_forged_forwarded_for_does_not_escape_the_client_throttle(throttled, client):
    codes = [
        client.post(
            "/api/v1/auth/token/", {"username": f"u{i}", "password": "x"}, HTTP_X_FORWARDED_FOR=f"1.2.3.{i}"
        ).status_code
        for i in range(4)
    ]
    assert codes == [400, 400, 400, 429]


def test_public_lookups_are_throttled_by_path(throttled, client):
    codes = [client.get("/api/v1/public/audit-chain/").status_code for _ in range(3)]
    assert codes[:2] != [429, 429] and codes[2] == 429


def test_authenticated_use_has_a_per_account_rate(throttled, api, supervisor):
    throttled.TELEREG_THROTTLE_RATES = {"user": "2/m"}
    client = api(supervisor)
    assert [client.get("/api/v1/auth/me/").status_code for _ in range(3)] == [200, 200, 429]


def test_wrong_passwords_lock_the_account_for_a_time_and_audit_it(db, client, settings):
    settings.TELEREG_LOGIN_LOCKOUT_THRESHOLD = 3
    settings.TELEREG_LOGIN_LOCKOUT_MINUTES = 15
    UserFactory(username="victim")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(3):
            assert (
                client.post("/api/v1/auth/token/", {"username": "victim", "password": "no"}).status_code
                == 400
            )
        locked = AuditEvent.objects.get(action="user.locked")
        assert locked.object_id and locked.reason
        # The right password is refused while locked, with the same answer as a wrong one.
        r = client.post("/api/v1/auth/token/", {"username": "victim", "password": "pw-123456"})
        assert r.status_code == 400 and r.json()["code"] == "authentication_failed"
        clock.shift(dt.timedelta(minutes=16))
        r = client.post("/api/v1/auth/token/", {"username": "victim", "password": "pw-123456"})
        assert r.status_code == 200


def test_a_success_resets_the_failure_count(db, client, settings):
    settings.TELEREG_LOGIN_LOCKOUT_THRESHOLD = 3
    user = UserFactory(username="forgetful")
    for password in ("no", "no", "pw-123456", "no", "no"):
        client.post("/api/v1/auth/token/", {"username": "forgetful", "password": password})
    user.refresh_from_db()
    assert user.locked_until is None and user.failed_logins == 2


# --- point 3: tokens that end ----------------------------------------------------------------


def _login(client, username="tok", password="pw-123456"):
    r = client.post("/api/v1/auth/token/", {"username": username, "password": password})
    assert r.status_code == 200, r.content
    return r.json()["token"]


def test_tokens_are_stored_hashed(db, client):
    UserFactory(username="tok")
    token = _login(client)
    row = ApiToken.objects.get()
    assert token not in (row.digest, row.prefix) and row.digest != token
    assert not ApiToken.objects.filter(digest__contains=token).exists()


def test_tokens_expire(db, client, settings):
    settings.TELEREG_API_TOKEN_TTL_HOURS = 1
    UserFactory(username="tok")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        token = _login(client)
        assert client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
        clock.shift(dt.timedelta(minutes=61))
        r = client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {token}")
        assert r.status_code == 401


def test_owner_lists_and_revokes_own_tokens(db, client):
    UserFactory(username="tok")
    first, second = _login(client), _login(client)
    auth = {"HTTP_AUTHORIZATION": f"Token {second}"}
    listed = client.get("/api/v1/auth/tokens/", **auth).json()["results"]
    assert len(listed) == 2 and all(first not in json.dumps(t) for t in listed)
    victim = ApiToken.objects.get(prefix=first[:8])
    assert client.delete(f"/api/v1/auth/tokens/{victim.pk}/", **auth).status_code == 204
    assert client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {first}").status_code == 401
    assert client.get("/api/v1/auth/me/", **auth).status_code == 200
    assert AuditEvent.objects.filter(action="user.token_revoked").count() == 1


def test_nobody_revokes_or_lists_another_users_token(db, client):
    UserFactory(username="tok")
    UserFactory(username="other")
    mine = _login(client)
    theirs = _login(client, "other")
    row = ApiToken.objects.get(prefix=theirs[:8])
    auth = {"HTTP_AUTHORIZATION": f"Token {mine}"}
    assert client.delete(f"/api/v1/auth/tokens/{row.pk}/", **auth).status_code == 404
    assert client.delete(f"/api/v1/auth/tokens/{2**64}/", **auth).status_code == 404
    assert [t["prefix"] for t in client.get("/api/v1/auth/tokens/", **auth).json()["results"]] == [mine[:8]]
    assert client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {theirs}").status_code == 200


def test_password_change_revokes_every_token(db, client):
    user = UserFactory(username="tok")
    tokens = [_login(client), _login(client)]
    user.set_password("new-password-1")
    user.save()
    for token in tokens:
        assert client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    event = AuditEvent.objects.get(action="user.tokens_revoked")
    assert event.after == {"count": 2, "reason": "password_changed"}


def test_deactivation_revokes_every_token(db, client, supervisor):
    from regulator import services

    user = UserFactory(username="tok")
    token = _login(client)
    services.user_update(actor=supervisor, user_id=user.pk, is_active=False)
    assert ApiToken.objects.get().revoked_reason == "deactivated"
    user.is_active = True
    user.save()
    assert client.get("/api/v1/auth/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_token_endpoint_keeps_its_contract(db, client):
    UserFactory(username="tok")
    body = client.post("/api/v1/auth/token/", {"username": "tok", "password": "pw-123456"}).json()
    assert set(body) == {"token", "expires_at"} and len(body["token"]) >= 40


# --- point 10: a USCC with a bad check character ---------------------------------------------


def test_bad_check_character_in_a_path_is_a_400_naming_it(db, api, officer, ent_a):
    good = ent_a.uscc
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = api(officer).get(f"/api/v1/enterprises/{bad}/")
    assert response.status_code == 400
    message = response.json()["errors"]["uscc"][0]
    assert "check character" in message and repr(good[17]) in message
    assert api(officer).get(f"/api/v1/enterprises/{good.lower()}/").status_code == 200
