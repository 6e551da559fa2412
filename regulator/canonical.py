"""Canonical JSON: the one serialisation we hash (audit chain, draw frames, e-licences,
idempotency). Sorted keys, no whitespace, UTF-8, non-JSON types as strings."""

import datetime as dt
import decimal
import hashlib
import json
import uuid
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"not canonical-JSON serialisable: {type(value).__name__}")


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def plain(value: Any) -> Any:
    """The JSON value as it will read back from a JSON column (dates become strings)."""
    return json.loads(dumps(value))


def sha256_hex(value: Any) -> str:
    return hashlib.sha256(dumps(value).encode("utf-8")).hexdigest()
