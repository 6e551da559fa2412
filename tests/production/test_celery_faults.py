"""Background work under faults, with real processes: a Celery worker and beat against a
real Redis and the test PostgreSQL database (conftest.py starts and stops them).

The task under test is a real sweep, ``credit.tasks.expire_listings`` (REGULATION §2.3:
a listing leaves the public list when its retention period ends). The test holds a row lock
on the listing, so the task is caught mid-transaction, blocked, and can be killed there.
"""

import datetime as dt
import os
import signal
import uuid
from unittest import mock

import psycopg
import pytest
from celery import Celery
from django.utils import timezone

from credit.models import ListEntry, ListEvent, ListStatus
from regulator.models import AuditEvent
from tests.production.conftest import database_url, wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
def expired_listing(ent_a, published):
    """A published listing whose retention period ended yesterday (credit's own helper)."""
    entry = published(ent_a)
    ListEntry.objects.filter(pk=entry.pk).update(retention_until=timezone.localdate() - dt.timedelta(days=1))
    return entry


def send(redis_url: str, task: str) -> str:
    task_id = uuid.uuid4().hex
    # Celery prefers CELERY_BROKER_URL from the environment (the test settings' memory://).
    with mock.patch.dict(os.environ, {"CELERY_BROKER_URL": redis_url}):
        client = Celery(broker=redis_url)
        client.send_task(task, task_id=task_id)
        client.close()
    return task_id


def blocked_backends(exclude_pid: int) -> set[int]:
    """Sessions of the test database waiting for a row lock, other than the locker. A
    backend whose client was killed stays here until it gets the lock (PostgreSQL notices a
    dead client only when it next talks to it), so callers compare sets of pids."""
    with psycopg.connect(database_url(), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> %s",
            [exclude_pid],
        ).fetchall()
    return {r[0] for r in rows}


@pytest.fixture
def lock_row():
    """lock_row(id) → a connection holding FOR UPDATE on that listing; closed after the test
    in any case (an open lock would hang the database flush that ends the test)."""
    opened: list[psycopg.Connection] = []

    def lock(entry_id: int) -> psycopg.Connection:
        locker = psycopg.connect(database_url())
        opened.append(locker)
        locker.execute("SELECT id FROM credit_listentry WHERE id = %s FOR UPDATE", [entry_id])
        return locker

    yield lock
    for conn in opened:
        conn.close()


def removals(entry) -> tuple[int, int, str]:
    entry.refresh_from_db()
    events = ListEvent.objects.filter(entry=entry, to_status=ListStatus.REMOVED).count()
    audits = AuditEvent.objects.filter(object_id=str(entry.pk), action__contains="removed").count()
    return events, audits, entry.status


def test_pool_process_killed_mid_task_is_redone_once(expired_listing, start, redis_url, lock_row):
    locker = lock_row(expired_listing.pk)
    worker = start("worker")
    task_id = send(redis_url, "credit.tasks.expire_listings")
    first = wait_for(lambda: blocked_backends(locker.info.backend_pid), 30, "the task to block on the row")
    [child] = worker.children()
    os.kill(child, signal.SIGKILL)  # the OOM killer's way: no clean-up, no acknowledgement
    # task_reject_on_worker_lost: the message goes back to the queue; a new pool process
    # takes it and blocks again on the same row, nothing of the first run committed.
    wait_for(lambda: worker.children() and worker.children() != [child], 30, "a new pool process")
    wait_for(lambda: blocked_backends(locker.info.backend_pid) - first, 30, "the redelivered task to block")
    assert removals(expired_listing) == (0, 0, ListStatus.PUBLISHED)
    locker.rollback()
    locker.close()
    wait_for(lambda: removals(expired_listing)[2] == ListStatus.REMOVED, 30, "the listing to be removed")
    assert removals(expired_listing)[:2] == (1, 1)
    assert "WorkerLostError" in worker.text()

    # A duplicate delivery (a lost acknowledgement after the commit) changes nothing more.
    again = send(redis_url, "credit.tasks.expire_listings")
    wait_for(lambda: f"{again}] succeeded" in worker.text(), 30, "the duplicate to run")
    assert removals(expired_listing) == (1, 1, ListStatus.REMOVED)
    # Every line the worker wrote is a JSON object; those of a task name it and its id.
    text_lines = [line for line in worker.text().splitlines() if line.strip()]
    assert text_lines and all(line.startswith("{") for line in text_lines), text_lines[:5]
    lines = worker.json_lines()
    assert all("request_id" in line for line in lines)
    task_lines = [line for line in lines if line.get("task_id") == task_id]
    assert task_lines and all(line["request_id"] == task_id for line in task_lines)


def test_whole_worker_killed_mid_task_is_redone_once(expired_listing, start, redis_url, lock_row):
    locker = lock_row(expired_listing.pk)
    first = start("worker")
    send(redis_url, "credit.tasks.expire_listings")
    wait_for(lambda: blocked_backends(locker.info.backend_pid), 30, "the task to block on the row")
    first.kill_all()  # the machine's way: the worker and its pool die at once
    locker.rollback()
    locker.close()
    assert removals(expired_listing) == (0, 0, ListStatus.PUBLISHED)
    # The message was never acknowledged: after the visibility timeout another worker
    # takes it from Redis (tests: 3 s; production: CELERY_VISIBILITY_TIMEOUT).
    start("worker")
    wait_for(lambda: removals(expired_listing)[2] == ListStatus.REMOVED, 60, "the listing to be removed")
    assert removals(expired_listing)[:2] == (1, 1)
