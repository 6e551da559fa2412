"""API conventions shared by every app: the one error shape, pagination, domain errors.

Every 4xx answers::

    {"message": "...", "code": "validation_error", "errors": {"field": ["..."]}}

``errors`` is present (possibly empty) for every error so clients need one parser.
Messages are translatable; the request's language (Accept-Language) picks English or
Simplified Chinese.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# Largest value a PostgreSQL integer column holds: bound every integer input by it, so an
# oversized number is a 400 at the serializer and never a DataError (500) at the database.
MAX_INT = 2_147_483_647


def known_page(rows: list, number: int, page_size: int, count: int, more: bool) -> Page:
    """A Django Page over rows already fetched, whose paginator knows only what the search
    learnt: ``count`` (exact, or a lower bound) and whether a next page exists. For the
    searches that do not count every match (credit.search, complaints.records)."""
    paginator = Paginator([], page_size)
    paginator.__dict__["count"] = count  # cached_properties: what the search knows
    paginator.__dict__["num_pages"] = number + 1 if more else number
    return Page(rows, number, paginator)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_number(self, request, paginator):
        # A page number past any possible page would overflow the database's OFFSET
        # (bigint) in a window-count search: refuse it like any other page that is not there.
        number = super().get_page_number(request, paginator)
        if isinstance(number, str) and number.isdigit() and int(number) > MAX_INT:
            raise exceptions.NotFound(_("Invalid page."))
        return number

    def requested_number(self, request) -> int:
        """The page asked for as a number from 1 to MAX_INT, else a 404 ("last" too, for the
        paginations below that answer without the whole count)."""
        try:
            number = int(request.query_params.get(self.page_query_param) or "1")
            if number < 1 or number > MAX_INT:
                raise ValueError
        except ValueError:
            raise exceptions.NotFound(_("Invalid page."))
        return number


class CappedCountPagination(Pagination):
    """A page of a search that does not count every match: the page is exact, ``count`` is
    exact when ``count_capped`` is false and a lower bound when it is true, ``next`` is
    given whenever another page exists, ``page=last`` is a 404 (its number is not known).
    A subclass fetches the page and hands it to ``serve``; ``count_description`` says in
    the OpenAPI schema when its count is capped."""

    count_description = ""

    def serve(self, request, number: int, page_size: int, rows: list, count: int, capped: bool, more: bool):
        if not rows and number > 1:
            raise exceptions.NotFound(_("Invalid page."))
        self.capped = capped
        self.request = request
        self.page = known_page(rows, number, page_size, count, more)
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
        base["properties"]["count"] = {"type": "integer", "description": self.count_description}
        base["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "True when `count` is a lower bound: there may be more matches than `count`.",
        }
        base["required"] = [*base.get("required", []), "count_capped"]
        return base


class WindowCountPagination(Pagination):
    """For searches over wide rows: one narrow statement finds the page's keys and the total
    (``COUNT(*) OVER ()``), a second fetches those rows by primary key. Every matching row is
    visited once, and only as (key, sort key), instead of twice as whole rows (count, then
    page). The answer has the same shape as ``Pagination``."""

    def paginate_queryset(self, queryset, request, view=None):
        from django.db.models import Count, Window
        from rest_framework.exceptions import NotFound as DRFNotFound

        page_size = self.get_page_size(request)
        raw = request.query_params.get(self.page_query_param) or "1"
        if not page_size or raw in self.last_page_strings:
            return super().paginate_queryset(queryset, request, view)
        number = self.requested_number(request)
        offset = (number - 1) * page_size
        keys = list(
            queryset.annotate(_window_total=Window(Count("pk"))).values_list("pk", "_window_total")[
                offset : offset + page_size
            ]
        )
        total = keys[0][1] if keys else queryset.count()
        if not keys and number > 1:
            raise DRFNotFound(_("Invalid page."))
        # Fetch by key alone (the search condition is not evaluated again), keeping the
        # queryset's joins and prefetches, in the order the search gave.
        fetch = queryset.model._base_manager.filter(pk__in=[k for k, _t in keys])
        fetch.query.select_related = queryset.query.select_related
        fetch = fetch.prefetch_related(*queryset._prefetch_related_lookups)
        by_pk = {obj.pk: obj for obj in fetch}
        rows = [by_pk[k] for k, _t in keys]
        paginator = Paginator([], page_size)
        paginator.__dict__["count"] = total  # cached_property: the total we already have
        self.request = request
        self.page = Page(rows, number, paginator)
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return rows


class ApplicationError(Exception):
    """A domain rule refused the request. Services raise these; the handler renders them."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "invalid"

    def __init__(self, message: str, *, errors: dict[str, list[str]] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        if code:
            self.code = code


class NotFound(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"


class Conflict(ApplicationError):
    """A disallowed state transition, a duplicate, or an idempotency-key mismatch."""

    status_code = status.HTTP_409_CONFLICT
    code = "conflict"


class Forbidden(ApplicationError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "forbidden"


def _flatten(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        out: dict[str, list[str]] = {}
        for key, value in detail.items():
            if isinstance(value, dict):
                for sub, msgs in _flatten(value).items():
                    out[f"{key}.{sub}"] = msgs
            elif isinstance(value, list):
                flat: list[str] = []
                for i, item in enumerate(value):
                    if isinstance(item, dict):
                        for sub, msgs in _flatten(item).items():
                            out[f"{key}.{i}.{sub}"] = msgs
                    else:
                        flat.append(str(item))
                if flat:
                    out[key] = flat
            else:
                out[key] = [str(value)]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(d) for d in detail]}
    return {}


def error_response(message: str, status_code: int, code: str, errors: dict | None = None) -> Response:
    return Response({"message": message, "code": code, "errors": errors or {}}, status=status_code)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, ApplicationError):
        return error_response(exc.message, exc.status_code, exc.code, exc.errors)
    # Safety net for views with their own parser list (regulator.parsers.SafeJSONParser refuses
    # these up front, naming the field): a body nested past the recursion limit, or a lone
    # surrogate that reached an encoder, is the request's fault, never a 500.
    if isinstance(exc, RecursionError):
        return error_response(_("JSON parse error - nested too deeply."), 400, "parse_error")
    if isinstance(exc, UnicodeEncodeError) and "surrogate" in str(exc):
        return error_response(_("Lone surrogate characters are not allowed."), 400, "invalid")
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return error_response(_("Invalid input."), 400, "validation_error", errors)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        if not errors and isinstance(exc.detail, str | list):
            errors = {"non_field_errors": [str(exc.detail)]}
        response.data = {"message": _("Invalid input."), "code": "validation_error", "errors": errors}
    else:
        detail = getattr(exc, "detail", "")
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        message = str(detail) if not isinstance(detail, dict | list) else _("Request failed.")
        response.data = {"message": message, "code": code, "errors": {}}
    return response
