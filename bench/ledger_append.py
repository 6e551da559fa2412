"""Ledger append from 8 OS processes beside pgbench's TPC-B on the same cluster (issue 17).

Target (DESIGN.md): single ``ledger_post`` calls from 8 processes ≥ 1,000 entries/s and
≥ 0.25 × pgbench TPC-B (8 clients) in the same run, on 16 contended accounts and on 10,000
spread accounts, with no lost update; batches reported beside. The same run measures what
a post's floor is made of: the CPU one post costs in the client process and in its
PostgreSQL backend, the rate of a bare Python transaction (``SELECT 1``), and the rate of
the post's own two statements sent by a bare psycopg loop with no Django and no rules.
"""

import multiprocessing
import os
import random
import time

import psycopg
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.common import Summary, pgbench_tpcb
from bench.generate import enterprises
from credit import conf, services
from credit.services import ledger_pg
from credit.services.common import grade_of
from regulator.models import Enterprise

WRITERS = 8
SECONDS = float(os.environ.get("BENCH_LEDGER_SECONDS", "15"))
FLOOR_SECONDS = max(3.0, SECONDS / 2)
CONTENDED, SPREAD = 16, 10_000
BATCH = 50
PROFILE_POSTS = 1000
PGBENCH_SCALE = 16
# Rules with no list effect: a listing rule cannot be posted directly (issue 8).
RULES = ["COMPLAINT_TIMELINESS", "BONUS_CLEAN_INSPECTION", "BONUS_ANNUAL_REPORT", "BONUS_EXEMPLARY"]

# The profile before this work, as recorded (one warm post, same method: cProfile/execute
# wrapper, notes of issue 17; client/backend CPU by /proc, 3,000 posts, same method as _profile).
BEFORE = """| | statements between BEGIN and COMMIT | round trips | Python per post | database per post |
|---|---|---|---|---|
| before issue 17 (8c93220, loaded machine) | 5 (lock, rule, entry, account, audit) | 7 | 4.1 ms | 5.5 ms wall in execute |
| after the CTE (d0f2231, loaded machine) | 2 (lock+rule+id, CTE) | 4 | 2.2 ms | 5.5–6.8 ms wall in execute |
| same (091494c), CPU by /proc, 3,000 posts, load 0.6–2.6 | 2 | 4 | 0.68–1.07 ms client CPU | 0.55–0.88 ms backend CPU |"""


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process on this machine (/proc)."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_mark(backend: int) -> tuple[float, float]:
    return time.process_time(), _cpu_seconds(backend)


def _cpu_used(mark: tuple[float, float], backend: int) -> tuple[float, float]:
    """(client, backend) CPU seconds since ``mark``."""
    return time.process_time() - mark[0], _cpu_seconds(backend) - mark[1]


def _machine_busy() -> tuple[int, int]:
    with open("/proc/stat") as fh:
        cpu = [int(v) for v in fh.readline().split()[1:]]
    idle = cpu[3] + cpu[4]
    return sum(cpu) - idle, sum(cpu)


def _busy_since(mark: tuple[int, int]) -> float:
    busy, total = _machine_busy()
    return (busy - mark[0]) / max(1, total - mark[1])


def _profile(ent) -> dict:
    """One process posting to a warm account: statements, client and backend CPU, wall."""
    services.ledger_post(actor="bench", enterprise=ent, rule_code=RULES[0])
    with CaptureQueriesContext(connection) as ctx:
        services.ledger_post(actor="bench", enterprise=ent, rule_code=RULES[0])
    statements = [q["sql"].split()[0] for q in ctx.captured_queries]
    in_execute = [0.0]

    def timed(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_execute[0] += time.perf_counter() - t0

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]
    b0, c0, t0 = _cpu_seconds(backend), time.process_time(), time.perf_counter()
    with connection.execute_wrapper(timed):
        for i in range(PROFILE_POSTS):
            services.ledger_post(actor="bench", enterprise=ent, rule_code=RULES[i % len(RULES)])
    wall = time.perf_counter() - t0
    n = PROFILE_POSTS
    return {
        "statements": statements,
        "prepared": connection.connection.prepare_threshold is not None,
        "wall": wall / n * 1e3,
        "execute": in_execute[0] / n * 1e3,
        "client_cpu": (time.process_time() - c0) / n * 1e3,
        "backend_cpu": (_cpu_seconds(backend) - b0) / n * 1e3,
    }


# --- workers (forked; each opens its own connection) -------------------------------------


def _post_worker(n, ids, seconds, barrier, out, batch) -> None:
    ents = list(Enterprise.objects.filter(pk__in=ids).only("id", "province"))
    rng = random.Random(1000 + n)
    count = errors = 0
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]
    barrier.wait()
    mark = _cpu_mark(backend)
    stop_at = time.monotonic() + seconds
    while time.monotonic() < stop_at:
        try:
            if batch:
                lines = [services.Posting(rng.choice(ents).pk, rng.choice(RULES)) for _ in range(batch)]
                services.ledger_post_batch(actor="bench", postings=lines)
                count += batch
            else:
                services.ledger_post(actor="bench", enterprise=rng.choice(ents), rule_code=rng.choice(RULES))
                count += 1
        except Exception:  # counted and reported, never hidden
            errors += 1
    cpu = _cpu_used(mark, backend)
    connection.close()
    out.put((count, errors, *cpu))


def _select1_worker(n, ids, seconds, barrier, out, batch) -> None:
    """BEGIN; SELECT 1; COMMIT from Python with psycopg: the per-transaction round-trip floor."""
    count = 0
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        barrier.wait()
        mark = _cpu_mark(conn.info.backend_pid)
        stop_at = time.monotonic() + seconds
        while time.monotonic() < stop_at:
            conn.execute("SELECT 1").fetchone()
            conn.commit()
            count += 1
        cpu = _cpu_used(mark, conn.info.backend_pid)
    out.put((count, 0, *cpu))


def _bare_worker(n, ids, seconds, barrier, out, batch) -> None:
    """The post's own two statements (prepared) and a durable commit from a psycopg loop:
    the database's share of a post with no Django and no rules in Python (accounts still
    move by the entry's points, so the lost-update check covers these rows too)."""
    sql = ledger_pg._statements()
    entry_cols, event_cols = sql["entry_attnames"], sql["event_attnames"]
    rng = random.Random(2000 + n)
    rule = RULES[n % len(RULES)]
    count = 0
    with psycopg.connect(os.environ["DATABASE_URL"], prepare_threshold=0) as conn:
        now = conn.execute("SELECT now()").fetchone()[0]
        conn.commit()
        barrier.wait()
        mark = _cpu_mark(conn.info.backend_pid)
        stop_at = time.monotonic() + seconds
        while time.monotonic() < stop_at:
            ent = rng.choice(ids)
            row = conn.execute(sql["lock"], (rule, ent)).fetchone()
            score, entry_id = row[0], row[6]
            r = dict(zip(sql["rule_fields"], row[7:], strict=True))
            rule_id, version, points = r["id"], r["version"], r["points"]
            entry = dict.fromkeys(entry_cols, None)
            entry.update(
                id=entry_id, enterprise_id=ent, rule_id=rule_id, rule_version=version, kind="posting",
                points=points, effective_at=now, recorded_at=now, source_ref="", actor_label="bench",
                note="", content_hash="0" * 64,
            )  # fmt: skip
            event = dict.fromkeys(event_cols, None)
            event.update(
                occurred_at=now, actor_label="bench", action="bench.floor", object_type="credit.ledgerentry",
                object_id=str(entry_id), before="{}", after="{}", reason="", request_id="",
                enterprise_id=ent, province="", content_hash="0" * 64,
            )  # fmt: skip
            params = (
                *[entry[c] for c in entry_cols],
                score + points,
                row[3] + 1,
                entry_id,
                row[4],
                now,
                ent,
                *[event[c] for c in event_cols],
            )
            conn.execute(sql["write"], params)
            conn.commit()
            count += 1
        cpu = _cpu_used(mark, conn.info.backend_pid)
    out.put((count, 0, *cpu))


def _processes(target, ids, seconds: float, batch: int = 0) -> dict:
    """Run ``target`` in 8 forked processes for ``seconds``; entries/s, errors, CPU busy."""
    ctx = multiprocessing.get_context("fork")
    connection.close()  # never share the parent's socket with the children
    barrier = ctx.Barrier(WRITERS + 1)
    out = ctx.Queue()
    procs = [ctx.Process(target=target, args=(n, ids, seconds, barrier, out, batch)) for n in range(WRITERS)]
    for pr in procs:
        pr.start()
    barrier.wait(timeout=120)  # every child connected and loaded its enterprises: all start now
    t0, mark = time.monotonic(), _machine_busy()
    results = [out.get(timeout=seconds + 120) for _ in procs]
    elapsed, busy = time.monotonic() - t0, _busy_since(mark)
    for pr in procs:
        pr.join()
    total = sum(r[0] for r in results)
    return {
        "n": total,
        "s": elapsed,
        "rate": total / elapsed,
        "errors": sum(r[1] for r in results),
        "busy": busy,
        # CPU of the 8 writer processes and of their 8 backends only (not other users of
        # the machine, nor the WAL writer): ms per entry.
        "client": sum(r[2] for r in results) / max(1, total) * 1e3,
        "backend": sum(r[3] for r in results) / max(1, total) * 1e3,
    }


def _lost_updates(ids: list[int]) -> tuple[int, int]:
    """Accounts whose score or entry count is not base + the sum of their entries."""
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT count(*) FILTER (WHERE a.score <> %s + coalesce(s.points, 0)
                                       OR a.entry_count <> coalesce(s.n, 0)), coalesce(sum(s.n), 0)
            FROM credit_account a
            LEFT JOIN (SELECT enterprise_id, sum(points) AS points, count(*) AS n
                       FROM credit_ledgerentry GROUP BY enterprise_id) s USING (enterprise_id)
            WHERE a.enterprise_id = ANY(%s)
            """,
            [conf.get("CREDIT_BASE_SCORE"), ids],
        )
        lost, stored = cur.fetchone()
    return lost, int(stored)


def _open_accounts(ids: list[int]) -> None:
    """Accounts at the base score, as each enterprise's first post would create them, so the
    phases measure warm posts (the first post's two extra statements are in the profile)."""
    base = conf.get("CREDIT_BASE_SCORE")
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO credit_account (enterprise_id, score, grade, on_bad_list, on_dishonest_list,"
            " entry_count, updated_at) SELECT id, %s, %s, false, false, 0, now() FROM unnest(%s::bigint[]) id"
            " ON CONFLICT (enterprise_id) DO NOTHING",
            [base, grade_of(base, False), ids],
        )


def _schema_cost() -> dict[str, tuple[int, int]]:
    """Indexes and triggers each row a post writes must maintain (table -> (indexes, triggers))."""
    out = {}
    with connection.cursor() as cur:
        for table in ("credit_ledgerentry", "credit_account", "regulator_auditevent"):
            cur.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s", [table])
            indexes = cur.fetchone()[0]
            cur.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table]
            )
            out[table] = (indexes, cur.fetchone()[0])
    return out


def _met(ok: bool) -> str:
    return "met" if ok else "**NOT met**"


def run() -> tuple[str, list]:
    with open("/proc/loadavg") as fh:
        load = " ".join(fh.read().split()[:3])
    contended = enterprises(CONTENDED, seed=17, serial_base=17_000_000)
    spread = enterprises(SPREAD, seed=18, serial_base=18_000_000)
    _open_accounts(contended + spread)
    prof = _profile(Enterprise.objects.get(pk=contended[0]))
    schema = _schema_cost()
    # pgbench between the two single-post phases, so that a change in the machine's load
    # during the run weighs on both sides of the ratio alike.
    single16 = _processes(_post_worker, contended, SECONDS)
    mark = _machine_busy()
    tps = pgbench_tpcb(clients=WRITERS, seconds=int(SECONDS), scale=PGBENCH_SCALE)
    # pgbench_tpcb also creates and fills its scratch database: its busy share is an upper bound.
    tps_busy = _busy_since(mark)
    single10k = _processes(_post_worker, spread, SECONDS)
    batched = _processes(_post_worker, spread, FLOOR_SECONDS, batch=BATCH)
    bare = _processes(_bare_worker, contended, FLOOR_SECONDS)
    select1 = _processes(_select1_worker, contended, FLOOR_SECONDS)
    lost, stored = _lost_updates(contended + spread)
    posted = PROFILE_POSTS + 2 + sum(p["n"] for p in (bare, single16, single10k, batched))
    errors = sum(p["errors"] for p in (bare, single16, single10k, batched))
    floor = tps / 4
    r16, r10k = single16["rate"], single10k["rate"]
    ok16 = r16 >= 1000 and r16 >= floor
    ok10k = r10k >= 1000 and r10k >= floor
    cpu_per_post = prof["client_cpu"] + prof["backend_cpu"]

    cores = os.cpu_count() or 1

    def row(name: str, p: dict, note: str = "") -> str:
        return (
            f"| {name} | {p['n']:,} | {p['s']:.1f} s | **{p['rate']:,.0f}/s** | {p['rate'] / tps:.2f}× "
            f"| {p['busy']:.0%} | {p['client']:.3f} + {p['backend']:.3f} ms | {p['errors']} | {note} |"
        )

    stmts = ", ".join(prof["statements"])
    text = f"""## Ledger append: single posts from {WRITERS} processes beside pgbench

Every credit write (complaint closures, inspection results, listings, sweeps) is one
`credit.services.ledger_post` from a gunicorn or Celery process. On PostgreSQL a warm post
is BEGIN, two statements, COMMIT: the account row lock (which also reads the rule and
draws the entry id), then one data-modifying CTE that inserts the entry, updates the account
and inserts the audit event (credit/services/ledger_pg.py). Durable PostgreSQL (fsync on),
{WRITERS} forked writer processes, each phase {SECONDS:.0f} s (floors {FLOOR_SECONDS:.0f} s); load average
at the start {load}.

### Rates (same run, same cluster)

| phase | entries | elapsed | rate | × pgbench | machine busy | CPU per entry: client + backend | errors | |
|---|---|---|---|---|---|---|---|---|
| pgbench TPC-B, {WRITERS} clients, scale {PGBENCH_SCALE} (C client, 5 statements) | | {SECONDS:.0f} s | **{tps:,.0f} tps** | 1.00× | ≤ {tps_busy:.0%} | ≤ {tps_busy * cores * 1e3 / tps:.2f} ms (machine) | | the reference |
{row(f"single `ledger_post`, {WRITERS} processes, {CONTENDED} accounts (contended)", single16)}
{row(f"single `ledger_post`, {WRITERS} processes, {SPREAD:,} accounts (spread)", single10k)}
{row(f"`ledger_post_batch` of {BATCH}, {WRITERS} processes, {SPREAD:,} accounts", batched, "beside")}
{row("floor: the post's two statements + commit, bare psycopg loop", bare, "no Django, no rules")}
{row("floor: BEGIN; SELECT 1; COMMIT from Python", select1, "no write, no fsync")}

Machine busy = share of the machine's {cores} cores in use during the phase (/proc/stat: every
process, other users of the machine included). CPU per entry = CPU time of the 8 writer
processes + that of their 8 PostgreSQL backends (/proc/<pid>/stat) ÷ entries; the WAL writer
and the checkpointer are not in it. For pgbench only the machine figure exists (busy × cores ÷
rate, an upper bound: the scratch database is created and filled in the same interval).

### Targets

- Single posts, {CONTENDED} accounts: {r16:,.0f}/s ≥ 1,000/s and ≥ 0.25 × {tps:,.0f} = {floor:,.0f}/s
  (ratio {r16 / tps:.2f}×): {_met(ok16)}.
- Single posts, {SPREAD:,} accounts: {r10k:,.0f}/s ≥ 1,000/s and ≥ {floor:,.0f}/s
  (ratio {r10k / tps:.2f}×): {_met(ok10k)}.
- No lost update: accounts ≠ base + sum of their entries: **{lost}** (of {CONTENDED + SPREAD:,});
  {stored:,} entries stored for {posted:,} posted; errors {errors}: {_met(lost == 0 and stored == posted and errors == 0)}.

### One post, profiled ({PROFILE_POSTS:,} warm posts from one process, before the concurrent phases)

Statements a warm post sends: {len(prof["statements"])} ({stmts}: BEGIN/COMMIT show as
the test transaction's SAVEPOINT/RELEASE only under pytest), i.e. 4 round trips; server-side
prepared: {"yes" if prof["prepared"] else "no"}.

| per post | after (this run) |
|---|---|
| wall | {prof["wall"]:.2f} ms |
| waiting in `execute` (lock + CTE; BEGIN/COMMIT not included) | {prof["execute"]:.2f} ms |
| client CPU (Python: Django, rules, hashing, psycopg) | {prof["client_cpu"]:.2f} ms |
| PostgreSQL backend CPU (lock, 3 row writes with their indexes and triggers, commit) | {prof["backend_cpu"]:.2f} ms |
| CPU per post, both sides | {cpu_per_post:.2f} ms → at most {2000 / cpu_per_post:,.0f} posts/s on 2 cores |

Before (recorded in the notes of issue 17 and in this file's earlier runs):

{BEFORE}

### Reading it

On this {cores}-core machine the writers, their PostgreSQL backends, the WAL writer and
pgbench's own client share the same cores, and every phase keeps them busy: the rate is CPU
per post. One post costs {cpu_per_post:.2f} ms of CPU ({prof["client_cpu"]:.2f} in the Python
process, {prof["backend_cpu"]:.2f} in its PostgreSQL backend); in the concurrent phases a post
costs {single16["client"] + single16["backend"]:.2f} ms (contended) and {single10k["client"] + single10k["backend"]:.2f} ms (spread) of its
processes' CPU, against at most {tps_busy * cores * 1e3 / tps:.2f} ms of machine time per TPC-B transaction.
What the floor is made of:

- the database's share: the same two statements and commit sent by a bare psycopg loop
  (prepared, no Django, no rules) cost {bare["client"]:.2f} + {bare["backend"]:.2f} ms per post; single posts reach
  {r16 / bare["rate"]:.0%} of that loop's rate (contended). A post writes a ledger entry
  ({schema["credit_ledgerentry"][0]} indexes, {schema["credit_ledgerentry"][1]} trigger), an
  account row ({schema["credit_account"][0]} index) and an audit event
  ({schema["regulator_auditevent"][0]} indexes, {schema["regulator_auditevent"][1]} trigger),
  where TPC-B updates 3 rows with one primary-key index each and inserts one unindexed row;
- a transaction's round trips from Python: `BEGIN; SELECT 1; COMMIT` costs
  {select1["client"]:.3f} + {select1["backend"]:.3f} ms (no write, so no WAL flush);
- the rest is the post's Python: Django's transaction and cursor handling, the rule checks,
  the audit content hash (canonical JSON, SHA-256).

Batches ({BATCH} lines in one transaction) amortise the round trips and the commit."""
    return text, [
        Summary(
            measured=f"single posts from {WRITERS} processes: **{r16:,.0f}/s** on {CONTENDED} accounts "
            f"({r16 / tps:.2f}× pgbench), **{r10k:,.0f}/s** on {SPREAD:,} ({r10k / tps:.2f}×); pgbench "
            f"TPC-B {tps:,.0f} tps; batches {batched['rate']:,.0f}/s; lost updates {lost}",
            met=ok16 and ok10k and lost == 0 and stored == posted and errors == 0,
        )
    ]
