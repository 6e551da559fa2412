"""Every sweep is also a management command and a beat entry; the keys fail loudly."""

import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from licensing import keys, schedule, tasks

SWEEPS = [
    "deadline_overdue_sweep",
    "auto_check_retry_sweep",
    "licence_status_sweep",
    "postcheck_overdue_sweep",
    "annual_report_sweep",
    "material_orphans_sweep",
]


@pytest.mark.django_db
@pytest.mark.parametrize("name", SWEEPS)
def test_sweep_command_task_and_beat_entry(name):
    out = io.StringIO()
    call_command(f"licensing_{name}", stdout=out)
    assert out.getvalue().startswith(f"{name}: ")
    assert getattr(tasks, name).name == f"licensing.tasks.{name}"
    assert schedule.BEAT[f"licensing.{name}"]["task"] == f"licensing.tasks.{name}"
    getattr(tasks, name).delay()  # eager in tests: runs the service


def test_missing_keys_fail_loudly_outside_debug(settings):
    settings.TELEREG_LICENCE_SIGNING_KEYS = {}
    settings.DEBUG = False
    settings.TELEREG_LICENCE_DEV_KEY = False
    with pytest.raises(ImproperlyConfigured):
        keys.active_key()
    assert keys.public_keys() == {}
    settings.TELEREG_LICENCE_DEV_KEY = True
    kid, _key = keys.active_key()
    assert kid.startswith("dev-") and kid in keys.public_keys()


def test_bad_active_key_id(settings):
    settings.TELEREG_LICENCE_ACTIVE_KEY_ID = "nope"
    with pytest.raises(ImproperlyConfigured):
        keys.active_key()


def test_deploy_check(settings):
    from licensing.checks import signing_keys_configured

    settings.DEBUG = False
    assert signing_keys_configured(None) == []
    settings.TELEREG_LICENCE_SIGNING_KEYS = {}
    assert [e.id for e in signing_keys_configured(None)] == ["licensing.E001"]


@pytest.mark.django_db
def test_catalogue_sync_is_idempotent_and_restores():
    from licensing import services
    from licensing.models import ServiceCategory

    assert services.catalogue_sync(actor="test") == 0
    ServiceCategory.objects.filter(code="B25").update(name_en="wrong")
    assert services.catalogue_sync(actor="test") == 1
    assert ServiceCategory.objects.get(code="B25").name_en == "Information services (ICP, SP)"
    assert ServiceCategory.objects.count() == 21


@pytest.mark.django_db
def test_catalogue_endpoint_shows_effective_rules(api, settings):
    rows = {r["code"]: r for r in api(None).get("/api/v1/public/service-categories/").json()}
    assert len(rows) == 21
    assert rows["B25"]["notify_commit"] is True and rows["B11"]["notify_commit"] is False
    assert (rows["B25"]["min_capital_one_province"], rows["B25"]["min_capital_cross_region"]) == (
        "1000000",
        "10000000",
    )
    assert rows["A11"]["min_capital_one_province"] == "100000000" and rows["A11"]["issuer_rule"] == "MIIT"
    settings.TELEREG_NOTIFY_COMMIT_CATEGORIES = ["B11"]
    rows = {r["code"]: r for r in api(None).get("/api/v1/public/service-categories/").json()}
    assert rows["B11"]["notify_commit"] is True and rows["B25"]["notify_commit"] is False
