"""schemathesis over the enforcement and public penalty operations only (issue 12: no 5xx),
as the public, a supervisor and an enterprise user. The suite-wide fuzz test covers them
too; this one runs them with more examples. SCHEMATHESIS_EXAMPLES sets the count."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.test_schemathesis import api_schema  # noqa: F401  (the fixture)

schema = schemathesis.from_pytest_fixture("api_schema", endpoint="enforcement|penalties")
FUZZ = settings(
    max_examples=int(os.environ.get("SCHEMATHESIS_EXAMPLES", "15")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
pytestmark = pytest.mark.slow


def _token(user) -> str:
    from regulator.tokens import token_issue

    return token_issue(user=user)[1]


@schema.parametrize()
@FUZZ
def test_no_server_error_anonymous(case):
    case.validate_response(case.call_wsgi(), checks=(not_a_server_error,))


@schema.parametrize()
@FUZZ
def test_no_server_error_as_supervisor(case, supervisor):
    case.headers = {**(case.headers or {}), "Authorization": f"Token {_token(supervisor)}"}
    case.validate_response(case.call_wsgi(), checks=(not_a_server_error,))


@schema.parametrize()
@FUZZ
def test_no_server_error_as_enterprise(case, enterprise_a):
    case.headers = {**(case.headers or {}), "Authorization": f"Token {_token(enterprise_a)}"}
    case.validate_response(case.call_wsgi(), checks=(not_a_server_error,))
