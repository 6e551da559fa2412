"""/metrics, /healthz, /livez and the request id on every log line of a request."""

import io
import json
import logging

import pytest
from django.test import override_settings

from config.logging import build


@pytest.fixture
def json_lines():
    """Capture telereg.access and django.request through the production JSON handler."""
    config = build("INFO", "json")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    from pythonjsonlogger.json import JsonFormatter

    from config.logging import ContextFilter

    fmt = config["formatters"]["json"]
    handler.setFormatter(
        JsonFormatter(fmt["fmt"], rename_fields=fmt["rename_fields"], timestamp=fmt["timestamp"])
    )
    handler.addFilter(ContextFilter())
    loggers = [logging.getLogger(n) for n in ("telereg.access", "django.request")]
    for lg in loggers:
        lg.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for lg in loggers:
        lg.removeHandler(handler)


def test_every_line_of_a_request_carries_its_request_id(client, db, json_lines):
    ok = client.get("/livez")
    missing = client.get("/api/v1/no-such-endpoint/")
    assert ok.status_code == 200 and missing.status_code == 404
    lines = json_lines()
    access = [line for line in lines if line["logger"] == "telereg.access"]
    assert [a["request_id"] for a in access] == [ok["X-Request-ID"], missing["X-Request-ID"]]
    # Django logs the 404 after every middleware returned: the id still comes through.
    warn = [line for line in lines if line["logger"] == "django.request"]
    assert warn and all(w["request_id"] == missing["X-Request-ID"] for w in warn)
    assert all(line["time"] and line["level"] for line in lines)


def test_a_client_request_id_is_kept_everywhere(client, db, json_lines):
    response = client.get("/livez", HTTP_X_REQUEST_ID="trace-42")
    assert response["X-Request-ID"] == "trace-42"
    assert json_lines()[-1]["request_id"] == "trace-42"


def test_metrics_count_requests_by_view_for_the_monitoring_network_only(client, db):
    client.get("/livez")
    body = client.get("/metrics").content.decode()
    assert 'telereg_http_request_duration_seconds_count{method="GET",view="livez"}' in body
    assert 'telereg_http_requests_total{status="2xx",view="livez"}' in body
    assert "telereg_task_runs_total" in body and "telereg_queue_depth" in body
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    with override_settings(METRICS_ALLOWED_NETWORKS=["203.0.113.0/24"]):
        assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 200


def test_healthz_checks_database_and_broker(client, db, redis_url):
    assert client.get("/livez").json() == {"status": "ok"}
    with override_settings(CELERY_BROKER_URL=redis_url):
        assert client.get("/healthz").status_code == 200
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        down = client.get("/healthz")
    assert down.status_code == 503
    assert down.json()["checks"]["broker"]["status"] == "error"
    assert down.json()["checks"]["database"]["status"] == "ok"


def test_task_and_sweep_counters():
    from config import metrics

    before = metrics.TASK_RUNS.labels("regulator.tasks.audit_seal", "SUCCESS")._value.get()
    metrics.task_finished("regulator.tasks.audit_seal", "SUCCESS", 0.01, 7)
    metrics.task_finished("credit.tasks.flag_overdue", "SUCCESS", 0.01, {"objections": 2, "repairs": 1})
    metrics.task_finished("regulator.tasks.audit_seal", "FAILURE", 0.01, None)
    assert metrics.TASK_RUNS.labels("regulator.tasks.audit_seal", "SUCCESS")._value.get() == before + 1
    assert metrics.SWEEP_ITEMS.labels("credit.tasks.flag_overdue", "repairs")._value.get() >= 1
    assert metrics.TASK_FAILURES.labels("regulator.tasks.audit_seal")._value.get() >= 1
