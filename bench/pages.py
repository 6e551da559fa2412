"""Public pages on demo data: server time of every ``/public/`` page (DESIGN.md: ≤ 300 ms).

The pages are enumerated from the URL resolver (every route under ``public/``), so a page
added later is measured, or shown as not measured, without touching this file. A detail
page gets a real id from the demo data through the app's own public selectors (the largest
draw, the enterprise with the most ledger entries, ...): see ``IDS``; a parameterised page
that ``IDS`` does not know is listed as "no id" and counts as NOT met.

Each page is requested through the Django test client (the whole middleware stack, template
rendering, DEBUG off as the bench settings are: cached templates, no debug toolbar) in both
languages, ``BENCH_PAGES_N`` times (default 30) after 3 warm-up requests; median, p95 and
the number of SQL statements of one request. The demo data are loaded with ``seed_demo``
into a database of its own (``own_database``: the data the other benchmarks generate would
otherwise be in every page), with a signing key made for this run since production signs
e-licences with a configured key.
"""

import os
import time
from collections.abc import Callable

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bench.common import Summary, median, ms, own_database, p, unthrottled

N = int(os.environ.get("BENCH_PAGES_N", 30))
WARMUP = 3
TARGET_S = 0.300
LANGUAGES = ["zh-hans", "en"]


def public_routes() -> list[tuple[str, str, list[str]]]:
    """(route, url name, parameter names) of every URL pattern under ``public/``."""
    out = []

    def walk(patterns, prefix: str) -> None:
        for pat in patterns:
            route = prefix + str(pat.pattern)
            if isinstance(pat, URLResolver):
                walk(pat.url_patterns, route)
            elif isinstance(pat, URLPattern) and route.startswith("public/"):
                out.append((route, pat.name or "", list(getattr(pat.pattern, "converters", {}))))

    walk(get_resolver().url_patterns, "")
    return out


def _largest_draw() -> dict:
    from inspections.selectors import public_draw_list

    draw = public_draw_list().order_by("-frame_size", "-pk").first()
    return {"pk": draw.pk} if draw else {}


def _list_entry() -> dict:
    from credit.search import public_list_entries

    entry = public_list_entries(status="all").order_by("pk").first()
    return {"pk": entry.pk} if entry else {}


def _penalty() -> dict:
    from enforcement.selectors import public_penalties

    dec = public_penalties().order_by("pk").first()
    return {"pk": dec.pk} if dec else {}


def _licensing_decision() -> dict:
    from licensing.selectors import decision_public_list

    dec = decision_public_list().order_by("pk").first()
    return {"pk": dec.pk} if dec else {}


def _busiest_enterprise() -> dict:
    # The enterprise with the most ledger entries: its pages have the most to show.
    from django.db.models import Count

    from regulator.models import Enterprise

    ent = Enterprise.objects.annotate(n=Count("credit_entries")).order_by("-n", "pk").first()
    return {"uscc": ent.uscc} if ent else {}


def _licence() -> dict:
    from licensing.models import Licence

    lic = Licence.objects.filter(status="valid").order_by("pk").first()
    return {"number": lic.number} if lic else {}


# URL name -> the kwargs of a real page in the demo data. A new detail page needs a line here
# (until then the table says "no id").
IDS: dict[str, Callable[[], dict]] = {
    "public-list-entry": _list_entry,
    "public-credit-page": _busiest_enterprise,
    "public-enterprise": _busiest_enterprise,
    "public-penalty": _penalty,
    "public-licensing-decision": _licensing_decision,
    "public-draw-page": _largest_draw,
    "public-licence": _licence,
    "public-licence-print": _licence,
}


def _measure(client: Client, url: str, lang: str) -> tuple[int, list[float], int]:
    headers = {"HTTP_ACCEPT_LANGUAGE": lang}

    def one() -> int:
        # HTTPS: the production settings redirect plain HTTP.
        return client.get(url, secure=True, **headers).status_code

    status = one()
    for _ in range(WARMUP - 1):
        one()
    with CaptureQueriesContext(connection) as ctx:
        one()
    # Read now: the log is cleared when the next request starts (captured_queries is lazy).
    statements = len(ctx.captured_queries)
    times = []
    for _ in range(N):
        t0 = time.perf_counter()
        one()
        times.append(time.perf_counter() - t0)
    return status, times, statements


def _signing_keys() -> dict[str, str]:
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return {"bench-pages": base64.b64encode(raw).decode()}


def measure_all(langs: list[str] = LANGUAGES) -> list[dict]:
    """One result per (page, language): url, status, times, statements (or why not measured)."""
    client = Client()
    results = []
    for route, name, params in public_routes():
        kwargs: dict = {}
        if params:
            found = IDS.get(name)
            kwargs = found() if found else {}
            if set(params) - set(kwargs):
                results.append({"route": route, "name": name, "url": None, "why": "no id in the demo data"})
                continue
        url = reverse(name, kwargs=kwargs) if name else "/" + route
        for lang in langs:
            status, times, statements = _measure(client, url, lang)
            results.append(
                {"route": route, "name": name, "url": url, "lang": lang, "status": status, "times": times,
                 "statements": statements}
            )  # fmt: skip
    return results


def run():
    from django.core.management import call_command

    keys = _signing_keys()
    settings = {"TELEREG_LICENCE_SIGNING_KEYS": keys, "TELEREG_LICENCE_ACTIVE_KEY_ID": next(iter(keys))}
    t0 = time.perf_counter()
    with own_database("pages"), override_settings(**settings):
        call_command("seed_demo", verbosity=0)
        load_s = time.perf_counter() - t0
        with unthrottled():
            results = measure_all()
    lines = [
        "## Public pages on demo data (server time)",
        "",
        f"Every route under `/public/` from the URL resolver; Django test client, DEBUG off, "
        f"{N} requests per page and language after {WARMUP} warm-up requests; statements = SQL "
        f"statements of one request. Demo data in a database of its own (migrated and loaded with "
        f"`seed_demo` in {load_s:.0f} s).",
        "",
        "| page | language | status | median | p95 | statements | ≤ 300 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    worst, missed = 0.0, []
    for r in results:
        if r["url"] is None:
            lines.append(f"| `/{r['route']}` | — | — | — | — | — | **NOT met** ({r['why']}) |")
            missed.append(r["route"])
            continue
        med, p95 = median(r["times"]), p(r["times"], 0.95)
        ok = r["status"] == 200 and p95 <= TARGET_S
        worst = max(worst, p95)
        if not ok:
            missed.append(f"{r['url']} ({r['lang']})")
        lines.append(
            f"| `{r['url']}` | {r['lang']} | {r['status']} | {ms(med)} | {ms(p95)} | {r['statements']} | "
            f"{'met' if ok else '**NOT met**'} |"
        )
    pages = len({r["route"] for r in results})
    met = not missed
    lines += [
        "",
        f"{pages} pages; worst p95 **{ms(worst)}** (target ≤ 300 ms per page, and a 200): "
        f"{'met' if met else 'NOT met: ' + ', '.join(missed)}.",
        f"Load average when the timing ended: {os.getloadavg()[0]:.1f}.",
    ]
    measured = f"{pages} pages × {len(LANGUAGES)} languages; worst p95 **{ms(worst)}**"
    if missed:
        measured += f"; missed: {len(missed)}"
    return "\n".join(lines), [Summary(measured=measured, met=met)]
