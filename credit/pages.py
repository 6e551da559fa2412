"""Public pages for people (under /public/): the two lists, an entry's detail, and an
enterprise's credit standing with a chart of its score (REGULATION.md §2). Only published
entries and the public columns are read; the events' actors (staff) are never shown."""

import datetime as dt

from django.core.paginator import Page
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.api import NotFound, known_page
from credit import conf, search, selectors
from credit.models import LedgerEntry, ListKind, ListStatus
from regulator import charts, provinces
from regulator.dates import add_months

PAGE_SIZE = 20
CHART_MONTHS = 24  # the chart's span; older points fold into its first month

PORTAL_NAV = [(20, "public-lists-page", gettext_lazy("Bad-operation and dishonest lists"))]


def _filters(request) -> dict:
    kind = request.GET.get("list", "")
    status = request.GET.get("status", "active")
    province = request.GET.get("province", "")[:2]
    return {
        "q": (request.GET.get("q") or "").strip()[:100],
        "list": kind if kind in ListKind.values else "",
        "status": status if status in ("active", "removed", "all") else "active",
        "province": province if province in provinces.BY_CODE else "",
    }


def _search_page(f: dict, number: int) -> tuple[Page, bool]:
    """One page of the search (issue 17 §4: no full count; ``capped`` when the count is a
    lower bound), as a Django Page whose paginator knows only whether a next page exists."""
    found = search.public_page(
        list_kind=f["list"] or None,
        q=f["q"],
        province=f["province"],
        status=f["status"],
        page=number,
        page_size=PAGE_SIZE,
    )
    return known_page(found.rows, number, PAGE_SIZE, found.count, found.more), found.count_capped


def public_lists(request):
    f = _filters(request)
    error = ""
    least = conf.get("CREDIT_SEARCH_MIN_CHARS")
    if 0 < len(f["q"]) < least:
        # Same rule as the API (a 400 there): too short to search, say so instead.
        error = _("Enter at least %(n)d characters of a name, or a whole USCC or licence number.") % {
            "n": least
        }
        f["q"] = ""
    try:
        deepest = max(1, conf.get("CREDIT_SEARCH_MAX_DEPTH") // PAGE_SIZE)
        number = max(1, min(int(request.GET.get("page") or 1), deepest))
    except ValueError:
        number = 1
    page, capped = _search_page(f, number)
    if not page.object_list and number > 1:
        page, capped = _search_page(f, 1)  # past the end (or a stale link): the first page
    query = urlencode({k: v for k, v in f.items() if v})
    return render(
        request,
        "credit/public_lists.html",
        {
            "page": page,
            "capped": capped,
            "error": error,
            "f": f,
            "query": query,
            "csv_url": reverse("public-lists")
            + "?"
            + urlencode({**{k: v for k, v in f.items() if v}, "format": "csv"}),
            "provinces": provinces.PROVINCES,
            "kinds": ListKind.choices,
        },
    )


def list_entry(request, pk: int):
    # Every published entry stays visible, removed ones marked as such (status "all").
    entry = selectors.public_list_entries(status="all").filter(pk=pk).first()
    if entry is None:
        raise Http404
    return render(
        request, "credit/list_entry.html", {"e": entry, "removed": entry.status == ListStatus.REMOVED}
    )


def _month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def score_history(enterprise_id: int) -> list[tuple[dt.date, int]]:
    """(month, score at the end of that month) over the last CHART_MONTHS months.

    A score is base + the sum of its ledger entries (REGULATION.md §2.4; expiry posts a
    compensating entry), so monthly sums in one grouped query give the whole curve."""
    base = conf.get("CREDIT_BASE_SCORE")
    now = timezone.localtime()
    rows = (
        LedgerEntry.objects.filter(enterprise_id=enterprise_id, effective_at__lte=now)
        .annotate(m=TruncMonth("effective_at"))
        .values("m")
        .annotate(p=Sum("points"))
        .order_by("m")
    )
    sums = {
        timezone.localtime(r["m"]).date() if isinstance(r["m"], dt.datetime) else r["m"]: r["p"] for r in rows
    }
    last = _month_start(now.date())
    first = add_months(last, -(CHART_MONTHS - 1))
    score = base + sum(p for m, p in sums.items() if m < first)
    out = []
    m = first
    while m <= last:
        score += sums.get(m, 0)
        out.append((m, score))
        m = add_months(m, 1)
    return out if sums else []


def score_chart(history: list[tuple[dt.date, int]]) -> str:
    floors = conf.get("CREDIT_GRADE_FLOORS")
    values = [s for _m, s in history]
    chart = charts.Chart(
        title=_("Credit score by month"),
        desc=_("Score at the end of each month; dashed lines are the grade thresholds."),
        labels=[m.strftime("%Y-%m") for m, _s in history],
        series=[charts.Series(_("Score"), values)],
        targets=[charts.Target(float(floor), _("Grade %(g)s from") % {"g": g}) for g, floor in floors],
        step=True,
    )
    return mark_safe(charts.render(chart))  # noqa: S308 - every value is escaped by charts.render


def credit_context(enterprise) -> dict:
    data = selectors.public_credit(enterprise.uscc)
    history = score_history(enterprise.pk)
    data["score_history"] = history
    data["chart"] = score_chart(history) if history else ""
    data["grade_floors"] = conf.get("CREDIT_GRADE_FLOORS")
    return data


def credit_profile(request, uscc: str):
    try:
        data = selectors.public_credit(uscc)
    except NotFound:
        return render(request, "credit/credit_profile.html", {"missing": True, "uscc": uscc}, status=404)
    return render(request, "credit/credit_profile.html", {"s": credit_context(data["enterprise"])})


def portal_section(enterprise) -> dict:
    return {
        "order": 20,
        "anchor": "credit",
        "heading": _("Credit standing and lists"),
        "template": "credit/_credit_section.html",
        **credit_context(enterprise),
    }


urlpatterns = [
    path("lists/", public_lists, name="public-lists-page"),
    path("lists/<int:pk>/", list_entry, name="public-list-entry"),
    path("credit/<str:uscc>/", credit_profile, name="public-credit-page"),
]
