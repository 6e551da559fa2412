"""Public pages under /public/: look a licence up and verify an e-licence (zh-Hans / en)."""

import json

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_http_methods

from config.api import ApplicationError
from licensing import keys, selectors, services


@require_http_methods(["GET", "POST"])
def licence_lookup(request):
    ctx: dict = {"keys": keys.public_keys()}
    number = (request.GET.get("number") or "").strip()
    if number:
        ctx["number"] = number
        try:
            lic, ver = selectors.licence_public_get(number=number)
            ctx["licence"] = lic
            ctx["version"] = ver
            if ver:
                ctx["document_json"] = json.dumps(ver.document, ensure_ascii=False, indent=2, sort_keys=True)
        except ApplicationError as exc:
            ctx["error"] = exc.message
    if request.method == "POST":
        ctx["doc_text"] = request.POST.get("document", "")
        ctx["sig_text"] = request.POST.get("signature", "")
        try:
            doc = json.loads(ctx["doc_text"])
            ctx["result"] = services.licence_verify(document=doc, signature=ctx["sig_text"].strip())
        except (ValueError, ApplicationError):
            ctx["verify_error"] = True
    return render(request, "licensing/licence_lookup.html", ctx)


urlpatterns = [path("licences/", licence_lookup, name="public-licences")]
