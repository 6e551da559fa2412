"""Request parsers (DRF): JSON that cannot fail later."""

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser

from regulator import conf

_SURROGATE = re.compile("[\\ud800-\\udfff]")


class SafeJSONParser(JSONParser):
    """DRF's JSON parser, refusing with a 400 (never a 500) what would fail later:
    nesting deep enough to exhaust the interpreter's recursion (a ``RecursionError`` in the
    decoder, or later in a serializer or the canonical JSON of a signature) and lone UTF-16
    surrogates (``"\\ud800"`` decodes to a str that cannot be encoded as UTF-8 for the
    database, a hash or a signature)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("JSON parse error - nested too deeply."))
        problem = _json_problem(data)
        if problem:
            path, message = problem
            raise exceptions.ValidationError({path or "non_field_errors": [message]})
        return data


def _json_problem(data: Any) -> tuple[str, str] | None:
    """(dotted path, message) of the first value nested too deep or holding a lone
    surrogate; iterative, so the check itself never recurses."""
    limit = int(conf.get("JSON_MAX_DEPTH"))
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > limit:
            return path, _("Nested more than %(n)s levels deep.") % {"n": limit}
        if isinstance(value, dict):
            for key, item in value.items():
                if _SURROGATE.search(key):
                    return path, _("Lone surrogate characters are not allowed.")
                stack.append((item, f"{path}.{key}" if path else key, depth + 1))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                stack.append((item, f"{path}.{i}" if path else str(i), depth + 1))
        elif isinstance(value, str) and _SURROGATE.search(value):
            return path, _("Lone surrogate characters are not allowed.")
    return None
