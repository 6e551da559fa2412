"""schemathesis over the complaint operations as a handler (the shared fuzz test covers the
anonymous, supervisor and enterprise personas): no input gets a 5xx."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.test_schemathesis import MAX_EXAMPLES


@pytest.fixture
def complaint_schema(db, ent_a, handler, make_complaint):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from config.wsgi import application
    from tests.complaints.conftest import walk

    for steps in ([], ["accept"], ["accept", "forward"], ["accept", "close"]):
        c, _ = make_complaint(ent_a)
        walk(c, handler, steps)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.from_wsgi("/api/schema/?format=json", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _token(user) -> str:
    from regulator.tokens import token_issue

    return token_issue(user=user)[1]


schema = schemathesis.from_pytest_fixture("complaint_schema", endpoint="complaint")


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_no_server_error_as_handler(case, handler):
    case.headers = {**(case.headers or {}), "Authorization": f"Token {_token(handler)}"}
    response = case.call_wsgi()
    case.validate_response(response, checks=(not_a_server_error,))
