"""Helpers for the benchmarks: timing and bulk loading with SQL."""

import contextlib
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

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


class bulk_load:  # noqa: N801  (used as a context manager, like contextlib's)
    """Inside a transaction: drop a table's secondary indexes, unique and foreign-key
    constraints, and put them back on exit, by their own definitions (pg_get_indexdef,
    pg_get_constraintdef), so a large COPY does not maintain a dozen indexes row by row nor
    queue millions of deferred foreign-key checks. Putting them back validates every row (a
    duplicate or a dangling key fails the load, and the transaction rolls it back).

    Only the table's owner may do this; for anyone else (the tests' application role) and
    for small loads (``rows`` below ``threshold``) it does nothing, and the rows go through
    the indexes as usual."""

    def __init__(self, table: str, rows: int, threshold: int = 100_000):
        self.table, self.active = table, False
        self.indexes: list[str] = []
        self.constraints: list[tuple[str, str]] = []
        if rows < threshold:
            return
        with connection.cursor() as cur:
            cur.execute(
                "SELECT pg_has_role(current_user, tableowner, 'USAGE') FROM pg_tables WHERE tablename = %s",
                [table],
            )
            row = cur.fetchone()
        self.active = bool(row and row[0])

    def __enter__(self):
        if not self.active:
            return self
        if not connection.in_atomic_block:
            raise RuntimeError("bulk_load must run inside transaction.atomic()")
        with connection.cursor() as cur:
            cur.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') AND NOT EXISTS (SELECT 1 "
                "FROM pg_constraint r WHERE r.contype = 'f' AND r.conrelid <> pg_constraint.conrelid "
                "AND pg_constraint.contype = 'u' AND r.conindid = pg_constraint.conindid) ORDER BY conname",
                [self.table],
            )
            self.constraints = cur.fetchall()
            cur.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
                [self.table],
            )
            rows = cur.fetchall()
            self.indexes = [d for _n, d in rows]
            for name, _d in self.constraints:
                cur.execute(f'ALTER TABLE {self.table} DROP CONSTRAINT "{name}"')
            for name, _d in rows:
                cur.execute(f"DROP INDEX {name}")
        return self

    def __exit__(self, exc_type, exc, tb):
        if not self.active or exc_type is not None:
            return False  # the transaction's rollback restores everything
        with connection.cursor() as cur:
            cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for d in self.indexes:
                cur.execute(d)
            # Unique constraints first (a constraint another table's key points at is never
            # dropped: see __enter__).
            for name, d in sorted(self.constraints, key=lambda c: c[1].startswith("FOREIGN")):
                cur.execute(f'ALTER TABLE {self.table} ADD CONSTRAINT "{name}" {d}')
        return False


def copy_binary(table: str, columns: list[str], rows) -> int:
    """COPY rows into ``table`` in PostgreSQL's binary format; returns the number sent. About
    three times less work for the server than the text format (no date, time or number
    parsing), which is what bounds a large load here."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a "
            "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
            [table],
        )
        types = dict(cur.fetchall())
    n = 0
    with (
        connection.cursor() as cur,
        cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)") as cp,
    ):
        cp.set_types([types[c] for c in columns])
        for row in rows:
            cp.write_row(row)
            n += 1
    return n


@dataclass
class Summary:
    """One row of the summary table at the top of docs/benchmarks.md (bench/__main__.py).

    A benchmark's ``run()`` may return ``(markdown, [Summary, ...])`` instead of the
    markdown alone; ``measured`` is the figure the target is stated in with the absolute
    figures beside it, ``met`` True/False (None when the run cannot say)."""

    measured: str
    met: bool | None
    target: str = ""  # default: DESIGN.md's target for the benchmark (bench.__main__.TARGETS)
    what: str = ""  # default: the benchmark's row name in DESIGN.md's table


def unthrottled():
    """override_settings lifting every throttle rate: a benchmark sends all its requests from
    one client, which production's per-client rates would (rightly) refuse."""
    from django.test import override_settings

    from regulator.throttles import rates

    return override_settings(TELEREG_THROTTLE_RATES=dict.fromkeys(rates(), "1000000/m"))


@contextlib.contextmanager
def own_database(suffix: str):
    """A database of its own, next to the bench's, migrated; the default connection points at
    it inside the block. For the benchmarks whose target is stated on demo data (public pages,
    the load test): the data the benchmarks before them generate (draw frames, 10M ledger
    rows whose postings expire, 5M complaints) would otherwise be in every request and in the
    demo loader's sweeps, and a full run's figures would not compare with a run of one alone."""
    import psycopg
    from django.core.management import call_command
    from django.db import connections

    conn = connections["default"]
    old = conn.settings_dict["NAME"]
    name = f"{old}_{suffix}"
    params = conn.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    conn.settings_dict["NAME"] = name
    try:
        call_command("migrate", verbosity=0)
        yield
    finally:
        conn.close()
        conn.settings_dict["NAME"] = old
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
