import datetime as dt

import time_machine
from django.db import transaction

from regulator import audit, tasks
from regulator.models import IdempotencyRecord


def test_audit_tasks_seal_and_verify(db):
    with transaction.atomic():
        audit.record(actor="t", action="a", object_type="t", object_id=1)
    assert tasks.audit_seal.delay().get() == 1
    assert tasks.audit_chain_verify.delay().get() == 0
    assert audit.unsealed_count() == 0


def test_idempotency_prune_forgets_only_old_keys(db, officer):
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
        IdempotencyRecord.objects.create(
            scope="s", actor=officer, key="old", request_hash="h", status_code=201, response_body={}
        )
    with time_machine.travel(dt.datetime(2026, 1, 7, tzinfo=dt.UTC)):
        IdempotencyRecord.objects.create(
            scope="s", actor=officer, key="new", request_hash="h", status_code=201, response_body={}
        )
    with time_machine.travel(dt.datetime(2026, 1, 9, tzinfo=dt.UTC)):
        assert tasks.idempotency_prune.delay().get() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_beat_schedule_names_real_tasks():
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
