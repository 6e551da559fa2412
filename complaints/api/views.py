"""Staff and enterprise complaint views: thin (input serializer → one service or selector →
output serializer). Who may act on which complaint is the services' and selectors' job."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import metrics, selectors, services
from complaints.api import serializers as s
from config.api import Pagination
from regulator import scoping
from regulator.idempotency import OPENAPI_HEADER as IDEMPOTENCY_HEADER
from regulator.idempotency import idempotent
from regulator.permissions import roles

# Handlers work complaints; supervisors, auditors and enterprises read (scoped by
# the selectors); officers and inspectors have no business here.
READ = roles("handler", read=("supervisor", "enterprise"))
HANDLER_ONLY = roles("handler", auditor=False)
ENTERPRISE_ONLY = roles("enterprise", auditor=False)
STAFF = roles("handler", read=("supervisor",))
ANY_USER = roles("handler", "supervisor", "officer", "inspector", "auditor", "enterprise")


def _detail(request, c, code=status.HTTP_200_OK) -> Response:
    # Re-read through the selector: the answer is scoped like any read, with events.
    c = selectors.complaint_get(actor=request.user, complaint_id=c.pk) if hasattr(c, "pk") else c
    return Response(s.ComplaintDetailOutput(c, context={"full_for": request.user.pk}).data, status=code)


class ComplaintListApi(generics.GenericAPIView):
    """Complaints in the reader's reach (masked personal data); handlers record new ones."""

    permission_classes = [READ]
    serializer_class = s.ComplaintOutput
    pagination_class = Pagination
    filter_backends: list = []

    @extend_schema(parameters=[s.ComplaintListQuery], responses=s.ComplaintOutput(many=True))
    def get(self, request):
        q = s.ComplaintListQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        qs = selectors.complaint_list(actor=request.user, filters=q.validated_data)
        page = self.paginate_queryset(qs)
        data = s.ComplaintOutput(page, many=True, context={"full_for": request.user.pk}).data
        return self.get_paginated_response(data)

    @extend_schema(
        request={
            "multipart/form-data": s.ComplaintStaffIntakeInput,
            "application/json": s.ComplaintStaffIntakeInput,
        },
        responses={201: s.ComplaintIntakeOutput},
        parameters=[IDEMPOTENCY_HEADER],
    )
    # A retried telephone intake must not record the complaint twice.
    @idempotent("complaints.intake.staff")
    def post(self, request):
        scoping.require_role(request.user, "handler")
        data = s.ComplaintStaffIntakeInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        files = v.pop("attachments")
        c, code = services.complaint_intake(actor=request.user, files=files, **v)
        out = {**s.ComplaintIntakeOutput({**vars(c), "tracking_code": code}).data}
        return Response(out, status=status.HTTP_201_CREATED)


class ComplaintDetailApi(APIView):
    permission_classes = [READ]

    @extend_schema(responses=s.ComplaintDetailOutput)
    def get(self, request, pk: int):
        return _detail(request, selectors.complaint_get(actor=request.user, complaint_id=pk))


def _step(name, input_cls, call, permission=HANDLER_ONLY, doc=""):
    """One endpoint per workflow step: validate, call the service, return the complaint."""

    class StepApi(APIView):
        permission_classes = [permission]
        __doc__ = doc

        @extend_schema(
            request=input_cls, responses=s.ComplaintDetailOutput, operation_id=f"complaints_{name}"
        )
        def post(self, request, pk: int):
            data = input_cls(data=request.data)
            data.is_valid(raise_exception=True)
            c = call(actor=request.user, complaint_id=pk, **data.validated_data)
            return _detail(request, c)

    StepApi.__name__ = StepApi.__qualname__ = f"Complaint{name.title().replace('_', '')}Api"
    return StepApi


def _reasoned(fn):
    def call(*, actor, complaint_id, reason=""):
        return fn(actor=actor, complaint_id=complaint_id, reason=reason)

    return call


AcceptApi = _step(
    "accept", s.ComplaintReasonInput, _reasoned(services.complaint_accept), doc="Accept (§4.1)."
)
RejectApi = _step(
    "reject", s.ComplaintRejectInput, services.complaint_reject, doc="Reject with a reason code."
)
ForwardApi = _step(
    "forward", s.ComplaintReasonInput, _reasoned(services.complaint_forward), doc="Forward to the enterprise."
)
MediateApi = _step(
    "mediate", s.ComplaintReasonInput, _reasoned(services.complaint_mediate), doc="Start mediation."
)
CloseApi = _step(
    "close", s.ComplaintCloseInput, services.complaint_close, doc="Close as resolved or unresolved."
)
WithdrawApi = _step(
    "withdraw", s.ComplaintReasonInput, _reasoned(services.complaint_withdraw), doc="Record a withdrawal."
)
ReopenApi = _step(
    "reopen", s.ComplaintRequiredReasonInput, services.complaint_reopen, doc="Reopen once, within the period."
)
RequestMaterialApi = _step(
    "request_material",
    s.ComplaintMaterialRequestInput,
    services.complaint_request_material,
    doc="Pause for material.",
)
RespondApi = _step(
    "respond",
    s.ComplaintRespondInput,
    services.complaint_respond,
    permission=ENTERPRISE_ONLY,
    doc="The enterprise answers.",
)


def _assign(*, actor, complaint_id, handler):
    return services.complaint_assign(actor=actor, complaint_id=complaint_id, handler_id=handler)


AssignApi = _step("assign", s.ComplaintAssignInput, _assign, doc="Give the case to a handler of the centre.")


class NotificationListApi(generics.GenericAPIView):
    """The signed-in user's in-app notifications (SLA alerts), newest first."""

    permission_classes = [ANY_USER]
    serializer_class = s.ComplaintNotificationOutput
    pagination_class = Pagination
    filter_backends: list = []

    def get(self, request):
        page = self.paginate_queryset(selectors.notification_list(actor=request.user))
        return self.get_paginated_response(s.ComplaintNotificationOutput(page, many=True).data)


class NotificationReadApi(APIView):
    permission_classes = [ANY_USER]

    @extend_schema(request=None, responses=s.ComplaintNotificationOutput)
    def post(self, request, pk: int):
        n = services.notification_mark_read(actor=request.user, notification_id=pk)
        return Response(s.ComplaintNotificationOutput(n).data)


class StaffStatsApi(APIView):
    """The statistics of the public record within the reader's jurisdiction, with per-handler
    detail (accepted, closed, fast, timely, ratings, breaches)."""

    permission_classes = [STAFF]

    @extend_schema(parameters=[s.ComplaintStatsQuery], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        q = s.ComplaintStatsQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        v = q.validated_data
        label, months = selectors.parse_period(v["period"])
        # Provincial staff see their province whatever they ask for.
        where = scoping.jurisdiction(request.user)  # None for national staff
        province = where or v["province"]
        out = metrics.stats(months=months, group_by=v["group_by"], province=province, today=_today())
        handlers = selectors.handler_detail(actor=request.user, months=months)
        out["handlers"] = [
            {
                "handler": h["handler__username"],
                "accepted": h["accepted"],
                "breached": h["breached"],
                **metrics.measures(
                    {**{k: h[k] for k in metrics.ROLLUP_FIELDS if k in h}, "records": h["accepted"]}
                ),
            }
            for h in handlers
        ]
        return Response({"period": label, "province": province, "group_by": v["group_by"], **out})


def _today():
    from django.utils import timezone

    return timezone.localdate()
