"""Complaint report per month × enterprise at 5,000,000 complaints (DESIGN.md, Performance
targets: equal to a naive recomputation, ≥ 20× faster).

Report = ``complaints.metrics.stats(months=[m], group_by="enterprise")``: it sums the
rollup rows that the services keep as complaints close (transitions.apply_rollup).
Naive = the same numbers recomputed from the complaint rows of the month (one GROUP BY over
the public records, using the period index), turned into the same measures. The two must
be equal, group by group. A second, slower baseline recomputes from the public record rows
in Python (``metrics.recompute``), as an outsider with the CSV would.

The data are generated in SQL (a spread over 12 months, 2,000 enterprises, 6 categories,
both kinds: accepted, rejected, closed fast / timely / late, withdrawn, open past due,
ratings); the rollups are then built from the rows by one INSERT … SELECT that states
``transitions.contribution`` in SQL (the per-complaint service path would take hours at
this scale; the test suite shows that path equal to the rows). Bench size:
BENCH_COMPLAINTS (default 5,000,000).
"""

import datetime as dt
import os
import time

from django.db.models import Count, F, Q, Sum

from bench.common import make_enterprises, median, ms, sql, timings
from complaints import metrics
from complaints.models import Complaint
from complaints.transitions import ROLLUP_FIELDS

N = int(os.environ.get("BENCH_COMPLAINTS", "5000000"))
ENTERPRISES = 2000
CHUNK = 500_000
FIRST = dt.date(2025, 1, 1)
CATS = ["billing", "network", "unsolicited", "personal_info", "app_rights", "other"]


def _load(ent_ids: list[int]) -> None:
    for lo in range(1, N + 1, CHUNK):
        hi = min(N, lo + CHUNK - 1)
        # d = handling days (0..19); accepted unless g % 33 = 0; closed unless g % 20 = 0;
        # withdrawn when g % 37 = 0; rated for 70% of closed ones.
        sql(
            f"""
            INSERT INTO complaints_complaint (public_id, tracking_hash, kind, category, channel, service,
                description, enterprise_id, respondent_licence_number, province, complainant_name,
                complainant_phone, complainant_email, received_at, received_on, status, outcome, reject_reason,
                accepted_on, closed_on, enterprise_response, resolution, reopen_count, clock_version,
                calendar_version, paused, fast, timely, definition_version, rating, public_on, period,
                created_at, updated_at)
            SELECT 'B' || g, md5(g::text), CASE WHEN g %% 2 = 0 THEN 'telecom' ELSE 'internet' END,
                (%(cats)s::text[])[1 + (g * 7) %% 6], 'web', '', '', (%(ents)s::bigint[])[1 + ((g / 12) * 7919) %% {ENTERPRISES}],
                '', '11', '用户', '', '', now(), rec, st, oc,
                CASE WHEN acc THEN '' ELSE 'time_barred' END,
                CASE WHEN acc THEN rec + 1 END, CASE WHEN st = 'closed' THEN rec + 1 + d END, '', '', 0, 'b', 'b',
                false,
                CASE WHEN st = 'closed' AND oc <> 'withdrawn' THEN d <= 5 END,
                CASE WHEN st = 'closed' AND oc <> 'withdrawn' THEN d <= 12
                     WHEN acc AND st <> 'closed' AND g %% 3 = 0 THEN false END,
                'bench', CASE WHEN st = 'closed' AND oc <> 'withdrawn' AND g %% 10 < 7 THEN 1 + (g * 17) %% 5 END,
                CASE WHEN st = 'closed' THEN rec + 1 + d WHEN acc AND g %% 3 = 0 THEN rec + 30 END,
                per, now(), now()
            FROM (
                SELECT g, per, per + ((g / 12) %% 28)::int AS rec, ((g * 13) %% 20)::int AS d, g %% 33 <> 0 AS acc,
                    CASE WHEN g %% 33 = 0 THEN 'rejected' WHEN g %% 20 = 0 THEN 'mediating' ELSE 'closed' END AS st,
                    CASE WHEN g %% 33 = 0 OR g %% 20 = 0 THEN '' WHEN g %% 37 = 0 THEN 'withdrawn'
                         WHEN g %% 9 = 0 THEN 'unresolved' ELSE 'resolved' END AS oc
                FROM (SELECT g, (%(first)s::date + make_interval(months => (g %% 12)::int))::date AS per
                      FROM generate_series({lo}::bigint, {hi}::bigint) g) s
            ) t
            """,
            {"cats": CATS, "ents": ent_ids, "first": FIRST.isoformat()},
        )
        print(f"   loaded {hi:,}", flush=True)
    # The rollups, stating transitions.contribution in SQL (module docstring).
    public = "public_on IS NOT NULL AND accepted_on IS NOT NULL"
    sql(
        f"""
        INSERT INTO complaints_rollup (period, enterprise_id, category, province, kind, records, closed,
            fast_known, fast, timely_known, timely, rated, rating_sum)
        SELECT period, enterprise_id, category, province, kind, count(*),
            count(*) FILTER (WHERE status = 'closed'), count(fast), count(*) FILTER (WHERE fast),
            count(timely), count(*) FILTER (WHERE timely), count(rating), coalesce(sum(rating), 0)
        FROM complaints_complaint WHERE {public}
        GROUP BY period, enterprise_id, category, province, kind
        """
    )
    sql("VACUUM ANALYZE complaints_complaint")
    sql("VACUUM ANALYZE complaints_rollup")


def naive(month: dt.date) -> dict:
    """The month's report recomputed from the complaint rows."""
    qs = Complaint.objects.filter(period=month, public_on__isnull=False, accepted_on__isnull=False)
    aggs = {
        "records": Count("id"),
        "closed": Count("id", filter=Q(status="closed")),
        "fast_known": Count("fast"),
        "fast": Count("id", filter=Q(fast=True)),
        "timely_known": Count("timely"),
        "timely": Count("id", filter=Q(timely=True)),
        "rated": Count("rating"),
        "rating_sum": Sum("rating", default=0),
    }
    groups = []
    total = dict.fromkeys(ROLLUP_FIELDS, 0)
    rows = qs.values(uscc=F("enterprise__uscc"), name=F("enterprise__name")).annotate(**aggs).order_by("uscc")
    for row in rows:
        counts = {f: row[f] for f in ROLLUP_FIELDS}
        for f in ROLLUP_FIELDS:
            total[f] += counts[f]
        groups.append({"key": row["uscc"], **metrics.measures(counts), "name": row["name"]})
    return {"total": metrics.measures(total), "groups": groups}


def report(month: dt.date) -> dict:
    return metrics.stats(months=[month], group_by="enterprise")


def run() -> str:
    t0 = time.perf_counter()
    ent_ids = make_enterprises(ENTERPRISES, prefix="94")
    _load(ent_ids)
    load_s = time.perf_counter() - t0
    month = dt.date(2025, 6, 1)
    fast_out, slow_out = report(month), naive(month)
    equal = fast_out["total"] == slow_out["total"] and fast_out["groups"] == slow_out["groups"]
    months_equal = all(
        report(m)["groups"] == naive(m)["groups"] for m in (dt.date(2025, 1, 1), dt.date(2025, 12, 1))
    )
    t_fast = timings(lambda: report(month), 20, warmup=3)
    t_naive = timings(lambda: naive(month), 5, warmup=1)
    t1 = time.perf_counter()
    records = (metrics.record_row(c) for c in metrics.public_records(months=[month]).iterator(5000))
    py = metrics.recompute(records, group_by="enterprise")
    t_py = time.perf_counter() - t1
    py_equal = py["total"] == fast_out["total"] and [g["key"] for g in py["groups"]] == [
        g["key"] for g in fast_out["groups"]
    ]
    ratio = median(t_naive) / median(t_fast)
    verdict = "PASS" if (equal and months_equal and ratio >= 20) else "FAIL"
    return "\n".join(
        [
            f"### Complaint report per month × enterprise, {N:,} complaints ({verdict})",
            "",
            f"{fast_out['total']['records']:,} public records in {month:%Y-%m} across "
            f"{len(fast_out['groups'])} enterprises; data loaded in {load_s:.0f} s.",
            "",
            "| what | median | vs report |",
            "|---|---|---|",
            f"| report from rollups (`metrics.stats`) | {ms(median(t_fast))} | 1× |",
            f"| naive SQL recomputation from the complaint rows | {ms(median(t_naive))} | {ratio:.0f}× slower |",
            f"| recomputation in Python from the public records | {ms(t_py)} (one run) | "
            f"{t_py / median(t_fast):.0f}× slower |",
            "",
            f"Equal to the naive recomputation (totals and every enterprise, 3 months checked): "
            f"{equal and months_equal}; Python recomputation equal: {py_equal}. "
            f"Target: equal and ≥ 20× faster.",
        ]
    )
