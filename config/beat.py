"""Exactly one Celery beat, however many machines run one: a PostgreSQL advisory lock.

Every beat started with ``-S config.beat:SingletonScheduler`` first takes a session-level
advisory lock on its own database connection; the one that gets it runs the schedule and
the others wait (standbys), retrying every few seconds. If the active beat dies, its
connection closes, PostgreSQL frees the lock and a standby takes over within one retry.
The lock lives in the database that every machine already shares, so no extra service is
needed. The sweeps are idempotent anyway (a double run changes nothing), so this guards
against wasted work and doubled alerts, not against corruption.
"""

import logging
import time

import psycopg
from celery.beat import PersistentScheduler
from django.conf import settings

log = logging.getLogger(__name__)
BEAT_LOCK = 0x7E1E_BEA7  # arbitrary constant naming the beat lock (cf. regulator.audit._SEAL_LOCK)


def _dsn() -> str:
    db = settings.DATABASES["default"]
    return psycopg.conninfo.make_conninfo(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=str(db["PORT"]) if db.get("PORT") else None,
    )


def acquire(retry_seconds: float = 5.0, stop=lambda: False) -> psycopg.Connection | None:
    """Block until this process holds the beat lock; returns the connection that holds it."""
    announced = False
    while not stop():
        conn = psycopg.connect(_dsn(), autocommit=True, application_name="telereg-beat")
        if conn.execute("SELECT pg_try_advisory_lock(%s)", [BEAT_LOCK]).fetchone()[0]:
            log.info("beat lock taken: this beat runs the schedule")
            return conn
        conn.close()
        if not announced:
            log.info("another beat holds the lock: standing by")
            announced = True
        time.sleep(retry_seconds)
    return None


class SingletonScheduler(PersistentScheduler):
    """PersistentScheduler that runs only while it holds the beat lock."""

    lock_retry_seconds = 5.0

    def setup_schedule(self):
        self._lock_conn = acquire(self.lock_retry_seconds)
        super().setup_schedule()

    def tick(self, *args, **kwargs):
        # A lost connection means the lock may be someone else's now: stop dispatching.
        try:
            self._lock_conn.execute("SELECT 1")
        except psycopg.Error:
            log.error("beat lock connection lost; stopping so that a standby takes over")
            raise SystemExit(1)
        return super().tick(*args, **kwargs)

    def close(self):
        super().close()
        conn = getattr(self, "_lock_conn", None)
        if conn is not None:
            conn.close()
