"""Public pages for people (under /public/): the lists and a credit profile."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path

from config.api import NotFound
from credit import selectors
from credit.models import ListKind


def public_lists(request):
    kind = request.GET.get("list", "")
    status = request.GET.get("status", "active")
    q = request.GET.get("q", "")[:100]
    qs = selectors.public_list_entries(
        list_kind=kind if kind in ListKind.values else None,
        q=q,
        province=request.GET.get("province", "")[:2],
        status=status if status in ("active", "removed", "all") else "active",
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "credit/public_lists.html", {"page": page, "q": q, "kind": kind, "status": status})


def credit_profile(request, uscc: str):
    try:
        data = selectors.public_credit(uscc)
    except NotFound:
        return render(request, "credit/credit_profile.html", {"missing": True, "uscc": uscc}, status=404)
    return render(request, "credit/credit_profile.html", data)


urlpatterns = [
    path("lists/", public_lists, name="public-lists-page"),
    path("credit/<str:uscc>/", credit_profile, name="public-credit-page"),
]
