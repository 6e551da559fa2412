"""Helpers shared by the licensing services: dates, deadlines, actors, scope checks and the
calls into credit."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Forbidden, NotFound
from credit import selectors as credit_selectors
from credit import services as credit
from licensing import conf
from licensing.models import Application, Deadline
from regulator import calendar, scoping
from regulator.audit import actor_fields
from regulator.models import Role


def today() -> dt.date:
    return timezone.localdate()


def actor_label(actor) -> str:
    return actor_fields(actor)[1]


def is_system(actor) -> bool:
    """Tasks, sweeps and commands act as a label ("sweep", "auto-check"), never a user."""
    return isinstance(actor, str)


def require_officer_of(actor, issuer: str) -> None:
    """§1.1 / issue 8: an officer acts only on what their own authority issues; any other
    user is refused the same way as a missing row (404). System actors pass."""
    if is_system(actor):
        return
    scoping.require_issuer(actor, issuer)


def require_licence_authority(actor, issuer: str) -> None:
    """Revocation and withdrawal are decided by the issuing authority: its licensing
    officers, or its supervisors deciding a penalty case (the enforcement app)."""
    if is_system(actor):
        return
    role = scoping.role_of(actor)
    if role == Role.SUPERVISOR and scoping.authority_code(actor) == issuer:
        return
    scoping.require_issuer(actor, issuer)


def require_role_of(actor, role: str) -> None:
    """The act belongs to one role (an officer decides, the holder withdraws); a user of
    another role is refused (403) even on its own rows. System actors pass."""
    if not is_system(actor) and scoping.role_of(actor) != role:
        raise Forbidden(_("Your role may not do this."))


def require_enterprise_user(actor, enterprise_id: int) -> None:
    if scoping.role_of(actor) != Role.ENTERPRISE or actor.enterprise_id != enterprise_id:
        raise NotFound(_("Not found."))


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reasons."), errors={"reason": [_("Required.")]})
    return reason


def resolve_deadline(start: dt.date, kind: str) -> tuple[dt.date, int, str]:
    """(due date, amount, unit) for a deadline kind from ``conf.DEADLINES``."""
    n, unit = conf.deadline_rule(kind)
    if unit == "working":
        return calendar.add_working_days(start, n), n, unit
    return start + dt.timedelta(days=n), n, unit


def deadline_open(
    app: Application, kind: str, rule: str | None = None, start: dt.date | None = None
) -> Deadline:
    start = start or today()
    due, n, unit = resolve_deadline(start, rule or kind)
    return Deadline.objects.create(
        application=app,
        kind=kind,
        starts_on=start,
        due_on=due,
        amount=n,
        unit=unit,
        calendar_version=calendar.version(),
    )


def deadlines_close(app: Application, *kinds: str) -> None:
    qs = app.deadlines.filter(met_at__isnull=True)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    qs.update(met_at=timezone.now())


def restrictions(enterprise):
    """The credit app's restrictions policy for ``enterprise`` (credit.selectors)."""
    return credit_selectors.restrictions_for(enterprise)


def add_days(day: dt.date, n: int) -> dt.date:
    return day + dt.timedelta(days=n)


def list_holder(
    *,
    actor,
    enterprise,
    list_kind: str,
    rule_code: str,
    reason: str,
    authority: str,
    source_ref: str,
    licence_numbers: list[str] | None = None,
):
    """Put ``enterprise`` on a credit list through credit's service, the deciding authority
    given as an Authority code (issue 11 point 5). Whether the rule lists directly (a
    revocation, §2.2) is the credit rule catalogue's decision, not ours. The holder is
    notified of the list notice."""
    entry = credit.list_entry_propose(
        actor=actor,
        enterprise=enterprise,
        list_kind=list_kind,
        rule_code=rule_code,
        reason=reason,
        authority=authority,
        source_ref=source_ref,
        licence_numbers=licence_numbers,
    )
    _notify_listed(enterprise, entry, list_kind, reason)
    return entry


def _notify_listed(enterprise, entry, list_kind: str, reason: str) -> None:
    """The listed enterprise hears of the list notice (issue 11 point 12); the objection
    window and publication are credit's."""
    from licensing.services.notifications import enterprise_users, notify

    subject = (
        _("Your enterprise is put on the dishonest list")
        if list_kind == "dishonest"
        else _("Your enterprise is put on the bad-operation list")
    )
    notify(
        users=enterprise_users(enterprise.pk),
        subject=subject,
        body=f"{subject}\n{reason}",
        obj=entry,
        event="listed",
    )
