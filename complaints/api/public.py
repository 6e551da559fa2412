"""Public complaint endpoints: intake, tracking by code, the public record and its
statistics (DESIGN.md, Public interface). No login; nothing personal, no free text in the
record; a wrong tracking code is 404. Rates per client come from the kernel's throttles
(regulator/throttles.py, scopes ``complaint_intake`` and ``complaint_tracking``)."""

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, renderers, status
from rest_framework.exceptions import NotFound as DRFNotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import conf, metrics, records, selectors, services
from complaints.api import serializers as s
from complaints.models import Complaint
from complaints.services.intake import PUBLIC
from config.api import CappedCountPagination
from regulator import csvsafe
from regulator.inputs import uscc_param
from regulator.parsers import SafeJSONParser


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only error bodies reach here (lists are streamed by the views): the message.
        if isinstance(data, dict):
            return f"{data.get('message', '')}\n".encode()
        return b""


class _Echo:
    def write(self, value):
        return value


def _csv_response(rows, header, filename) -> StreamingHttpResponse:
    def stream():
        w = csvsafe.writer(_Echo())
        # BOM for spreadsheet programs; the rows are streamed, never held in memory.
        yield "\ufeff"
        yield w.writerow(header)
        for row in rows:
            yield w.writerow(["" if row.get(f) is None else row[f] for f in header])

    resp = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


class _Public:
    authentication_classes: list = []
    permission_classes = [AllowAny]
    filter_backends: list = []


class IntakeApi(_Public, APIView):
    """File a complaint. Answers the tracking code once: keep it to follow the complaint."""

    # Per client address, in the cache: floods of intakes are refused with 429.
    throttle_scope = "complaint_intake"
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": s.ComplaintIntakeInput, "application/json": s.ComplaintIntakeInput},
        responses={201: s.ComplaintIntakeOutput},
    )
    def post(self, request):
        data = s.ComplaintIntakeInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        files = v.pop("attachments")
        c, code = services.complaint_intake(actor=PUBLIC, files=files, **v)
        return Response(
            s.ComplaintIntakeOutput({**vars(c), "tracking_code": code}).data, status=status.HTTP_201_CREATED
        )


def _tracked(code: str) -> Complaint:
    pk = services.get_by_code(code).pk
    return Complaint.objects.select_related("enterprise").prefetch_related("events", "pauses").get(pk=pk)


# The tracking scope also limits guessing: a client trying codes gets 429 quickly,
# and 128-bit codes make a hit hopeless anyway.
class TrackApi(_Public, APIView):
    """Progress of one complaint, by its tracking code."""

    throttle_scope = "complaint_tracking"

    @extend_schema(responses=s.ComplaintTrackOutput)
    def get(self, request, code: str):
        return Response(s.ComplaintTrackOutput(_tracked(code)).data)


class _TrackStep(_Public, APIView):
    throttle_scope = "complaint_tracking"
    input_class: type = s.ComplaintReasonInput

    def act(self, complaint_id: int, data: dict):
        raise NotImplementedError

    def post(self, request, code: str):
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        # The code alone authorises the complainant's own steps; services check the state.
        c = services.get_by_code(code)
        self.act(c.pk, dict(data.validated_data))
        return Response(s.ComplaintTrackOutput(_tracked(code)).data)


class TrackMaterialApi(_TrackStep):
    """Supply the material asked for: the paused clocks resume."""

    input_class = s.ComplaintMaterialInput
    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request={
            "multipart/form-data": s.ComplaintMaterialInput,
            "application/json": s.ComplaintMaterialInput,
        },
        responses=s.ComplaintTrackOutput,
    )
    def post(self, request, code: str):
        return super().post(request, code)

    def act(self, complaint_id, data):
        services.complaint_supply_material(
            actor=PUBLIC, complaint_id=complaint_id, note=data["note"], files=data["attachments"]
        )


class TrackWithdrawApi(_TrackStep):
    @extend_schema(request=s.ComplaintReasonInput, responses=s.ComplaintTrackOutput)
    def post(self, request, code: str):
        return super().post(request, code)

    def act(self, complaint_id, data):
        services.complaint_withdraw(actor=PUBLIC, complaint_id=complaint_id, reason=data["reason"])


class TrackReopenApi(_TrackStep):
    input_class = s.ComplaintRequiredReasonInput

    @extend_schema(request=s.ComplaintRequiredReasonInput, responses=s.ComplaintTrackOutput)
    def post(self, request, code: str):
        return super().post(request, code)

    def act(self, complaint_id, data):
        services.complaint_reopen(actor=PUBLIC, complaint_id=complaint_id, reason=data["reason"])


class TrackRateApi(_TrackStep):
    """Rate the outcome 1–5, once, after closing."""

    input_class = s.ComplaintRateInput

    @extend_schema(request=s.ComplaintRateInput, responses=s.ComplaintTrackOutput)
    def post(self, request, code: str):
        return super().post(request, code)

    def act(self, complaint_id, data):
        services.complaint_rate(actor=PUBLIC, complaint_id=complaint_id, rating=data["rating"])


class RecordPagination(CappedCountPagination):
    """A page of the public record without counting every match (complaints.records):
    ``count`` is exact when the matches from the page's start run out within
    COMPLAINTS_RECORD_COUNT_WINDOW of them, else a lower bound with ``count_capped`` true;
    a page starting deeper than COMPLAINTS_RECORD_MAX_DEPTH matches is a 404."""

    count_description = (
        "Number of matching records. Exact when `count_capped` is false. When it is true "
        "the page read only the matches from its start up to COMPLAINTS_RECORD_COUNT_WINDOW "
        "(1,000) of them and found more: `count` is then a lower bound (the page's start plus "
        "the window; there are more matches than that), not the total; follow `next` to page on. "
        "Pages starting deeper than COMPLAINTS_RECORD_MAX_DEPTH (10,000) records are a 404: "
        "narrow the filters or take the CSV export."
    )

    def paginate_records(self, request, filters: dict) -> list:
        page_size = self.get_page_size(request)
        number = self.requested_number(request)  # "last" too: the last page is not known
        if number > records.deepest_page(page_size):
            raise DRFNotFound(
                _(
                    "Pages starting deeper than %(n)d records are not served: narrow the filters, "
                    "or export them as CSV."
                )
                % {"n": conf.get("COMPLAINTS_RECORD_MAX_DEPTH")}
            )
        found = records.record_page(**filters, page=number, page_size=page_size)
        return self.serve(request, number, page_size, found.rows, found.count, found.count_capped, found.more)


class PublicRecordApi(_Public, generics.GenericAPIView):
    """The public complaint record, newest month first; ``?format=csv`` exports every match
    (up to COMPLAINTS_CSV_MAX_ROWS). Pages are not counted in full: see ``RecordPagination``."""

    serializer_class = s.ComplaintPublicRecordOutput
    pagination_class = RecordPagination
    renderer_classes = [renderers.JSONRenderer, CSVRenderer]

    @extend_schema(parameters=[s.ComplaintPublicQuery], responses=s.ComplaintPublicRecordOutput(many=True))
    def get(self, request):
        q = s.ComplaintPublicQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        v = q.validated_data
        months = selectors.parse_period(v["period"])[1] if v["period"] else None
        # A code that cannot exist is a 400 naming what is wrong, not an empty record.
        enterprise = uscc_param(v["enterprise"], "enterprise") if v["enterprise"] else ""
        filters = {
            "months": months,
            "enterprise": enterprise,
            "category": v["category"],
            "province": v["province"],
        }
        if request.accepted_renderer.format == "csv":
            # name and USCC come as annotations: no join objects built
            qs = metrics.public_records(**filters).select_related(None)
            rows = (metrics.record_row(c) for c in qs[: conf.get("COMPLAINTS_CSV_MAX_ROWS")].iterator(2000))
            return _csv_response(rows, metrics.RECORD_FIELDS, "complaints.csv")
        page = self.paginator.paginate_records(request, filters)
        return self.get_paginated_response([metrics.record_row(c) for c in page])


class PublicStatsApi(_Public, APIView):
    """Volumes, fast-handling rate, timely rate and satisfaction with their numerators,
    denominators and targets, for a month, quarter or year; ``group_by`` splits them."""

    renderer_classes = [renderers.JSONRenderer, CSVRenderer]

    @extend_schema(parameters=[s.ComplaintStatsQuery], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        q = s.ComplaintStatsQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        v = q.validated_data
        label, months = selectors.parse_period(v["period"])
        out = metrics.stats(
            months=months, group_by=v["group_by"], province=v["province"], today=timezone.localdate()
        )
        if request.accepted_renderer.format == "csv":
            return _csv_response(_flat(out, v["group_by"]), STATS_CSV, f"complaint-stats-{label}.csv")
        return Response({"period": label, "group_by": v["group_by"], "province": v["province"], **out})


STATS_CSV = ["group", "key", "name", "records", "closed"] + [
    f"{m}_{p}"
    for m in ("fast_rate", "timely_rate", "satisfaction")
    for p in ("numerator", "denominator", "value")
]


def _flat(out: dict, group_by: str):
    items = [("total", {"key": "", **out["total"]})] + [(group_by, g) for g in out["groups"]]
    for group, g in items:
        row = {"group": group, "key": g["key"], "name": g.get("name", ""), "records": g["records"]}
        row["closed"] = g["closed"]
        for m in ("fast_rate", "timely_rate", "satisfaction"):
            for p in ("numerator", "denominator", "value"):
                row[f"{m}_{p}"] = g[m][p]
        yield row
