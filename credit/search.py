"""Public list search (issue 17 §4): which index answers a fragment, and in what order.
Kept apart from credit.selectors so that the search can change without touching the other
public reads.

A page of the public lists is the newest published entries matching the filters, 50 at a
time. On PostgreSQL ``public_page`` answers it in one or two statements, in up to three
bounded stages, each exact about the page it returns:

1. **The walk** (statement 1). Read the newest K entries (index ``credit_list_walk``, newest
   first, index-only) and keep the matches, stopping as soon as a page and one more are
   found. A broad fragment (网络科, 20% of entries) stops after a few hundred entries. When
   it finds page + 1 matches they are the page exactly (the newest matches overall), and the
   extra one says there are more; the total is not counted (``count`` is then a lower bound,
   ``count_capped`` true).
2. **The probe** (statement 2, when the walk fell short). The walk found m matches among K
   entries, so the fragment's share is about (m + 1) / K; the entries published since a
   date are enough to hold twice the matches the page needs, at that share. The search
   index ``credit_list_grams_gin`` (migration 0010) holds each entry's bigrams and its month
   of publication, so the matches published in those newest months come out of the index
   alone, and only they are read from the table. Every entry newer than the probe's first
   month is in it, so if it holds a page and one more, the newest of them are the page.
3. **The index** (the same statement 2, run only when the probe fell short too, or skipped
   when the probe would cover most of the list): the trigram index (3+ characters, migration
   0002) or the bigram tokens (2 characters) find every match, which are sorted for the page
   and counted exactly.

The walk costs about K index tuples, the probe about the matches among the newest entries
(in expectation two pages' worth), the index every match: each stage is bounded by what the
one before it learnt. K = sqrt(r × (page + 1) × N), at least 2,000 (``CREDIT_SEARCH_WALK_*``),
N being the planner's estimate of the table size (pg_class.reltuples), read by the walk
itself for the next request.
"""

import datetime as dt
import math
import time
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from credit import conf
from credit.models import ListEntry, ListStatus
from regulator import uscc as uscc_mod

PUBLIC_STATUSES = {"active": [ListStatus.PUBLISHED], "removed": [ListStatus.REMOVED]}
TRIGRAM_MIN_CHARS = 3  # pg_trgm indexes three-character sequences
BIGRAM_CHARS = 2  # credit_list_grams (migration 0010) indexes two-character ones
GRAMS = "credit_list_grams(enterprise_name::text, licence_numbers::text, published_on)"
# A published list entry's public fields: the API's response contract
# (credit.api.serializers.PublicListEntry, the public credit lookup's listings) and what the
# portal's list shows. The search statements read these columns only; the others stay
# deferred on the rows returned.
PUBLIC_LIST_FIELDS = [
    "id", "enterprise_name", "enterprise_uscc", "licence_numbers", "list_kind", "reason",
    "legal_basis", "authority", "decided_on", "published_on", "effective_on", "end_on",
    "status", "removal_reason", "province",
]  # fmt: skip
# The table size estimate read by the last walk (None until a walk ran in this process).
_ENTRIES_ESTIMATE: list[float | None] = [None]


def uscc_of(q: str) -> str:
    """The code when ``q`` is a whole USCC (as people type it), else ""."""
    code = uscc_mod.normalise(q)
    return code if len(code) == 18 and code.isalnum() and code.isascii() else ""


def searches_licences(q: str) -> bool:
    # A licence number always has ASCII letters and digits (京B2-20260001), so a fragment
    # with neither (a Chinese name fragment) is looked up in names only.
    return any(ch.isascii() and ch.isalnum() for ch in q)


def public_list_entries(
    *, list_kind: str | None = None, q: str = "", province: str = "", status: str = "active"
) -> QuerySet[ListEntry]:
    """Every match in list order, as a queryset: the CSV export, the entry page, SQLite."""
    qs = ListEntry.objects.filter(published_on__isnull=False)
    if status in PUBLIC_STATUSES:
        qs = qs.filter(status__in=PUBLIC_STATUSES[status])
    if list_kind:
        qs = qs.filter(list_kind=list_kind)
    if province:
        qs = qs.filter(province=province)
    q = (q or "").strip()
    if q:
        code = uscc_of(q)
        if code:
            qs = qs.filter(enterprise_uscc=code)
        else:
            # Both columns carry a trigram index on UPPER(...) (migration 0002).
            cond = Q(enterprise_name__icontains=q)
            if searches_licences(q):
                cond |= Q(licence_numbers__icontains=q)
            qs = qs.filter(cond)
            if len(q) >= TRIGRAM_MIN_CHARS:
                # pg_trgm's selectivity estimate for Chinese fragments is poor: the planner
                # walked the newest-first index for a 4-character name matching 224 of
                # 200,000 entries and read most of the table. Sorting by an expression keeps
                # it on the trigram index.
                return qs.order_by(Coalesce("published_on", "published_on").desc(), "-id")
    return qs.order_by("-published_on", "-id")


@dataclass
class SearchPage:
    rows: list[ListEntry]
    count: int  # exact, or a lower bound when ``count_capped``
    count_capped: bool
    more: bool  # a next page exists
    path: str  # "walk", "probe", "index" or "orm": which stage answered (benchmark, tests)


def walk_rows(page_size: int) -> int:
    """K, the newest entries the walk reads for one page (see the module docstring)."""
    fixed = conf.get("CREDIT_SEARCH_WALK_ROWS")
    if fixed:
        return int(fixed)
    n = _ENTRIES_ESTIMATE[0]
    if not n or n < 0:
        return conf.get("CREDIT_SEARCH_WALK_MIN_ROWS")
    ratio = conf.get("CREDIT_SEARCH_WALK_COST_RATIO")
    return max(conf.get("CREDIT_SEARCH_WALK_MIN_ROWS"), int(math.sqrt(ratio * (page_size + 1) * n)))


@dataclass(frozen=True)
class Span:
    """How far back the newest ``rows`` entries reach (of one province, or of all)."""

    newest: dt.date
    oldest: dt.date | None  # published_on of the rows-th newest entry; None: fewer entries
    rows: int


def probe_from(
    span: Span | None, found: int, walked: int, need: int, entries: float | None
) -> dt.date | None:
    """The first day of the oldest month the probe reads, or None to skip it (the index then
    reads every match). Pure: the figures come from the walk (``found`` matches among the
    newest ``walked`` entries, ``need`` = the matches up to this page and one more), the
    span of the walk's entries and the table size estimate.

    The walk's share (found + 1) / walked estimates the fragment's share; the probe reaches
    back far enough for twice ``need`` matches at that share, at the rate entries were
    published over the span. Any estimate gives the right page (every entry newer than the
    probe's first month is read); a poor one costs the index stage as well."""
    if span is None or span.oldest is None or walked <= 0:
        return None  # the walk read every entry: the index (or nothing) remains
    rows = 2 * need * walked / (found + 1)
    if entries and entries > 0 and rows >= entries / 2:
        return None  # most of the list: one pass over the index costs no more
    per_day = span.rows / max(1, (span.newest - span.oldest).days)
    start = span.newest - dt.timedelta(days=math.ceil(rows / per_day))
    return start.replace(day=1)


# The span of the walk's reach per province ("" = all), with the time it was read. It only
# sizes the probe (any value gives right pages), so it is read at most once a minute.
_SPANS: dict[tuple[str, int], tuple[float, Span | None]] = {}
SPAN_SECONDS = 60


def forget_estimates() -> None:
    """Drop the table size estimate and the spans (tests: rolled-back rows)."""
    _ENTRIES_ESTIMATE[0] = None
    _SPANS.clear()


def _span(province: str, rows: int) -> Span | None:
    key = (province, rows)
    hit = _SPANS.get(key)
    if hit and time.monotonic() - hit[0] < SPAN_SECONDS:
        return hit[1]
    where = "published_on IS NOT NULL" + (" AND province = %s" if province else "")
    order = f"FROM credit_listentry WHERE {where} ORDER BY published_on DESC, id DESC"
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT (SELECT published_on {order} LIMIT 1), (SELECT published_on {order} OFFSET %s LIMIT 1)",  # noqa: S608
            [*([province] if province else []), *([province] if province else []), rows - 1],
        )
        newest, oldest = cur.fetchone()
    span = Span(newest, oldest, rows) if newest else None
    _SPANS[key] = (time.monotonic(), span)
    return span


def public_page(
    *,
    list_kind: str | None = None,
    q: str = "",
    province: str = "",
    status: str = "active",
    page: int = 1,
    page_size: int = 50,
) -> SearchPage:
    q = (q or "").strip()
    offset = (page - 1) * page_size
    if connection.vendor != "postgresql":
        return _orm_page(
            public_list_entries(list_kind=list_kind, q=q, province=province, status=status), offset, page_size
        )
    # Conditions shared by every stage (column references unqualified: one table).
    conds, params = ["published_on IS NOT NULL"], []
    if status in PUBLIC_STATUSES:
        conds.append("status = ANY(%s)")
        params.append([str(s) for s in PUBLIC_STATUSES[status]])
    if list_kind:
        conds.append("list_kind = %s")
        params.append(list_kind)
    code = uscc_of(q) if q else ""
    if code:
        # A whole USCC: the btree on enterprise_uscc, a handful of rows; no walk.
        return _stages(None, [*conds, "enterprise_uscc = %s"], [*params, code], province, offset, page_size)
    walk_conds, walk_params = list(conds), list(params)
    index_conds, index_params = list(conds), list(params)
    probe = None
    if q:
        pattern = "%" + connection.ops.prep_for_like_query(q) + "%"
        cols = ["enterprise_name", *(["licence_numbers"] if searches_licences(q) else [])]
        # The index stage must compare UPPER(col) (what the trigram indexes hold). The walk
        # tests each row it reads, so it skips UPPER() when the fragment has no cased letter
        # (a Chinese name): the result is the same and the test costs half as much.
        cased = q.upper() != q.lower()
        walk_one = "UPPER({}::text) LIKE UPPER(%s)" if cased else "{}::text LIKE %s"
        walk_conds.append("(" + " OR ".join(walk_one.format(c) for c in cols) + ")")
        walk_params += [pattern] * len(cols)
        index_conds.append("(" + " OR ".join(f"UPPER({c}::text) LIKE UPPER(%s)" for c in cols) + ")")
        index_params += [pattern] * len(cols)
        if len(q) < TRIGRAM_MIN_CHARS:
            # No trigram in the fragment: the bigram tokens (names and licence numbers,
            # upper-cased) hold it; the LIKE above rechecks which column matched.
            index_conds.append(f"{GRAMS} @> ARRAY[UPPER(%s)]")
            index_params.append(q)
        # The probe rechecks with strpos, which no index serves, so that the planner takes
        # the bigram and month tokens of credit_list_grams_gin for it.
        one = (
            "strpos(UPPER(enterprise_name::text), UPPER(%s)) > 0"
            if cased
            else "strpos(enterprise_name::text, %s) > 0"
        )
        if searches_licences(q):
            one = f"({one} OR strpos(UPPER(licence_numbers::text), UPPER(%s)) > 0)"
        probe = (
            [*conds, f"{GRAMS} @> credit_list_grams(%s, '', NULL)", one],
            [*params, q, q, *([q] if searches_licences(q) else [])],
        )
    k = walk_rows(page_size) * (offset // page_size + 1)  # deeper pages walk further
    found = _walk_page(walk_conds, walk_params, province, offset, page_size, k)
    if isinstance(found, SearchPage):
        return found
    start = None
    # A licence number's bigrams (B2, 20, -2…) are in nearly every entry: intersecting them
    # in the index pays off for a fragment the walk met (B2-2012: 5 ms against 42 for the
    # trigram lookup at 2M entries) but not for one it never met, a whole number (43 ms
    # against 18), which goes to the trigram index at once.
    if probe is not None and not (found == 0 and searches_licences(q)):
        start = probe_from(_span(province, k), found, k, offset + page_size + 1, _ENTRIES_ESTIMATE[0])
    return _stages(
        (probe[0], probe[1], start) if start else None, index_conds, index_params, province, offset, page_size
    )


def _columns(alias: str) -> str:
    return ", ".join(f"{alias}.{c}" for c in PUBLIC_LIST_FIELDS)


def _walk_page(conds, params, province, offset, page_size, k) -> SearchPage | int:
    """The page when the walk fills it, else how many matches it found among the newest k."""
    inner, inner_params = "published_on IS NOT NULL", []
    if province:
        # The province's own newest-first index (credit_list_province_walk).
        inner, inner_params = inner + " AND province = %s", [province]
    # Only this module's fixed condition texts are joined in; every value is a parameter.
    sql = f"""
        SELECT {_columns("e")}, w.n_est FROM (
            SELECT id, published_on,
                   (SELECT reltuples FROM pg_class WHERE oid = 'credit_listentry'::regclass) AS n_est
            FROM (
                SELECT id, published_on, status, list_kind, province, enterprise_name, licence_numbers
                FROM credit_listentry WHERE {inner}
                ORDER BY published_on DESC, id DESC LIMIT %s
            ) newest
            WHERE {" AND ".join(conds)}
            LIMIT %s OFFSET %s
        ) w JOIN credit_listentry e ON e.id = w.id
        ORDER BY w.published_on DESC, w.id DESC"""  # noqa: S608
    rows = list(ListEntry.objects.raw(sql, [*inner_params, k, *params, page_size + 1, offset]))
    if rows:
        _ENTRIES_ESTIMATE[0] = rows[0].n_est
    if len(rows) <= page_size:
        # Matches among the newest k: offset + the rows, or at most offset past the end
        # (counted as none, which only makes the probe reach further back).
        return offset + len(rows) if rows else 0
    # At least offset + page_size + 1 matches; how many more is not counted.
    return SearchPage(rows[:page_size], offset + len(rows), True, True, "walk")


SERIAL = "credit_list_serial()"  # migration 0010: keeps a statement out of parallel query


def _stages(probe, conds, params, province, offset, page_size) -> SearchPage:
    """Statement 2: the probe over the newest months (when ``probe`` is given: its conditions,
    parameters and first day), and the index over every match, run only when the probe
    found fewer than a page and one more (an InitPlan on the probe's count gates it).

    It calls credit_list_serial() so that it is planned without parallel workers: at 2M
    entries the planner gave the gated index stage a Gather, whose workers started (3-5 ms)
    even when the gate skipped the stage; a stage that reads a few thousand matches gains
    nothing from workers, and concurrent public requests would compete for them."""
    conds = [*conds, SERIAL]
    if province:
        conds, params = [*conds, "province = %s"], [*params, province]
    # Sorting on an expression keeps the planner off the newest-first walk (which statement
    # 1 already did, bounded): the matches come from the search indexes.
    index_sql = f"""
        SELECT id, COALESCE(published_on, published_on) AS o, count(*) OVER () AS total
        FROM credit_listentry WHERE {" AND ".join(conds)}{{gate}}
        ORDER BY 2 DESC, id DESC LIMIT %s OFFSET %s"""  # noqa: S608
    if probe is None:
        sql = f"""
            SELECT {_columns("e")}, h.total FROM ({index_sql.format(gate="")}) h
            JOIN credit_listentry e ON e.id = h.id ORDER BY h.o DESC, h.id DESC"""  # noqa: S608
        args = [*params, page_size, offset]
    else:
        probe_conds, probe_params, start = probe
        if province:
            probe_conds, probe_params = [*probe_conds, "province = %s"], [*probe_params, province]
        # The month tokens from the probe's first month to the newest entry's month (read
        # from the walk index's first tuple), so that no entry newer than the first month
        # is missed whatever the span cache says.
        months = """ARRAY(SELECT '@' || to_char(m, 'YYYYMM') FROM generate_series(%s::date,
            (SELECT max(published_on) FROM credit_listentry WHERE published_on IS NOT NULL),
            interval '1 month') m)"""
        gate = " AND (SELECT count(*) FROM probe) <= %s"
        sql = f"""
            WITH probe AS MATERIALIZED (
                SELECT id, published_on FROM credit_listentry
                WHERE {" AND ".join(probe_conds)} AND {GRAMS} && {months}
                ORDER BY COALESCE(published_on, published_on) DESC, id DESC LIMIT %s OFFSET %s
            ), hit AS (
                SELECT id, published_on AS o, -1::bigint AS total FROM probe
                WHERE (SELECT count(*) FROM probe) > %s
                UNION ALL ({index_sql.format(gate=gate)})
            )
            SELECT {_columns("e")}, h.total FROM hit h
            JOIN credit_listentry e ON e.id = h.id ORDER BY h.o DESC, h.id DESC"""  # noqa: S608
        args = [*probe_params, start, page_size + 1, offset, page_size, *params, page_size, page_size, offset]
    rows = list(ListEntry.objects.raw(sql, args))
    if rows and rows[0].total < 0:
        # The probe found a page and one more among the newest months: the page, uncounted.
        return SearchPage(rows[:page_size], offset + len(rows), True, True, "probe")
    total = rows[0].total if rows else offset  # past the end: the caller answers 404
    return SearchPage(rows, total, False, offset + len(rows) < total, "index")


def _orm_page(qs: QuerySet[ListEntry], offset: int, page_size: int) -> SearchPage:
    """SQLite (``make demo``): the plain ORM filter, counted up to CREDIT_PUBLIC_COUNT_CAP."""
    rows = list(qs[offset : offset + page_size + 1])
    if len(rows) <= page_size:
        return SearchPage(rows, offset + len(rows), False, False, "orm")
    cap = conf.get("CREDIT_PUBLIC_COUNT_CAP")
    total = qs[: cap + 1].count()
    return SearchPage(rows[:page_size], min(total, cap), total > cap, True, "orm")
