"""Public credit read at 10 thousand vs 10 million ledger rows (target ratio ≤ 1.5).

The read is one indexed account row (plus the listing lookup), so it must not grow with
the ledger. Enterprises and postings come from the shared generators
(``bench.generate.enterprises`` and ``bench.generate.ledger_entries``: COPY, seeded), spread
over 10,000 enterprises; the generator sets each account to base + sum, as the posting
service would have left it. The large load runs under ``bench.common.bulk_load`` (indexes
and keys rebuilt once at the end instead of row by row).
"""

import os

from django.db import connection, transaction
from django.test import Client

from bench import generate
from bench.common import Summary, bulk_load, median, ms, p, sql, timings, unthrottled
from credit.models import Rule

SMALL = 10_000
LARGE = int(os.environ.get("BENCH_CREDIT_ROWS", 10_000_000))  # a smaller run while developing
N_ENT = 10_000
SAMPLES = 400


def _load(n: int, ent_ids: list[int], rule_id: int, seed: int) -> None:
    with transaction.atomic(), bulk_load("credit_ledgerentry", n):
        generate.ledger_entries(n, enterprise_ids=ent_ids, rule_id=rule_id, seed=seed)
    sql("VACUUM ANALYZE credit_ledgerentry")
    sql("VACUUM ANALYZE credit_account")


def _measure(uscc: str) -> list[float]:
    client = Client()
    url = f"/api/v1/public/credit/{uscc}/"

    def one():
        r = client.get(url, secure=True)  # production settings redirect plain HTTP
        assert r.status_code == 200, r.content

    with unthrottled():
        return timings(one, SAMPLES)


def run():
    ent_ids = generate.enterprises(N_ENT, seed=1, serial_base=40_000_000)
    rule_id = Rule.objects.get(code="BONUS_CLEAN_INSPECTION").pk
    from regulator.models import Enterprise

    uscc = Enterprise.objects.get(pk=ent_ids[N_ENT // 2]).uscc
    _load(SMALL, ent_ids, rule_id, seed=1)
    small = _measure(uscc)
    _load(LARGE - SMALL, ent_ids, rule_id, seed=2)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM credit_ledgerentry")
        rows = cur.fetchone()[0]
    large = _measure(uscc)
    ratio = median(large) / median(small)
    ok = "met" if ratio <= 1.5 else "NOT met"
    text = f"""## Public credit read: `/api/v1/public/credit/<uscc>/`

Django test client, {SAMPLES} requests each after warm-up, {N_ENT:,} enterprises.

| ledger rows | median | p95 |
|---|---|---|
| {SMALL:,} | {ms(median(small))} | {ms(p(small, 0.95))} |
| {rows:,} | {ms(median(large))} | {ms(p(large, 0.95))} |

**Ratio (median at {rows:,} / median at {SMALL:,}): {ratio:.2f}** (target ≤ 1.5: {ok})."""
    measured = (
        f"**{ratio:.2f}×** (median {ms(median(large))} at {rows:,} rows vs {ms(median(small))} at {SMALL:,})"
    )
    return text, [Summary(measured=measured, met=ratio <= 1.5)]
