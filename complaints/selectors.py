"""Complaint reads, scoped to the actor (DESIGN.md: selectors), and the public record.

Staff see complaints of their authority's jurisdiction (the centre's province); national
staff everywhere. Handlers, supervisors and auditors read; an enterprise user sees only
complaints forwarded to its own enterprise. A missing and a forbidden complaint are both
404.
"""

import datetime as dt
import re

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from complaints.models import Complaint, Notification
from config.api import ApplicationError, NotFound
from regulator import scoping
from regulator.models import Role

READERS = frozenset({Role.HANDLER, Role.SUPERVISOR, Role.AUDITOR, Role.ENTERPRISE})


def complaint_scope(actor, qs: QuerySet) -> QuerySet:
    qs = scoping.scope(actor, qs, enterprise="enterprise", province="province", roles=READERS)
    # Enterprises see only what the centre forwarded to them (services.common).
    if scoping.role_of(actor) == Role.ENTERPRISE:
        qs = qs.filter(forwarded_on__isnull=False)
    return qs


def complaint_list(*, actor, filters: dict | None = None) -> QuerySet[Complaint]:
    f = filters or {}
    qs = complaint_scope(actor, Complaint.objects.select_related("enterprise", "handler"))
    for key in ("status", "kind", "category", "province"):
        if f.get(key):
            qs = qs.filter(**{key: f[key]})
    if f.get("enterprise"):
        qs = qs.filter(enterprise__uscc=f["enterprise"])
    if f.get("mine"):
        qs = qs.filter(handler=actor)
    if f.get("paused") is not None:
        qs = qs.filter(paused=f["paused"])
    return qs.order_by("-received_at", "-id")


def complaint_get(*, actor, complaint_id: int) -> Complaint:
    c = (
        complaint_scope(actor, Complaint.objects.select_related("enterprise", "handler"))
        .filter(pk=complaint_id)
        .prefetch_related("events", "pauses", "attachments")
        .first()
    )
    if c is None:
        raise NotFound(_("Not found."))
    return c


def sees_personal_data(actor, c: Complaint) -> bool:
    """Only the handler working the case sees the complainant's details in full."""
    # Need to know: supervisors and auditors oversee the handling, not the person.
    return bool(getattr(actor, "is_authenticated", False)) and c.handler_id == actor.pk


def notification_list(*, actor) -> QuerySet[Notification]:
    if not getattr(actor, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=actor).select_related("complaint").order_by("-id")


# --- periods ------------------------------------------------------------------------------

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_period(text: str, field: str = "period") -> tuple[str, list[dt.date]]:
    """ "YYYY-MM", "YYYY-Qn" or "YYYY" → (label, first days of its months)."""
    text = (text or "").strip()
    if m := _MONTH.match(text):
        return text, [dt.date(int(m[1]), int(m[2]), 1)]
    if m := _QUARTER.match(text):
        y, q = int(m[1]), int(m[2])
        return text, [dt.date(y, 3 * (q - 1) + i, 1) for i in (1, 2, 3)]
    if m := _YEAR.match(text):
        return text, [dt.date(int(m[1]), i, 1) for i in range(1, 13)]
    raise ApplicationError(_("Invalid input."), errors={field: [_("Use YYYY-MM, YYYY-Qn or YYYY.")]})


def period_bounds(months: list[dt.date]) -> tuple[dt.date, dt.date]:
    last = months[-1]
    nxt = dt.date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    return months[0], nxt - dt.timedelta(days=1)


# --- staff statistics with per-handler detail -----------------------------------------------


def handler_detail(*, actor, months: list[dt.date]) -> list[dict]:
    """Per handler: complaints accepted in the period, closed, fast and timely results,
    ratings, and clocks breached; scoped to the actor's jurisdiction."""
    qs = scoping.scope(
        actor,
        Complaint.objects.filter(period__in=months, accepted_on__isnull=False),
        enterprise=None,
        province="province",
        roles=frozenset({Role.HANDLER, Role.SUPERVISOR, Role.AUDITOR}),
    )
    # One grouped statement per report, not one per handler.
    rows = list(
        qs.values("handler_id", "handler__username")
        .annotate(
            accepted=Count("id"),
            closed=Count("id", filter=Q(status="closed")),
            fast_known=Count("id", filter=Q(fast__isnull=False)),
            fast=Count("id", filter=Q(fast=True)),
            timely_known=Count("id", filter=Q(timely__isnull=False)),
            timely=Count("id", filter=Q(timely=True)),
            rated=Count("id", filter=Q(rating__isnull=False)),
            rating_sum=Sum("rating", default=0),
        )
        .order_by("handler__username")
    )
    # Breaches apart: joining the alerts above would multiply the complaint rows.
    breached = dict(
        qs.filter(alerts__level="breached")
        .values("handler_id")
        .annotate(n=Count("id", distinct=True))
        .values_list("handler_id", "n")
    )
    for row in rows:
        row["breached"] = breached.get(row["handler_id"], 0)
    return rows
