"""Public pages for people (under /public/): every draw with its frame hash, seed inputs,
strata, selections and teams (badges only), how to verify it, and the published results
(REGULATION.md §3: results published; DESIGN.md "Verifiable draws")."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from config.api import NotFound
from inspections import selectors
from inspections.models import Outcome

PAGE_SIZE = 20
SELECTIONS_PAGE = 100

PORTAL_NAV = [(40, "public-draws-page", gettext_lazy("Random inspections: draws and results"))]


def draws(request):
    page = Paginator(selectors.public_draw_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/draws.html", {"page": page, "query": ""})


def draw_detail(request, pk: int):
    try:
        draw = selectors.public_draw_get(pk)
    except NotFound:
        return render(request, "inspections/draw.html", {"missing": True}, status=404)
    doc = selectors.public_draw_document(draw)
    teams = {a["target"]: a["badges"] for a in doc["assignments"]}
    rows = [{**s, "badges": teams.get(s["id"], [])} for s in doc["selections"]]
    page = Paginator(rows, SELECTIONS_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/draw.html",
        {
            "d": doc,
            "page": page,
            "query": "",
            "frame_url": reverse("public-draw-frame", args=[draw.pk]),
            "json_url": reverse("public-draw-detail", args=[draw.pk]),
            "verify": f"python tools/verify_draw.py {draw.pk} --url {request.scheme}://{request.get_host()}",
        },
    )


def results(request):
    outcome = request.GET.get("result", "")
    outcome = outcome if outcome in Outcome.values else ""
    qs = selectors.public_results(outcome=outcome)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({"result": outcome}) if outcome else ""
    csv_url = (
        reverse("public-inspection-results")
        + "?"
        + urlencode({**({"result": outcome} if outcome else {}), "format": "csv"})
    )
    return render(
        request,
        "inspections/results.html",
        {"page": page, "outcome": outcome, "outcomes": Outcome.choices, "query": query, "csv_url": csv_url},
    )


urlpatterns = [
    path("draws/", draws, name="public-draws-page"),
    path("draws/<int:pk>/", draw_detail, name="public-draw-page"),
    path("inspection-results/", results, name="public-inspection-results-page"),
]
