"""Public pages for people (under /public/): the published penalty decisions (双公示) and one
decision's page. Only published penalty decisions and their public fields are read, the
same as GET /api/v1/public/penalties/; annulled decisions stay, marked."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from enforcement import selectors
from enforcement.models import PenaltyKind
from regulator import provinces

PAGE_SIZE = 20

PORTAL_NAV = [(35, "public-penalties-page", gettext_lazy("Administrative penalty decisions"))]


def _filters(request) -> dict:
    kind = request.GET.get("kind", "")
    authority = (request.GET.get("authority") or "")[:4].upper()
    annulled = request.GET.get("annulled", "")
    return {
        "q": (request.GET.get("q") or "").strip()[:100],
        "kind": kind if kind in PenaltyKind.values else "",
        "authority": authority if authority == "MIIT" or authority in provinces.BY_CODE else "",
        "annulled": annulled if annulled in ("true", "false") else "",
    }


def public_penalties(request):
    f = _filters(request)
    annulled = {"true": True, "false": False}.get(f["annulled"])
    qs = selectors.public_penalties(q=f["q"], kind=f["kind"], authority=f["authority"], annulled=annulled)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    active = {k: v for k, v in f.items() if v}
    return render(
        request,
        "enforcement/public_penalties.html",
        {
            "page": page,
            "f": f,
            "query": urlencode(active),
            "csv_url": reverse("public-penalties") + "?" + urlencode({**active, "format": "csv"}),
            "kinds": PenaltyKind.choices,
            "provinces": provinces.PROVINCES,
        },
    )


def public_penalty(request, number: str):
    dec = selectors.public_penalties().filter(number=number).first()
    if dec is None:
        raise Http404
    return render(request, "enforcement/public_penalty.html", {"d": dec})


urlpatterns = [
    path("penalties/", public_penalties, name="public-penalties-page"),
    path("penalties/<str:number>/", public_penalty, name="public-penalty-page"),
]
