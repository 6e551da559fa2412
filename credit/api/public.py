"""Public credit endpoints: the lists as published, their changes, one enterprise's credit.
No login, no personal data, nothing unpublished (DESIGN.md, Public interface)."""

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import Pagination
from credit import selectors
from credit.api import serializers as s


class PublicListChangesApi(generics.GenericAPIView):
    """Entries added, changed or removed since a time; an empty page is a valid answer."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = s.PublicListChange
    pagination_class = Pagination
    filter_backends: list = []

    @extend_schema(parameters=[s.ChangesQuery])
    def get(self, request):
        q = s.ChangesQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        since = q.validated_data["since"]
        page = self.paginate_queryset(selectors.public_list_changes(since=since))
        data = s.PublicListChange(page, many=True, context={"since": since}).data
        return self.get_paginated_response(data)


class PublicCreditApi(APIView):
    """Score, grade and published listings of one enterprise (no personal data).

    On PostgreSQL the answer comes from the database already in PublicCreditOutput's shape
    (one statement, credit.selectors.public_credit_text); the serializer documents the
    contract (OpenAPI), serialises the SQLite demo's answer, and
    tests/credit/test_public_credit_document.py holds the two equal.

    The busiest public read (DESIGN.md: ≥ 0.5× a constant view's requests per second) takes
    a short way for a plain JSON GET (``dispatch``): the same throttles, then the database's
    text as the body, without DRF's request wrapping, negotiation and rendering, which cost
    as much as the query. Anything else (another format, a refusal, an unknown code) goes
    the usual way, so errors keep their one shape."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET" and connection.vendor == "postgresql" and _plain_json(request):
            self.args, self.kwargs, self.headers = args, kwargs, {}
            # As DRF sees a request with no authentication classes: anonymous.
            who = _Anonymous(request)
            if all(t.allow_request(who, self) for t in self.get_throttles()):
                request.telereg_throttled = True  # counted once, whichever way it goes on
                text = selectors.public_credit_text(kwargs["uscc"])
                if text is not None:
                    response = HttpResponse(text, content_type="application/json")
                    response["Vary"] = "Accept"
                    response["Allow"] = ", ".join(self.allowed_methods)
                    return response
        return super().dispatch(request, *args, **kwargs)

    def check_throttles(self, request):
        if not getattr(request._request, "telereg_throttled", False):
            super().check_throttles(request)

    @extend_schema(responses=s.PublicCreditOutput)
    def get(self, request, uscc: str):
        if connection.vendor == "postgresql":
            return Response(selectors.public_credit_document(uscc))
        d = selectors.public_credit(uscc)
        acc, ent = d["account"], d["enterprise"]
        return Response(
            s.PublicCreditOutput(
                {
                    "uscc": ent.uscc,
                    "name": ent.name,
                    "score": acc.score,
                    "grade": acc.grade,
                    "yearly_grade": d["yearly"],
                    "on_bad_list": acc.on_bad_list,
                    "on_dishonest_list": acc.on_dishonest_list,
                    "active_listings": d["active"],
                    "listing_history": d["history"],
                }
            ).data
        )


class _Anonymous:
    """The request as the throttles see it through DRF in a view without authentication
    classes: everything from the request, except that the user is anonymous (the session
    is never read)."""

    user = AnonymousUser()

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        return getattr(self._request, name)


def _plain_json(request) -> bool:
    """A GET that DRF would answer with its JSON renderer: no ``format`` override and an
    Accept header absent, */* or naming application/json first (as API clients send)."""
    if "format" in request.GET:
        return False
    accept = request.META.get("HTTP_ACCEPT", "")
    first = accept.split(",", 1)[0].split(";", 1)[0].strip()
    return first in ("", "*/*", "application/json")
