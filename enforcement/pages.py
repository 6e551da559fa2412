"""Public pages for people (under /public/): the published penalty decisions (双公示), one
decision's page, and the penalties section of an enterprise's page. Only published penalty
decisions and their public fields are read, as by GET /api/v1/public/penalties/; annulled
decisions stay, marked (REGULATION.md §7)."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from enforcement import selectors
from enforcement.models import PenaltyKind
from regulator import provinces

PAGE_SIZE = 20
SECTION_ROWS = 10

PORTAL_NAV = [(35, "public-penalties-page", gettext_lazy("Administrative penalty decisions"))]


def _filters(request) -> dict:
    """The query's filters, each dropped when it is not a value the API accepts (a page
    never answers 400 for a hand-edited address)."""
    g = request.GET
    kind = g.get("kind", "")
    authority = (g.get("authority") or "")[:4].upper()
    province = (g.get("province") or "")[:2]
    year = (g.get("year") or "")[:4]
    annulled = g.get("annulled", "")
    return {
        "q": (g.get("q") or "").strip()[:100],
        "kind": kind if kind in PenaltyKind.values else "",
        "authority": authority if authority == "MIIT" or authority in provinces.BY_CODE else "",
        "province": province if province in provinces.BY_CODE else "",
        "year": year if year.isdigit() and 2000 <= int(year) <= 2100 else "",
        "annulled": annulled if annulled in ("true", "false") else "",
    }


def _rows(decisions) -> list:
    return [(d, selectors.public_result(d)) for d in decisions]


def public_penalties(request):
    f = _filters(request)
    qs = selectors.public_penalties(
        q=f["q"],
        kind=f["kind"],
        authority=f["authority"],
        province=f["province"],
        year=int(f["year"]) if f["year"] else None,
        annulled={"true": True, "false": False}.get(f["annulled"]),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    active = {k: v for k, v in f.items() if v}
    return render(
        request,
        "enforcement/public_penalties.html",
        {
            "page": page,
            "rows": _rows(page.object_list),
            "f": f,
            "query": urlencode(active),
            "csv_url": reverse("public-penalties") + "?" + urlencode({**active, "format": "csv"}),
            "kinds": PenaltyKind.choices,
            "provinces": provinces.PROVINCES,
        },
    )


def public_penalty(request, pk: int):
    dec = selectors.public_penalties().filter(pk=pk).first()
    if dec is None:
        raise Http404
    english = (get_language() or "").startswith("en")
    return render(
        request,
        "enforcement/public_penalty.html",
        {
            "d": dec,
            "result": selectors.public_result(dec),
            "authority_name": dec.authority.name_en if english else dec.authority.name_zh,
        },
    )


def portal_section(enterprise) -> dict:
    """The enterprise page's section: its published penalty decisions, newest first."""
    # One row more than shown tells whether to link to the full list.
    found = list(selectors.public_penalties().filter(enterprise_uscc=enterprise.uscc)[: SECTION_ROWS + 1])
    return {
        "order": 30,
        "anchor": "penalties",
        "heading": _("Administrative penalties"),
        "template": "enforcement/_penalties_section.html",
        "rows": _rows(found[:SECTION_ROWS]),
        "more": len(found) > SECTION_ROWS,
        "uscc": enterprise.uscc,
    }


urlpatterns = [
    path("penalties/", public_penalties, name="public-penalties-page"),
    path("penalties/<int:pk>/", public_penalty, name="public-penalty"),
]
