"""A beat-scheduled sweep end to end, and exactly one beat however many are started.

The sweep is the audit sealer (``regulator.tasks.audit_seal``, run by beat every
AUDIT_SEAL_INTERVAL_SECONDS): events written by services are unsealed until it chains them.
Beat dispatches it through Redis to a real worker, which seals the events in PostgreSQL;
the worker's counters reach /metrics through the shared multiprocess directory.
"""

import signal

import pytest
from prometheus_client import CollectorRegistry, multiprocess

from regulator.audit import unsealed_count, verify_chain
from tests.production.conftest import wait_for

pytestmark = pytest.mark.slow
FAST = {"TELEREG_AUDIT_SEAL_INTERVAL_SECONDS": "1"}


def metric(env: dict, name: str, labels: dict) -> float:
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=env["PROMETHEUS_MULTIPROC_DIR"])
    return registry.get_sample_value(name, labels) or 0.0


def test_beat_runs_the_seal_sweep_through_a_worker_and_only_one_beat_dispatches(
    ent_a, ent_b, published, start, celery_env
):
    published(ent_a)
    waiting = unsealed_count()
    assert waiting > 0
    start("worker", env=FAST)
    first = start("beat", env=FAST)
    wait_for(lambda: unsealed_count() == 0, 60, "beat → worker to seal every event")
    checked, breaks = verify_chain()
    assert checked >= waiting and breaks == []
    task = {"task": "regulator.tasks.audit_seal"}
    assert metric(celery_env, "telereg_task_runs_total", {**task, "state": "SUCCESS"}) >= 1
    assert metric(celery_env, "telereg_sweep_items_total", {**task, "part": "all"}) >= waiting

    # A second beat (another machine's) stands by while the first holds the lock ...
    second = start("beat", env=FAST)
    wait_for(lambda: "standing by" in second.text(), 60, "the second beat to stand by")
    assert "beat lock taken" in first.text() and "beat lock taken" not in second.text()
    # ... and takes over when the first dies, so the schedule goes on.
    first.popen.send_signal(signal.SIGKILL)
    first.popen.wait(10)
    wait_for(lambda: "beat lock taken" in second.text(), 60, "the standby to take over")
    published(ent_b)
    wait_for(lambda: unsealed_count() == 0, 60, "the new beat's sweep to seal the new events")
    assert verify_chain()[1] == []
