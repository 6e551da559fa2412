import re
import uuid

from regulator import context

_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Take X-Request-ID if it is well-formed, else make one; audit events record it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if _SAFE.match(incoming) else uuid.uuid4().hex
        token = context.request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            context.request_id.reset(token)
        response["X-Request-ID"] = rid
        return response


class RejectNulMiddleware:
    """PostgreSQL text cannot hold NUL bytes: a NUL in the path, the query string or any
    header (a cookie's session key, an ``Authorization: Token`` key) would reach a query and
    fail there with a 500. Refuse such requests up front with a 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        headers = (v for k, v in request.META.items() if k.startswith("HTTP_") and isinstance(v, str))
        # Cookies again after parsing: "\000" in a quoted cookie value decodes to NUL.
        cookies = (k + v for k, v in request.COOKIES.items())
        if (
            "\x00" in request.path
            or "%00" in query
            or "\x00" in query
            or any("\x00" in v for v in headers)
            or any("\x00" in c for c in cookies)
        ):
            from django.http import JsonResponse
            from django.utils.translation import gettext as _

            return JsonResponse(
                {"message": _("NUL bytes are not allowed in requests."), "code": "invalid", "errors": {}},
                status=400,
            )
        return self.get_response(request)
