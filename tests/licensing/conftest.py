"""Licensing fixtures: a test signing key, application builders, one-call path walkers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from licensing import services, signing
from licensing.models import Application

TEST_KEY = signing.private_key_from_seed(b"telereg licensing tests")
TEST_KID = "test-key-1"
PDF = b"%PDF-1.7\n% test material\n"


@pytest.fixture(autouse=True)
def signing_keys(settings):
    settings.TELEREG_LICENCE_SIGNING_KEYS = {TEST_KID: signing.private_key_b64(TEST_KEY)}
    settings.TELEREG_LICENCE_ACTIVE_KEY_ID = TEST_KID
    return TEST_KID


@pytest.fixture(autouse=True)
def _fresh_calendar():
    from regulator import calendar

    calendar.invalidate()
    yield
    calendar.invalidate()


def app_data(**over) -> dict:
    data = {
        "categories": ["B11"],
        "coverage": ["11"],
        "registered_capital": Decimal("5000000"),
        "staff_count": 12,
        "premises": "北京市朝阳区建国路1号 1201室",
        "security_measures": "网络与信息安全责任制、日志留存六个月、应急预案",
    }
    data.update(over)
    return data


def api_data(**over) -> dict:
    d = app_data(**over)
    d["registered_capital"] = str(d["registered_capital"])
    return d


def new_app(user, **over) -> Application:
    return services.application_create(actor=user, **app_data(**over))


def pdf(name: str = "licence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def commitment(version: int = 1, **over) -> dict:
    c = {
        "signatory_name": "张三",
        "signatory_title": "法定代表人",
        "statement_version": version,
        "accept": True,
    }
    c.update(over)
    return c


def standard_issued(user, officer, **over):
    """Walk a standard application to ISSUED through the services; return (app, licence)."""
    app = new_app(user, **over)
    services.application_submit(actor=user, application_id=app.pk)
    services.application_accept(actor=officer, application_id=app.pk)
    services.application_start_review(actor=officer, application_id=app.pk)
    services.application_approve(actor=officer, application_id=app.pk, reason="conditions met")
    services.application_issue(actor=officer, application_id=app.pk)
    app.refresh_from_db()
    return app, app.issued_licence


def commit_issued(user, capture, **over):
    """Walk a notify-and-commit application through submission and the automatic check."""
    over.setdefault("categories", ["B25"])
    app = new_app(user, **over)
    with capture(execute=True):
        services.application_submit(actor=user, application_id=app.pk, commitment=commitment())
    app.refresh_from_db()
    return app, app.issued_licence


@pytest.fixture
def officer_bj(db):
    """A licensing officer of the Beijing administration: single-province Beijing licences
    (the default application here) are issued by it, not by MIIT (§1.1)."""
    from regulator.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="officer_bj", role=Role.OFFICER, province="11")


@pytest.fixture
def dt_at():
    def make(y, m, d, h=10):
        return dt.datetime(y, m, d, h, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))

    return make
