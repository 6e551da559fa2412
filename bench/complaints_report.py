"""Complaint report per month × enterprise at 5,000,000 complaints (DESIGN.md, Performance
targets: equal to a naive recomputation, ≥ 20× faster).

Report = ``complaints.metrics.stats(months=[m], group_by="enterprise")``: it sums the
rollup rows that the services keep as complaints close (transitions.apply_rollup).
Naive = the same numbers recomputed from the complaint rows of the month (one GROUP BY over
the public records, using the record's walk index), turned into the same measures. The two must
be equal, group by group. A second, slower baseline recomputes from the public record rows
in Python (``metrics.recompute``), as an outsider with the CSV would.

The data come from ``bench.generate.complaints`` (COPY, seeded): 2,000 enterprises, twelve
months, every kind of life a complaint has (rejected, closed fast / timely / late,
withdrawn, open past its answer time, ratings), results from the app's own clock
functions, and the rollups built from the app's own ``transitions.contribution`` with
``apply_rollup``'s upsert (see that module). Bench size: BENCH_COMPLAINTS (default
5,000,000).
"""

import datetime as dt
import os
import time

from django.db.models import Count, F, Q, Sum

from bench.common import Summary, median, ms, p, sql, timings, unthrottled
from bench.generate.complaints import complaints
from complaints import metrics, records
from complaints.models import Complaint, Rollup
from complaints.transitions import ROLLUP_FIELDS

N = int(os.environ.get("BENCH_COMPLAINTS", "5000000"))
ENTERPRISES = 2000
# The public record pages (``GET /api/v1/public/complaints/``): requests per shape.
PAGE_SAMPLES = int(os.environ.get("BENCH_RECORD_SAMPLES", "30"))
FULL_COUNT_SAMPLES = int(os.environ.get("BENCH_RECORD_FULL_SAMPLES", "10"))
RECORD_API = "/api/v1/public/complaints/"
FULL_COUNT_API = "/bench/full-count-complaints/"


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


def _full_count_urlconf():
    """A URLconf serving, beside nothing else, the record API as it was before
    complaints.records: DRF's page-number pagination over ``metrics.public_records``, a
    COUNT(*) of every match and then the page (the baseline of the record pages)."""
    import types

    from django.urls import path

    from complaints.api import serializers as s
    from complaints.api.public import PublicRecordApi
    from complaints.selectors import parse_period
    from config.api import Pagination

    class FullCountRecordApi(PublicRecordApi):
        pagination_class = Pagination

        def get(self, request):
            q = s.ComplaintPublicQuery(data=request.query_params)
            q.is_valid(raise_exception=True)
            v = q.validated_data
            qs = metrics.public_records(
                months=parse_period(v["period"])[1] if v["period"] else None,
                enterprise=v["enterprise"],
                category=v["category"],
                province=v["province"],
            ).select_related(None)
            page = self.paginate_queryset(qs)
            return self.get_paginated_response([metrics.record_row(c) for c in page])

    urlconf = types.ModuleType("bench_full_count_urls")
    urlconf.urlpatterns = [path(FULL_COUNT_API.strip("/") + "/", FullCountRecordApi.as_view())]
    return urlconf


def record_pages() -> str:
    """The public record's pages at this size: statements per request, median and p95 server
    time through the Django test client, against the same page with a full COUNT(*)."""
    from django.db import connection
    from django.db.models import Sum
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    busiest = Rollup.objects.values("province").annotate(n=Sum("records")).order_by("-n", "province")[0]
    ent = (
        Rollup.objects.values("enterprise__uscc")
        .annotate(n=Sum("records"))
        .order_by("-n", "enterprise__uscc")[0]
    )
    deepest = records.deepest_page(50)
    shapes = [
        ("first page, unfiltered", {}),
        (f"by province ({busiest['province']}, the largest)", {"province": busiest["province"]}),
        ("by enterprise (the one with most records)", {"enterprise": ent["enterprise__uscc"]}),
        (f"deep page ({deepest}, the deepest served)", {"page": deepest}),
    ]
    client = Client()
    full_urls = _full_count_urlconf()

    def get(url: str, params: dict):
        r = client.get(url, params, secure=True)  # production settings redirect plain HTTP
        assert r.status_code == 200, r.content[:300]
        return r

    def statements(url: str, params: dict) -> tuple[int, dict]:
        with CaptureQueriesContext(connection) as ctx:
            body = get(url, params).json()
        return len(ctx.captured_queries), body

    rows = []
    with unthrottled():
        for label, params in shapes:
            n_paged, paged = statements(RECORD_API, params)
            t_paged = timings(lambda params=params: get(RECORD_API, params), PAGE_SAMPLES, warmup=3)
            with override_settings(ROOT_URLCONF=full_urls):
                n_full, full = statements(FULL_COUNT_API, params)
                t_full = timings(
                    lambda params=params: get(FULL_COUNT_API, params), FULL_COUNT_SAMPLES, warmup=1
                )
            same = [r["public_id"] for r in paged["results"]] == [r["public_id"] for r in full["results"]]
            shown = f"more than {paged['count']:,}" if paged["count_capped"] else f"{paged['count']:,}"
            rows.append(
                f"| {label} | {n_paged} | {ms(median(t_paged))} | {ms(p(t_paged, 0.95))} | {n_full} |"
                f" {ms(median(t_full))} | {ms(p(t_full, 0.95))} | **{median(t_full) / median(t_paged):,.0f}×** |"
                f" {shown} / {full['count']:,} | {'yes' if same else 'NO'} |"
            )
    return "\n".join(
        [
            "### Public record pages (`GET /api/v1/public/complaints/`, 50 a page)",
            "",
            "Paged = `complaints.records`: one statement, an index-only walk of the matches' keys"
            f" bounded by the page's depth plus COMPLAINTS_RECORD_COUNT_WINDOW; full count = the same"
            f" page through DRF's page-number pagination (COUNT(*) of every match, then the page)."
            f" Server time through the Django test client, {PAGE_SAMPLES} requests paged and"
            f" {FULL_COUNT_SAMPLES} with the full count per shape.",
            "",
            "| page | statements | paged median | paged p95 | statements (full count) | full-count median |"
            " full-count p95 | full count / paged | count (paged / full) | same rows |",
            "|---|---|---|---|---|---|---|---|---|---|",
            *rows,
        ]
    )


def run():
    t0 = time.perf_counter()
    complaints(N, seed=1, enterprises=ENTERPRISES)
    load_s = time.perf_counter() - t0
    # Vacuumed, so the naive recomputation may use index-only scans: a fair baseline.
    sql("VACUUM ANALYZE complaints_complaint")
    sql("VACUUM ANALYZE complaints_rollup")
    vacuum_s = time.perf_counter() - t0 - load_s
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
    ok = equal and months_equal and ratio >= 20
    verdict = "met" if ok else "NOT met"
    text = "\n".join(
        [
            f"## Complaint report per month × enterprise, {N:,} complaints ({verdict})",
            "",
            f"{fast_out['total']['records']:,} public records in {month:%Y-%m} across "
            f"{len(fast_out['groups'])} enterprises; data generated and loaded in {load_s:.0f} s "
            f"(`bench.generate.complaints`, COPY, rollups included), then VACUUM ANALYZE {vacuum_s:.0f} s; "
            f"load average {os.getloadavg()[0]:.1f} at the end.",
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
            f"Target: equal and ≥ 20× faster: {verdict}.",
            "",
            record_pages(),
        ]
    )
    measured = (
        f"report **{ratio:.0f}×** faster than the naive recomputation ({ms(median(t_fast))} vs "
        f"{ms(median(t_naive))}); equal: {'yes' if equal and months_equal else 'NO'}"
    )
    return text, [Summary(measured=measured, met=ok)]
