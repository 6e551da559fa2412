"""Thin credit views: validate shape, call one selector or service, render. One API per
operation (issue 8): every check of who may act on what lives in the service or selector."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from credit import selectors, services
from credit.api import serializers as s
from credit.models import LedgerEntry, ListEntry
from regulator.idempotency import OPENAPI_HEADER as IDEMPOTENCY_HEADER
from regulator.idempotency import idempotent
from regulator.permissions import roles

STAFF_READ = ("officer", "inspector", "handler")
SUPERVISOR_OR_OWN = roles("supervisor", read=(*STAFF_READ, "enterprise"))
SUPERVISOR_ONLY = roles("supervisor", auditor=False)
ENTERPRISE_ONLY = roles("enterprise", auditor=False)


def _created(data) -> Response:
    return Response(data, status=status.HTTP_201_CREATED)


# --- rules ----------------------------------------------------------------------------------


class RuleListApi(generics.ListAPIView):
    """The points catalogue; supervisors add rules."""

    permission_classes = [SUPERVISOR_OR_OWN]
    serializer_class = s.RuleOutput
    filterset_fields = ["list_effect", "active"]

    def get_queryset(self):
        return selectors.rule_list(actor=self.request.user)

    @extend_schema(request=s.RuleInput, responses={201: s.RuleOutput}, parameters=[IDEMPOTENCY_HEADER])
    @idempotent("credit.rule.create")
    def post(self, request):
        data = s.RuleInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        return _created(s.RuleOutput(services.rule_create(actor=request.user, code=v.pop("code"), **v)).data)


class RuleDetailApi(APIView):
    permission_classes = [SUPERVISOR_OR_OWN]

    @extend_schema(responses=s.RuleOutput)
    def get(self, request, code: str):
        return Response(s.RuleOutput(selectors.rule_get(actor=request.user, code=code)).data)

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
    """Post a credit event (a ledger entry) for an enterprise. Supervisors only; rules with a
    list effect are refused by the service (their points follow the list entry)."""

    permission_classes = [SUPERVISOR_ONLY]

    @extend_schema(
        request=s.EventInput, responses={201: s.LedgerEntryOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    @idempotent("credit.event.create")
    def post(self, request):
        data = s.EventInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        entry = services.ledger_post(
            actor=request.user,
            enterprise=selectors.enterprise_for(actor=request.user, code=v["uscc"]),
            rule_code=v["rule"],
            source_ref=v["source_ref"],
            note=v["note"],
            effective_at=v["effective_at"],
            idempotency_key=request.headers.get("Idempotency-Key") or None,
        )
        return _created(s.LedgerEntryOutput(entry).data)


class LedgerListApi(generics.ListAPIView):
    """Ledger entries; an enterprise sees only its own."""

    permission_classes = [SUPERVISOR_OR_OWN]
    serializer_class = s.LedgerEntryOutput
    filterset_class = LedgerFilter

    def get_queryset(self):
        return selectors.ledger_list(actor=self.request.user)


class LedgerReverseApi(APIView):
    """A correction: post the compensating entry for one posting."""

    permission_classes = [SUPERVISOR_ONLY]

    @extend_schema(
        request=s.ReasonInput, responses={201: s.LedgerEntryOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    @idempotent("credit.ledger.reverse")
    def post(self, request, pk: int):
        data = s.ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.ledger_reverse(actor=request.user, entry_id=pk, reason=data.validated_data["reason"])
        return _created(s.LedgerEntryOutput(entry).data)


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
        b = selectors.account_breakdown(actor=request.user, code=uscc)
        acc, ent = b["account"], b["enterprise"]
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
        return Response(s.RestrictionsOutput(selectors.restrictions_get(actor=request.user, code=uscc)).data)


# --- sanctions ------------------------------------------------------------------------------


class SanctionListApi(generics.ListAPIView):
    """Dated sanctions; supervisors impose them, an enterprise sees its own."""

    permission_classes = [SUPERVISOR_OR_OWN]
    serializer_class = s.SanctionOutput
    filterset_fields = ["kind"]

    def get_queryset(self):
        return selectors.sanction_list(actor=self.request.user)

    @extend_schema(
        request=s.SanctionInput, responses={201: s.SanctionOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    @idempotent("credit.sanction.impose")
    def post(self, request):
        data = s.SanctionInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        ent = selectors.enterprise_for(actor=request.user, code=v.pop("uscc"))
        return _created(
            s.SanctionOutput(services.sanction_impose(actor=request.user, enterprise=ent, **v)).data
        )


class SanctionLiftApi(APIView):
    permission_classes = [SUPERVISOR_ONLY]

    @extend_schema(request=s.ReasonInput, responses=s.SanctionOutput)
    def post(self, request, pk: int):
        data = s.ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        out = services.sanction_lift(actor=request.user, sanction_id=pk, reason=data.validated_data["reason"])
        return Response(s.SanctionOutput(out).data)


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
        return _created(s.ListEntryOutput(entry).data)


class ListEntryDetailApi(APIView):
    permission_classes = [SUPERVISOR_OR_OWN]

    @extend_schema(responses=s.ListEntryDetailOutput)
    def get(self, request, pk: int):
        return Response(s.ListEntryDetailOutput(selectors.list_entry_get(actor=request.user, pk=pk)).data)


class ListEntryNotifyApi(APIView):
    """Serve the written notice (送达); its text is stored with the entry."""

    permission_classes = [SUPERVISOR_ONLY]

    @extend_schema(request=s.NotifyInput, responses=s.ListEntryOutput)
    def post(self, request, pk: int):
        data = s.NotifyInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.list_entry_notify(actor=request.user, entry_id=pk, **data.validated_data)
        return Response(s.ListEntryOutput(entry).data)


class ListEntryDeliveryApi(APIView):
    """Record when the notice reached the enterprise: the objection window starts then."""

    permission_classes = [SUPERVISOR_ONLY]

    @extend_schema(request=s.DeliveryInput, responses=s.ListEntryOutput)
    def post(self, request, pk: int):
        data = s.DeliveryInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.list_entry_notice_delivered(actor=request.user, entry_id=pk, **data.validated_data)
        return Response(s.ListEntryOutput(entry).data)


class ListEntryPublishApi(APIView):
    permission_classes = [SUPERVISOR_ONLY]

    @extend_schema(request=s.OptionalReasonInput, responses=s.ListEntryOutput)
    def post(self, request, pk: int):
        data = s.OptionalReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.list_entry_publish(actor=request.user, entry_id=pk, **data.validated_data)
        return Response(s.ListEntryOutput(entry).data)


class ListEntryWithdrawApi(APIView):
    """Withdraw an entry (its basis annulled); a published one has its points reversed."""

    permission_classes = [SUPERVISOR_ONLY]

    @extend_schema(request=s.ReasonInput, responses=s.ListEntryOutput)
    def post(self, request, pk: int):
        data = s.ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.list_entry_withdraw(actor=request.user, entry_id=pk, **data.validated_data)
        return Response(s.ListEntryOutput(entry).data)


class ListEntryRemoveApi(APIView):
    """End an annual-report entry once the report is filed and confirmed."""

    permission_classes = [SUPERVISOR_ONLY]

    @extend_schema(request=s.RemoveInput, responses=s.ListEntryOutput)
    def post(self, request, pk: int):
        data = s.RemoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.list_entry_remove(actor=request.user, entry_id=pk, **data.validated_data)
        return Response(s.ListEntryOutput(entry).data)


class ListEntryFulfilmentApi(APIView):
    """Record that the penalty behind the entries with a source reference was carried out."""

    permission_classes = [SUPERVISOR_ONLY]

    @extend_schema(request=s.FulfilmentInput, responses={200: None})
    def post(self, request):
        data = s.FulfilmentInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            {"updated": services.list_entry_mark_fulfilled(actor=request.user, **data.validated_data)}
        )


# --- objections and repairs -------------------------------------------------------------------


class ObjectionCreateApi(APIView):
    """The listed enterprise objects within the window."""

    permission_classes = [ENTERPRISE_ONLY]

    @extend_schema(
        request=s.ObjectionInput, responses={201: s.ObjectionOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    @idempotent("credit.objection.file")
    def post(self, request, pk: int):
        data = s.ObjectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        obj = services.objection_file(actor=request.user, entry_id=pk, grounds=data.validated_data["grounds"])
        return _created(s.ObjectionOutput(obj).data)


class ObjectionListApi(generics.ListAPIView):
    permission_classes = [SUPERVISOR_OR_OWN]
    serializer_class = s.ObjectionOutput
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.objection_list(actor=self.request.user).prefetch_related("events")


class ObjectionDecideApi(APIView):
    permission_classes = [SUPERVISOR_ONLY]

    @extend_schema(request=s.ObjectionDecisionInput, responses=s.ObjectionOutput)
    def post(self, request, pk: int):
        data = s.ObjectionDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        obj = services.objection_decide(actor=request.user, objection_id=pk, **data.validated_data)
        return Response(s.ObjectionOutput(obj).data)


class RepairCreateApi(APIView):
    permission_classes = [ENTERPRISE_ONLY]

    @extend_schema(request=s.RepairInput, responses={201: s.RepairOutput}, parameters=[IDEMPOTENCY_HEADER])
    @idempotent("credit.repair.file")
    def post(self, request, pk: int):
        data = s.RepairInput(data=request.data)
        data.is_valid(raise_exception=True)
        return _created(
            s.RepairOutput(services.repair_file(actor=request.user, entry_id=pk, **data.validated_data)).data
        )


class RepairListApi(generics.ListAPIView):
    permission_classes = [SUPERVISOR_OR_OWN]
    serializer_class = s.RepairOutput
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.repair_list(actor=self.request.user).prefetch_related("events")


class RepairAcceptApi(APIView):
    permission_classes = [SUPERVISOR_ONLY]

    @extend_schema(request=s.RepairAcceptInput, responses=s.RepairOutput)
    def post(self, request, pk: int):
        data = s.RepairAcceptInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            s.RepairOutput(
                services.repair_accept(actor=request.user, repair_id=pk, **data.validated_data)
            ).data
        )


class RepairDecideApi(APIView):
    permission_classes = [SUPERVISOR_ONLY]

    @extend_schema(request=s.RepairDecideInput, responses=s.RepairOutput)
    def post(self, request, pk: int):
        data = s.RepairDecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            s.RepairOutput(
                services.repair_decide(actor=request.user, repair_id=pk, **data.validated_data)
            ).data
        )


# --- yearly grades and admonition talks ---------------------------------------------------------


class GradeRecordListApi(generics.ListAPIView):
    permission_classes = [SUPERVISOR_OR_OWN]
    serializer_class = s.GradeRecordOutput
    filterset_fields = ["year", "grade", "status"]

    def get_queryset(self):
        return selectors.grade_record_list(actor=self.request.user)


class GradeObjectionApi(APIView):
    permission_classes = [ENTERPRISE_ONLY]

    @extend_schema(request=s.GradeObjectionInput, responses=s.GradeRecordOutput)
    def post(self, request, pk: int):
        data = s.GradeObjectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        rec = services.grade_record_object(actor=request.user, record_id=pk, **data.validated_data)
        return Response(s.GradeRecordOutput(rec).data)


class GradeDecideApi(APIView):
    permission_classes = [SUPERVISOR_ONLY]

    @extend_schema(request=s.GradeDecisionInput, responses=s.GradeRecordOutput)
    def post(self, request, pk: int):
        data = s.GradeDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        rec = services.grade_record_decide(actor=request.user, record_id=pk, **data.validated_data)
        return Response(s.GradeRecordOutput(rec).data)


class AdmonitionListApi(generics.ListAPIView):
    permission_classes = [roles("supervisor")]
    serializer_class = s.AdmonitionOutput

    def get_queryset(self):
        return selectors.admonition_list(actor=self.request.user)


class AdmonitionDoneApi(APIView):
    permission_classes = [SUPERVISOR_ONLY]

    @extend_schema(request=s.AdmonitionDoneInput, responses=s.AdmonitionOutput)
    def post(self, request, pk: int):
        data = s.AdmonitionDoneInput(data=request.data)
        data.is_valid(raise_exception=True)
        task = services.admonition_done(actor=request.user, task_id=pk, **data.validated_data)
        return Response(s.AdmonitionOutput(task).data)
