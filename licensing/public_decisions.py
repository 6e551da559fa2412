"""The portal's pages for licensing decisions (双公示, REGULATION.md §7): every published
grant, change, renewal, cancellation, withdrawal and revocation with its document number,
item, category, content, holder and deciding authority, as GET
/api/v1/public/licensing-decisions/ serves them; the same filters, and the CSV export of the
API linked with them. Unpublished (held or not yet due) decisions are not read."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy

from licensing import selectors
from licensing.models import DecisionKind
from regulator import provinces

PAGE_SIZE = 20
PORTAL_NAV = [(32, "public-licensing-decisions-page", gettext_lazy("Licensing decisions"))]


def _filters(request) -> dict:
    """The query's filters, each dropped when it is not a value the API accepts (a page never
    answers 400 for a hand-edited address)."""
    g = request.GET
    kind = g.get("kind", "")
    authority = (g.get("authority") or "")[:4].upper()
    year = (g.get("year") or "")[:4]
    return {
        "q": (g.get("q") or "").strip()[:100],
        "kind": kind if kind in DecisionKind.values else "",
        "authority": authority if authority == "MIIT" or authority in provinces.BY_CODE else "",
        "year": year if year.isdigit() and 2000 <= int(year) <= 2100 else "",
    }


def _api_query(f: dict) -> dict:
    """The API's names for the same filters (its ``uscc`` is exact and it has no free text, so
    a name fragment narrows the page only; the CSV then carries the other filters)."""
    out = {k: f[k] for k in ("kind", "authority") if f[k]}
    if f["year"]:
        out.update(decided_from=f"{f['year']}-01-01", decided_to=f"{f['year']}-12-31")
    return out


def public_decisions(request):
    f = _filters(request)
    qs = selectors.decision_public_search(
        q=f["q"], kind=f["kind"], authority=f["authority"], year=int(f["year"]) if f["year"] else None
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    active = {k: v for k, v in f.items() if v}
    return render(
        request,
        "licensing/public_decisions.html",
        {
            "page": page,
            "f": f,
            "query": urlencode(active),
            "csv_url": reverse("licensing-public-decisions")
            + "?"
            + urlencode({**_api_query(f), "format": "csv"}),
            "kinds": DecisionKind.choices,
            "provinces": provinces.PROVINCES,
        },
    )


def public_decision(request, pk: int):
    dec = selectors.decision_public_list().filter(pk=pk).first()
    if dec is None:
        raise Http404
    english = (get_language() or "").startswith("en")
    return render(
        request,
        "licensing/public_decision.html",
        {"d": dec, "authority_name": dec.authority.name_en if english else dec.authority.name_zh},
    )


urlpatterns = [
    path("licensing-decisions/", public_decisions, name="public-licensing-decisions-page"),
    path("licensing-decisions/<int:pk>/", public_decision, name="public-licensing-decision"),
]
