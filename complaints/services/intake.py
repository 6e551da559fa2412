"""Intake: a handler records a complaint (telephone, letter, visit), or the public files one
through the intake endpoint; both return a tracking code the complainant keeps."""

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from complaints import conf
from complaints.models import Channel, Complaint, Kind
from complaints.services import common
from complaints.transitions import record_event, snapshot
from config.api import ApplicationError
from regulator import audit, scoping, uscc
from regulator.models import Enterprise, Role

PUBLIC = "complainant"  # actor label of the public and of tracking-code holders


def hash_code(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def new_tracking_code() -> str:
    # 128 bits from the OS's CSPRNG, URL-safe: unguessable, and only its hash is stored.
    return secrets.token_urlsafe(16)


def _public_id(received_on: dt.date) -> str:
    # Random rather than sequential, so the public record does not reveal daily volumes
    # per centre before the statistics are published.
    return f"C{received_on:%y%m}{secrets.token_hex(4).upper()}"


def resolve_respondent(*, uscc_code: str, licence_number: str) -> Enterprise:
    """The respondent by USCC, or by licence number through the resolver configured in
    TELEREG_COMPLAINTS_LICENCE_RESOLVER (a dotted path to ``f(number) -> uscc | None``;
    complaints may not import licensing, DESIGN.md dependency rule)."""
    if uscc_code:
        try:
            code = uscc.validate(uscc_code)
        except uscc.USCCError as exc:
            raise ApplicationError(_("Invalid input."), errors={"enterprise_uscc": [str(exc)]})
        ent = Enterprise.objects.filter(uscc=code).first()
        if ent is None:
            raise ApplicationError(
                _("Invalid input."),
                errors={"enterprise_uscc": [_("No registered enterprise has this code.")]},
            )
        return ent
    # The licence register belongs to licensing, which complaints may not import.
    path = conf.get("COMPLAINTS_LICENCE_RESOLVER")
    found = import_string(path)(licence_number) if (path and licence_number) else None
    ent = Enterprise.objects.filter(uscc=found).first() if found else None
    if ent is None:
        field = "licence_number" if licence_number else "enterprise_uscc"
        raise ApplicationError(
            _("Invalid input."),
            errors={field: [_("Name the enterprise by its unified social credit code or licence number.")]},
        )
    return ent


def complaint_intake(
    *,
    actor,
    kind: str,
    category: str,
    description: str,
    complainant_name: str,
    complainant_phone: str = "",
    complainant_email: str = "",
    enterprise_uscc: str = "",
    licence_number: str = "",
    service: str = "",
    channel: str = Channel.WEB,
    received_at: dt.datetime | None = None,
    first_raised_on: dt.date | None = None,
    disputed_on: dt.date | None = None,
    files: list | None = None,
) -> tuple[Complaint, str]:
    """Record a complaint; returns it and the tracking code (shown once, never stored).

    Staff intake is for handlers, who take the case (they work it). The public files with
    the actor PUBLIC, channel web, received now."""
    # Staff record complaints received by telephone, letter or in person, with the
    # time they were received; the public files through the web, received now.
    staff = getattr(actor, "is_authenticated", False)
    if staff:
        scoping.require_role(actor, Role.HANDLER)
    files = list(files or [])
    now = timezone.now()
    received_at = received_at if (staff and received_at) else now
    errors: dict[str, list[str]] = {}
    if timezone.is_naive(received_at):
        errors["received_at"] = [_("Times must carry a time zone.")]
    elif received_at > now + dt.timedelta(minutes=5):
        errors["received_at"] = [_("In the future.")]
    # Order 35: the appeal states how to reach the appellant; one channel suffices.
    if not (complainant_phone or complainant_email):
        errors["complainant_phone"] = [_("Give a telephone number or an e-mail address.")]
    received_on = common.local_date(received_at) if "received_at" not in errors else now.date()
    for name, day in (("first_raised_on", first_raised_on), ("disputed_on", disputed_on)):
        if day is not None and day > received_on:
            errors[name] = [_("Cannot be after the complaint was received.")]
    if kind == Kind.INTERNET and first_raised_on is not None:
        # §4.2: the Internet platform has no operator-first step; ignore rather than store.
        first_raised_on = None
    if errors:
        raise ApplicationError(_("Invalid input."), errors=errors)
    # Checked before anything is written: a bad respondent or file saves nothing.
    ent = resolve_respondent(uscc_code=enterprise_uscc, licence_number=licence_number)
    common.check_files(files)
    if staff:
        # A provincial handler records only complaints for its own centre.
        scoping.require_jurisdiction(actor, ent.province)
    code = new_tracking_code()
    with transaction.atomic():
        c = Complaint(
            public_id=_public_id(received_on),
            tracking_hash=hash_code(code),
            kind=kind,
            category=category,
            channel=channel if staff else Channel.WEB,
            service=service,
            description=description,
            enterprise=ent,
            respondent_licence_number=licence_number,
            province=ent.province,
            complainant_name=complainant_name,
            complainant_phone=complainant_phone,
            complainant_email=complainant_email,
            received_at=received_at,
            received_on=received_on,
            first_raised_on=first_raised_on,
            disputed_on=disputed_on,
            handler=actor if staff else None,
            period=common.month_start(received_on),
        )
        # The acceptance clock starts on receipt (§4.1: 5 working days).
        common.recompute_deadlines(c, pauses=[])
        c.save()
        label = actor if staff else PUBLIC
        common.save_files(c, files, uploaded_by=audit.actor_fields(label)[1])
        record_event(c=c, actor=label, frm="", to=c.status, action="received")
        audit.record(actor=label, action="complaints.received", obj=c, after=snapshot(c))
    return c, code
