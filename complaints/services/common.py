"""Pieces every complaint service shares: who may act, the clock policy as sla objects,
deadlines and results recomputed from the stored pauses, attachment checks."""

import datetime as dt
import hashlib
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import conf, sla
from complaints.models import Attachment, Complaint, ComplaintPause, Status
from config.api import ApplicationError, NotFound
from regulator import calendar, scoping, uploads
from regulator.models import Role

HANDLERS = (Role.HANDLER,)


def require_handler(actor, c: Complaint) -> None:
    """Handlers act on complaints of their authority's appeal centre (§4.1 venue: the
    operator's province); national handlers (the 12300 centre) everywhere. String actors
    (sweeps, the complainant through the tracking code) are checked by their callers."""
    # String actors: "complainant" (holder of the tracking code, checked by the
    # caller) and "sweep".
    if not getattr(actor, "is_authenticated", False):
        return
    if scoping.role_of(actor) not in HANDLERS:
        raise NotFound(_("Not found."))
    scoping.require_jurisdiction(actor, c.province)


def require_enterprise(actor, c: Complaint) -> None:
    """An enterprise user answers only complaints forwarded to its own enterprise."""
    # Forwarding is what puts a complaint before the enterprise; before that it is the
    # centre's business alone.
    if (
        scoping.role_of(actor) != Role.ENTERPRISE
        or actor.enterprise_id != c.enterprise_id
        or c.forwarded_on is None
    ):
        raise NotFound(_("Not found."))


def span(value) -> sla.Span:
    days, unit = value
    return sla.Span(int(days), unit)


def definition() -> sla.Definition:
    d = conf.get("COMPLAINTS_DEFINITION")
    return sla.Definition(
        version=d["version"],
        fast=span(d["fast"]),
        timely=span(d["timely"]),
        reopened_not_fast=bool(d.get("reopened_not_fast", True)),
    )


def clocks_for(kind: str) -> dict:
    return conf.get("COMPLAINTS_CLOCKS")[kind]


def pauses_of(c: Complaint) -> list[sla.Pause]:
    return [sla.Pause(p.paused_on, p.resumed_on) for p in ComplaintPause.objects.filter(complaint=c)]


def _start(c: Complaint, event: str) -> dt.date | None:
    return {"received": c.received_on, "accepted": c.accepted_on, "forwarded": c.forwarded_on}[event]


def recompute_deadlines(c: Complaint, pauses: list[sla.Pause] | None = None) -> None:
    """Deadlines of the clocks that have started, from the policy in force and the stored
    pauses; the policy and calendar versions used go with them (DESIGN.md, Cross-cutting)."""
    # Always from the stored pauses: a deadline is never shifted in place, so a policy
    # change recomputes it correctly (sla.py).
    ps = pauses_of(c) if pauses is None else pauses
    cal = calendar.current()
    policy = clocks_for(c.kind)
    for name in ("accept", "respond", "answer"):
        start = _start(c, policy[name]["start"])
        due = None if start is None else sla.deadline(cal, start, span(policy[name]["span"]), ps)
        setattr(c, f"{name}_due_on", due)
    c.clock_version = policy["version"]
    c.calendar_version = cal.version


def judge(c: Complaint, closed_on: dt.date) -> None:
    """Fast and timely for a closing complaint, stamped with the definition's version.
    Withdrawn complaints get no result: the complainant ended them, not the handling."""
    # Closed on the same Shanghai date the handler acts: dates, not instants, as
    # working-day deadlines are defined on dates (DESIGN.md, Time).
    out = sla.judge(
        calendar.current(),
        definition(),
        accepted_on=c.accepted_on,
        closed_on=closed_on,
        pauses=pauses_of(c),
        reopened=c.reopen_count > 0,
    )
    c.fast, c.timely, c.handling_days, c.definition_version = (
        out.fast,
        out.timely,
        out.handling_days,
        out.version,
    )


def timely_deadline(c: Complaint) -> dt.date | None:
    if c.accepted_on is None:
        return None
    return sla.deadline(calendar.current(), c.accepted_on, definition().timely, pauses_of(c))


def at_risk_share() -> Decimal:
    return Decimal(str(conf.get("COMPLAINTS_AT_RISK_SHARE")))


def today() -> dt.date:
    return timezone.localdate()


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


# --- attachments ------------------------------------------------------------------------

# Magic bytes of the accepted types: a renamed executable is refused whatever its
# name or declared type.
_SIGNATURES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}


def sniff(head: bytes) -> str:
    for ctype, sigs in _SIGNATURES.items():
        if any(head.startswith(s) for s in sigs):
            return ctype
    return ""


def check_files(files: list, existing: int = 0) -> None:
    """Size, count and type limits, checked on the content (the name and the declared type
    are the client's word only). Raises a 400 with field errors before anything is saved."""
    max_bytes = int(conf.get("COMPLAINTS_ATTACHMENT_MAX_BYTES"))
    allowed = set(conf.get("COMPLAINTS_ATTACHMENT_TYPES"))
    errors: list[str] = []
    if existing + len(files) > int(conf.get("COMPLAINTS_ATTACHMENT_MAX_COUNT")):
        errors.append(_("Too many attachments."))
    for f in files:
        if f.size > max_bytes:
            errors.append(_("%(name)s is larger than %(max)d bytes.") % {"name": f.name, "max": max_bytes})
            continue
        # The kernel's content check (regulator.uploads): the declared type must be allowed
        # and the bytes must be that type and nothing else (no executable, ZIP polyglot or
        # HTML); read whole (at most the size limit) and rewound for saving.
        data = f.read()
        f.seek(0)
        declared = getattr(f, "content_type", "") or sniff(data[:16])
        problem = (
            _("Accepted: %(types)s.") % {"types": ", ".join(sorted(allowed))}
            if declared not in allowed
            else uploads.content_problem(data, declared)
        )
        if problem:
            errors.append(f"{f.name}: {problem}")
    if errors:
        raise ApplicationError(_("Invalid attachments."), errors={"attachments": errors})


# Stored with a digest so that a later dispute over what was sent can be settled.
def save_files(c: Complaint, files: list, uploaded_by: str) -> list[Attachment]:
    out = []
    for f in files:
        digest = hashlib.sha256()
        for chunk in f.chunks():
            digest.update(chunk)
        f.seek(0)
        head = f.read(16)
        f.seek(0)
        out.append(
            Attachment.objects.create(
                complaint=c,
                file=f,
                name=str(f.name)[:200],
                content_type=sniff(head),
                size=f.size,
                sha256=digest.hexdigest(),
                uploaded_by=uploaded_by,
            )
        )
    return out


def is_open(c: Complaint) -> bool:
    return c.status not in (Status.CLOSED, Status.REJECTED)
