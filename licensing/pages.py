"""Public licence pages under /public/ (REGULATION.md §1.7, DESIGN.md public interface):
look a licence up by number, read it (services named in the page's language), print the
A4 e-licence with its QR code, and verify one, by pasting the signed document or by
scanning the QR code.

The QR code carries a URL with the licence number, the document version, the SHA-256 of
the signed document and its Ed25519 signature: the page it opens checks all four against
the register, and someone holding the printed document can check the same hash and
signature offline with the published key (README, "Offline e-licence verification").
"""

import json
from urllib.parse import urlencode

import segno
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from config.api import ApplicationError, NotFound
from licensing import catalogue, keys, selectors, services, signing
from licensing.models import Licence, LicenceVersion

PORTAL_NAV = [(30, "public-licences", gettext_lazy("Licences: look up and verify"))]

NAMES = {code: (zh, en) for code, zh, en, _kind in catalogue.CATALOGUE}
NOT_GENUINE = {"invalid_signature", "unknown_key", "unknown_licence", "malformed", "hash_mismatch"}


def service_name(code: str) -> str:
    zh, en = NAMES.get(code, ("", ""))
    return (en if (get_language() or "").startswith("en") else zh) or zh or code


def verdict_words(verdict: str) -> dict:
    """What a verification result means, in words a citizen understands."""
    if verdict == "valid":
        return {
            "css": "ok",
            "head": _("Valid"),
            "text": _("Genuine, issued by the regulator, and in force today."),
        }
    if verdict == "superseded":
        return {
            "css": "warn",
            "head": _("Superseded"),
            "text": _(
                "Genuine, but the licence has been changed or renewed since: this copy is out of date. "
                "Ask the holder for the current version."
            ),
        }
    if verdict == "expired":
        return {
            "css": "bad",
            "head": _("Expired"),
            "text": _("Genuine, but its term has ended: it is no longer in force."),
        }
    if verdict == "suspended":
        return {
            "css": "bad",
            "head": _("Suspended"),
            "text": _(
                "Genuine, but suspended by the authority: the holder may not operate under it for now."
            ),
        }
    if verdict == "revoked":
        return {
            "css": "bad",
            "head": _("Revoked"),
            "text": _("Genuine, but revoked by the authority: it is void."),
        }
    if verdict == "cancelled":
        return {
            "css": "bad",
            "head": _("Licence cancelled"),
            "text": _("Genuine, but cancelled (注销) at the holder's request: it is no longer in force."),
        }
    if verdict == "withdrawn":
        return {
            "css": "bad",
            "head": _("Licence withdrawn"),
            "text": _(
                "Genuine, but withdrawn (撤销) by the authority because it should never have been granted: it is void."
            ),
        }
    return {
        "css": "bad",
        "head": _("Not genuine"),
        "text": _(
            "This is not a licence issued by the regulator, or it has been altered: "
            "do not rely on it. Its signature does not match our published keys."
        ),
    }


def check_url(request, ver: LicenceVersion) -> str:
    query = urlencode(
        {"n": ver.licence.number, "v": ver.version, "h": ver.document_sha256, "s": ver.signature}
    )
    return request.build_absolute_uri(reverse("public-licence-check") + "?" + query)


def qr_svg(data: str) -> str:
    # Error correction M (15%) survives a crease or a smudge on paper. A viewBox and no
    # fixed size: the stylesheet sizes it (screen, phone, 42 mm in print).
    return mark_safe(segno.make(data, error="m").svg_inline(border=4, omitsize=True))  # noqa: S308 - segno output


def _licence_context(lic: Licence, ver: LicenceVersion | None) -> dict:
    doc = ver.document if ver else {}
    en = (get_language() or "").startswith("en")
    return {
        "licence": lic,
        "version": ver,
        "services": [(c, service_name(c)) for c in sorted(lic.categories)],
        "coverage": [
            (p.get("name_en") if en else p.get("name_zh")) or p.get("code") for p in doc.get("coverage", [])
        ],
        "issuer": (doc.get("issuer") or {}).get("name_en" if en else "name_zh", lic.issuer),
        "document_json": json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) if ver else "",
    }


def _verify_pasted(doc_text: str, sig_text: str) -> dict:
    try:
        doc = json.loads(doc_text)
        result = services.licence_verify(document=doc, signature=sig_text.strip())
    except (ValueError, ApplicationError):
        result = {"verdict": "malformed"}
    return {**result, "words": verdict_words(result["verdict"])}


def licence_lookup(request):
    ctx: dict = {"keys": keys.public_keys()}
    number = (request.GET.get("number") or "").strip()[:60]
    if number:
        ctx["number"] = number
        try:
            lic, ver = selectors.licence_public_get(number=number)
            ctx.update(_licence_context(lic, ver))
        except (ApplicationError, NotFound) as exc:
            ctx["error"] = (
                exc.message if isinstance(exc, ApplicationError) else _("No licence with this number.")
            )
    if request.method == "POST":
        ctx["doc_text"] = request.POST.get("document", "")[:100_000]
        ctx["sig_text"] = request.POST.get("signature", "")[:200]
        ctx["result"] = _verify_pasted(ctx["doc_text"], ctx["sig_text"])
    return render(request, "licensing/licence_lookup.html", ctx)


def _get(number: str) -> tuple[Licence, LicenceVersion | None]:
    try:
        return selectors.licence_public_get(number=number)
    except (ApplicationError, NotFound):
        raise Http404


def licence_page(request, number: str):
    lic, ver = _get(number)
    ctx = _licence_context(lic, ver)
    if ver:
        ctx["check_url"] = check_url(request, ver)
        ctx["qr"] = qr_svg(ctx["check_url"])
    return render(request, "licensing/licence_page.html", ctx)


def licence_print(request, number: str):
    lic, ver = _get(number)
    if ver is None:
        raise Http404
    ctx = _licence_context(lic, ver)
    ctx["check_url"] = check_url(request, ver)
    ctx["qr"] = qr_svg(ctx["check_url"])
    return render(request, "licensing/licence_print.html", ctx)


def licence_check(request):
    """The QR code's target: number, version, document hash and signature in the query."""
    g = request.GET
    number, sha, sig = g.get("n", "")[:60], g.get("h", "")[:64], g.get("s", "")[:200]
    ver = None
    if g.get("v", "").isdigit() and len(g["v"]) < 9:
        ver = (
            LicenceVersion.objects.select_related("licence")
            .filter(licence__number=number, version=int(g["v"]))
            .first()
        )
    if ver is None:
        result = {"verdict": "unknown_licence"}
    elif signing.document_hash(ver.document) != sha:
        # The register's document for this version hashes differently: the code was not
        # made from it (or was altered).
        result = {"verdict": "hash_mismatch"}
    else:
        result = services.licence_verify(document=ver.document, signature=sig)
    ctx = {
        "result": {**result, "words": verdict_words(result["verdict"])},
        "number": number,
        "v": g.get("v", ""),
        "h": sha,
    }
    if ver is not None and result["verdict"] not in NOT_GENUINE:
        ctx.update(_licence_context(ver.licence, ver))
    return render(request, "licensing/licence_check.html", ctx)


def portal_find(q: str) -> list[int]:
    # Licence numbers always carry ASCII digits (京B2-20260001, REGULATION.md §1.4).
    if not any(ch.isascii() and ch.isdigit() for ch in q):
        return []
    return list(Licence.objects.filter(number__icontains=q).values_list("enterprise_id", flat=True)[:50])


def portal_section(enterprise) -> dict:
    lics = list(Licence.objects.filter(enterprise_id=enterprise.pk).order_by("-issued_at", "-id"))
    return {
        "order": 10,
        "anchor": "licences",
        "heading": _("Telecom business licences"),
        "template": "licensing/_licences_section.html",
        "licences": [(lic, [(c, service_name(c)) for c in sorted(lic.categories)]) for lic in lics],
    }


urlpatterns = [
    path("licences/", licence_lookup, name="public-licences"),
    path("licences/verify/", licence_lookup, name="public-licence-verify"),
    path("licences/check/", licence_check, name="public-licence-check"),
    path("licences/<str:number>/", licence_page, name="public-licence"),
    path("licences/<str:number>/print/", licence_print, name="public-licence-print"),
]


# 双公示 of licensing decisions (§7): list and detail pages in licensing/public_decisions.py,
# routed and listed here.
from licensing import public_decisions  # noqa: E402

PORTAL_NAV = [*PORTAL_NAV, *public_decisions.PORTAL_NAV]
urlpatterns += public_decisions.urlpatterns
