"""Public credit endpoints: the lists as published, their changes, one enterprise's credit.
No login, no personal data, nothing unpublished (DESIGN.md, Public interface)."""

from django.db import connection
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
    (one statement, credit.selectors.public_credit_document); the serializer documents the
    contract (OpenAPI), serialises the SQLite demo's answer, and
    tests/credit/test_public_credit_document.py holds the two equal."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

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
