"""Public list search (issue 17 §4): which index answers a fragment, and in what order.
Kept apart from credit.selectors so that the search can change without touching the other
public reads.

A page of the public lists is the newest published entries matching the filters, 50 at a
time. On PostgreSQL ``public_page`` answers it in one or two statements, each bounded:

1. **The walk.** Read the newest K entries (index ``credit_list_walk``, newest first,
   index-only) and keep the matches, stopping as soon as a page and one more are found. A
   broad fragment (网络科, 20% of entries) stops after a few hundred entries. When it finds
   page + 1 matches, they are the page exactly (the newest matches overall), and the extra
   one says there are more; the total is not counted (``count`` is then a lower bound,
   ``count_capped`` true).
2. **The index.** Otherwise fewer than a page + 1 of the newest K entries match, so the
   fragment is rare (less than (page + 1) / K of the entries, in expectation): the trigram
   index (3+ characters, migration 0002) or the bigram index (2 characters, 0008) finds
   every match, which are sorted for the page and counted exactly in the same statement.

The two costs meet when K ≈ sqrt(r × (page + 1) × N) (r: what one match costs through the
index over what one entry costs on the walk, ≈ 4 here): both then read about K rows in the
worst case, so neither grows linearly with the table. N is the planner's estimate of the
table size (pg_class.reltuples), read by the walk itself for the next request.
"""

import math
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from credit import conf
from credit.models import ListEntry, ListStatus
from regulator import uscc as uscc_mod

PUBLIC_STATUSES = {"active": [ListStatus.PUBLISHED], "removed": [ListStatus.REMOVED]}
TRIGRAM_MIN_CHARS = 3  # pg_trgm indexes three-character sequences
BIGRAM_CHARS = 2  # credit_list_bigrams (migration 0008) indexes two-character ones
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
    path: str  # "walk", "index" or "orm": which plan answered (benchmark, tests)


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
    # Conditions shared by both paths (column references unqualified: one table).
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
        return _index_page([*conds, "enterprise_uscc = %s"], [*params, code], province, offset, page_size)
    walk_conds, walk_params = list(conds), list(params)
    index_conds, index_params = list(conds), list(params)
    if q:
        pattern = "%" + connection.ops.prep_for_like_query(q) + "%"
        cols = ["enterprise_name", *(["licence_numbers"] if searches_licences(q) else [])]
        # The index path must compare UPPER(col) (what the trigram indexes hold). The walk
        # tests each row it reads, so it skips UPPER() when the fragment has no cased letter
        # (a Chinese name): the result is the same and the test costs half as much.
        cased = q.upper() != q.lower()
        walk_one = "UPPER({}::text) LIKE UPPER(%s)" if cased else "{}::text LIKE %s"
        walk_conds.append("(" + " OR ".join(walk_one.format(c) for c in cols) + ")")
        walk_params += [pattern] * len(cols)
        index_conds.append("(" + " OR ".join(f"UPPER({c}::text) LIKE UPPER(%s)" for c in cols) + ")")
        index_params += [pattern] * len(cols)
        if len(q) < TRIGRAM_MIN_CHARS:
            # No trigram in the fragment: the bigram array (names and licence numbers,
            # upper-cased) holds it; the LIKE above rechecks which column matched.
            index_conds.append(
                "credit_list_bigrams(enterprise_name::text, licence_numbers::text) @> ARRAY[UPPER(%s)]"
            )
            index_params.append(q)
    found = _walk_page(walk_conds, walk_params, province, offset, page_size)
    if found is not None:
        return found
    return _index_page(index_conds, index_params, province, offset, page_size)


def _walk_page(conds, params, province, offset, page_size) -> SearchPage | None:
    k = walk_rows(page_size) * (offset // page_size + 1)  # deeper pages walk further
    inner, inner_params = "published_on IS NOT NULL", []
    if province:
        # The province's own newest-first index (credit_list_province_walk).
        inner, inner_params = inner + " AND province = %s", [province]
    # Only this module's fixed condition texts are joined in; every value is a parameter.
    sql = f"""
        SELECT e.*, w.n_est FROM (
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
        return None  # not a page and one more among the newest K: the index answers
    # At least offset + page_size + 1 matches; how many more is not counted.
    return SearchPage(rows[:page_size], offset + len(rows), True, True, "walk")


def _index_page(conds, params, province, offset, page_size) -> SearchPage:
    if province:
        conds, params = [*conds, "province = %s"], [*params, province]
    # Sorting on an expression keeps the planner off the newest-first walk (which the first
    # statement already did, bounded): the matches come from the search indexes.
    sql = f"""
        SELECT e.*, h.total FROM (
            SELECT id, COALESCE(published_on, published_on) AS o, count(*) OVER () AS total
            FROM credit_listentry WHERE {" AND ".join(conds)}
            ORDER BY 2 DESC, id DESC LIMIT %s OFFSET %s
        ) h JOIN credit_listentry e ON e.id = h.id
        ORDER BY h.o DESC, h.id DESC"""  # noqa: S608
    rows = list(ListEntry.objects.raw(sql, [*params, page_size, offset]))
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
