"""Thin credit views: validate shape, call one selector or service, render."""

import csv
import io

import django_filters
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, renderers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ApplicationError, NotFound, Pagination, WindowCountPagination
from credit import conf, selectors, services
from credit.api import serializers as s
from credit.models import LedgerEntry, ListEffect, ListEntry
from regulator.idempotency import OPENAPI_HEADER as IDEMPOTENCY_HEADER
from regulator.idempotency import idempotent
from regulator.permissions import roles

STAFF_READ = ("officer", "inspector", "handler")
SUPERVISOR = roles("supervisor", read=STAFF_READ)
SUPERVISOR_OR_OWN = roles("supervisor", read=(*STAFF_READ, "enterprise"))


def _must_see(qs) -> None:
    # Missing and out-of-scope objects answer the same 404.
    if not qs.exists():
        raise NotFound(_("Not found."))


# --- rules ----------------------------------------------------------------------------------


class RuleListApi(generics.ListAPIView):
    """The points catalogue; supervisors add rules."""

    permission_classes = [SUPERVISOR_OR_OWN]
    serializer_class = s.RuleOutput
    filterset_fields = ["list_effect", "active"]

    def get_queryset(self):
        return selectors.rule_list()

    @extend_schema(request=s.RuleInput, responses={201: s.RuleOutput}, parameters=[IDEMPOTENCY_HEADER])
    @idempotent("credit.rule.create")
    def post(self, request):
        data = s.RuleInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        rule = services.rule_create(actor=request.user, code=v.pop("code"), **v)
        return Response(s.RuleOutput(rule).data, status=status.HTTP_201_CREATED)


class RuleDetailApi(APIView):
    permission_classes = [SUPERVISOR_OR_OWN]

    @extend_schema(responses=s.RuleOutput)
    def get(self, request, code: str):
        return Response(s.RuleOutput(selectors.rule_get(code)).data)

    @extend_schema(request=s.RuleUpdateInput, responses=s.RuleOutput)
    def patch(self, request, code: str):
        data = s.RuleUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        rule = services.rule_update(actor=request.user, code=code, **data.validated_data)
        return Response(s.RuleOutput(rule).data)


# --- ledger and accounts ----------------------------------------------------------------------


class LedgerFilter(django_filters.FilterSet):
    uscc = django_filters.CharFilter(field_name="enterprise__uscc")
    rule = django_filters.CharFilter(field_name="rule__code")

    class Meta:
        model = LedgerEntry
        fields = ["uscc", "rule", "kind"]


class EventCreateApi(APIView):
    """Post a credit event (a ledger entry) for an enterprise. Supervisors only."""

    permission_classes = [roles("supervisor", auditor=False)]

    @extend_schema(
        request=s.EventInput, responses={201: s.LedgerEntryOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    @idempotent("credit.event.create")
    def post(self, request):
        data = s.EventInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        ent = selectors.enterprise_for(actor=request.user, code=v["uscc"])
        rule = selectors.rule_list().filter(code=v["rule"]).first()
        if rule is not None and rule.list_effect != ListEffect.NONE:
            # A listing rule's points are posted by its list entry (which can be objected to).
            raise ApplicationError(
                _("This rule leads to a list; propose a list entry instead."),
                errors={"rule": [_("Use /api/v1/credit/list-entries/.")]},
            )
        entry = services.ledger_post(
            actor=request.user,
            enterprise=ent,
            rule_code=v["rule"],
            source_ref=v["source_ref"],
            note=v["note"],
            effective_at=v["effective_at"],
            idempotency_key=request.headers.get("Idempotency-Key") or None,
        )
        return Response(s.LedgerEntryOutput(entry).data, status=status.HTTP_201_CREATED)


class LedgerListApi(generics.ListAPIView):
    """Ledger entries; an enterprise sees only its own."""

    permission_classes = [SUPERVISOR_OR_OWN]
    serializer_class = s.LedgerEntryOutput
    filterset_class = LedgerFilter

    def get_queryset(self):
        return selectors.ledger_list(actor=self.request.user)


class LedgerReverseApi(APIView):
    """A correction: post the compensating entry for one posting."""

    permission_classes = [roles("supervisor", auditor=False)]

    @extend_schema(
        request=s.ReasonInput, responses={201: s.LedgerEntryOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    @idempotent("credit.ledger.reverse")
    def post(self, request, pk: int):
        data = s.ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        _must_see(selectors.ledger_list(actor=request.user).filter(pk=pk))
        entry = services.ledger_reverse(actor=request.user, entry_id=pk, reason=data.validated_data["reason"])
        return Response(s.LedgerEntryOutput(entry).data, status=status.HTTP_201_CREATED)


class AccountListApi(generics.ListAPIView):
    permission_classes = [SUPERVISOR_OR_OWN]
    serializer_class = s.AccountOutput
    filterset_fields = ["grade", "on_bad_list", "on_dishonest_list"]

    def get_queryset(self):
        return selectors.account_list(actor=self.request.user)


class AccountDetailApi(APIView):
    """Score and grade with the entries that make them (base + live postings)."""

    permission_classes = [SUPERVISOR_OR_OWN]

    @extend_schema(responses=s.AccountDetailOutput)
    def get(self, request, uscc: str):
        ent = selectors.enterprise_for(actor=request.user, code=uscc)
        b = selectors.account_breakdown(ent)
        acc = b["account"]
        return Response(
            {
                "uscc": ent.uscc,
                "name": ent.name,
                "score": acc.score,
                "grade": acc.grade,
                "on_bad_list": acc.on_bad_list,
                "on_dishonest_list": acc.on_dishonest_list,
                "base": b["base"],
                "computed_score": b["computed_score"],
                "entries": s.BreakdownItem(b["entries"], many=True).data,
            }
        )


class RestrictionsApi(APIView):
    permission_classes = [SUPERVISOR_OR_OWN]

    @extend_schema(responses=s.RestrictionsOutput)
    def get(self, request, uscc: str):
        ent = selectors.enterprise_for(actor=request.user, code=uscc)
        return Response(s.RestrictionsOutput(selectors.restrictions_for(ent)).data)


class SanctionListApi(generics.ListAPIView):
    permission_classes = [SUPERVISOR_OR_OWN]
    serializer_class = s.SanctionOutput

    def get_queryset(self):
        return selectors.sanction_list(actor=self.request.user)


# --- list entries -------------------------------------------------------------------------------


class ListEntryFilter(django_filters.FilterSet):
    uscc = django_filters.CharFilter(field_name="enterprise_uscc")

    class Meta:
        model = ListEntry
        fields = ["uscc", "list_kind", "status"]


class ListEntryListApi(generics.ListAPIView):
    permission_classes = [SUPERVISOR_OR_OWN]
    serializer_class = s.ListEntryOutput
    filterset_class = ListEntryFilter

    def get_queryset(self):
        return selectors.list_entry_list(actor=self.request.user)

    @extend_schema(
        request=s.ListEntryInput, responses={201: s.ListEntryOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    @idempotent("credit.list_entry.create")
    def post(self, request):
        data = s.ListEntryInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        ent = selectors.enterprise_for(actor=request.user, code=v.pop("uscc"))
        entry = services.list_entry_propose(actor=request.user, enterprise=ent, rule_code=v.pop("rule"), **v)
        return Response(s.ListEntryOutput(entry).data, status=status.HTTP_201_CREATED)


class ListEntryDetailApi(APIView):
    permission_classes = [SUPERVISOR_OR_OWN]

    @extend_schema(responses=s.ListEntryDetailOutput)
    def get(self, request, pk: int):
        return Response(s.ListEntryDetailOutput(selectors.list_entry_get(actor=request.user, pk=pk)).data)


class ListEntryActionApi(APIView):
    """notify / publish / remove one entry (supervisor)."""

    permission_classes = [roles("supervisor", auditor=False)]
    action_name = ""

    @extend_schema(request=s.RemoveInput, responses=s.ListEntryOutput)
    def post(self, request, pk: int):
        selectors.list_entry_get(actor=request.user, pk=pk)
        if self.action_name == "remove":
            data = s.RemoveInput(data=request.data)
            data.is_valid(raise_exception=True)
            entry = services.list_entry_remove(actor=request.user, entry_id=pk, **data.validated_data)
        else:
            reason = str(request.data.get("reason", ""))[:2000] if hasattr(request.data, "get") else ""
            fn = services.list_entry_notify if self.action_name == "notify" else services.list_entry_publish
            entry = fn(actor=request.user, entry_id=pk, reason=reason)
        return Response(s.ListEntryOutput(entry).data)


class ObjectionCreateApi(APIView):
    """The listed enterprise objects within the window."""

    permission_classes = [roles("enterprise", auditor=False)]

    @extend_schema(
        request=s.ObjectionInput, responses={201: s.ObjectionOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    @idempotent("credit.objection.file")
    def post(self, request, pk: int):
        data = s.ObjectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        obj = services.objection_file(actor=request.user, entry_id=pk, grounds=data.validated_data["grounds"])
        return Response(s.ObjectionOutput(obj).data, status=status.HTTP_201_CREATED)


class ObjectionListApi(generics.ListAPIView):
    permission_classes = [SUPERVISOR_OR_OWN]
    serializer_class = s.ObjectionOutput
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.objection_list(actor=self.request.user)


class ObjectionDecideApi(APIView):
    permission_classes = [roles("supervisor", auditor=False)]

    @extend_schema(request=s.ObjectionDecisionInput, responses=s.ObjectionOutput)
    def post(self, request, pk: int):
        data = s.ObjectionDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        _must_see(selectors.objection_list(actor=request.user).filter(pk=pk))
        obj = services.objection_decide(actor=request.user, objection_id=pk, **data.validated_data)
        return Response(s.ObjectionOutput(obj).data)


class RepairCreateApi(APIView):
    permission_classes = [roles("enterprise", auditor=False)]

    @extend_schema(request=s.RepairInput, responses={201: s.RepairOutput}, parameters=[IDEMPOTENCY_HEADER])
    @idempotent("credit.repair.file")
    def post(self, request, pk: int):
        data = s.RepairInput(data=request.data)
        data.is_valid(raise_exception=True)
        rep = services.repair_file(actor=request.user, entry_id=pk, **data.validated_data)
        return Response(s.RepairOutput(rep).data, status=status.HTTP_201_CREATED)


class RepairListApi(generics.ListAPIView):
    permission_classes = [SUPERVISOR_OR_OWN]
    serializer_class = s.RepairOutput
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.repair_list(actor=self.request.user)


class RepairStepApi(APIView):
    permission_classes = [roles("supervisor", auditor=False)]
    step = "accept"

    @extend_schema(request=s.RepairAcceptInput, responses=s.RepairOutput)
    def post(self, request, pk: int):
        _must_see(selectors.repair_list(actor=request.user).filter(pk=pk))
        if self.step == "accept":
            data = s.RepairAcceptInput(data=request.data)
            data.is_valid(raise_exception=True)
            rep = services.repair_accept(actor=request.user, repair_id=pk, **data.validated_data)
        else:
            data = s.RepairDecideInput(data=request.data)
            data.is_valid(raise_exception=True)
            rep = services.repair_decide(actor=request.user, repair_id=pk, **data.validated_data)
        return Response(s.RepairOutput(rep).data)


# --- public ---------------------------------------------------------------------------------------


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only error bodies reach here; the list itself is streamed by the view.
        buf = io.StringIO()
        w = csv.writer(buf)
        if isinstance(data, dict):
            for k, v in data.items():
                w.writerow([k, v])
        return buf.getvalue().encode()


class _Echo:
    def write(self, value):
        return value


def _csv_stream(qs):
    w = csv.writer(_Echo())
    yield "\ufeff"  # BOM: spreadsheet programs then read the Chinese names right
    yield w.writerow(s.PUBLIC_LIST_FIELDS)
    for row in qs.iterator(chunk_size=2000):
        data = s.PublicListEntry(row).data
        yield w.writerow([data[f] for f in s.PUBLIC_LIST_FIELDS])


class PublicListApi(generics.GenericAPIView):
    """The bad and dishonest lists as published. ``?format=csv`` exports every match."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = s.PublicListEntry
    pagination_class = WindowCountPagination
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]
    filter_backends: list = []

    @extend_schema(parameters=[s.PublicListQuery])
    def get(self, request):
        q = s.PublicListQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        v = q.validated_data
        qs = selectors.public_list_entries(
            list_kind=v.get("list"), q=v["q"], province=v["province"], status=v["status"]
        )
        if request.accepted_renderer.format == "csv":
            resp = StreamingHttpResponse(
                _csv_stream(qs[: conf.get("CREDIT_CSV_MAX_ROWS")]), content_type="text/csv; charset=utf-8"
            )
            resp["Content-Disposition"] = 'attachment; filename="credit-lists.csv"'
            return resp
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


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
    """Score, grade and published listings of one enterprise (no personal data)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses=s.PublicCreditOutput)
    def get(self, request, uscc: str):
        d = selectors.public_credit(uscc)
        acc, ent = d["account"], d["enterprise"]
        return Response(
            s.PublicCreditOutput(
                {
                    "uscc": ent.uscc,
                    "name": ent.name,
                    "score": acc.score,
                    "grade": acc.grade,
                    "on_bad_list": acc.on_bad_list,
                    "on_dishonest_list": acc.on_dishonest_list,
                    "active_listings": d["active"],
                    "listing_history": d["history"],
                }
            ).data
        )
