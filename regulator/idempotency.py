"""Idempotency-Key for creating POSTs (DESIGN.md; Formance's model).

Same key + same body → the first response again, nothing created twice.
Same key + different body → 409. The record is written in the same transaction as the
work it guards, so a crash leaves neither; two concurrent requests with one key race on
the unique constraint and the loser answers from the winner's record.
"""

import functools
import hashlib

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from config.api import ApplicationError, Conflict
from regulator import canonical
from regulator.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY = 255

# For @extend_schema(parameters=[OPENAPI_HEADER]) on every idempotent POST.
OPENAPI_HEADER = OpenApiParameter(
    HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Same key and body return the first result; a different body is 409.",
)


def _plain_value(value):
    if isinstance(value, UploadedFile):
        # An upload is identified by its name and content, read once and rewound.
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    return value


def _request_hash(request) -> str:
    import json

    data = request.data
    if hasattr(data, "lists"):  # multipart / form: every value of every key, files by content
        body = {key: [_plain_value(v) for v in values] for key, values in data.lists()}
    else:
        body = data or {}
    body = json.loads(json.dumps(body, cls=JSONEncoder))
    text = f"{request.method} {request.path}\n{canonical.dumps(body)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _replay(record: IdempotencyRecord, request_hash: str) -> Response:
    if record.request_hash != request_hash:
        raise Conflict(
            _("This Idempotency-Key was already used with a different request."),
            code="idempotency_key_reused",
        )
    response = Response(record.response_body, status=record.status_code)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(scope: str):
    """Decorate an APIView ``post(self, request, ...)`` method."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, request, *args, **kwargs):
            key = request.headers.get(HEADER)
            if key is None:
                return method(self, request, *args, **kwargs)
            key = key.strip()
            if not key or len(key) > MAX_KEY:
                raise ApplicationError(
                    _("Idempotency-Key must be 1 to 255 characters."),
                    errors={HEADER: [_("Must be 1 to 255 characters.")]},
                )
            req_hash = _request_hash(request)
            found = IdempotencyRecord.objects.filter(scope=scope, actor=request.user, key=key).first()
            if found:
                return _replay(found, req_hash)
            try:
                with transaction.atomic():
                    response = method(self, request, *args, **kwargs)
                    if 200 <= response.status_code < 300:
                        import json

                        body = json.loads(json.dumps(response.data, cls=JSONEncoder))
                        IdempotencyRecord.objects.create(
                            scope=scope,
                            actor=request.user,
                            key=key,
                            request_hash=req_hash,
                            status_code=response.status_code,
                            response_body=body,
                        )
                    return response
            except IntegrityError:
                # A concurrent request with the same key won; answer as it did.
                found = IdempotencyRecord.objects.filter(scope=scope, actor=request.user, key=key).first()
                if found is None:
                    raise
                return _replay(found, req_hash)

        return wrapper

    return decorator


def prune() -> int:
    """Forget keys older than the retention period (they only guard client retries)."""
    import datetime as dt

    from django.utils import timezone

    from regulator import conf

    cutoff = timezone.now() - dt.timedelta(days=conf.get("IDEMPOTENCY_RETENTION_DAYS"))
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
