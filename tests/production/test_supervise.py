"""scripts/lib/supervise.sh, which make demo and make up run under: on Ctrl-C (INT), TERM
or a hang-up (HUP) every process it started is stopped, with the processes those started
(a Celery pool, gunicorn workers); and when one child dies, the rest are stopped too."""

import os
import signal
import subprocess
import textwrap
import time

import pytest

from tests.production.conftest import ROOT, wait_for

SCRIPT = textwrap.dedent(
    """
    set -euo pipefail
    RUN_DIR="$1" LOG_DIR="$1" STOP_GRACE=2
    source "{root}/scripts/lib/supervise.sh"
    install_traps
    # A service that itself forks a child (like a Celery worker and its pool process).
    spawn parent bash -c 'sleep 300 & echo $! > "$0/grandchild.pid"; wait' "$1"
    # A service that ignores TERM, so it must be killed after the grace period.
    spawn stubborn bash -c 'trap "" TERM; while true; do sleep 1; done'
    spawn_console plain sleep 300
    echo started
    supervise
    """
).format(root=ROOT)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie awaiting its parent's wait() counts as gone.
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().split()[2] != "Z"


def start(tmp_path):
    proc = subprocess.Popen(
        ["bash", "-c", SCRIPT, "supervisor", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    wait_for(
        lambda: (tmp_path / "grandchild.pid").exists() and (tmp_path / "plain.pid").exists(), 20, "spawns"
    )
    time.sleep(0.3)
    pids = [int((tmp_path / f"{n}.pid").read_text()) for n in ("parent", "stubborn", "plain", "grandchild")]
    assert all(alive(p) for p in pids)
    return proc, pids


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_to_the_supervisor_stops_every_process_it_started(tmp_path, sig):
    proc, pids = start(tmp_path)
    proc.send_signal(sig)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode != 0
    # A process signalled (KILL included) is gone only once the kernel has run its exit, which
    # can trail the supervisor's own exit by a moment on a busy machine: wait briefly.
    try:
        wait_for(lambda: not [p for p in pids if alive(p)], 5, "every process gone")
    except AssertionError:
        raise AssertionError(f"still alive: {[p for p in pids if alive(p)]}\n{out}")
    assert "stopped parent" in out and "stopped stubborn" in out
    assert not list(tmp_path.glob("parent.pid"))


def test_one_child_dying_stops_the_others(tmp_path):
    proc, pids = start(tmp_path)
    os.kill(pids[2], signal.SIGKILL)  # "plain" dies
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode != 0 and "A process exited" in out
    assert not [p for p in pids if alive(p)], out
