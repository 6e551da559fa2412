"""Public list search: the bad and dishonest lists as published, searched by name
fragment, USCC or licence number (issue 17 §4), as JSON pages or a CSV export.
No login, no personal data, nothing unpublished (DESIGN.md, Public interface)."""

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


def _csv_stream(qs):
    w = csvsafe.writer(csvsafe.Echo())
    yield "\ufeff"  # BOM: spreadsheet programs then read the Chinese names right
    yield w.writerow(s.PUBLIC_LIST_FIELDS)
    for row in qs.iterator(chunk_size=2000):
        data = s.PublicListEntry(row).data
        yield w.writerow([data[f] for f in s.PUBLIC_LIST_FIELDS])


class CappedCountPagination(Pagination):
    """Issue 17 §4: a page of the public search without counting every match.

    ``credit.search.public_page`` answers the page in one or two bounded statements. When
    the search indexes answered (a selective fragment, a USCC), every match was visited and
    ``count`` is exact. When the newest-first walk or the probe of the newest months answered
    (a broad or middling fragment, no fragment), the page is exact but the matches were not all visited: ``count`` is then a lower bound
    (the matches up to this page and one more) and ``count_capped`` is true. ``next`` is
    given whenever another page exists; ``page=last`` is a 404 (its number is not known), and
    so is a page starting deeper than ``CREDIT_SEARCH_MAX_DEPTH`` matches."""

    def paginate_search(self, request, filters: dict):
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
        if (number - 1) * page_size >= conf.get("CREDIT_SEARCH_MAX_DEPTH"):
            raise DRFNotFound(_("Invalid page."))  # deeper than served: narrow the search
        found = search.public_page(**filters, page=number, page_size=page_size)
        if not found.rows and number > 1:
            raise DRFNotFound(_("Invalid page."))
        self.capped = found.count_capped
        paginator = Paginator([], page_size)
        paginator.__dict__["count"] = found.count
        paginator.__dict__["num_pages"] = number + 1 if found.more else number
        self.request = request
        self.page = Page(found.rows, number, paginator)
        return found.rows

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
            "description": (
                "Number of matches. Exact when `count_capped` is false. When it is true the "
                "search read only the newest entries to fill this page (a broad fragment): "
                "`count` is then a lower bound (the matches up to this page, plus one), not "
                "the total; follow `next` to page on. (On SQLite, the demo, the count stops "
                "at CREDIT_PUBLIC_COUNT_CAP instead.)"
            ),
        }
        base["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "True when `count` is a lower bound: there may be more matches than `count`.",
        }
        base["required"] = [*base.get("required", []), "count_capped"]
        return base


class PublicListApi(generics.GenericAPIView):
    """The bad and dishonest lists as published. ``?format=csv`` exports every match."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = s.PublicListEntry
    pagination_class = CappedCountPagination
    renderer_classes = [renderers.JSONRenderer, renderers.BrowsableAPIRenderer, csvsafe.CSVRenderer]
    filter_backends: list = []

    @extend_schema(parameters=[s.PublicListQuery], responses=s.PublicListEntry(many=True))
    def get(self, request):
        q = s.PublicListQuery(data=request.query_params)
        q.is_valid(raise_exception=True)
        v = q.validated_data
        if request.accepted_renderer.format == "csv":
            qs = search.public_list_entries(
                list_kind=v.get("list"), q=v["q"], province=v["province"], status=v["status"]
            )
            resp = StreamingHttpResponse(
                _csv_stream(qs[: conf.get("CREDIT_CSV_MAX_ROWS")]), content_type="text/csv; charset=utf-8"
            )
            resp["Content-Disposition"] = 'attachment; filename="credit-lists.csv"'
            return resp
        page = self.paginator.paginate_search(
            request,
            {"list_kind": v.get("list"), "q": v["q"], "province": v["province"], "status": v["status"]},
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
