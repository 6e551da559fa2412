"""Property-based API fuzzing: schemathesis generates requests from /api/schema/ for every
operation and asserts that none gets a 5xx. Bounded examples keep it quick."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

MAX_EXAMPLES = int(__import__("os").environ.get("SCHEMATHESIS_EXAMPLES", "8"))


@pytest.fixture
def api_schema(db, ent_a, enterprise_a):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from config.wsgi import application

    # The raw WSGI handler closes "old" connections around each request, which would
    # close the test's transaction; Django's own test client disconnects these too.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.from_wsgi("/api/schema/?format=json", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.from_pytest_fixture("api_schema")


def _token(user) -> str:
    from regulator import tokens

    return tokens.token_issue(user=user)[1]


_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


@schema.parametrize()
@_SETTINGS
def test_no_server_error_anonymous(case):
    response = case.call_wsgi()
    case.validate_response(response, checks=(not_a_server_error,))


@schema.parametrize()
@_SETTINGS
def test_no_server_error_as_supervisor(case, supervisor):
    case.headers = {**(case.headers or {}), "Authorization": f"Token {_token(supervisor)}"}
    response = case.call_wsgi()
    case.validate_response(response, checks=(not_a_server_error,))


@schema.parametrize()
@_SETTINGS
def test_no_server_error_as_enterprise(case, enterprise_a):
    case.headers = {**(case.headers or {}), "Authorization": f"Token {_token(enterprise_a)}"}
    response = case.call_wsgi()
    case.validate_response(response, checks=(not_a_server_error,))


# Hostile payloads (issue 9): every operation that takes a JSON body also gets the body the
# generator made with each string turned into a lone surrogate, a body nested far past any
# recursion limit, and a lone surrogate in the Idempotency-Key header. None may be a 5xx.
# The Django test client sends the raw bytes (a JSON encoder cannot even produce the nesting)
# and raises any server exception, so a 500 fails with its traceback.
NESTED = ("[" * 50_000 + "]" * 50_000).encode()


def _surrogated(value):
    if isinstance(value, str):
        return "\ud800" + value
    if isinstance(value, dict):
        return {k: _surrogated(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_surrogated(v) for v in value]
    return value


def _hostile_bodies(case) -> list[bytes]:
    import json

    bodies = [NESTED, b'{"a": "\\ud800"}']
    if isinstance(case.body, dict | list):
        # json.dumps escapes the surrogate as "\\ud800", exactly what an attacker sends.
        bodies.append(json.dumps(_surrogated(case.body)).encode())
    return bodies


@schema.parametrize()
@settings(
    max_examples=max(1, MAX_EXAMPLES // 4),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_no_server_error_on_nested_and_surrogate_payloads(case, supervisor):
    from django.test import Client

    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Token {_token(supervisor)}"}
    method = case.method.upper()
    if method in ("POST", "PUT", "PATCH") and (case.media_type or "application/json") == "application/json":
        for body in _hostile_bodies(case):
            response = client.generic(method, case.formatted_path, body, "application/json", **auth)
            assert response.status_code < 500, (method, case.formatted_path, response.status_code)
    response = client.generic(method, case.formatted_path, b"", HTTP_IDEMPOTENCY_KEY="k\udfff", **auth)
    assert response.status_code < 500
