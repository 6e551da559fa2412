"""Public portal pages of the kernel: home (with the search box), search results and an
enterprise's page (served at / and under /public/).

The kernel imports no other app (tests/test_architecture.py), so what an app knows about an
enterprise reaches these pages through optional hooks in that app's own ``pages`` module,
found by name at run time the way config.urls finds the routes:

``PORTAL_NAV``: ``[(order, url_name, label)]`` links for the site header and the home page.
``portal_find(q) -> list[int]``: enterprise ids a query names beyond name and USCC (a
licence number, say).
``portal_section(enterprise) -> dict | None``: one section of the enterprise page,
``{"order": int, "template": "<app>/...html", ...context}``; None to show nothing.
An app that does not exist yet simply contributes nothing.
"""

from functools import cache
from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.shortcuts import render
from django.urls import path, reverse

from regulator import provinces
from regulator import uscc as uscc_mod
from regulator.models import Enterprise

SEARCH_LIMIT = 50


@cache
def _modules() -> tuple:
    mods = []
    for app in settings.DOMAIN_APPS:
        if app != "regulator" and find_spec(f"{app}.pages"):
            mods.append(import_module(f"{app}.pages"))
    return tuple(mods)


def hooks(name: str) -> list:
    return [getattr(m, name) for m in _modules() if hasattr(m, name)]


def nav_links() -> list[tuple[str, str]]:
    """(url, label) for every public page the installed apps offer, in their order."""
    items = sorted((order, url_name, label) for nav in hooks("PORTAL_NAV") for order, url_name, label in nav)
    return [(reverse(url_name), label) for _o, url_name, label in items]


def find_enterprises(q: str) -> list[Enterprise]:
    """Enterprises a query names: an exact USCC, a name fragment, or whatever the apps
    recognise (licence numbers). Only the register's public columns are read."""
    q = (q or "").strip()[:100]
    if not q:
        return []
    code = uscc_mod.normalise(q)
    cond_ids: set[int] = set()
    for find in hooks("portal_find"):
        cond_ids.update(find(q))
    qs = Enterprise.objects.only("pk", "uscc", "name", "province")
    if len(code) == 18 and code.isascii() and code.isalnum():
        found = list(qs.filter(uscc=code))
    else:
        found = list(qs.filter(name__icontains=q).order_by("name", "uscc")[:SEARCH_LIMIT])
    seen = {e.pk for e in found}
    extra = cond_ids - seen
    if extra:
        found = list(qs.filter(pk__in=extra).order_by("name", "uscc")[:SEARCH_LIMIT]) + found
    return found[:SEARCH_LIMIT]


def province_name(code: str, lang: str) -> str:
    p = provinces.BY_CODE.get(code)
    if p is None:
        return code
    return p.name_en if lang == "en" else p.name_zh


def home(request):
    q = (request.GET.get("q") or "").strip()[:100]
    ctx: dict = {"q": q, "links": nav_links()}
    if q:
        ctx["results"] = find_enterprises(q)
        ctx["limit"] = SEARCH_LIMIT
    return render(request, "regulator/home.html", ctx)


def enterprise_page(request, uscc: str):
    ent = (
        Enterprise.objects.only("pk", "uscc", "name", "province")
        .filter(uscc=uscc_mod.normalise(uscc))
        .first()
    )
    if ent is None:
        return render(request, "regulator/enterprise.html", {"missing": True, "uscc": uscc}, status=404)
    sections = [s for hook in hooks("portal_section") if (s := hook(ent))]
    sections.sort(key=lambda s: s["order"])
    return render(request, "regulator/enterprise.html", {"enterprise": ent, "sections": sections})


# "/" is routed to ``home`` by config.urls; these are mounted under /public/.
urlpatterns = [
    path("", home, name="public-home"),
    path("enterprises/<str:uscc>/", enterprise_page, name="public-enterprise"),
]
