"""The public complaint record and its statistics (DESIGN.md, Public interface; REGULATION.md
§4.2, §4.3).

The record: one row per accepted complaint once it is closed or its answer time has passed
(CFPB's rule, ANCHORS.md §3), with no complainant data and no free text.

The statistics are sums of ``Rollup`` rows, which the services keep equal to the record's
contribution (``transitions.contribution``); ``recompute`` derives the same numbers from the
record's rows alone, which is how anyone (and a test, and the benchmark) checks them.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection
from django.db.models import F, QuerySet, Sum

from complaints import conf, sla
from complaints.models import Complaint, Rollup
from complaints.transitions import ROLLUP_FIELDS
from regulator.models import Enterprise

GROUPS = ("enterprise", "category", "province", "kind", "month")
RECORD_FIELDS = (
    "public_id",
    "kind",
    "category",
    "province",
    "enterprise_name",
    "enterprise_uscc",
    "received_on",
    "accepted_on",
    "closed_on",
    "outcome",
    "fast",
    "timely",
    "rating",
    "definition_version",
)


def public_records(
    *, months: list[dt.date] | None = None, enterprise: str = "", category: str = "", province: str = ""
) -> QuerySet[Complaint]:
    # The same condition as transitions.contribution: records and rollups cannot drift.
    qs = Complaint.objects.filter(public_on__isnull=False, accepted_on__isnull=False)
    if months:
        qs = qs.filter(period__in=months)
    if enterprise:
        qs = qs.filter(enterprise__uscc=enterprise)
    if category:
        qs = qs.filter(category=category)
    if province:
        qs = qs.filter(province=province)
    return qs.annotate(enterprise_name=F("enterprise__name"), enterprise_uscc=F("enterprise__uscc")).order_by(
        "-period", "-id"
    )


def record_row(c: Complaint) -> dict:
    return {
        "public_id": c.public_id,
        "kind": c.kind,
        "category": c.category,
        "province": c.province,
        "enterprise_name": c.enterprise_name,
        "enterprise_uscc": c.enterprise_uscc,
        "received_on": c.received_on,
        "accepted_on": c.accepted_on,
        "closed_on": c.closed_on,
        "outcome": c.outcome,
        "fast": c.fast,
        "timely": c.timely,
        "rating": c.rating,
        "definition_version": c.definition_version,
    }


# --- statistics -----------------------------------------------------------------------------


def targets() -> dict[str, tuple[str, Decimal, str]]:
    """(operator, value, value as text) per indicator, read once per report."""
    out = {}
    for name, (op, value) in conf.get("COMPLAINTS_TARGETS").items():
        out[name] = (op, Decimal(str(value)), str(value))
    return out


def _meets(value: Decimal | None, target: tuple[str, Decimal, str]) -> bool | None:
    if value is None:
        return None
    return value > target[1] if target[0] == "gt" else value >= target[1]


def measures(t: dict[str, int], goals: dict | None = None) -> dict:
    """Volumes and the three indicators, each with numerator, denominator and target."""
    goals = goals or targets()
    # Denominators are the complaints that have a result, not all records: an open
    # complaint is neither fast nor slow yet (it is untimely once overdue).
    fast = sla.rate(t["fast"], t["fast_known"])
    timely = sla.rate(t["timely"], t["timely_known"])
    sat = sla.satisfaction(t["rating_sum"], t["rated"])
    out = {"records": t["records"], "closed": t["closed"]}
    for name, num, den, value in (
        ("fast_rate", t["fast"], t["fast_known"], fast),
        ("timely_rate", t["timely"], t["timely_known"], timely),
        # Σ(r−1)×25 over the ratings given: the satisfaction score's numerator (§4.3).
        ("satisfaction", (t["rating_sum"] - t["rated"]) * 25, t["rated"], sat),
    ):
        goal = goals[name]
        out[name] = {
            "numerator": num,
            "denominator": den,
            "value": None if value is None else str(value),
            "target": {"op": goal[0], "value": goal[2]},
            "meets_target": _meets(value, goal),
        }
    return out


def _zero() -> dict[str, int]:
    return dict.fromkeys(ROLLUP_FIELDS, 0)


def _group_key(group_by: str, row: dict) -> str:
    if group_by == "enterprise":
        return row["enterprise_uscc"]
    if group_by == "month":
        return str(row["received_on"])[:7]  # a date or its ISO text, as the API gives it
    return row[group_by]


def stats(
    *, months: list[dt.date], group_by: str = "", province: str = "", today: dt.date | None = None
) -> dict:
    """From the rollups: totals and, with ``group_by``, one entry per group."""
    # At most (enterprises × categories × kinds) rows a month: the report's cost does
    # not grow with the number of complaints.
    qs = Rollup.objects.filter(period__in=months)
    if province:
        qs = qs.filter(province=province)
    sums = {f: Sum(f) for f in ROLLUP_FIELDS}
    goals = targets()
    if not group_by:
        total = {k: v or 0 for k, v in qs.aggregate(**sums).items()}
        return {"total": measures(total, goals), "groups": [], "projection": projection(total, months, today)}
    # One grouped statement; the totals are the groups' sums (additive counts). Grouping
    # by enterprise_id avoids a join over the rollup rows: names and codes come after, by
    # key, for the (few thousand at most) enterprises in the answer.
    field = {"enterprise": "enterprise_id", "month": "period"}.get(group_by, group_by)
    rows = list(qs.values(field).annotate(**sums))
    total = dict.fromkeys(ROLLUP_FIELDS, 0)
    for row in rows:
        for f in ROLLUP_FIELDS:
            total[f] += row[f]
    if group_by == "enterprise":
        ents = _names([r[field] for r in rows])
        keyed = [(ents[r[field]][0], r, ents[r[field]][1]) for r in rows]
    elif group_by == "month":
        keyed = [(r[field].strftime("%Y-%m"), r, None) for r in rows]
    else:
        keyed = [(r[field], r, None) for r in rows]
    groups = []
    for key, row, name in sorted(keyed, key=lambda k: k[0]):
        item = {"key": key, **measures({f: row[f] for f in ROLLUP_FIELDS}, goals)}
        if group_by == "enterprise":
            item["name"] = name
        groups.append(item)
    return {"total": measures(total, goals), "groups": groups, "projection": projection(total, months, today)}


def _names(ids: list[int]) -> dict[int, tuple[str, str]]:
    """USCC and name of each enterprise id."""
    if connection.vendor != "postgresql":
        return {
            pk: (code, name)
            for pk, code, name in Enterprise.objects.filter(pk__in=ids).values_list("pk", "uscc", "name")
        }
    # One array parameter instead of an IN list of thousands of placeholders, which the
    # driver spells out and the server parses on every report.
    with connection.cursor() as cur:
        cur.execute(f"SELECT id, uscc, name FROM {Enterprise._meta.db_table} WHERE id = ANY(%s)", [ids])  # noqa: S608
        return {pk: (code, name) for pk, code, name in cur.fetchall()}


def projection(total: dict[str, int], months: list[dt.date], today: dt.date | None) -> dict | None:
    """For a running period: the volume scaled by the share of the period elapsed, the
    rates so far held (None once the period is over or before it starts)."""
    if today is None:
        return None
    start = months[0]
    last = months[-1]
    end = dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    if not (start <= today < end):
        return None
    # Today counts as elapsed: on the last day of the period the share is 1.
    share = Decimal((today - start).days + 1) / Decimal((end - start).days)
    p = sla.project(total["fast"], total["fast_known"], share)
    return {
        "elapsed_share": str(share.quantize(Decimal("0.0001"))),
        "records": sla.project(total["records"], total["records"], share)["volume"],
        "fast_rate": None if p["rate"] is None else str(p["rate"]),
        "timely_rate": None if (r := sla.rate(total["timely"], total["timely_known"])) is None else str(r),
        "satisfaction": None
        if (s := sla.satisfaction(total["rating_sum"], total["rated"])) is None
        else str(s),
    }


def recompute(records: Iterable[dict], group_by: str = "") -> dict:
    """The statistics from public record rows alone (as the API gives them): what anyone
    can do to check ``stats``. Pure arithmetic over the rows."""
    total = _zero()
    groups: dict[str, dict[str, int]] = defaultdict(_zero)
    names: dict[str, str] = {}
    for r in records:
        # The same arithmetic as transitions.contribution, from the published fields only.
        contrib = {
            "records": 1,
            "closed": int(bool(r["closed_on"])),
            "fast_known": int(r["fast"] is not None),
            "fast": int(r["fast"] is True),
            "timely_known": int(r["timely"] is not None),
            "timely": int(r["timely"] is True),
            "rated": int(r["rating"] is not None),
            "rating_sum": r["rating"] or 0,
        }
        for f in ROLLUP_FIELDS:
            total[f] += contrib[f]
        if group_by:
            key = _group_key(group_by, r)
            names[key] = r.get("enterprise_name", "")
            for f in ROLLUP_FIELDS:
                groups[key][f] += contrib[f]
    goals = targets()
    out_groups = []
    for key in sorted(groups):
        item = {"key": key, **measures(groups[key], goals)}
        if group_by == "enterprise":
            item["name"] = names[key]
        out_groups.append(item)
    return {"total": measures(total, goals), "groups": out_groups}
