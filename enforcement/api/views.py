"""Thin enforcement views: validate shape, call one selector or service, render.

Access (issue 12 §5): supervisors (and officers, for licence matters) handle cases of
their own authority, national staff everywhere; the enterprise sees its own cases from the
notice on and acts as the party; auditors read; everyone else gets 404 (the selectors
return nothing for them)."""

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, renderers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ApplicationError, NotFound, Pagination
from enforcement import conf, selectors, services
from enforcement.api import serializers as s
from enforcement.models import Case, Decision
from licensing.models import Licence
from regulator import csvsafe, scoping
from regulator import uscc as uscc_mod
from regulator.idempotency import OPENAPI_HEADER as IDEMPOTENCY_HEADER
from regulator.idempotency import idempotent
from regulator.models import Enterprise, Role

# Who may act is decided by the services on the case itself: out of the actor's sight is
# 404 (inspectors, handlers, other authorities, other enterprises), in sight but not theirs
# to do is 403 (an auditor, the party on a handler's step). Views only require a login.
HANDLE = IsAuthenticated
PARTY = IsAuthenticated


def _party(user) -> bool:
    return scoping.role_of(user) == Role.ENTERPRISE


class CaseListApi(generics.ListAPIView):
    """Cases in the actor's scope; supervisors and officers open cases (立案)."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.PenaltyCaseOutput
    filterset_fields = ["status", "source_kind", "authority"]

    def get_queryset(self):
        return selectors.case_list(actor=self.request.user)

    @extend_schema(
        request=s.PenaltyCaseInput,
        responses={201: s.PenaltyCaseDetailOutput},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @idempotent("enforcement.case.open")
    def post(self, request):
        # Opening by hand is for handlers; inspections and complaints call case_open directly.
        if scoping.role_of(request.user) not in (Role.SUPERVISOR, Role.OFFICER):
            raise NotFound(_("Not found."))
        data = s.PenaltyCaseInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        enterprise = Enterprise.objects.filter(uscc=uscc_mod.normalise(v["uscc"])).first()
        if enterprise is None:
            raise ApplicationError(_("Unknown enterprise."), errors={"uscc": [_("Not in the register.")]})
        licence = None
        if v["licence_number"]:
            licence = Licence.objects.filter(
                number=v["licence_number"].strip(), enterprise=enterprise
            ).first()
            if licence is None:
                raise ApplicationError(
                    _("Unknown licence."), errors={"licence_number": [_("Not this enterprise's.")]}
                )
        case = services.case_open(
            actor=request.user,
            enterprise=enterprise,
            source_kind=v["source_kind"],
            source_ref=v["source_ref"],
            facts=v["facts"],
            provisions=v["provisions"],
            authority=v["authority"] or scoping.authority_code(request.user),
            officers=v["officers"],
            licence=licence,
        )
        case = selectors.case_get(actor=request.user, case_id=case.pk)
        return Response(s.PenaltyCaseDetailOutput(case).data, status=status.HTTP_201_CREATED)


class CaseDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.PenaltyCaseDetailOutput)
    def get(self, request, pk: int):
        case = selectors.case_get(actor=request.user, case_id=pk)
        # The party sees the notice, its own defences and its decisions, not the file.
        out = s.PenaltyPartyCaseOutput if _party(request.user) else s.PenaltyCaseDetailOutput
        return Response(out(case).data)


def _render_case(request, case: Case) -> Response:
    case = selectors.case_get(actor=request.user, case_id=case.pk)
    out = s.PenaltyPartyCaseOutput if _party(request.user) else s.PenaltyCaseDetailOutput
    return Response(out(case).data)


# One endpoint per step would be twelve near-identical views; the step name picks the input
# serializer and the one service it calls, and unknown steps are 404 like unknown paths.
class CaseActionApi(APIView):
    """One step of a case by its handlers: investigate, notice, schedule-hearing,
    hold-hearing, extend, withdraw, enforce, close, officers."""

    permission_classes = [HANDLE]
    INPUTS = {
        "investigate": s.PenaltyReasonInput,
        "officers": s.PenaltyOfficersInput,
        "notice": s.PenaltyNoticeInput,
        "schedule-hearing": s.PenaltyHearingInput,
        "hold-hearing": s.PenaltyHearingRecordInput,
        "extend": s.PenaltyExtendInput,
        "withdraw": s.PenaltyRequiredReasonInput,
        "enforce": s.PenaltyRequiredReasonInput,
        "close": s.PenaltyReasonInput,
    }

    @extend_schema(
        request=s.PenaltyReasonInput,
        responses=s.PenaltyCaseDetailOutput,
        operation_id="enforcement_case_action",
    )
    def post(self, request, pk: int, action: str):
        if action not in self.INPUTS or _party(request.user):
            raise NotFound(_("Not found."))
        data = self.INPUTS[action](data=request.data)
        data.is_valid(raise_exception=True)
        v, u = data.validated_data, request.user
        if action == "investigate":
            case = services.case_investigate(actor=u, case_id=pk, reason=v["reason"])
        elif action == "officers":
            case = services.case_assign_officers(actor=u, case_id=pk, officers=v["officers"])
        elif action == "notice":
            case = services.case_send_notice(
                actor=u, case_id=pk, kind=v["kind"], amount=v["amount"], text=v["text"]
            )
        elif action == "schedule-hearing":
            case = services.case_schedule_hearing(
                actor=u,
                case_id=pk,
                hearing_on=v["hearing_on"],
                place=v["place"],
                chair_id=v["chair"],
                public=v["public"],
                reason=v["reason"],
            )
        elif action == "hold-hearing":
            case = services.case_hold_hearing(actor=u, case_id=pk, record=v["record"])
        elif action == "extend":
            case = services.case_extend(actor=u, case_id=pk, days=v["days"], reason=v["reason"])
        elif action == "withdraw":
            case = services.case_withdraw(actor=u, case_id=pk, reason=v["reason"])
        elif action == "enforce":
            case = services.case_apply_enforcement(actor=u, case_id=pk, reason=v["reason"])
        else:
            case = services.case_close(actor=u, case_id=pk, reason=v["reason"])
        return _render_case(request, case)


class CaseDefenceApi(APIView):
    """The party states its defence (陈述、申辩)."""

    permission_classes = [PARTY]

    @extend_schema(
        request=s.PenaltyTextInput, responses={201: s.PenaltyDefenceOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    @idempotent("enforcement.case.defence")
    def post(self, request, pk: int):
        data = s.PenaltyTextInput(data=request.data)
        data.is_valid(raise_exception=True)
        d = services.case_defend(actor=request.user, case_id=pk, text=data.validated_data["text"])
        return Response(s.PenaltyDefenceOutput(d).data, status=status.HTTP_201_CREATED)


class CaseHearingRequestApi(APIView):
    """The party asks for a hearing within the period after the notice (§7)."""

    permission_classes = [PARTY]

    @extend_schema(request=s.PenaltyReasonInput, responses=s.PenaltyPartyCaseOutput)
    def post(self, request, pk: int):
        data = s.PenaltyReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        case = services.case_request_hearing(
            actor=request.user, case_id=pk, reason=data.validated_data["reason"]
        )
        return _render_case(request, case)


class CaseDecisionApi(APIView):
    """Decide the case (penalty or no penalty)."""

    permission_classes = [HANDLE]

    @extend_schema(
        request=s.PenaltyDecisionInput,
        responses={201: s.PenaltyDecisionOutput},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @idempotent("enforcement.decision.make")
    def post(self, request, pk: int):
        if _party(request.user):
            raise NotFound(_("Not found."))
        data = s.PenaltyDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        dec = services.decision_make(actor=request.user, case_id=pk, **data.validated_data)
        return Response(s.PenaltyDecisionOutput(dec).data, status=status.HTTP_201_CREATED)


class EvidenceApi(APIView):
    """Upload evidence (multipart ``file``); the bytes go to storage, the hash to the row."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request=s.PenaltyEvidenceInput,
        responses={201: s.PenaltyEvidenceOutput},
        parameters=[IDEMPOTENCY_HEADER],
    )
    @idempotent("enforcement.evidence.add")
    def post(self, request, pk: int):
        data = s.PenaltyEvidenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        ev = services.evidence_add(
            actor=request.user,
            case_id=pk,
            upload=data.validated_data["file"],
            description=data.validated_data["description"],
        )
        return Response(s.PenaltyEvidenceOutput(ev).data, status=status.HTTP_201_CREATED)


class EvidenceFileApi(APIView):
    """The evidence file itself, for the handling staff and auditors."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk: int, evidence_id: int):
        ev = selectors.evidence_get(actor=request.user, case_id=pk, evidence_id=evidence_id)
        resp = FileResponse(ev.file.open("rb"), content_type=ev.content_type)
        resp["Content-Disposition"] = f'attachment; filename="evidence-{ev.pk}"'
        # The recorded hash travels with the file, so a reader can check what it received.
        resp["X-Content-SHA256"] = ev.sha256
        return resp


class DecisionListApi(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = s.PenaltyDecisionOutput
    filterset_fields = ["status", "outcome", "kind", "performance_status"]

    def get_queryset(self):
        return selectors.decision_list(actor=self.request.user)


class DecisionDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.PenaltyDecisionDetailOutput)
    def get(self, request, pk: int):
        dec = selectors.decision_get(actor=request.user, decision_id=pk)
        out = s.PenaltyDecisionOutput if _party(request.user) else s.PenaltyDecisionDetailOutput
        return Response(out(dec).data)


class DecisionActionApi(APIView):
    """deliver, correct (a superseding decision), perform, annul, publish."""

    permission_classes = [HANDLE]
    INPUTS = {
        "deliver": s.PenaltyDeliverInput,
        "correct": s.PenaltyCorrectionInput,
        "perform": s.PenaltyPerformInput,
        "annul": s.PenaltyAnnulInput,
        "publish": s.PenaltyReasonInput,
    }

    @extend_schema(
        request=s.PenaltyReasonInput,
        responses=s.PenaltyDecisionOutput,
        operation_id="enforcement_decision_action",
    )
    def post(self, request, pk: int, action: str):
        if action not in self.INPUTS or _party(request.user):
            raise NotFound(_("Not found."))
        data = self.INPUTS[action](data=request.data)
        data.is_valid(raise_exception=True)
        v, u = dict(data.validated_data), request.user
        if action == "deliver":
            dec = services.decision_deliver(actor=u, decision_id=pk, delivered_on=v["delivered_on"])
        elif action == "correct":
            dec = services.decision_correct(actor=u, decision_id=pk, **v)
        elif action == "perform":
            dec = services.decision_perform(
                actor=u, decision_id=pk, performed_on=v["performed_on"], note=v["note"]
            )
        elif action == "annul":
            dec = services.decision_annul(actor=u, decision_id=pk, **v)
        else:
            dec = services.decision_publish(actor=u, decision_id=pk)
        # A correction creates a new decision (201); the other steps change an existing one.
        code = status.HTTP_201_CREATED if action == "correct" else status.HTTP_200_OK
        return Response(
            s.PenaltyDecisionOutput(
                Decision.objects.select_related("authority", "supersedes").get(pk=dec.pk)
            ).data,
            status=code,
        )


# --- public (双公示) ---------------------------------------------------------------------------


# Streamed row by row (iterator): a full export never holds every decision in memory.
def _csv_stream(qs):
    # csvsafe: a cell an enterprise typed (a name, a title) cannot become a formula.
    w = csvsafe.writer(csvsafe.Echo())
    yield "\ufeff"  # BOM: spreadsheet programs then read the Chinese names right
    yield w.writerow(s.PUBLIC_FIELDS)
    for row in qs.iterator(chunk_size=2000):
        data = s.PublicPenalty(row).data
        yield w.writerow([data[f] for f in s.PUBLIC_FIELDS])


class PublicPenaltyListApi(generics.GenericAPIView):
    """双公示: published penalty decisions; annulled ones stay, marked. ``?format=csv``."""

    # Public and anonymous: no session or token is even looked at.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = s.PublicPenalty
    pagination_class = Pagination
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, csvsafe.CSVRenderer]
    filter_backends: list = []

    @extend_schema(parameters=[s.PublicPenaltyQuery])
    def get(self, request):
        q = s.PublicPenaltyQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        qs = selectors.public_penalties(**q.validated_data)
        if request.accepted_renderer.format == "csv":
            resp = StreamingHttpResponse(
                _csv_stream(qs[: conf.get("ENFORCEMENT_CSV_MAX_ROWS")]),
                content_type="text/csv; charset=utf-8",
            )
            resp["Content-Disposition"] = 'attachment; filename="penalties.csv"'
            return resp
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class PublicPenaltyChangesApi(generics.GenericAPIView):
    """Decisions published, annulled or superseded since a time; an empty page is valid."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = s.PublicPenaltyChange
    pagination_class = Pagination
    filter_backends: list = []

    @extend_schema(parameters=[s.PenaltyChangesQuery])
    def get(self, request):
        q = s.PenaltyChangesQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        since = q.validated_data["since"]
        page = self.paginate_queryset(selectors.public_penalty_changes(since=since))
        return self.get_paginated_response(
            s.PublicPenaltyChange(page, many=True, context={"since": since}).data
        )
