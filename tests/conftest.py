"""Personas (healthchecks' Alice/Bob/Charlie, telereg-style) and API clients.

``enterprise_a`` and ``enterprise_b`` are users of two different enterprises
(``ent_a``, ``ent_b``: Beijing and Guangdong); every staff role has a national persona
(MIIT: ``officer``, ``supervisor``...) and a provincial one of the Guangdong administration
(``officer_gd``, ``supervisor_gd``...); ``anon`` is the public. ``PERSONAS`` lists the
national ones and ``PROVINCIAL_PERSONAS`` the provincial ones, for one-access-test-per-role
parametrisation.
"""

import pytest
from rest_framework.test import APIClient

from regulator.models import Role
from tests.factories import EnterpriseFactory, UserFactory, new_uscc

PERSONAS = ("anon", "enterprise_a", "officer", "inspector", "supervisor", "handler", "auditor")
PROVINCIAL_PERSONAS = ("officer_gd", "inspector_gd", "supervisor_gd", "handler_gd", "auditor_gd")
GD = "44"  # the provincial personas' authority: Guangdong Communications Administration


@pytest.fixture
def ent_a(db):
    return EnterpriseFactory(name="甲网络科技有限公司")


@pytest.fixture
def ent_b(db):
    return EnterpriseFactory(name="乙信息技术有限公司", uscc=new_uscc("440305"))


@pytest.fixture
def enterprise_a(ent_a):
    return UserFactory(username="ent_a_user", role=Role.ENTERPRISE, enterprise=ent_a)


@pytest.fixture
def enterprise_b(ent_b):
    return UserFactory(username="ent_b_user", role=Role.ENTERPRISE, enterprise=ent_b)


@pytest.fixture
def officer(db):
    return UserFactory(username="officer", role=Role.OFFICER)


@pytest.fixture
def inspector(db):
    return UserFactory(username="inspector", role=Role.INSPECTOR, badge="INS-001")


@pytest.fixture
def supervisor(db):
    return UserFactory(username="supervisor", role=Role.SUPERVISOR)


@pytest.fixture
def handler(db):
    return UserFactory(username="handler", role=Role.HANDLER)


@pytest.fixture
def auditor(db):
    return UserFactory(username="auditor", role=Role.AUDITOR)


@pytest.fixture
def officer_gd(db):
    return UserFactory(username="officer_gd", role=Role.OFFICER, province=GD)


@pytest.fixture
def inspector_gd(db):
    return UserFactory(username="inspector_gd", role=Role.INSPECTOR, province=GD, badge="INS-GD-001")


@pytest.fixture
def supervisor_gd(db):
    return UserFactory(username="supervisor_gd", role=Role.SUPERVISOR, province=GD)


@pytest.fixture
def handler_gd(db):
    return UserFactory(username="handler_gd", role=Role.HANDLER, province=GD)


@pytest.fixture
def auditor_gd(db):
    return UserFactory(username="auditor_gd", role=Role.AUDITOR, province=GD)


@pytest.fixture
def anon(db):
    return None


@pytest.fixture
def api():
    """``api(user)`` → an APIClient acting as that user (None = the public)."""

    def make(user=None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def as_persona(request, api, db):
    """``as_persona("officer")`` → (user, client) for a persona name from PERSONAS.

    Asks for ``db`` itself: pytest-django orders tests by the database fixtures it sees at
    collection, and a test that reached the database only through this fixture would run
    after the transactional tests, which flush the reference data (authorities, rules)."""

    def make(name: str):
        user = request.getfixturevalue(name)
        return user, api(user)

    return make


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Rolled-back test transactions must not leave overrides in the per-process cache."""
    from regulator import calendar

    calendar.invalidate()
    yield
    calendar.invalidate()


def reseed_reference_data() -> None:
    """Put back what data migrations load (credit rules, licensing catalogue)."""
    import importlib

    from django.apps import apps

    from licensing import services as licensing_services

    importlib.import_module("regulator.migrations.0004_authorities").seed(apps, None)
    importlib.import_module("credit.migrations.0002_append_only_search_and_seed").seed(apps, None)
    importlib.import_module("credit.migrations.0004_rule_flags_and_legal_basis").seed(apps, None)
    licensing_services.catalogue_sync(actor="test")


@pytest.fixture(autouse=True)
def _fresh_search_estimates():
    """The public search keeps a table size estimate and the span of its walk per process
    (credit.search); rolled-back rows of an earlier test must not steer this one's stages."""
    from credit import search

    search.forget_estimates()
    yield


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    """A transactional test runs on a database that an earlier one may have flushed, which
    also removes rows loaded by data migrations; reload them so test order never matters."""
    marker = request.node.get_closest_marker("django_db")
    if not ((marker and marker.kwargs.get("transaction")) or "transactional_db" in request.fixturenames):
        return
    request.getfixturevalue("transactional_db")
    reseed_reference_data()
