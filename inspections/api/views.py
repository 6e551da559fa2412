"""Thin inspection views: validate shape, call one selector or service, render.

Supervisors run items, the roster, campaigns, frames and draws; inspectors see and work
their own inspections, declare their conflicts and recuse; auditors read. The public
endpoints publish the item list, every draw (with its frame, streamed) and the results."""

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, renderers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ApplicationError, NotFound, Pagination
from inspections import conf, models, selectors, services
from inspections.api import serializers as s
from regulator import csvsafe, scoping
from regulator import uscc as uscc_mod
from regulator.idempotency import OPENAPI_HEADER as IDEMPOTENCY_HEADER
from regulator.idempotency import idempotent
from regulator.models import Enterprise, Role
from regulator.permissions import roles

SUPERVISOR = roles("supervisor", read=("inspector",))
SUPERVISOR_ONLY = roles("supervisor")
INSPECTOR_OR_SUPERVISOR = roles("supervisor", "inspector")
INSPECTOR_ONLY = roles("inspector")


def _created(data) -> Response:
    return Response(data, status=status.HTTP_201_CREATED)


# ---------------------------------------------------------------- items and roster


class ItemListCreateApi(APIView):
    permission_classes = [SUPERVISOR]

    @extend_schema(responses=s.InspectionItemOutput(many=True))
    def get(self, request):
        return Response(s.InspectionItemOutput(selectors.item_public_list(), many=True).data)

    @extend_schema(
        request=s.InspectionItemInput,
        responses={201: s.InspectionItemOutput},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @idempotent("inspections.item.create")
    def post(self, request):
        data = s.InspectionItemInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = services.item_create(actor=request.user, **data.validated_data)
        return _created(s.InspectionItemOutput(item).data)


class InspectorListCreateApi(generics.GenericAPIView):
    permission_classes = [SUPERVISOR]
    serializer_class = s.InspectorOutput
    queryset = models.Inspector.objects.none()  # for the schema; rows come from the selector
    pagination_class = Pagination

    @extend_schema(operation_id="inspections_inspector_list", responses=s.InspectorOutput(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.inspector_list(actor=request.user))
        return self.get_paginated_response(s.InspectorOutput(page, many=True).data)

    @extend_schema(
        request=s.InspectorInput, responses={201: s.InspectorOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    @idempotent("inspections.inspector.create")
    def post(self, request):
        data = s.InspectorInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        ins = services.inspector_create(actor=request.user, user_id=v.pop("user", None), **v)
        return _created(s.InspectorOutput(ins).data)


class InspectorDetailApi(APIView):
    permission_classes = [SUPERVISOR]

    @extend_schema(responses=s.InspectorOutput)
    def get(self, request, badge: str):
        return Response(s.InspectorOutput(selectors.inspector_get(actor=request.user, badge=badge)).data)

    @extend_schema(request=s.InspectorUpdate, responses=s.InspectorOutput)
    def patch(self, request, badge: str):
        data = s.InspectorUpdate(data=request.data)
        data.is_valid(raise_exception=True)
        ins = selectors.inspector_get(actor=request.user, badge=badge)
        ins = services.inspector_update(actor=request.user, inspector=ins, **data.validated_data)
        return Response(s.InspectorOutput(ins).data)


class ConflictListCreateApi(generics.GenericAPIView):
    permission_classes = [INSPECTOR_OR_SUPERVISOR]
    serializer_class = s.ConflictOutput
    queryset = models.Conflict.objects.none()  # for the schema; rows come from the selector
    pagination_class = Pagination

    @extend_schema(operation_id="inspections_conflict_list", responses=s.ConflictOutput(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.conflict_list(actor=request.user))
        return self.get_paginated_response(s.ConflictOutput(page, many=True).data)

    @extend_schema(
        request=s.ConflictDeclareInput, responses={201: s.ConflictOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    @idempotent("inspections.conflict.declare")
    def post(self, request):
        data = s.ConflictDeclareInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        # An inspector declares only their own conflicts; the badge field is for supervisors.
        if scoping.role_of(request.user) == Role.INSPECTOR:
            inspector = selectors.inspector_list(actor=request.user).first()
            if inspector is None:
                raise NotFound(_("You are not on the inspector roster."))
            v.pop("badge", None)
        else:
            if not v.get("badge"):
                raise ApplicationError(_("Name the inspector."), errors={"badge": [_("Required.")]})
            inspector = selectors.inspector_get(actor=request.user, badge=v.pop("badge"))
        code = uscc_mod.normalise(v.pop("uscc"))
        enterprise = Enterprise.objects.filter(uscc=code).first()
        if enterprise is None:
            raise NotFound(_("Not found."))
        row = services.conflict_declare(actor=request.user, inspector=inspector, enterprise=enterprise, **v)
        return _created(s.ConflictOutput(row).data)


class ConflictEndApi(APIView):
    permission_classes = [INSPECTOR_OR_SUPERVISOR]

    @extend_schema(request=s.ConflictEndInput, responses=s.ConflictOutput)
    def post(self, request, pk: int):
        data = s.ConflictEndInput(data=request.data)
        data.is_valid(raise_exception=True)
        row = selectors.conflict_get(actor=request.user, conflict_id=pk)
        row = services.conflict_end(actor=request.user, conflict=row, **data.validated_data)
        return Response(s.ConflictOutput(row).data)


# ---------------------------------------------------------------- campaigns


class CampaignListCreateApi(generics.GenericAPIView):
    permission_classes = [SUPERVISOR_ONLY]
    serializer_class = s.CampaignOutput
    queryset = models.Campaign.objects.none()  # for the schema; rows come from the selector
    pagination_class = Pagination

    @extend_schema(operation_id="inspections_campaign_list", responses=s.CampaignOutput(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.campaign_list(actor=request.user))
        return self.get_paginated_response(s.CampaignOutput(page, many=True).data)

    @extend_schema(
        request=s.CampaignInput, responses={201: s.CampaignOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    @idempotent("inspections.campaign.create")
    def post(self, request):
        data = s.CampaignInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        v["provinces_scope"] = v.pop("provinces", None)
        camp = services.campaign_create(actor=request.user, **v)
        return _created(s.CampaignOutput(camp).data)


class CampaignDetailApi(APIView):
    permission_classes = [SUPERVISOR_ONLY]

    @extend_schema(responses=s.CampaignOutput)
    def get(self, request, pk: int):
        return Response(s.CampaignOutput(selectors.campaign_get(actor=request.user, campaign_id=pk)).data)


class CampaignFreezeApi(APIView):
    """Freeze the frame and publish its hash; the seed cannot exist before this."""

    permission_classes = [SUPERVISOR_ONLY]

    @extend_schema(request=None, responses=s.PublicDrawSummary)
    def post(self, request, pk: int):
        # Out of the actor's scope is a 404 before any write is tried.
        selectors.campaign_get(actor=request.user, campaign_id=pk)
        draw = services.campaign_freeze(actor=request.user, campaign_id=pk)
        return Response(s.PublicDrawSummary(draw).data)


class CampaignDrawApi(APIView):
    """Enter the public seed inputs read at the ceremony; draw and publish."""

    permission_classes = [SUPERVISOR_ONLY]

    @extend_schema(request=s.DrawSeedInput, responses=s.PublicDrawSummary)
    def post(self, request, pk: int):
        data = s.DrawSeedInput(data=request.data)
        data.is_valid(raise_exception=True)
        selectors.campaign_get(actor=request.user, campaign_id=pk)
        draw = services.campaign_draw(actor=request.user, campaign_id=pk, **data.validated_data)
        return Response(s.PublicDrawSummary(draw).data)


# ---------------------------------------------------------------- inspections


class InspectionListApi(generics.GenericAPIView):
    permission_classes = [INSPECTOR_OR_SUPERVISOR]
    serializer_class = s.InspectionOutput
    queryset = models.Inspection.objects.none()  # for the schema; rows come from the selector
    pagination_class = Pagination

    @extend_schema(operation_id="inspections_inspection_list", responses=s.InspectionOutput(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.inspection_list(actor=request.user))
        return self.get_paginated_response(s.InspectionOutput(page, many=True).data)


class InspectionDetailApi(APIView):
    permission_classes = [INSPECTOR_OR_SUPERVISOR]

    @extend_schema(responses=s.InspectionOutput)
    def get(self, request, pk: int):
        return Response(
            s.InspectionOutput(selectors.inspection_get(actor=request.user, inspection_id=pk)).data
        )


class InspectionActionApi(APIView):
    """start / record / reopen / confirm: team members only (own inspections)."""

    permission_classes = [INSPECTOR_ONLY]
    action_name = ""
    inputs = {"record": s.InspectionResultInput, "reopen": s.InspectionReasonInput}

    @extend_schema(request=s.InspectionResultInput, responses=s.InspectionOutput)
    def post(self, request, pk: int):
        ins = selectors.inspection_get(actor=request.user, inspection_id=pk)
        kw = {}
        if self.action_name in self.inputs:
            data = self.inputs[self.action_name](data=request.data)
            data.is_valid(raise_exception=True)
            kw = dict(data.validated_data)
        service = getattr(services, f"inspection_{self.action_name}")
        # One service per action; each checks that the actor holds a seat on the team.
        ins = service(actor=request.user, inspection=ins, **kw)
        return Response(s.InspectionOutput(selectors.inspection_list(actor=request.user).get(pk=ins.pk)).data)


class InspectionRecuseApi(APIView):
    permission_classes = [INSPECTOR_OR_SUPERVISOR]

    @extend_schema(request=s.InspectionRecusalInput, responses={201: s.InspectionRecusalOutput})
    def post(self, request, pk: int):
        data = s.InspectionRecusalInput(data=request.data)
        data.is_valid(raise_exception=True)
        ins = selectors.inspection_get(actor=request.user, inspection_id=pk)
        row = services.inspection_recuse(actor=request.user, inspection=ins, **data.validated_data)
        return _created(s.InspectionRecusalOutput(row).data)


# ---------------------------------------------------------------- public


class PublicItemListApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses=s.InspectionItemOutput(many=True))
    def get(self, request):
        return Response(s.InspectionItemOutput(selectors.item_public_list(), many=True).data)


class PublicDrawListApi(generics.GenericAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = s.PublicDrawSummary
    queryset = models.Draw.objects.none()  # for the schema; rows come from the selector
    pagination_class = Pagination

    @extend_schema(operation_id="public_draw_list", responses=s.PublicDrawSummary(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.public_draw_list())
        return self.get_paginated_response(s.PublicDrawSummary(page, many=True).data)


class PublicDrawDetailApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, pk: int):
        return Response(selectors.public_draw_document(selectors.public_draw_get(pk)))


class PublicDrawFrameApi(APIView):
    """The frozen frame as stored: canonical JSON whose SHA-256 is the published frame hash,
    streamed chunk by chunk."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
    def get(self, request, pk: int):
        from inspections.services.campaigns import frame_chunks

        draw = selectors.public_draw_get(pk)
        resp = StreamingHttpResponse(frame_chunks(draw.pk), content_type="application/json; charset=utf-8")
        # The header lets a client check the body against the hash without a second request.
        resp["X-Frame-Hash"] = draw.frame_hash
        resp["Content-Disposition"] = f'inline; filename="draw-{draw.pk}-frame.json"'
        return resp


def _csv_stream(qs):
    w = csvsafe.writer(csvsafe.Echo())
    yield "\ufeff"  # BOM: spreadsheet programs then read the Chinese names right
    yield w.writerow(s.PUBLIC_RESULT_FIELDS)
    for row in qs.iterator(chunk_size=2000):
        data = s.PublicResult(row).data
        yield w.writerow(
            [" ".join(v) if isinstance(v, list) else v for v in (data[f] for f in s.PUBLIC_RESULT_FIELDS)]
        )


class PublicResultListApi(generics.GenericAPIView):
    """Published results (§3: name, USCC, licence number, item, date, result, authority);
    ``?format=csv`` exports every match."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = s.PublicResult
    queryset = models.Inspection.objects.none()  # for the schema; rows come from the selector
    pagination_class = Pagination
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, csvsafe.CSVRenderer]
    filter_backends: list = []

    @extend_schema(parameters=[s.PublicResultQuery])
    def get(self, request):
        q = s.PublicResultQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        v = dict(q.validated_data)
        # The public field is called result (§3 published fields); the model calls it outcome.
        v["outcome"] = v.pop("result", "")
        if v.get("uscc"):
            v["uscc"] = uscc_mod.normalise(v["uscc"])
        qs = selectors.public_results(**v)
        if request.accepted_renderer.format == "csv":
            resp = StreamingHttpResponse(
                _csv_stream(qs[: int(conf.get("INSPECTIONS_CSV_MAX_ROWS"))]),
                content_type="text/csv; charset=utf-8",
            )
            resp["Content-Disposition"] = 'attachment; filename="inspection-results.csv"'
            return resp
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.PublicResult(page, many=True).data)
