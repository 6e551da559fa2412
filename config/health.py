"""Health endpoints for load balancers and orchestrators.

``/livez``: the process answers (no I/O), for a liveness probe that must not restart a
healthy web process because the database is briefly away. ``/healthz``: readiness, checks
the database (a ``SELECT 1``) and the broker (a Redis ``PING``), each with a short timeout,
and answers 503 naming the failing dependency, so a balancer takes the instance out.
"""

import logging
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

log = logging.getLogger(__name__)


def livez(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
        cur.fetchone()


def _check_broker() -> None:
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        import redis

        redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
    elif url.startswith("filesystem://"):
        # The demo's broker is a directory: it is there when its queue folder is.
        folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in", "")
        if not folder:
            raise RuntimeError("filesystem broker without a queue folder")
        import os

        if not os.path.isdir(folder):
            raise RuntimeError(f"queue folder {folder} is missing")
    # memory:// (tests) needs no check: it lives in this process.


def healthz(request):
    checks = {}
    healthy = True
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        t0 = time.perf_counter()
        try:
            check()
            checks[name] = {"status": "ok", "ms": round((time.perf_counter() - t0) * 1000, 1)}
        except Exception as exc:  # any failure of a dependency makes the instance unready
            healthy = False
            log.warning("health check %s failed: %s", name, exc)
            checks[name] = {"status": "error", "error": exc.__class__.__name__}
    if healthy:
        return JsonResponse({"status": "ok"})
    # Only a failure names its checks (and their timings): enough for the operator to act.
    return JsonResponse({"status": "error", "checks": checks}, status=503)
