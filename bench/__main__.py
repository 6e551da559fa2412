"""Run benchmarks: ``python -m bench [name ...]`` (default: all).

Creates a fresh database next to the one in DATABASE_URL, migrates it, runs each
benchmark module's ``run()`` and writes its section of docs/benchmarks.md (sections of
benchmarks not run this time are kept). Ratios are measured within one run; absolute
times are printed beside them because machines here are noisy.
"""

import datetime as dt
import importlib
import os
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

# One module per row of DESIGN.md's performance table, each with run() -> markdown. A module
# not written yet is skipped (and said so), so adding one is adding its name here.
BENCHMARKS = ["draw", "credit_read", "ledger_append", "list_search", "complaints_report", "load"]
DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def _fresh_database() -> str:
    import psycopg

    # The bench creates and migrates its own database: as the owner when there is one.
    url = os.environ.pop("DATABASE_OWNER_URL", "") or os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("bench: DATABASE_URL must point at PostgreSQL")
    parts = urlparse(url)
    name = f"telereg_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunparse(parts._replace(path=f"/{name}"))


def _write_doc(name: str, text: str) -> None:
    DOC.parent.mkdir(exist_ok=True)
    doc = (
        DOC.read_text() if DOC.exists() else "# Benchmarks\n\nWritten by `make bench` (`python -m bench`).\n"
    )
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{text.strip()}\n{end}"
    if start in doc:
        doc = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _m: block, doc, flags=re.S)
    else:
        doc = doc.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(doc)


def main(argv: list[str]) -> None:
    from importlib.util import find_spec

    missing = [n for n in BENCHMARKS if find_spec(f"bench.{n}") is None]
    if missing:
        print(f"bench: not written yet, skipped: {missing}", flush=True)
    names = argv or [n for n in BENCHMARKS if n not in missing]
    unknown = set(names) - set(BENCHMARKS)
    if unknown:
        sys.exit(f"bench: unknown benchmark(s) {sorted(unknown)}; choose from {BENCHMARKS}")
    os.environ["DATABASE_URL"] = _fresh_database()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")  # production settings refuse none
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    for name in names:
        mod = importlib.import_module(f"bench.{name}")
        t0 = time.perf_counter()
        print(f"== {name}", flush=True)
        text = mod.run()
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        from bench.common import machine

        text += f"\n\n_Run {stamp} on {machine()}, took {time.perf_counter() - t0:.0f} s._"
        print(text, flush=True)
        _write_doc(name, text)


if __name__ == "__main__":
    main(sys.argv[1:])
