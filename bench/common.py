"""Helpers for the benchmarks: timing and bulk loading with SQL."""

import statistics
import time
from collections.abc import Callable

from django.db import connection


def timings(fn: Callable[[], object], n: int, warmup: int = 20) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def p(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def ms(v: float) -> str:
    return f"{v * 1000:.2f} ms"


def median(values: list[float]) -> float:
    return statistics.median(values)


def sql(text: str, params=None) -> None:
    with connection.cursor() as cur:
        cur.execute(text, params)


def make_enterprises(n: int, prefix: str = "91") -> list[int]:
    """n enterprises with codes of the right shape (the register's check constraint)."""
    sql(
        """
        INSERT INTO regulator_enterprise (uscc, name, legal_representative, registered_address, province,
                                          contact_phone, contact_email, created_at, updated_at)
        SELECT %s || '1101' || lpad(g::text, 12, '0'), '基准企业' || g, '张三', '北京', '11', '', '', now(), now()
        FROM generate_series(1, %s) g
        ON CONFLICT (uscc) DO NOTHING
        """,
        [prefix, n],
    )
    from regulator.models import Enterprise

    return list(
        Enterprise.objects.filter(uscc__startswith=prefix + "1101")
        .order_by("id")
        .values_list("id", flat=True)
    )


def machine() -> str:
    """One line naming the machine a figure was measured on (CPU, cores, memory, PostgreSQL)."""
    import os
    import platform

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    try:
        with open("/proc/meminfo") as fh:
            mem = f"{int(fh.readline().split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        mem = "RAM unknown"
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    return f"{cpu}, {os.cpu_count()} cores, {mem}, Python {platform.python_version()}, PostgreSQL {pg}"


def pgbench_tpcb(clients: int = 8, seconds: int = 15, scale: int = 8) -> float:
    """pgbench's TPC-B-like rate (transactions/s) with ``clients`` clients on the cluster of
    DATABASE_URL, in a scratch database dropped afterwards: the database's own ceiling for
    small write transactions on this machine, to put the ledger's rate beside."""
    import os
    import re
    import subprocess
    import uuid
    from pathlib import Path
    from urllib.parse import urlparse, urlunparse

    import psycopg

    url = os.environ["DATABASE_URL"]
    name = f"pgbench_{uuid.uuid4().hex[:8]}"
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))
    pgbench = str(bins[-1]) if bins else "pgbench"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    scratch = urlunparse(urlparse(url)._replace(path=f"/{name}"))
    try:
        subprocess.run([pgbench, "-i", "-q", "-s", str(scale), scratch], check=True, capture_output=True)
        out = subprocess.run(
            [pgbench, "-c", str(clients), "-j", str(clients), "-T", str(seconds), "-n", scratch],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return float(re.search(r"tps = ([0-9.]+)", out).group(1))
