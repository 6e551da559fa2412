"""Schemathesis on the inspections endpoints only (the project-wide run covers them too, with
fewer examples): no 5xx for the public, a supervisor or an inspector, on a world with a
drawn campaign."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from inspections import services
from tests.inspections.conftest import licensed, new_campaign, roster

ENDPOINT = r"/api/v1/(inspections/|public/(draws|inspection-))"


@pytest.fixture
def fuzz_schema(db, supervisor, inspector):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from config.wsgi import application

    item = services.item_create(
        actor=supervisor, code="F-1", title="t", legal_basis="b", content="c", method="written"
    )
    licensed(3)
    services.inspector_create(actor=supervisor, user_id=inspector.pk)
    roster(supervisor, 2)
    camp = new_campaign(supervisor, item)
    services.campaign_freeze(actor=supervisor, campaign_id=camp.pk)
    services.campaign_draw(actor=supervisor, campaign_id=camp.pk, seed_inputs=["1"])
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.from_wsgi("/api/schema/?format=json", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.from_pytest_fixture("fuzz_schema", endpoint=ENDPOINT)
FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)


def _token(user) -> str:
    from regulator import tokens

    return tokens.token_issue(user=user)[1]


@schema.parametrize()
@FUZZ
def test_no_server_error_public(case):
    case.validate_response(case.call_wsgi(), checks=(not_a_server_error,))


@schema.parametrize()
@FUZZ
def test_no_server_error_supervisor(case, supervisor):
    case.headers = {**(case.headers or {}), "Authorization": f"Token {_token(supervisor)}"}
    case.validate_response(case.call_wsgi(), checks=(not_a_server_error,))


@schema.parametrize()
@FUZZ
def test_no_server_error_inspector(case, inspector):
    case.headers = {**(case.headers or {}), "Authorization": f"Token {_token(inspector)}"}
    case.validate_response(case.call_wsgi(), checks=(not_a_server_error,))
