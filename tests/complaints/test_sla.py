"""The pure SLA clock module (issue 14 §4): no database."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaints import sla
from complaints.sla import CALENDAR, WORKING, Definition, Pause, Span
from regulator.workdays import WorkingCalendar

CAL = WorkingCalendar()
D = dt.date


def test_calendar_facts_the_tests_rely_on():
    # 2026 arrangement: Spring Festival Feb 15-23 off, Sat Feb 14 and Sat Feb 28 worked;
    # National Day Oct 1-7 off, Sun Sep 20 and Sat Oct 10 worked.
    assert CAL.is_working_day(D(2026, 2, 14)) and D(2026, 2, 14).weekday() == 5
    assert not any(CAL.is_working_day(D(2026, 2, d)) for d in range(15, 24))
    assert CAL.is_working_day(D(2026, 10, 10)) and D(2026, 10, 10).weekday() == 5
    assert not any(CAL.is_working_day(D(2026, 10, d)) for d in range(1, 8))


def test_five_working_days_across_spring_festival_and_make_up_saturday():
    # Thu Feb 12: Fri 13 (1), Sat 14 make-up (2), holiday to 23rd, 24 (3), 25 (4), 26 (5).
    assert sla.deadline(CAL, D(2026, 2, 12), Span(5)) == D(2026, 2, 26)


def test_five_working_days_across_national_day_and_make_up_saturday():
    # Tue Sep 29: 30 (1), Oct 1-7 off, 8 (2), 9 (3), Sat 10 make-up (4), Mon 12 (5).
    assert sla.deadline(CAL, D(2026, 9, 29), Span(5)) == D(2026, 10, 12)


def test_ten_working_days_across_national_day():
    # Sep 25 is the Mid-Autumn holiday: from Thu Sep 24, 28, 29, 30, 8, 9, 10, 12, 13, 14, 15.
    assert sla.deadline(CAL, D(2026, 9, 24), Span(10)) == D(2026, 10, 15)


def test_calendar_days_ignore_holidays():
    # Order 35's 30 days are calendar days (§4.1): the holiday does not extend them.
    assert sla.deadline(CAL, D(2026, 9, 29), Span(30, CALENDAR)) == D(2026, 10, 29)
    assert sla.deadline(CAL, D(2026, 2, 12), Span(10, CALENDAR)) == D(2026, 2, 22)


def test_accepts_module_or_function_calendar():
    from regulator import workdays

    cal = workdays.WorkingCalendar()
    assert sla.deadline(cal.is_working_day, D(2026, 9, 29), Span(5)) == D(2026, 10, 12)
    with pytest.raises(TypeError):
        sla.deadline(42, D(2026, 9, 29), Span(5))


def test_override_changes_the_deadline():
    # Staff mark Mon Oct 12 a holiday: the 5th working day moves to Tue Oct 13.
    cal = WorkingCalendar({D(2026, 10, 12): False})
    assert sla.deadline(cal, D(2026, 9, 29), Span(5)) == D(2026, 10, 13)


def test_pause_and_resume_extend_by_the_paused_working_days():
    start = D(2026, 3, 2)  # Monday
    assert sla.deadline(CAL, start, Span(5)) == D(2026, 3, 9)
    # Paused Tue Mar 3 (that day still counted), resumed Thu Mar 5: Wed and Thu excluded.
    pause = Pause(D(2026, 3, 3), D(2026, 3, 5))
    assert sla.deadline(CAL, start, Span(5), [pause]) == D(2026, 3, 11)
    assert sla.elapsed(CAL, start, D(2026, 3, 11), WORKING, [pause]) == 5
    # Still paused: no deadline, and the clock does not advance.
    open_pause = Pause(D(2026, 3, 3))
    assert sla.deadline(CAL, start, Span(5), [open_pause]) is None
    assert sla.elapsed(CAL, start, D(2026, 4, 30), WORKING, [open_pause]) == 1
    st_ = sla.clock_status(
        CAL, name="accept", start=start, span=Span(5), asof=D(2026, 4, 30), pauses=[open_pause]
    )
    assert st_.state == sla.PAUSED and st_.due_on is None


def test_pause_over_a_holiday_costs_nothing_extra():
    # Paused across the Spring Festival: only working days inside the pause extend it.
    start = D(2026, 2, 12)
    pause = Pause(D(2026, 2, 13), D(2026, 2, 25))  # excludes Sat 14, 24, 25
    # 13 (1), then 26 (2), 27 (3), Sat 28 make-up (4), Mon Mar 2 (5).
    assert sla.deadline(CAL, start, Span(5), [pause]) == D(2026, 3, 2)


def test_pause_survives_a_policy_change():
    # Paused two working days under a 10-day policy; the policy becomes 7 days: the new
    # deadline is 7 working days plus the same two paused days, not 7 alone.
    start = D(2026, 3, 2)
    pause = Pause(D(2026, 3, 3), D(2026, 3, 5))
    old = sla.deadline(CAL, start, Span(10), [pause])
    new = sla.deadline(CAL, start, Span(7), [pause])
    assert old == D(2026, 3, 18)
    assert new == D(2026, 3, 13)
    assert new == CAL.add_working_days(start, 7 + 2)


def test_judge_fast_timely_and_reopened():
    d = Definition(version="v1")
    # Accepted Tue Sep 29, closed Mon Oct 12 = 5 working days: fast and timely.
    o = sla.judge(CAL, d, accepted_on=D(2026, 9, 29), closed_on=D(2026, 10, 12))
    assert (o.fast, o.timely, o.handling_days, o.version) == (True, True, 5, "v1")
    o = sla.judge(CAL, d, accepted_on=D(2026, 9, 29), closed_on=D(2026, 10, 13))
    assert (o.fast, o.timely, o.handling_days) == (False, True, 6)
    o = sla.judge(CAL, d, accepted_on=D(2026, 9, 29), closed_on=D(2026, 10, 20))
    assert (o.fast, o.timely) == (False, False)
    # A pause for material makes a late close fast again.
    o = sla.judge(
        CAL,
        d,
        accepted_on=D(2026, 9, 29),
        closed_on=D(2026, 10, 13),
        pauses=[Pause(D(2026, 9, 29), D(2026, 9, 30))],
    )
    assert o.fast
    o = sla.judge(CAL, d, accepted_on=D(2026, 9, 29), closed_on=D(2026, 9, 30), reopened=True)
    assert (o.fast, o.timely) == (False, False)
    lenient = Definition(version="v2", reopened_not_fast=False)
    assert sla.judge(CAL, lenient, accepted_on=D(2026, 9, 29), closed_on=D(2026, 9, 30), reopened=True).fast


def test_clock_states():
    start = D(2026, 3, 2)
    kw = {"name": "x", "start": start, "span": Span(5), "at_risk_share": Decimal("0.8"), "version": "v"}
    assert sla.clock_status(CAL, asof=D(2026, 3, 4), **kw).state == sla.RUNNING  # 2/5
    assert sla.clock_status(CAL, asof=D(2026, 3, 6), **kw).state == sla.AT_RISK  # 4/5
    assert sla.clock_status(CAL, asof=D(2026, 3, 9), **kw).state == sla.AT_RISK  # 5/5
    assert sla.clock_status(CAL, asof=D(2026, 3, 10), **kw).state == sla.BREACHED
    assert sla.clock_status(CAL, asof=D(2026, 3, 30), stopped_on=D(2026, 3, 9), **kw).state == sla.MET
    assert sla.clock_status(CAL, asof=D(2026, 3, 30), stopped_on=D(2026, 3, 10), **kw).state == sla.MISSED


def test_metrics_helpers():
    assert sla.rate(9, 10) == Decimal("0.9000")
    assert sla.rate(0, 0) is None
    # ratings 5, 4, 4 → (4 + 3 + 3) × 25 / 3 = 83.33
    assert sla.satisfaction(13, 3) == Decimal("83.33")
    assert sla.satisfaction(0, 0) is None
    assert sla.project(45, 50, Decimal("0.5")) == {"volume": 100, "rate": Decimal("0.9000")}


def test_bad_arguments():
    with pytest.raises(ValueError):
        Span(3, "fortnights")
    with pytest.raises(ValueError):
        Span(-1)
    with pytest.raises(ValueError):
        Pause(D(2026, 3, 5), D(2026, 3, 1))
    with pytest.raises(ValueError):
        sla.deadline(lambda d: False, D(2026, 1, 1), Span(1))


# --- properties ----------------------------------------------------------------------

dates = st.dates(min_value=D(2025, 6, 1), max_value=D(2027, 6, 30))
spans = st.builds(Span, st.integers(min_value=0, max_value=40), st.sampled_from([WORKING, CALENDAR]))


@st.composite
def pause_lists(draw, start):
    out = []
    for _ in range(draw(st.integers(0, 3))):
        a = start + dt.timedelta(days=draw(st.integers(0, 60)))
        b = a + dt.timedelta(days=draw(st.integers(0, 20)))
        out.append(Pause(a, b))
    return out


@settings(max_examples=150, deadline=None)
@given(dates, st.integers(0, 30))
def test_no_pause_matches_the_kernel_calendar(start, n):
    assert sla.deadline(CAL, start, Span(n)) == CAL.add_working_days(start, n)
    assert sla.deadline(CAL, start, Span(n, CALENDAR)) == start + dt.timedelta(days=n)
    assert sla.elapsed(CAL, start, start + dt.timedelta(days=n)) == CAL.working_days_between(
        start, start + dt.timedelta(days=n)
    )


@settings(max_examples=150, deadline=None)
@given(st.data(), dates, spans)
def test_deadline_uses_exactly_the_span(data, start, span):
    pauses = data.draw(pause_lists(start))
    due = sla.deadline(CAL, start, span, pauses)
    assert due is not None
    assert sla.elapsed(CAL, start, due, span.unit, pauses) == span.days
    assert sla.within(CAL, start, due, span, pauses)
    if span.days:
        assert not sla.within(CAL, start, due + dt.timedelta(days=1), span, pauses)
        # The day before the deadline is still short of the span.
        assert sla.elapsed(CAL, start, due - dt.timedelta(days=1), span.unit, pauses) < span.days


@settings(max_examples=150, deadline=None)
@given(st.data(), dates, spans)
def test_pauses_never_bring_a_deadline_forward(data, start, span):
    pauses = data.draw(pause_lists(start))
    assert sla.deadline(CAL, start, span, pauses) >= sla.deadline(CAL, start, span)


@settings(max_examples=100, deadline=None)
@given(dates, spans, st.integers(0, 30), st.integers(0, 30))
def test_a_pause_splits_freely(start, span, a, b):
    # Pausing (x, z] is the same as pausing (x, y] and then (y, z].
    x = start + dt.timedelta(days=a)
    y = x + dt.timedelta(days=b)
    z = y + dt.timedelta(days=b + 1)
    assert sla.deadline(CAL, start, span, [Pause(x, z)]) == sla.deadline(
        CAL, start, span, [Pause(x, y), Pause(y, z)]
    )


@settings(max_examples=100, deadline=None)
@given(st.data(), dates, st.integers(1, 30), st.integers(1, 30))
def test_policy_change_keeps_paused_time(data, start, n1, n2):
    # Whatever the policy length, the time paused is added back: used days at the new
    # deadline equal the new length, and the deadline is monotone in the length.
    pauses = data.draw(pause_lists(start))
    d1 = sla.deadline(CAL, start, Span(n1), pauses)
    d2 = sla.deadline(CAL, start, Span(n2), pauses)
    assert sla.elapsed(CAL, start, d2, WORKING, pauses) == n2
    assert (d1 <= d2) == (n1 <= n2) or d1 == d2


@settings(max_examples=100, deadline=None)
@given(dates, st.integers(0, 40), st.integers(0, 40))
def test_judge_agrees_with_the_deadline(accepted, k, extra):
    closed = accepted + dt.timedelta(days=k)
    d = Definition(version="p")
    o = sla.judge(CAL, d, accepted_on=accepted, closed_on=closed)
    assert o.fast == (closed <= sla.deadline(CAL, accepted, d.fast))
    assert o.timely == (closed <= sla.deadline(CAL, accepted, d.timely))
    assert not o.fast or o.timely  # fast implies timely under the default definition
