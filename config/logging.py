"""Log lines as JSON objects (production) or text (demo), each carrying the request id.

Web: the request id is the one ``config.metrics.RequestMetricsMiddleware`` fixes at the very
start of the request (and the kernel's ``RequestIdMiddleware`` then reuses), held in
``regulator.context.request_id``. Django logs a 4xx/5xx after every middleware has returned,
when the context variable is already reset, so the filter falls back to the request object
Django passes with such records. Worker: the id travels in the task's headers (set when a
request enqueues work) and is restored before the task runs, with the task's id and name,
so a line written by a sweep started from a request names that request.
"""

import logging
from contextvars import ContextVar

from regulator import context

# The running Celery task (worker side): set by config.celery's prerun/postrun handlers.
task_context: ContextVar[tuple[str, str] | None] = ContextVar("task_context", default=None)


class ContextFilter(logging.Filter):
    """Adds request_id (always, "" outside any request or task) and task_id / task_name."""

    def filter(self, record: logging.LogRecord) -> bool:
        rid = context.request_id.get()
        if not rid:
            request = getattr(record, "request", None)
            meta = getattr(request, "META", None)
            if isinstance(meta, dict):
                rid = meta.get("HTTP_X_REQUEST_ID", "")
        record.request_id = rid
        task = task_context.get()
        if task:
            record.task_id, record.task_name = task
        # The request object is not serialisable; its id is all a log line needs.
        if hasattr(record, "request") and not isinstance(record.request, str | int | float):
            del record.request
        return True


def build(level: str = "INFO", fmt: str = "json") -> dict:
    """The LOGGING dict: one console handler on stderr, JSON or text, with ContextFilter."""
    if fmt not in {"json", "text"}:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, got {fmt!r}")
    formatters = {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    }
    # Python warnings (Celery's "running as root", deprecations) become log lines too, so
    # nothing reaches stderr outside the JSON format.
    logging.captureWarnings(True)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "config.logging.ContextFilter"}},
        "formatters": {fmt: formatters[fmt]},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": fmt, "filters": ["context"]},
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Celery's own loggers propagate to the root handler (worker_hijack_root_logger off).
            "celery": {"level": level},
            # billiard (the worker's pool) logs through "multiprocessing" without propagating.
            "multiprocessing": {"level": "WARNING", "handlers": ["console"], "propagate": False},
        },
    }
