"""Public pages for "double random, one public" (双随机、一公开, REGULATION.md §3): each
draw as published (frame hash and when it was published, seed inputs and rule, strata with
sizes and rates, selections with tickets, inspector teams, shortfalls, recusals) with a
plain-language "check this draw yourself" section giving the exact commands of the
standalone script tools/verify_draw.py, and the published inspection results.

Reads only the app's public selectors; the published fields are those of the public API
(§3: name, USCC, licence number, item, date, result, authority), never the facts recorded
by the team or who drew."""

from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.api import NotFound
from inspections import selectors
from inspections.models import Outcome
from regulator import uscc as uscc_mod

PAGE_SIZE = 20
SECTION_ROWS = 20
VERIFY_SCRIPT = Path(settings.BASE_DIR) / "tools" / "verify_draw.py"
SAMPLER_PIN = "consistent-sampler==1.0.10"  # the reference package DESIGN.md names

PORTAL_NAV = [
    (40, "public-draws-page", gettext_lazy("Random inspection draws")),
    (45, "public-results-page", gettext_lazy("Inspection results")),
]


def draws(request):
    page = Paginator(selectors.public_draw_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inspections/public_draws.html", {"page": page, "query": ""})


def draw_detail(request, pk: int):
    try:
        draw = selectors.public_draw_get(pk)
    except NotFound:
        raise Http404
    doc = selectors.public_draw_document(draw)
    base = request.build_absolute_uri("/").rstrip("/")
    teams = {a["target"]: a["badges"] for a in doc["assignments"]}
    return render(
        request,
        "inspections/public_draw.html",
        {
            "draw": draw,
            "doc": doc,
            "rows": [(s, teams.get(s["id"], [])) for s in doc["selections"]],
            "base": base,
            "script_url": base + reverse("public-verify-draw-script"),
            "frame_url": base + reverse("public-draw-frame", args=[draw.pk]),
            "draw_url": base + reverse("public-draw-detail", args=[draw.pk]),
            "sampler_pin": SAMPLER_PIN,
        },
    )


def verify_script(request):
    """The standalone checker itself, so that the commands on a draw page work as written."""
    try:
        body = VERIFY_SCRIPT.read_bytes()
    except OSError:
        raise Http404
    resp = HttpResponse(body, content_type="text/x-python; charset=utf-8")
    resp["Content-Disposition"] = 'attachment; filename="verify_draw.py"'
    return resp


def _result_filters(request) -> dict:
    g = request.GET
    q = uscc_mod.normalise((g.get("q") or "").strip()[:40])
    return {
        "q": q if len(q) == 18 and q.isascii() and q.isalnum() else "",
        "result": g.get("result", "") if g.get("result", "") in Outcome.values else "",
        "campaign": (g.get("campaign") or "").strip()[:40],
    }


def _rows(qs) -> list[tuple]:
    out = []
    for ins in qs:
        items = list(ins.result_items.all()) or list(ins.draw.campaign.items.all())
        out.append((ins, sorted(items, key=lambda i: i.code)))
    return out


def results(request):
    f = _result_filters(request)
    qs = selectors.public_results(uscc=f["q"], outcome=f["result"], campaign=f["campaign"])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    active = {k: v for k, v in f.items() if v}
    api = {"uscc": f["q"], "result": f["result"], "campaign": f["campaign"]}
    api = {k: v for k, v in api.items() if v}
    return render(
        request,
        "inspections/public_results.html",
        {
            "page": page,
            "rows": _rows(page),
            "f": f,
            "query": urlencode(active),
            "csv_url": reverse("public-inspection-results") + "?" + urlencode({**api, "format": "csv"}),
            "outcomes": Outcome.choices,
        },
    )


def portal_section(enterprise) -> dict | None:
    qs = selectors.public_results(uscc=enterprise.uscc)
    rows = _rows(qs[: SECTION_ROWS + 1])
    return {
        "order": 40,
        "anchor": "inspections",
        "heading": _("Inspection results"),
        "template": "inspections/_results_section.html",
        "rows": rows[:SECTION_ROWS],
        "more": len(rows) > SECTION_ROWS,
        "uscc": enterprise.uscc,
    }


urlpatterns = [
    path("draws/", draws, name="public-draws-page"),
    path("draws/verify_draw.py", verify_script, name="public-verify-draw-script"),
    path("draws/<int:pk>/", draw_detail, name="public-draw-page"),
    path("inspection-results/", results, name="public-results-page"),
]
