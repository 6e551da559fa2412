"""Endpoints for what each side needs after the grant (issue 11 points 4, 6, 7, 12):
change filings, cancellations (注销), material downloads, an enterprise's own contacts
and the user's notifications. Views stay thin: shape in, one service or selector, out."""

from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import NotFound
from licensing import selectors, services
from licensing.models import Cancellation, CancellationEvent, ChangeFiling, Notification
from regulator.idempotency import OPENAPI_HEADER as IDEMPOTENCY_HEADER
from regulator.idempotency import idempotent
from regulator.permissions import roles

STAFF_READ = ("supervisor", "inspector", "handler")


class ChangeFilingInput(serializers.Serializer):
    changed_on = serializers.DateField()
    name = serializers.CharField(max_length=200, required=False)
    registered_address = serializers.CharField(max_length=300, required=False)
    legal_representative = serializers.CharField(max_length=100, required=False)


class ChangeFilingOutput(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="enterprise.uscc")

    class Meta:
        model = ChangeFiling
        fields = [
            "id",
            "enterprise",
            "changed_on",
            "due_on",
            "before",
            "after",
            "filed_at",
            "late",
            "licences_resigned",
        ]


class ChangeFilingListApi(generics.ListAPIView):
    """§1.5: a change of name, address or legal representative, filed within 30 days of
    the business-registration change; every live licence is re-signed (§1.7)."""

    permission_classes = [roles("enterprise", read=("officer", *STAFF_READ))]
    serializer_class = ChangeFilingOutput

    def get_queryset(self):
        return selectors.change_filing_list(actor=self.request.user)

    @extend_schema(
        request=ChangeFilingInput, responses={201: ChangeFilingOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    @idempotent("licensing.change_filing.file")
    def post(self, request):
        data = ChangeFilingInput(data=request.data)
        data.is_valid(raise_exception=True)
        filing = services.enterprise_change_file(actor=request.user, **data.validated_data)
        return Response(ChangeFilingOutput(filing).data, status=status.HTTP_201_CREATED)


class CancellationInput(serializers.Serializer):
    licence_number = serializers.CharField(max_length=40)
    categories = serializers.ListField(child=serializers.CharField(max_length=8), min_length=1, max_length=30)
    users_settled = serializers.BooleanField()
    users_statement = serializers.CharField(max_length=5000)
    stop_on = serializers.DateField()


class CancellationEventOutput(serializers.ModelSerializer):
    class Meta:
        model = CancellationEvent
        fields = ["from_status", "to_status", "actor_label", "reason", "at"]


class CancellationOutput(serializers.ModelSerializer):
    licence = serializers.CharField(source="licence.number")
    enterprise = serializers.CharField(source="licence.enterprise.uscc")
    events = CancellationEventOutput(many=True, read_only=True)

    class Meta:
        model = Cancellation
        fields = [
            "id",
            "licence",
            "enterprise",
            "categories",
            "users_settled",
            "users_statement",
            "stop_on",
            "status",
            "filed_at",
            "decided_at",
            "decision_reason",
            "events",
        ]


class CancellationReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class CancellationListApi(generics.ListAPIView):
    """注销 (§1.5): the holder files; an officer of the issuing authority confirms."""

    permission_classes = [roles("enterprise", "officer", read=STAFF_READ)]
    serializer_class = CancellationOutput

    def get_queryset(self):
        return selectors.cancellation_list(actor=self.request.user)

    @extend_schema(
        request=CancellationInput, responses={201: CancellationOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    @idempotent("licensing.cancellation.file")
    def post(self, request):
        data = CancellationInput(data=request.data)
        data.is_valid(raise_exception=True)
        c = services.cancellation_file(actor=request.user, **data.validated_data)
        return Response(CancellationOutput(c).data, status=status.HTTP_201_CREATED)


CANCELLATION_ACTIONS = {
    "confirm": services.cancellation_confirm,
    "refuse": services.cancellation_refuse,
    "withdraw": services.cancellation_withdraw,
}


class CancellationActionApi(APIView):
    """``confirm`` and ``refuse`` (officer of the issuer), ``withdraw`` (the holder)."""

    permission_classes = [roles("enterprise", "officer", auditor=False)]

    @extend_schema(
        request=CancellationReasonInput, responses=CancellationOutput, operation_id="cancellation_action"
    )
    def post(self, request, pk: int, action: str):
        if action not in CANCELLATION_ACTIONS:
            raise NotFound(_("Unknown action."))
        selectors.cancellation_get(actor=request.user, cancellation_id=pk)
        data = CancellationReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        CANCELLATION_ACTIONS[action](
            actor=request.user, cancellation_id=pk, reason=data.validated_data["reason"]
        )
        return Response(
            CancellationOutput(selectors.cancellation_get(actor=request.user, cancellation_id=pk)).data
        )


class MaterialDownloadApi(APIView):
    """The material's bytes, streamed; the applicant or an officer of the issuer; audited."""

    permission_classes = [roles("enterprise", "officer", auditor=False)]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(description="the file")})
    def get(self, request, pk: int):
        mat, handle = services.material_open(actor=request.user, material_id=pk)
        return FileResponse(
            handle, as_attachment=True, filename=mat.original_name, content_type=mat.content_type
        )


class EnterpriseContactsInput(serializers.Serializer):
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)


class EnterpriseContactsOutput(serializers.Serializer):
    uscc = serializers.CharField()
    contact_phone = serializers.CharField()
    contact_email = serializers.CharField()


class MyContactsApi(APIView):
    """The enterprise's own contact details (audited; registered facts are filed as changes)."""

    permission_classes = [roles("enterprise", auditor=False)]

    @extend_schema(request=EnterpriseContactsInput, responses=EnterpriseContactsOutput)
    def patch(self, request):
        data = EnterpriseContactsInput(data=request.data)
        data.is_valid(raise_exception=True)
        ent = services.enterprise_contacts_update(actor=request.user, **data.validated_data)
        return Response(EnterpriseContactsOutput(ent).data)


class LicensingNotificationOutput(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "subject", "body", "object_type", "object_id", "event", "created_at", "read_at"]


class NotificationListApi(generics.ListAPIView):
    """The signed-in user's licensing notices, newest first."""

    permission_classes = [roles("enterprise", "officer", *STAFF_READ)]
    serializer_class = LicensingNotificationOutput

    def get_queryset(self):
        return selectors.notification_list(actor=self.request.user)


class NotificationReadApi(APIView):
    permission_classes = [roles("enterprise", "officer", *STAFF_READ)]

    @extend_schema(request=None, responses=LicensingNotificationOutput, operation_id="notification_read")
    def post(self, request, pk: int):
        return Response(
            LicensingNotificationOutput(
                services.notification_read(actor=request.user, notification_id=pk)
            ).data
        )
