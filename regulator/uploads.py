"""What an uploaded file is, judged by its bytes (issue 9, point 6).

The declared Content-Type and the file name are the client's to choose; the bytes are what
a reviewer's viewer will parse. A material is accepted only when its content starts with the
declared type's signature and is not also something else: a ZIP archive hidden in it (a PDF/ZIP or JPEG/ZIP polyglot, an Office or JAR
file renamed), an executable or script, or HTML that a browser would sniff and run.
"""

import io
import zipfile

from django.utils.translation import gettext as _

from config.api import ApplicationError

# Declared type → signatures, one of which starts every file of that type.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
# Starts of executables and scripts, whatever they are named.
_EXECUTABLE = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
# Markup a browser sniffs as HTML and would run, looked for near the start.
_ACTIVE = (b"<script", b"<html", b"<svg", b"<!doctype html", b"<iframe")


def _refuse(message: str, code: str = "unsupported_type") -> ApplicationError:
    return ApplicationError(_("This file is not accepted."), errors={"file": [message]}, code=code)


def content_problem(data: bytes, declared: str) -> str | None:
    """Why ``data`` is not a plain file of type ``declared``, or None when it is."""
    starts = _SIGNATURES.get(declared)
    if starts is None:
        return _("Files of type %(t)s are not accepted.") % {"t": declared or "?"}
    if data.startswith(_EXECUTABLE):
        return _("The file is a program or script.")
    if not data.startswith(starts):
        return _("The content is not a %(t)s file (its first bytes say otherwise).") % {"t": declared}
    # A ZIP is found from its end (the central directory), so one appended to a valid
    # PDF or image is still an archive that an unzip tool opens.
    if zipfile.is_zipfile(io.BytesIO(data)):
        return _("The file also contains a ZIP archive (a polyglot file).")
    head = data[:1024].lower()
    if any(marker in head for marker in _ACTIVE):
        return _("The file contains active web content.")
    return None


def check_content(data: bytes, declared: str, allowed: set[str] | list[str]) -> None:
    """Raise a 400 naming the problem unless ``data`` is a plain ``declared`` file and
    ``declared`` is one of ``allowed``."""
    if declared not in allowed:
        raise _refuse(_("Accepted: %(types)s.") % {"types": ", ".join(sorted(allowed))})
    problem = content_problem(data, declared)
    if problem:
        raise _refuse(problem)
