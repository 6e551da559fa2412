"""The working-day calendar as the rest of telereg uses it (DESIGN.md, Cross-cutting).

``regulator.workdays.WorkingCalendar`` does the arithmetic; this module feeds it the
database overrides. The overrides are cached per process for a short time because sweeps
call the calendar for thousands of rows; ``override_set`` clears the cache at once.
"""

import datetime as dt
import time

from django.db import transaction

from regulator import audit
from regulator.models import CalendarOverride
from regulator.workdays import WorkingCalendar

_CACHE_SECONDS = 30.0
_cache: tuple[float, WorkingCalendar] | None = None


def current() -> WorkingCalendar:
    global _cache
    now = time.monotonic()
    if _cache is None or now - _cache[0] > _CACHE_SECONDS:
        overrides = dict(CalendarOverride.objects.values_list("date", "is_working_day"))
        _cache = (now, WorkingCalendar(overrides))
    return _cache[1]


def invalidate() -> None:
    global _cache
    _cache = None


def version() -> str:
    return current().version


def is_working_day(day: dt.date) -> bool:
    return current().is_working_day(day)


def add_working_days(day: dt.date, n: int) -> dt.date:
    return current().add_working_days(day, n)


def working_days_between(start: dt.date, end: dt.date) -> int:
    return current().working_days_between(start, end)


def override_set(*, actor, date: dt.date, is_working_day: bool, note: str = "") -> CalendarOverride:
    with transaction.atomic():
        before = CalendarOverride.objects.filter(date=date).values("is_working_day", "note").first()
        row, _ = CalendarOverride.objects.update_or_create(
            date=date,
            defaults={"is_working_day": is_working_day, "note": note, "updated_by": actor},
        )
        audit.record(
            actor=actor,
            action="calendar.override_set",
            obj=row,
            before=before,
            after={"date": date, "is_working_day": is_working_day, "note": note},
        )
        transaction.on_commit(invalidate)
    invalidate()
    return row


def override_delete(*, actor, date: dt.date) -> None:
    with transaction.atomic():
        row = CalendarOverride.objects.select_for_update().filter(date=date).first()
        if row is None:
            return
        audit.record(
            actor=actor,
            action="calendar.override_deleted",
            obj=row,
            before={"date": date, "is_working_day": row.is_working_day, "note": row.note},
        )
        row.delete()
        transaction.on_commit(invalidate)
    invalidate()
