"""Public page for people (under /public/): complaint statistics for a month, quarter or year
against the binding targets, by enterprise, category or province, with links to the
machine-readable record and statistics (CSV). Only the public record is read."""

import datetime as dt

from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from complaints import metrics, selectors
from config.api import ApplicationError

PORTAL_NAV = [(60, "public-complaint-stats-page", gettext_lazy("Complaint statistics"))]
GROUPS = ("enterprise", "category", "province")


def _default_period(today: dt.date) -> str:
    last = today.replace(day=1) - dt.timedelta(days=1)  # the last full month
    return f"{last:%Y-%m}"


def complaint_stats(request):
    today = timezone.localdate()
    period = (request.GET.get("period") or "").strip()[:7] or _default_period(today)
    group_by = request.GET.get("group_by", "enterprise")
    group_by = group_by if group_by in GROUPS else "enterprise"
    error = ""
    try:
        label, months = selectors.parse_period(period)
    except ApplicationError:
        error = gettext_lazy("Use YYYY-MM, YYYY-Qn or YYYY.")
        label, months = selectors.parse_period(_default_period(today))
    out = metrics.stats(months=months, group_by=group_by, today=today)
    query = {"period": label, "group_by": group_by}
    return render(
        request,
        "complaints/public_stats.html",
        {
            "period": label,
            "group_by": group_by,
            "groups": GROUPS,
            "error": error,
            "total": out["total"],
            "rows": out["groups"],
            "projection": out["projection"],
            "stats_csv": reverse("public-complaint-stats") + "?" + urlencode({**query, "format": "csv"}),
            "records_csv": reverse("public-complaint-list")
            + "?"
            + urlencode({"period": label, "format": "csv"}),
        },
    )


urlpatterns = [path("complaints/", complaint_stats, name="public-complaint-stats-page")]


# Issue 15 (public portal): month-by-month charts against the targets and the enterprise
# page's complaint section live in complaints/public_charts.py; routed and listed here.
from complaints import public_charts  # noqa: E402

PORTAL_NAV = [*PORTAL_NAV, *public_charts.PORTAL_NAV]
portal_section = public_charts.portal_section
urlpatterns += public_charts.urlpatterns
