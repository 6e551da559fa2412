"""Public list search: the bad and dishonest lists as published, searched by name
fragment, USCC or licence number (issue 17 §4), as JSON pages or a CSV export.
No login, no personal data, nothing unpublished (DESIGN.md, Public interface)."""

import io

from django.core.paginator import Page, Paginator
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, renderers
from rest_framework.exceptions import NotFound as DRFNotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from config.api import MAX_INT, Pagination
from credit import conf, search
from credit.api import serializers as s
from regulator import csvsafe


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Only error bodies reach here; the list itself is streamed by the view.
        buf = io.StringIO()
        w = csvsafe.writer(buf)
        if isinstance(data, dict):
            for k, v in data.items():
                w.writerow([k, v])
        return buf.getvalue().encode()


class _Echo:
    def write(self, value):
        return value


def _csv_stream(qs):
    w = csvsafe.writer(_Echo())
    yield "\ufeff"  # BOM: spreadsheet programs then read the Chinese names right
    yield w.writerow(s.PUBLIC_LIST_FIELDS)
    for row in qs.iterator(chunk_size=2000):
        data = s.PublicListEntry(row).data
        yield w.writerow([data[f] for f in s.PUBLIC_LIST_FIELDS])


class CappedCountPagination(Pagination):
    """Issue 17 §4: the page, plus the number of matches counted up to
    ``CREDIT_PUBLIC_COUNT_CAP``. A broad fragment matches tens of thousands of entries;
    counting them all would cost more than the page itself (which the newest-first index
    finds by reading a page's worth of matches). ``count_capped`` says the true number is
    larger than ``count``; ``next`` is given while a full page came back."""

    def paginate_queryset(self, queryset, request, view=None):
        page_size = self.get_page_size(request)
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw in self.last_page_strings:
            raise DRFNotFound(_("Invalid page."))
        try:
            number = int(raw)
            if number < 1 or number > MAX_INT:
                raise ValueError
        except ValueError:
            raise DRFNotFound(_("Invalid page."))
        offset = (number - 1) * page_size
        rows = list(queryset[offset : offset + page_size])
        if not rows and number > 1:
            raise DRFNotFound(_("Invalid page."))
        cap = conf.get("CREDIT_PUBLIC_COUNT_CAP")
        # When the whole answer is on the first page, it is its own count (no statement).
        whole = number == 1 and len(rows) < page_size
        total = len(rows) if whole else queryset[: cap + 1].count()
        self.capped = total > cap
        count = min(total, cap)
        paginator = Paginator([], page_size)
        # A capped count must not end paging early: a full page means there may be more.
        more = len(rows) == page_size and (self.capped or offset + page_size < total)
        paginator.__dict__["count"] = count
        paginator.__dict__["num_pages"] = number + 1 if more else number
        self.request = request
        self.page = Page(rows, number, paginator)
        return rows

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_capped": self.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        base = super().get_paginated_response_schema(schema)
        base["properties"]["count"] = {
            "type": "integer",
            "description": "Matches, counted up to CREDIT_PUBLIC_COUNT_CAP (default 1,000).",
        }
        base["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "True when there are more matches than `count` (the count stopped at the cap).",
        }
        base["required"] = [*base.get("required", []), "count_capped"]
        return base


class PublicListApi(generics.GenericAPIView):
    """The bad and dishonest lists as published. ``?format=csv`` exports every match."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = s.PublicListEntry
    pagination_class = CappedCountPagination
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CSVRenderer]
    filter_backends: list = []

    @extend_schema(parameters=[s.PublicListQuery], responses=s.PublicListEntry(many=True))
    def get(self, request):
        q = s.PublicListQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        v = q.validated_data
        qs = search.public_list_entries(
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
