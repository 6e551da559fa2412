"""Real services for the production tests: a Redis server of our own on a free port, and
Celery worker / beat processes started against it and the test database.

Redis is Debian's redis-server, installed by scripts/ensure-redis.sh when missing (CI runs
as root on a clean machine). Everything started here is stopped by the fixture that
started it, by pid, whatever the test's outcome.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.credit.conftest import deduction, propose, published  # noqa: F401  (credit fixtures, reused)

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    t0 = time.monotonic()
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            print(f"waited {time.monotonic() - t0:.1f} s for {what}")
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    server = subprocess.run(
        [str(ROOT / "scripts" / "ensure-redis.sh")], check=True, capture_output=True, text=True
    ).stdout.strip()
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [
            server,
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
            "--daemonize",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)

    def up():
        try:
            return client.ping()
        except redis.ConnectionError:
            return False

    try:
        wait_for(up, 20, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Proc:
    """A Celery process we started in a session of its own, with its log file."""

    def __init__(self, name: str, args: list[str], env: dict, log: Path):
        self.name, self.log = name, log
        self.popen = subprocess.Popen(
            args, env=env, cwd=ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def json_lines(self) -> list[dict]:
        out = []
        for line in self.text().splitlines():
            if line.startswith("{"):
                out.append(json.loads(line))
        return out

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.popen.pid}/task/{self.popen.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except FileNotFoundError:
            return []

    def kill_all(self) -> None:
        """SIGKILL the process and everything in its session (its pool processes)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(15)
        self.kill_all()


@pytest.fixture
def celery_env(redis_url, tmp_path, transactional_db):
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.production.worker_settings",
        "SECRET_KEY": "production-tests",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": redis_url,
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "DB_CONN_MAX_AGE": "0",
    }
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    return env


@pytest.fixture
def start(celery_env, tmp_path):
    """start("worker" | "beat", *extra args) → a running Proc; all stopped after the test."""
    started: list[Proc] = []

    def run(kind: str, *extra: str, env: dict | None = None) -> Proc:
        name = f"{kind}-{len(started)}"
        args = [str(VENV_BIN / "celery"), "-A", "config", "--quiet", kind, "--loglevel=INFO"]
        if kind == "worker":
            args += [
                "--pool=prefork",
                "--concurrency=1",
                f"--hostname=t-{uuid.uuid4().hex[:8]}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ]
        else:
            args += [
                "--scheduler",
                "config.beat:SingletonScheduler",
                "--schedule",
                str(tmp_path / f"{name}.db"),
            ]
        proc = Proc(name, args + list(extra), {**celery_env, **(env or {})}, tmp_path / f"{name}.log")
        started.append(proc)
        if kind == "worker":
            wait_for(lambda: "ready" in proc.text() and proc.children(), 60, f"{name} ready")
        return proc

    yield run
    for proc in reversed(started):
        proc.stop()
