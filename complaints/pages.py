"""Public pages for people (under /public/): complaint statistics for a month, quarter or year
against the binding targets, by enterprise, category or province, with links to the
machine-readable record and statistics (CSV); and the record itself, page by page, with its
filters. Only the public record is read."""

import datetime as dt

from django.core.paginator import Page
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import metrics, records, selectors
from complaints.models import Category
from config.api import ApplicationError, known_page
from regulator import provinces
from regulator import uscc as uscc_mod

PORTAL_NAV = [
    (60, "public-complaint-stats-page", gettext_lazy("Complaint statistics")),
    (61, "public-complaint-records-page", gettext_lazy("Complaint records")),
]
GROUPS = ("enterprise", "category", "province")
RECORDS_PAGE_SIZE = 20


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
            "records_page": reverse("public-complaint-records-page") + "?" + urlencode({"period": label}),
        },
    )


def _record_filters(request) -> tuple[dict, dict, list[str]]:
    """(the form's values as typed, the filters that hold, a message per bad one). A bad
    filter is named and left out, never a 500 (the API answers 400 with field errors)."""
    typed = {
        k: (request.GET.get(k) or "").strip()[:40] for k in ("period", "enterprise", "category", "province")
    }
    good = {"period": "", "enterprise": "", "category": "", "province": ""}
    errors = []
    if typed["period"]:
        try:
            good["period"] = selectors.parse_period(typed["period"])[0]
        except ApplicationError:
            errors.append(_("Period: use YYYY-MM, YYYY-Qn or YYYY."))
    if typed["enterprise"]:
        try:
            good["enterprise"] = uscc_mod.validate(typed["enterprise"])
        except uscc_mod.USCCError:
            errors.append(_("Enterprise: enter a whole unified social credit code (18 characters)."))
    if typed["category"]:
        if typed["category"] in Category.values:
            good["category"] = typed["category"]
        else:
            errors.append(_("Unknown category."))
    if typed["province"]:
        if typed["province"] in provinces.BY_CODE:
            good["province"] = typed["province"]
        else:
            errors.append(_("Unknown province."))
    return typed, good, errors


def _record_page(f: dict, number: int) -> tuple[Page, bool]:
    """One page of the record (no full count; ``capped`` when the count is a lower bound),
    as a Django Page whose paginator knows only whether a next page exists."""
    found = records.record_page(
        months=selectors.parse_period(f["period"])[1] if f["period"] else None,
        enterprise=f["enterprise"],
        category=f["category"],
        province=f["province"],
        page=number,
        page_size=RECORDS_PAGE_SIZE,
    )
    return known_page(found.rows, number, RECORDS_PAGE_SIZE, found.count, found.more), found.count_capped


def complaint_records(request):
    typed, f, errors = _record_filters(request)
    try:
        # Deeper pages are not served (COMPLAINTS_RECORD_MAX_DEPTH): the deepest one instead.
        number = max(1, min(int(request.GET.get("page") or 1), records.deepest_page(RECORDS_PAGE_SIZE)))
    except ValueError:
        number = 1
    page, capped = _record_page(f, number)
    if not page.object_list and number > 1:
        page, capped = _record_page(f, 1)  # past the end (or a stale link): the first page
    query = {k: v for k, v in f.items() if v}
    return render(
        request,
        "complaints/public_records.html",
        {
            "page": page,
            "capped": capped,
            "errors": errors,
            "f": typed,
            "query": urlencode(query),
            "csv_url": reverse("public-complaint-list") + "?" + urlencode({**query, "format": "csv"}),
            "stats_url": reverse("public-complaint-stats-page")
            + ("?" + urlencode({"period": f["period"]}) if f["period"] else ""),
            "provinces": provinces.PROVINCES,
            "categories": Category.choices,
        },
    )


urlpatterns = [
    path("complaints/", complaint_stats, name="public-complaint-stats-page"),
    path("complaints/records/", complaint_records, name="public-complaint-records-page"),
]


# Issue 15 (public portal): month-by-month charts against the targets and the enterprise
# page's complaint section live in complaints/public_charts.py; routed and listed here.
from complaints import public_charts  # noqa: E402

PORTAL_NAV = [*PORTAL_NAV, *public_charts.PORTAL_NAV]
portal_section = public_charts.portal_section
urlpatterns += public_charts.urlpatterns
