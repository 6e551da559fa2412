"""Helpers shared by the licensing services: dates, deadlines, actors, credit access."""

import datetime as dt

from django.utils import timezone

from credit import selectors as credit_selectors
from licensing import conf
from licensing.models import Application, Deadline
from regulator import calendar
from regulator.audit import actor_fields


def today() -> dt.date:
    return timezone.localdate()


def actor_label(actor) -> str:
    return actor_fields(actor)[1]


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
