"""Prometheus metrics (prometheus-client) and the per-request access line.

Several processes (gunicorn workers, the Celery worker's pool) each count for themselves;
when ``PROMETHEUS_MULTIPROC_DIR`` names a directory (``make up`` sets it, one per machine),
every process writes its counters there and ``/metrics`` sums them all, so one scrape of
the web server shows the web's and the worker's figures on that machine. Without it
(demo, tests) the process's own registry is served.

Queue depth is read from the broker at scrape time (a Redis LLEN per queue), not counted.
"""

import ipaddress
import logging
import os
import time

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from regulator.middleware import _SAFE

access_log = logging.getLogger("telereg.access")
log = logging.getLogger(__name__)

REQUEST_LATENCY = Histogram(
    "telereg_http_request_duration_seconds",
    "Time to answer a request, by view (URL name) and method.",
    ["view", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUESTS = Counter(
    "telereg_http_requests_total", "Requests answered, by view and status class.", ["view", "status"]
)
TASK_RUNS = Counter(
    "telereg_task_runs_total", "Celery task runs finished, by task and state.", ["task", "state"]
)
TASK_FAILURES = Counter("telereg_task_failures_total", "Celery task runs that raised, by task.", ["task"])
TASK_DURATION = Histogram(
    "telereg_task_duration_seconds",
    "Celery task run time, by task.",
    ["task"],
    buckets=(0.01, 0.1, 0.5, 1, 5, 15, 60, 300),
)
SWEEP_ITEMS = Counter(
    "telereg_sweep_items_total",
    "Rows a periodic sweep acted on (the count it returned), by task and part.",
    ["task", "part"],
)


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"  # 404 before routing: one label, not one per URL tried
    return match.view_name or match.route or "unnamed"


class RequestMetricsMiddleware:
    """Outermost middleware: fixes the request id, times the request, writes the access line.

    It stands before the kernel's ``RequestIdMiddleware`` and hands it the id through the
    ``X-Request-ID`` header, so both, the log lines and the audit events agree on one id.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import uuid

        if not _SAFE.match(request.META.get("HTTP_X_REQUEST_ID", "")):
            request.META["HTTP_X_REQUEST_ID"] = uuid.uuid4().hex
        t0 = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - t0
        view = _view_name(request)
        REQUEST_LATENCY.labels(view, request.method).observe(elapsed)
        REQUESTS.labels(view, f"{response.status_code // 100}xx").inc()
        access_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request": request,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "view": view,
                "duration_ms": round(elapsed * 1000, 2),
            },
        )
        return response


# --- Celery: counted in the worker through signals (connected in config.celery) -----------


def task_finished(task_name: str, state: str, seconds: float | None, result) -> None:
    TASK_RUNS.labels(task_name, state).inc()
    if seconds is not None:
        TASK_DURATION.labels(task_name).observe(seconds)
    if state != "SUCCESS":
        TASK_FAILURES.labels(task_name).inc()
        return
    # Sweeps (every task the beat schedule runs) return the number of rows they acted on,
    # or a dict of such numbers by part.
    if task_name in _sweep_tasks():
        if isinstance(result, bool):
            return
        if isinstance(result, int):
            SWEEP_ITEMS.labels(task_name, "all").inc(max(result, 0))
        elif isinstance(result, dict):
            for part, n in result.items():
                if isinstance(n, int) and not isinstance(n, bool):
                    SWEEP_ITEMS.labels(task_name, str(part)).inc(max(n, 0))


def _sweep_tasks() -> set[str]:
    return {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}


# --- /metrics ---------------------------------------------------------------------------


class QueueDepthCollector:
    """Messages waiting in each Celery queue, read from Redis when scraped."""

    def collect(self):
        gauge = GaugeMetricFamily(
            "telereg_queue_depth", "Messages waiting in a Celery queue.", labels=["queue"]
        )
        url = settings.CELERY_BROKER_URL
        if url.startswith(("redis://", "rediss://")):
            import redis

            try:
                client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
                for queue in settings.METRICS_QUEUES:
                    gauge.add_metric([queue], client.llen(queue))
            except redis.RedisError as exc:
                log.warning("queue depth unavailable: %s", exc)
        yield gauge


def _allowed(request) -> bool:
    try:
        addr = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(addr in ipaddress.ip_network(net) for net in settings.METRICS_ALLOWED_NETWORKS)


def metrics_view(request):
    """Prometheus text format. Only scrapers on METRICS_ALLOWED_NETWORKS may read it."""
    if not _allowed(request):
        return HttpResponseForbidden("metrics are for the monitoring network\n", content_type="text/plain")
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY
    body = generate_latest(registry) + generate_latest(_queue_registry())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


_QUEUE_REGISTRY: CollectorRegistry | None = None


def _queue_registry() -> CollectorRegistry:
    global _QUEUE_REGISTRY
    if _QUEUE_REGISTRY is None:
        _QUEUE_REGISTRY = CollectorRegistry()
        _QUEUE_REGISTRY.register(QueueDepthCollector())
    return _QUEUE_REGISTRY
