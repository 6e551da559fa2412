"""SLA clock arithmetic for complaints (REGULATION.md §4). Pure: no Django, no database.

Everything here works on Shanghai *dates* and a calendar object passed in: anything with
``is_working_day(date) -> bool`` (``regulator.workdays.WorkingCalendar``, the module
``regulator.calendar`` itself, or a plain function wrapped by ``as_calendar``).

Conventions, the same as ``regulator.workdays``:

- the start day never counts ("within 5 working days of receipt": the 5th working day
  *after* the receipt day is the last day in time);
- a clock counts either working days or calendar days (REGULATION.md keeps both units:
  Order 35's 30 days are calendar days, its 5 days for acceptance are working days);
- a pause is an interval of dates ``(paused_on, resumed_on]`` during which the clock does
  not run: the day the clock stopped still counted, the day it restarts is like a new
  receipt day and does not count. An open pause (``resumed_on`` None) stops the clock.

Pauses are kept as intervals and deadlines are always *recomputed* from (start, length,
unit, pauses). A change of policy (say 10 → 7 working days) therefore never loses the time
a complainant was waited on: the new deadline is recomputed over the same pauses (the
failure GLPI #15605 reports, ANCHORS.md §3).

Results carry the version of the definition they were computed under, so a report can
say which rule made a complaint "fast" even after the rule changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

WORKING = "working"
CALENDAR = "calendar"
UNITS = (WORKING, CALENDAR)

# Longest clock we are ever asked for, in days of the calendar: a guard against walking
# forever over a calendar that (through a bad override) has no working day left.
_MAX_SPAN_DAYS = 3660


class Calendar(Protocol):
    def is_working_day(self, day: dt.date) -> bool: ...


@dataclass(frozen=True)
class _FnCalendar:
    fn: Callable[[dt.date], bool]

    def is_working_day(self, day: dt.date) -> bool:
        return bool(self.fn(day))


def as_calendar(cal: Calendar | Callable[[dt.date], bool]) -> Calendar:
    """Accept a calendar object or a bare ``is_working_day`` function."""
    if hasattr(cal, "is_working_day"):
        return cal  # type: ignore[return-value]
    if callable(cal):
        return _FnCalendar(cal)
    raise TypeError("calendar must have is_working_day(date) or be a function of a date")


@dataclass(frozen=True)
class Pause:
    """The clock stops on the days in (paused_on, resumed_on]; None = still paused."""

    paused_on: dt.date
    resumed_on: dt.date | None = None

    def __post_init__(self) -> None:
        if self.resumed_on is not None and self.resumed_on < self.paused_on:
            raise ValueError("a pause cannot end before it starts")

    def covers(self, day: dt.date) -> bool:
        return day > self.paused_on and (self.resumed_on is None or day <= self.resumed_on)


@dataclass(frozen=True)
class Span:
    """One clock's length: ``days`` days of ``unit``."""

    days: int
    unit: str = WORKING

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {UNITS}")
        if self.days < 0:
            raise ValueError("a clock cannot be negative")


# A day counts toward a clock when the unit counts it (every day for calendar
# clocks, working days only for working-day clocks) and no pause covers it.
def _counts(cal: Calendar, unit: str, pauses: Sequence[Pause], day: dt.date) -> bool:
    if unit == WORKING and not cal.is_working_day(day):
        return False
    return not any(p.covers(day) for p in pauses)


def deadline(
    cal: Calendar | Callable[[dt.date], bool],
    start: dt.date,
    span: Span,
    pauses: Iterable[Pause] = (),
) -> dt.date | None:
    """The last day in time: the ``span.days``-th counting day after ``start``.

    None while an open pause stops the clock before the deadline is reached (there is
    no deadline until the complainant answers)."""
    cal = as_calendar(cal)
    ps = tuple(pauses)
    # An open pause stops the clock for good until it is closed: no deadline exists
    # while the centre waits for the complainant (Order 35 counts from complete materials).
    open_from = min((p.paused_on for p in ps if p.resumed_on is None), default=None)
    remaining, day = span.days, start
    limit = start + dt.timedelta(days=_MAX_SPAN_DAYS)
    while remaining:
        day += dt.timedelta(days=1)
        if open_from is not None and day > open_from:
            return None
        # Only a broken calendar (every day a holiday) gets here; refuse loudly.
        if day > limit:
            raise ValueError("no deadline within ten years: check the calendar")
        if _counts(cal, span.unit, ps, day):
            remaining -= 1
    return day


def elapsed(
    cal: Calendar | Callable[[dt.date], bool],
    start: dt.date,
    asof: dt.date,
    unit: str = WORKING,
    pauses: Iterable[Pause] = (),
) -> int:
    """Counting days in (start, asof]: how much of a clock has been used by ``asof``."""
    cal = as_calendar(cal)
    ps = tuple(pauses)
    # Walk day by day: spans are at most a few dozen days, and the calendar lookups
    # are cached per year, so this stays cheap even in the sweep.
    count, day = 0, start
    while day < asof:
        day += dt.timedelta(days=1)
        if _counts(cal, unit, ps, day):
            count += 1
    return count


def within(
    cal: Calendar | Callable[[dt.date], bool],
    start: dt.date,
    end: dt.date,
    span: Span,
    pauses: Iterable[Pause] = (),
) -> bool:
    """Did something that started on ``start`` finish on ``end`` in time, i.e. on or before
    the deadline? (A Saturday close after a Friday deadline is late, even though no working
    day passed in between.)"""
    due = deadline(cal, start, span, pauses)
    return due is None or end <= due


# Clock states, as the sweep and the API report them.
RUNNING = "running"
AT_RISK = "at_risk"
BREACHED = "breached"
PAUSED = "paused"
MET = "met"
MISSED = "missed"


@dataclass(frozen=True)
class ClockStatus:
    name: str
    started_on: dt.date
    span: Span
    due_on: dt.date | None
    used: int
    share_used: Decimal
    state: str
    version: str


def clock_status(
    cal: Calendar | Callable[[dt.date], bool],
    *,
    name: str,
    start: dt.date,
    span: Span,
    asof: dt.date,
    stopped_on: dt.date | None = None,
    pauses: Iterable[Pause] = (),
    at_risk_share: Decimal = Decimal("0.8"),
    version: str = "",
) -> ClockStatus:
    """Where one clock stands on ``asof`` (or when it stopped, if it did).

    A stopped clock is ``met`` or ``missed``; a running one is ``paused`` (open pause),
    ``breached`` (past its deadline), ``at_risk`` (share used ≥ ``at_risk_share``) or
    ``running``."""
    cal = as_calendar(cal)
    ps = tuple(pauses)
    end = stopped_on or asof
    used = elapsed(cal, start, end, span.unit, ps)
    due = deadline(cal, start, span, ps)
    # Decimal, not float: the at-risk threshold is compared exactly (0.8 × 5 = 4).
    share = Decimal(used) / Decimal(span.days) if span.days else Decimal(1)
    # A stopped clock is judged once and for all; a running one by how much is used.
    if stopped_on is not None:
        state = MET if used <= span.days else MISSED
    elif used > span.days:
        state = BREACHED
    # Breached is checked before paused: a clock that ran out before the pause began
    # stays breached.
    elif any(p.resumed_on is None for p in ps):
        state = PAUSED
    elif share >= at_risk_share:
        state = AT_RISK
    else:
        state = RUNNING
    return ClockStatus(name, start, span, due, used, share, state, version)


@dataclass(frozen=True)
class Definition:
    """What "fast" and "timely" mean (REGULATION.md §4.3 [D]), with a version label.

    ``fast``: closed within ``fast`` of acceptance; ``timely``: within ``timely``.
    ``reopened_not_fast``: §4.3 counts a reopened complaint as not fast (nor timely)."""

    version: str
    fast: Span = field(default_factory=lambda: Span(5, WORKING))
    timely: Span = field(default_factory=lambda: Span(10, WORKING))
    reopened_not_fast: bool = True


@dataclass(frozen=True)
class Outcome:
    fast: bool
    timely: bool
    handling_days: int
    version: str


def judge(
    cal: Calendar | Callable[[dt.date], bool],
    definition: Definition,
    *,
    accepted_on: dt.date,
    closed_on: dt.date,
    pauses: Iterable[Pause] = (),
    reopened: bool = False,
) -> Outcome:
    """Fast and timely for one closed complaint, stamped with the definition's version."""
    cal = as_calendar(cal)
    ps = tuple(pauses)
    days = elapsed(cal, accepted_on, closed_on, definition.fast.unit, ps)
    fast = within(cal, accepted_on, closed_on, definition.fast, ps)
    timely = within(cal, accepted_on, closed_on, definition.timely, ps)
    # §4.3 [D]: a complaint that had to be reopened was not handled fast, whatever the
    # dates say; nor in time.
    if reopened and definition.reopened_not_fast:
        fast = timely = False
    return Outcome(fast=fast, timely=timely, handling_days=days, version=definition.version)


# --- metrics over results (used by reports, the public statistics and their tests) -------


_FOUR_PLACES, _TWO_PLACES = Decimal("0.0001"), Decimal("0.01")  # built once: reports call these per group


def rate(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator to 4 places; None when there is nothing to measure."""
    # No complaints is "no figure", not 0% or 100%: a target cannot be met or missed.
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(_FOUR_PLACES)


def satisfaction(rating_sum: int, rating_count: int) -> Decimal | None:
    """Mean rating 1–5 mapped to 0–100 by (r−1)×25 (REGULATION.md §4.3 [D]), to 2 places.

    mean((r−1)×25) = (Σr − n)×25 / n, so sums and counts are enough (and stay additive
    across months, enterprises and provinces)."""
    if not rating_count:
        return None
    return (Decimal((rating_sum - rating_count) * 25) / Decimal(rating_count)).quantize(_TWO_PLACES)


def project(
    numerator: int, denominator: int, elapsed_share: Decimal, expected_total: int | None = None
) -> dict:
    """A projection for a running period: the rate so far stays, the volume scales with the
    share of the period elapsed (``expected_total`` overrides the volume estimate)."""
    if elapsed_share <= 0:
        return {"volume": expected_total, "rate": None}
    # Linear extrapolation of the volume; the rate so far is the best estimate of the
    # rate at the end of the period.
    volume = expected_total
    if volume is None:
        volume = int((Decimal(denominator) / min(elapsed_share, Decimal(1))).to_integral_value())
    return {"volume": volume, "rate": rate(numerator, denominator)}
