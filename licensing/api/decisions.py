"""双公示 endpoints for licensing decisions (REGULATION.md §7; DESIGN.md public interface):
``GET /api/v1/public/licensing-decisions/`` (published rows only; filters, paging,
``?format=csv``) and the staff list with publish / hold actions. The enforcement app's
public penalties follow the same pattern."""

import django_filters
from django.http import StreamingHttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, renderers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import Pagination
from licensing import conf, selectors, services
from licensing.api import serializers as s
from licensing.models import DecisionKind, LicensingDecision
from regulator import csvsafe
from regulator.permissions import roles

CSV_FIELDS = [
    "document_number",
    "kind",
    "item",
    "category",
    "content",
    "holder_name",
    "holder_uscc",
    "licence_number",
    "authority",
    "authority_name",
    "decided_on",
    "published_at",
]

# The writer (regulator.csvsafe) escapes cells a spreadsheet would run as a formula
# (issue 9 point 5); cells go in as they are.


def _csv_stream(qs):
    w = csvsafe.writer(csvsafe.Echo())
    yield "\ufeff"  # BOM: spreadsheet programs then read the Chinese text right
    yield w.writerow(CSV_FIELDS)
    for row in qs.iterator(chunk_size=2000):
        data = s.DecisionOutput(row).data
        yield w.writerow(["" if data[f] is None else data[f] for f in CSV_FIELDS])


class DecisionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=DecisionKind.choices)
    authority = django_filters.CharFilter(field_name="authority_id")
    uscc = django_filters.CharFilter(field_name="holder_uscc")
    licence = django_filters.CharFilter(field_name="licence_number")
    decided_from = django_filters.DateFilter(field_name="decided_on", lookup_expr="gte")
    decided_to = django_filters.DateFilter(field_name="decided_on", lookup_expr="lte")

    class Meta:
        model = LicensingDecision
        fields = ["kind", "authority", "uscc", "licence", "decided_from", "decided_to"]


class PublicDecisionListApi(generics.ListAPIView):
    """双公示: every published licensing decision (grant, change, renewal, cancellation,
    withdrawal, revocation) with its document number, item, category, content, holder USCC
    and deciding authority. ``?format=csv`` exports every match."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = s.DecisionOutput
    filterset_class = DecisionFilter
    pagination_class = Pagination
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, csvsafe.CSVRenderer]

    def get_queryset(self):
        return selectors.decision_public_list()

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "csv":
            qs = self.filter_queryset(self.get_queryset())[: int(conf.get("DECISION_CSV_MAX_ROWS"))]
            resp = StreamingHttpResponse(_csv_stream(qs), content_type="text/csv; charset=utf-8")
            resp["Content-Disposition"] = 'attachment; filename="licensing-decisions.csv"'
            return resp
        return super().list(request, *args, **kwargs)


class DecisionListApi(generics.ListAPIView):
    """Decisions as staff see them, with the publication deadline and any hold; officers
    see their own authority's, other staff their jurisdiction's."""

    permission_classes = [roles("officer", read=("supervisor", "inspector", "handler"))]
    serializer_class = s.StaffDecisionOutput
    filterset_class = DecisionFilter

    def get_queryset(self):
        return selectors.decision_list(actor=self.request.user)


class DecisionPublishApi(APIView):
    permission_classes = [roles("officer", auditor=False)]

    @extend_schema(request=s.ActionInput, responses=s.StaffDecisionOutput, operation_id="decision_publish")
    def post(self, request, pk: int):
        selectors.decision_get(actor=request.user, decision_id=pk)
        data = s.ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        dec = services.decision_publish(
            actor=request.user, decision_id=pk, reason=data.validated_data["reason"]
        )
        return Response(s.StaffDecisionOutput(dec).data)


class DecisionHoldApi(APIView):
    permission_classes = [roles("officer", auditor=False)]

    @extend_schema(request=s.ActionInput, responses=s.StaffDecisionOutput, operation_id="decision_hold")
    def post(self, request, pk: int):
        selectors.decision_get(actor=request.user, decision_id=pk)
        data = s.ActionInput(data=request.data)
        data.is_valid(raise_exception=True)
        dec = services.decision_hold(actor=request.user, decision_id=pk, reason=data.validated_data["reason"])
        return Response(s.StaffDecisionOutput(dec).data)
