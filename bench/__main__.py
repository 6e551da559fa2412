"""Run benchmarks: ``python -m bench [name ...]`` (default: all).

Creates a fresh database next to the one in DATABASE_URL, migrates it, runs each
benchmark module's ``run()`` and writes its section of docs/benchmarks.md (sections of
benchmarks not run this time are kept), then the summary table at the top of the file: one
row per target of DESIGN.md's performance table with the measured figure, the target,
"met" / "NOT met", the date and how long the benchmark took. Ratios are measured within one
run; absolute times are printed beside them because machines here are noisy.

The interface of a benchmark module: ``run()`` returns its markdown section, or
``(markdown, [bench.common.Summary, ...])`` with its summary row(s). For a module that
returns markdown alone the row is read from the section: its bold figures, and "NOT met"
if the section says so anywhere, else "met" if it says that, else "not stated". A
benchmark that raises is reported as "error" (its previous section kept below the error)
and the others still run; one whose module does not exist is "NOT run".
"""

import datetime as dt
import importlib
import json
import os
import re
import sys
import time
import traceback
from pathlib import Path
from urllib.parse import urlparse, urlunparse

# One module per row of DESIGN.md's performance table, in the table's order. A module not
# written yet is skipped (and said so), so adding one is adding its name here.
BENCHMARKS = ["draw", "credit_read", "ledger_append", "list_search", "complaints_report", "load", "pages"]
# DESIGN.md's performance table: (row, target) per benchmark module.
TARGETS = {
    "draw": (
        "Draw, 1,000,000 targets",
        "identical to the reference, ≥ 3× faster on tickets + selection; whole draw ≤ 10 s",
    ),
    "credit_read": ("Credit score read, 10M ledger rows", "latency at 10M ≤ 1.5× latency at 10k"),
    "ledger_append": (
        "Ledger append, 8 writers",
        "no lost update; single posts from 8 processes ≥ 1,000/s and ≥ 0.25 × pgbench TPC-B",
    ),
    "list_search": (
        "List search, 200k and 2M entries",
        "every query shape ≥ 50× an unindexed scan, p95 ≤ 50 ms",
    ),
    "complaints_report": (
        "Complaint report, 5,000,000 complaints",
        "equal to a naive recomputation, ≥ 20× faster",
    ),
    "load": (
        "API throughput, public credit lookup",
        "≥ 0.5× a constant view's req/s under gunicorn, 0 errors",
    ),
    "pages": ("Public pages, demo data", "server time ≤ 300 ms for every /public/ page"),
}
DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
SUMMARY_START, SUMMARY_END = "<!-- bench:summary -->", "<!-- /bench:summary -->"
DATA = re.compile(r"<!-- bench:summary-data (.*?) -->", re.S)
INTRO = """# Benchmarks

Written by `make bench` (`python -m bench`; one benchmark: `make bench BENCH_ARGS=<name>`,
names: draw, credit_read, ledger_append, list_search, complaints_report, load, pages).

One section per row of DESIGN.md's performance table. Each section gives the ratio the target
is stated in with the absolute figures beside it, says "met" or "NOT met", and ends with the
date, the machine and how long it took. The summary below is rewritten by `bench/__main__.py`
after every benchmark: one row per DESIGN.md target, each with the date of the run that
measured it (a run of one benchmark keeps the other rows); a benchmark that failed says
"error" (and `make bench` exits non-zero after writing everything), one not written says
"NOT run". On this shared 2-core machine absolute times depend on the load average; the
ratios are taken within one run.

Test data come from the seeded generators in `bench/generate/` (COPY, reproducible from the
seed, a second call adds nothing): `enterprises` and `ledger_entries` (`__init__.py`),
`lists`, `complaints` (5,000,000 complaints with deadlines and results from the app's own
clock functions and rollups from its own `transitions.contribution`) and `frames`
(1,000,000 licensees in credit strata backed by ledger postings, 10,000 inspectors).
`python -m bench.generate KIND N --seed S` loads one kind into `DATABASE_URL`.
"""


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


def _read_doc() -> str:
    return DOC.read_text() if DOC.exists() else INTRO


def _write_section(name: str, text: str) -> None:
    doc = _read_doc()
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{text.strip()}\n{end}"
    if start in doc:
        doc = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _m: block, doc, flags=re.S)
    else:
        doc = doc.rstrip() + "\n\n" + block + "\n"
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(doc)


def _section(name: str) -> str:
    m = re.search(rf"<!-- bench:{name} -->\n(.*?)\n<!-- /bench:{name} -->", _read_doc(), flags=re.S)
    return m.group(1) if m else ""


def rows_from_markdown(text: str) -> list[dict]:
    """The summary row of a module that returns markdown alone (see the module docstring)."""
    figures = [f for f in re.findall(r"\*\*(.+?)\*\*", text) if any(ch.isdigit() for ch in f)]
    verdict = "NOT met" if "NOT met" in text else "met" if re.search(r"\bmet\b", text) else "not stated"
    measured = "; ".join(figures[:4]) or "see its section"
    return [{"measured": measured, "verdict": verdict}]


def _verdict(met: bool | None) -> str:
    return "not stated" if met is None else "met" if met else "NOT met"


def _normalise(result) -> tuple[str, list[dict]]:
    """run()'s result → (markdown, rows)."""
    if isinstance(result, tuple):
        text, summaries = result
        rows = [
            {"measured": s.measured, "verdict": _verdict(s.met), "target": s.target, "what": s.what}
            for s in summaries
        ]
        return text, rows
    return result, rows_from_markdown(result)


def summary_table(data: dict) -> str:
    """The summary block from the stored rows (one list of rows per benchmark)."""
    lines = [
        "## Summary",
        "",
        "| target (DESIGN.md) | measured | target | verdict | run | took |",
        "|---|---|---|---|---|---|",
    ]
    total = 0.0
    for name in BENCHMARKS:
        what, target = TARGETS[name]
        entry = data.get(name) or {
            "rows": [{"measured": "—", "verdict": "NOT run"}],
            "date": "—",
            "seconds": None,
        }
        secs = entry.get("seconds")
        total += secs or 0
        took = "—" if secs is None else f"{secs:.0f} s"
        for row in entry["rows"]:
            verdict = row["verdict"]
            shown = f"**{verdict}**" if verdict != "met" else verdict
            lines.append(
                f"| {row.get('what') or what} | {row['measured']} | {row.get('target') or target} | {shown} "
                f"| {entry['date']} | {took} |"
            )
    lines += [
        "",
        f"Sum of the latest run times: {total / 60:.0f} min (each benchmark also generates its own data).",
    ]
    if data.get("_machine"):
        lines.append(f"Machine of the latest run: {data['_machine']}.")
    return "\n".join(lines)


def _from_section(text: str) -> dict:
    """A summary entry from a section written before the summary existed (its stamp line)."""
    stamp = re.search(r"_Run (\d{4}-\d\d-\d\d \d\d:\d\d UTC)", text)
    took = re.search(r"took (\d+) s\._", text)
    return {
        "rows": rows_from_markdown(text),
        "date": stamp.group(1) if stamp else "—",
        "seconds": float(took.group(1)) if took else None,
    }


def write_summary(updates: dict) -> None:
    """Merge this run's rows into the stored ones and rewrite the summary block."""
    doc = _read_doc()
    m = DATA.search(doc)
    data = json.loads(m.group(1)) if m else {}
    data.update(updates)
    for name in BENCHMARKS:
        if name not in data and (text := _section(name)):
            data[name] = _from_section(text)
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True)
    block = f"{SUMMARY_START}\n{summary_table(data)}\n\n<!-- bench:summary-data {blob} -->\n{SUMMARY_END}"
    if SUMMARY_START in doc:
        doc = re.sub(
            re.escape(SUMMARY_START) + r".*?" + re.escape(SUMMARY_END), lambda _m: block, doc, flags=re.S
        )
    else:
        # Right after the introduction: before the first benchmark's section.
        at = doc.find("<!-- bench:")
        doc = (doc.rstrip() + "\n\n" + block + "\n") if at < 0 else (doc[:at] + block + "\n\n" + doc[at:])
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(doc)


def run_one(name: str, stamp: str, machine: str) -> dict:
    """Run one benchmark; its section and summary entry, whatever happens."""
    t0 = time.perf_counter()
    print(f"== {name}", flush=True)
    try:
        mod = importlib.import_module(f"bench.{name}")
        text, rows = _normalise(mod.run())
    except Exception as exc:  # a failing benchmark is reported; the others still run
        from django.db import connections

        took = time.perf_counter() - t0
        tb = traceback.format_exc()
        print(tb, flush=True)
        connections.close_all()  # a broken connection must not fail the next benchmark
        note = (
            f"**Error** in the run of {stamp} after {took:.0f} s: `{type(exc).__name__}: {str(exc)[:300]}`\n\n"
            f"```\n{tb[-1500:]}\n```"
        )
        previous = _section(name)
        if previous and "**Error** in the run of" not in previous:
            note += "\n\nLast completed run:\n\n" + previous
        _write_section(name, note)
        reason = f"error: {type(exc).__name__}: {str(exc)[:120]}".replace("|", "/")
        return {"rows": [{"measured": reason, "verdict": "error"}], "date": stamp, "seconds": round(took, 1)}
    took = time.perf_counter() - t0
    text += f"\n\n_Run {stamp} on {machine}, took {took:.0f} s._"
    print(text, flush=True)
    _write_section(name, text)
    for row in rows:
        row["measured"] = row["measured"].replace("|", "/").replace("\n", " ")
    return {"rows": rows, "date": stamp, "seconds": round(took, 1)}


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

    from bench.common import machine

    call_command("migrate", verbosity=0)
    where = machine()
    updates: dict = {"_machine": where}
    if not argv:
        for name in missing:
            updates[name] = {"rows": [{"measured": "module not written", "verdict": "NOT run"}], "date": "—"}
    t_all = time.perf_counter()
    for name in names:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        updates[name] = run_one(name, stamp, where)
        write_summary(updates)  # after each benchmark: a cut-off run still leaves a summary
    write_summary(updates)
    print(f"bench: {len(names)} benchmark(s) in {(time.perf_counter() - t_all) / 60:.1f} min", flush=True)
    failed = [n for n in names if updates[n]["rows"][0]["verdict"] == "error"]
    if failed:
        # Everything is written first; the exit status then tells make (and CI) about it.
        sys.exit(f"bench: failed: {failed} (see docs/benchmarks.md)")


if __name__ == "__main__":
    main(sys.argv[1:])
