"""Issue 17 §2–3: the statements one ``ledger_post`` sends to the database are pinned, so a
later change cannot quietly add round trips to the path every credit write takes."""

import cProfile
import os
import pstats
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credit import services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deduction")]


def _post(ent, actor, **kw):
    return services.ledger_post(actor=actor, enterprise=ent, rule_code="TEST_DEDUCTION", **kw)


def _statements(ent, actor, **kw) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        _post(ent, actor, **kw)
    return [q["sql"] for q in ctx.captured_queries]


def test_profile_report(ent_a, supervisor):
    """Not an assertion: prints the statements of one warm post and a cProfile of N posts
    (``pytest -s -k profile_report``) for docs/benchmarks.md."""
    _post(ent_a, supervisor)  # account created, caches warm
    sql = _statements(ent_a, supervisor)
    keyed = _statements(ent_a, supervisor, idempotency_key="k-profile")
    n = int(os.environ.get("LEDGER_PROFILE_N", "300"))
    db_time = [0.0]

    def timed(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            db_time[0] += time.perf_counter() - t0

    prof = cProfile.Profile()
    with connection.execute_wrapper(timed):
        t0 = time.perf_counter()
        prof.enable()
        for _ in range(n):
            _post(ent_a, supervisor)
        prof.disable()
        wall = time.perf_counter() - t0
    print(f"\n[ledger_post] vendor={connection.vendor} statements={len(sql)} with key={len(keyed)}")
    for s in sql:
        print("   ", s[:140])
    print(
        f"[ledger_post] {n} posts: wall {wall / n * 1e3:.3f} ms/post, "
        f"in execute {db_time[0] / n * 1e3:.3f} ms/post, Python {(wall - db_time[0]) / n * 1e3:.3f} ms/post"
    )
    pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
