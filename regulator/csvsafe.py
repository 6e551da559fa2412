"""CSV that a spreadsheet cannot execute (formula injection, OWASP "CSV Injection").

Excel, LibreOffice and WPS treat a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``). A public list
exports names that enterprises typed in, so every text cell that begins with one of those
characters is prefixed with a single quote, which spreadsheets show as text and do not
evaluate. Numbers (``-3`` points) are written as numbers, not as text, so they stay intact.
Use ``csvsafe.writer(f)`` wherever ``csv.writer(f)`` was used.
"""

import csv
import io
from typing import Any

from rest_framework import renderers

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def escape(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` with every cell passed through ``escape``; same interface."""

    def __init__(self, fileobj, *args, **kwargs):
        self._writer = csv.writer(fileobj, *args, **kwargs)

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row):
        return self._writer.writerow([escape(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(fileobj, *args, **kwargs) -> SafeWriter:
    return SafeWriter(fileobj, *args, **kwargs)


class Echo:
    """A file whose write returns what it was given: a csv writer over it yields each row as
    text, for a StreamingHttpResponse."""

    def write(self, value):
        return value


class CSVRenderer(renderers.BaseRenderer):
    """``?format=csv`` for the public list endpoints. The lists themselves are streamed by
    their views; only error bodies reach this renderer, as key,value rows."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        buf = io.StringIO()
        w = writer(buf)
        if isinstance(data, dict):
            for k, v in data.items():
                w.writerow([k, v])
        return buf.getvalue().encode()
