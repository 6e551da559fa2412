"""Pages of the public complaint record without counting every match (the JSON list and the
portal's record page). Kept apart from ``metrics``, whose ``public_records`` queryset stays
the definition of the record (and serves the CSV export and the recomputations).

A page is the newest records matching the filters, ``period DESC, id DESC``, as
``public_records`` orders them. On PostgreSQL one statement answers it:

1. **The walk** reads the keys of the matches, newest first, from the record's partial
   indexes (migration 0003: one walk for no filter or a period, one per province, enterprise
   and category; the record's condition is the indexes' own, so the walk never reads the
   table). It stops after ``offset + window`` keys and one more, ``window`` being
   COMPLAINTS_RECORD_COUNT_WINDOW (at least a page and one more).
2. **The page**: the walk's keys from ``offset``, joined to the table and the enterprise
   register for that page's rows only.
3. **The count** is how many keys the walk read. When it ran out of matches before its
   limit ``count`` is exact; otherwise ``count`` is ``offset + window``, a lower bound (there
   are more matches than that), and ``count_capped`` is true. ``more`` says whether a next
   page exists either way.

The cost is bounded by the page's depth plus the window, never by the number of matches (a
full COUNT(*) at 5,000,000 complaints reads millions of index entries per request); page
depth is capped by COMPLAINTS_RECORD_MAX_DEPTH. With two filters the walk of the narrower
one is taken and the other is tested in the index (its included columns); a combination
that matches little of the narrower filter's records walks more of them.

Elsewhere (SQLite, ``make demo``) the same page comes from the ORM queryset, counted up to
the same limit.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection

from complaints import conf, metrics
from complaints.models import Complaint

# What a record shows (metrics.RECORD_FIELDS, read by metrics.record_row) from the complaint
# row itself (the enterprise's name and code come from the register), plus the keys the
# page is ordered by: the statement reads these columns only.
COLUMNS = ["id", "period", *(f for f in metrics.RECORD_FIELDS if not f.startswith("enterprise_"))]


@dataclass
class RecordPage:
    rows: list[Complaint]  # with enterprise_name and enterprise_uscc, as metrics.record_row reads
    count: int  # exact, or a lower bound when ``count_capped``
    count_capped: bool
    more: bool  # a next page exists


def window(page_size: int) -> int:
    """How many matches past the page's start the walk reads (and so counts) at most."""
    return max(page_size + 1, conf.get("COMPLAINTS_RECORD_COUNT_WINDOW"))


def deepest_page(page_size: int) -> int:
    """The last page number served: pages starting deeper than COMPLAINTS_RECORD_MAX_DEPTH
    matches are refused (narrow the filters instead)."""
    return max(1, -(-conf.get("COMPLAINTS_RECORD_MAX_DEPTH") // page_size))


def record_page(
    *,
    months: list[dt.date] | None = None,
    enterprise: str = "",
    category: str = "",
    province: str = "",
    page: int = 1,
    page_size: int = 50,
) -> RecordPage:
    """One page of ``metrics.public_records`` with the same filters, in the same order."""
    offset = (page - 1) * page_size
    limit = offset + window(page_size)
    if connection.vendor != "postgresql":
        return _orm_page(months, enterprise, category, province, offset, page_size, limit)
    # The record's condition, written as the partial indexes' predicate so they apply.
    conds, params = ["public_on IS NOT NULL", "accepted_on IS NOT NULL"], []
    if months:
        # ``period`` is always a month's first day and parse_period gives consecutive months:
        # the range equals ``period IN months`` and keeps the walk one ordered index range.
        conds.append("period BETWEEN %s AND %s")
        params += [min(months), max(months)]
    if enterprise:
        # A scalar subquery (an InitPlan): the walk keys on enterprise_id in index order; a
        # join would make the planner sort all of a large operator's records.
        conds.append("enterprise_id = (SELECT id FROM regulator_enterprise WHERE uscc = %s)")
        params.append(enterprise)
    if category:
        conds.append("category = %s")
        params.append(category)
    if province:
        conds.append("province = %s")
        params.append(province)
    cols = ", ".join(f"c.{c}" for c in COLUMNS)
    # Only this module's fixed condition texts are joined in; every value is a parameter.
    sql = f"""
        WITH walk AS MATERIALIZED (
            SELECT id, period FROM complaints_complaint WHERE {" AND ".join(conds)}
            ORDER BY period DESC, id DESC LIMIT %s
        )
        SELECT {cols}, e.name AS enterprise_name, e.uscc AS enterprise_uscc,
               (SELECT count(*) FROM walk) AS seen
        FROM (SELECT id, period FROM walk ORDER BY period DESC, id DESC LIMIT %s OFFSET %s) p
        JOIN complaints_complaint c ON c.id = p.id
        JOIN regulator_enterprise e ON e.id = c.enterprise_id
        ORDER BY p.period DESC, p.id DESC"""  # noqa: S608
    rows = list(Complaint.objects.raw(sql, [*params, limit + 1, page_size, offset]))
    seen = rows[0].seen if rows else offset  # past the end: the caller answers 404
    return _page(rows, seen, limit, offset, page_size)


def _page(rows: list[Complaint], seen: int, limit: int, offset: int, page_size: int) -> RecordPage:
    capped = seen > limit  # the walk read one match past its limit: there are more than limit
    return RecordPage(rows, min(seen, limit), capped, capped or offset + len(rows) < seen)


def _orm_page(months, enterprise, category, province, offset, page_size, limit) -> RecordPage:
    """SQLite (``make demo``): the ORM queryset, counted up to the same limit."""
    qs = metrics.public_records(months=months, enterprise=enterprise, category=category, province=province)
    rows = list(qs.select_related(None)[offset : offset + page_size])
    if len(rows) < page_size:
        return _page(rows, offset + len(rows) if rows else offset, limit, offset, page_size)
    return _page(rows, qs.values("id")[: limit + 1].count(), limit, offset, page_size)
