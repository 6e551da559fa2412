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
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0].key


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
