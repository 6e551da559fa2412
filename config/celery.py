"""The Celery app, and what every task run carries: the request id, log context, metrics.

Reliability settings (late acknowledgement, redelivery when a worker dies) are in
config/settings.py under CELERY_*; see docs/operations.md for why each is there.
"""

import os
import time

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("telereg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Per running task: start time and the context-variable tokens to restore afterwards (an
# eager task inside a request must hand the request its own id back).
_running: dict[str, tuple[float, object, object]] = {}


@signals.setup_logging.connect
def _use_django_logging(**_kw):
    """Celery configures no handler of its own (not even billiard's pool logger): every
    line of the worker and beat goes through settings.LOGGING, JSON in production."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@signals.before_task_publish.connect
def _carry_request_id(headers=None, **_kw):
    """A task enqueued while serving a request remembers that request's id."""
    from regulator import context

    rid = context.request_id.get()
    if rid and headers is not None and "request_id" not in headers:
        headers["request_id"] = rid


@signals.task_prerun.connect
def _enter_task(task_id=None, task=None, **_kw):
    from config.logging import task_context
    from regulator import context

    rid = getattr(task.request, "request_id", None) or (task.request.headers or {}).get("request_id", "")
    # Outside a request, the task's own id serves as request id: every line still has one,
    # and the audit events the task writes name it.
    _running[task_id] = (
        time.perf_counter(),
        context.request_id.set(rid or context.request_id.get() or task_id),
        task_context.set((task_id, task.name)),
    )


@signals.task_postrun.connect
def _leave_task(task_id=None, task=None, retval=None, state=None, **_kw):
    from config import metrics
    from config.logging import task_context
    from regulator import context

    entry = _running.pop(task_id, None)
    seconds = None if entry is None else time.perf_counter() - entry[0]
    metrics.task_finished(task.name, state or "UNKNOWN", seconds, retval)
    if entry is not None:
        context.request_id.reset(entry[1])
        task_context.reset(entry[2])
