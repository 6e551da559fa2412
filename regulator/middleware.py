import re
import uuid
from http import HTTPStatus

from django.http import JsonResponse
from django.utils.translation import gettext as _

from regulator import conf, context

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
            return JsonResponse(
                {"message": _("NUL bytes are not allowed in requests."), "code": "invalid", "errors": {}},
                status=400,
            )
        # A lone UTF-16 surrogate cannot be encoded as UTF-8: it would fail when stored,
        # signed or logged (a 500). It cannot arrive in bytes off the wire, but a server or
        # client library that decodes with surrogateescape lets one through.
        bad = [_header_name(k) for k, v in request.META.items() if k.startswith("HTTP_") and _surrogate(v)]
        if _surrogate(request.path) or _surrogate(query):
            bad.append("path")
        if bad:
            return JsonResponse(
                {
                    "message": _("Invalid characters in the request."),
                    "code": "invalid",
                    "errors": {name: [_("Lone surrogate characters are not allowed.")] for name in bad},
                },
                status=400,
            )
        return self.get_response(request)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate(value) -> bool:
    return isinstance(value, str) and _SURROGATE.search(value) is not None


def _header_name(meta_key: str) -> str:
    return "-".join(part.capitalize() for part in meta_key[5:].split("_"))


def _error(status: int, message: str, code: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"message": message, "code": code, "errors": {}}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than TELEREG_REQUEST_MAX_BYTES from its declared
    Content-Length, before anything reads (or spools to disk) a byte of it. Django's WSGI
    request reads at most Content-Length bytes, so a body without one is read as empty and
    a body longer than declared is cut there."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(raw)
            if length < 0:
                raise ValueError
        except ValueError:
            return _error(400, _("Invalid Content-Length."), "bad_request")
        cap = int(conf.get("REQUEST_MAX_BYTES"))
        if length > cap:
            response = _error(
                413, _("The request body is too large (at most %(n)s bytes).") % {"n": cap}, "too_large"
            )
            # The unread body stays on the socket: tell the client we will not read it.
            response["Connection"] = "close"
            return response
        return self.get_response(request)


_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "too_large",
    415: "unsupported_media_type",
    429: "throttled",
}


class ApiJsonErrorsMiddleware:
    """Under /api/ every error answers in the API's JSON shape (config.api), including the
    ones Django renders itself as HTML: an unknown path, a refused host, a body too large."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            status = response.status_code
            try:
                phrase = HTTPStatus(status).phrase
            except ValueError:
                phrase = "Error"
            replacement = _error(status, _(phrase) + ".", _CODES.get(status, "error"))
            for name in ("Allow", "Retry-After", "WWW-Authenticate", "X-Request-ID", "Connection"):
                if response.has_header(name):
                    replacement[name] = response[name]
            return replacement
        return response


class ContentSecurityPolicyMiddleware:
    """Content-Security-Policy (every asset from our own origin, no third party, no framing)
    and Permissions-Policy on every response. Nosniff, Referrer-Policy, frame denial, HSTS
    come from Django's SecurityMiddleware and XFrameOptionsMiddleware (config/settings.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", conf.get("CONTENT_SECURITY_POLICY"))
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        return response
