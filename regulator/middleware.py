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
    """PostgreSQL text cannot hold NUL bytes: a NUL in the path, query string or a cookie
    would reach a query (session lookup, filters) and fail there. Refuse it up front."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        suspects = [request.path, request.META.get("QUERY_STRING", ""), request.META.get("HTTP_COOKIE", "")]
        if any("\x00" in part or "%00" in part for part in suspects):
            from django.http import JsonResponse

            return JsonResponse(
                {"message": "NUL bytes are not allowed in requests.", "code": "invalid", "errors": {}},
                status=400,
            )
        return self.get_response(request)
