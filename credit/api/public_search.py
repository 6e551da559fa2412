"""Public list search: the bad and dishonest lists as published, searched by name
fragment, USCC or licence number (issue 17 §4), as JSON pages or a CSV export.
No login, no personal data, nothing unpublished (DESIGN.md, Public interface)."""

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, renderers
from rest_framework.exceptions import NotFound as DRFNotFound
from rest_framework.permissions import AllowAny

from config.api import CappedCountPagination
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


class ListSearchPagination(CappedCountPagination):
    """Issue 17 §4: ``credit.search.public_page`` answers the page in one or two bounded
    statements. When the search indexes answered (a selective fragment, a USCC), every match
    was visited and ``count`` is exact. When the newest-first walk or the probe of the newest
    months answered (a broad or middling fragment, no fragment), the page is exact but the
    matches were not all visited: ``count`` is then a lower bound (the matches up to this
    page and one more) and ``count_capped`` is true. A page starting deeper than
    ``CREDIT_SEARCH_MAX_DEPTH`` matches is a 404."""

    count_description = (
        "Number of matches. Exact when `count_capped` is false. When it is true the "
        "search read only the newest entries to fill this page (a broad fragment): "
        "`count` is then a lower bound (the matches up to this page, plus one), not "
        "the total; follow `next` to page on. (On SQLite, the demo, the count stops "
        "at CREDIT_PUBLIC_COUNT_CAP instead.)"
    )

    def paginate_search(self, request, filters: dict):
        page_size = self.get_page_size(request)
        number = self.requested_number(request)
        if (number - 1) * page_size >= conf.get("CREDIT_SEARCH_MAX_DEPTH"):
            raise DRFNotFound(_("Invalid page."))  # deeper than served: narrow the search
        found = search.public_page(**filters, page=number, page_size=page_size)
        return self.serve(request, number, page_size, found.rows, found.count, found.count_capped, found.more)


class PublicListApi(generics.GenericAPIView):
    """The bad and dishonest lists as published. ``?format=csv`` exports every match."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = s.PublicListEntry
    pagination_class = ListSearchPagination
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
