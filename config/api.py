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
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# Largest value a PostgreSQL integer column holds: bound every integer input by it, so an
# oversized number is a 400 at the serializer and never a DataError (500) at the database.
MAX_INT = 2_147_483_647


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


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
