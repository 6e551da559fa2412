"""Public credit read at 10 thousand vs 10 million ledger rows (target ratio ≤ 1.5).

The read is one indexed account row (plus the listing lookup), so it must not grow with
the ledger. Rows are bulk-loaded with generate_series, spread over 10,000 enterprises;
accounts are then set to base + sum, as the service would have left them.
"""

from django.db import connection
from django.test import Client

from bench.common import make_enterprises, median, ms, p, sql, timings
from credit.models import Rule

SMALL, LARGE = 10_000, 10_000_000
N_ENT = 10_000
SAMPLES = 400


def _load(upto: int, start: int, ent_ids: list[int], rule_id: int) -> None:
    lo, hi = ent_ids[0], ent_ids[-1]
    step = 1_000_000
    for a in range(start, upto, step):
        b = min(upto, a + step)
        sql(
            f"""
            INSERT INTO credit_ledgerentry (enterprise_id, rule_id, rule_version, kind, points, effective_at,
                recorded_at, expires_at, source_ref, actor_label, note, content_hash)
            SELECT {lo} + (g % {hi - lo + 1}), {rule_id}, 1, 'posting', CASE WHEN g % 3 = 0 THEN -10 ELSE 10 END,
                   now() - (g % 300) * interval '1 day', now(), now() + interval '60 days', 'bench', 'bench', '', ''
            FROM generate_series({a}, {b - 1}) g
            """
        )
    sql(
        """
        INSERT INTO credit_account (enterprise_id, score, grade, on_bad_list, on_dishonest_list, entry_count,
                                    last_entry_id, updated_at)
        SELECT enterprise_id, 100 + sum(points), 'A', false, false, count(*), max(id), now()
        FROM credit_ledgerentry GROUP BY enterprise_id
        ON CONFLICT (enterprise_id) DO UPDATE SET score = EXCLUDED.score, entry_count = EXCLUDED.entry_count,
            last_entry_id = EXCLUDED.last_entry_id
        """
    )
    sql("VACUUM ANALYZE credit_ledgerentry")
    sql("VACUUM ANALYZE credit_account")


def _measure(uscc: str) -> list[float]:
    client = Client()
    url = f"/api/v1/public/credit/{uscc}/"

    def one():
        r = client.get(url)
        assert r.status_code == 200, r.content

    return timings(one, SAMPLES)


def run() -> str:
    ent_ids = make_enterprises(N_ENT)
    rule_id = Rule.objects.get(code="BONUS_CLEAN_INSPECTION").pk
    from regulator.models import Enterprise

    uscc = Enterprise.objects.get(pk=ent_ids[N_ENT // 2]).uscc
    _load(SMALL, 0, ent_ids, rule_id)
    small = _measure(uscc)
    _load(LARGE, SMALL, ent_ids, rule_id)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM credit_ledgerentry")
        rows = cur.fetchone()[0]
    large = _measure(uscc)
    ratio = median(large) / median(small)
    ok = "met" if ratio <= 1.5 else "NOT met"
    return f"""## Public credit read: `/api/v1/public/credit/<uscc>/`

Django test client, {SAMPLES} requests each after warm-up, {N_ENT:,} enterprises.

| ledger rows | median | p95 |
|---|---|---|
| {SMALL:,} | {ms(median(small))} | {ms(p(small, 0.95))} |
| {rows:,} | {ms(median(large))} | {ms(p(large, 0.95))} |

**Ratio (median at {rows:,} / median at {SMALL:,}): {ratio:.2f}** (target ≤ 1.5: {ok})."""
