"""Working days on China's calendar: the official 2026 arrangement and staff overrides."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regulator import calendar
from regulator.workdays import WorkingCalendar

D = dt.date.fromisoformat
CAL = WorkingCalendar()


@pytest.mark.parametrize("day", ["2026-02-14", "2026-10-10", "2026-09-20"])
def test_make_up_saturdays_and_sundays_are_working_days(day):
    assert D(day).weekday() >= 5
    assert CAL.is_working_day(D(day))


@pytest.mark.parametrize("day", [f"2026-10-0{i}" for i in range(1, 8)])
def test_national_day_week_is_not_working(day):
    assert not CAL.is_working_day(D(day))


def test_plain_weekend_and_weekday():
    assert not CAL.is_working_day(D("2026-11-21"))  # Saturday
    assert CAL.is_working_day(D("2026-11-23"))  # Monday


def test_five_working_days_after_national_day_eve():
    # Oct 8, 9, 10 (make-up Saturday), 12, 13.
    assert CAL.add_working_days(D("2026-09-30"), 5) == D("2026-10-13")


def test_add_zero_and_negative():
    assert CAL.add_working_days(D("2026-10-03"), 0) == D("2026-10-03")
    assert CAL.add_working_days(D("2026-10-08"), -1) == D("2026-09-30")


def test_working_days_between_counts_half_open_interval():
    assert CAL.working_days_between(D("2026-09-30"), D("2026-10-13")) == 5
    assert CAL.working_days_between(D("2026-10-13"), D("2026-09-30")) == -5
    assert CAL.working_days_between(D("2026-10-01"), D("2026-10-07")) == 0


@given(start=st.dates(min_value=D("2025-01-01"), max_value=D("2027-12-01")), n=st.integers(0, 40))
def test_add_and_between_are_inverse(start, n):
    end = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, end) == n
    if n:
        assert CAL.is_working_day(end)


def test_override_wins_and_changes_the_version():
    base = WorkingCalendar()
    moved = WorkingCalendar({D("2026-10-08"): False})
    assert base.is_working_day(D("2026-10-08"))
    assert not moved.is_working_day(D("2026-10-08"))
    assert base.version != moved.version
    assert moved.add_working_days(D("2026-09-30"), 5) == D("2026-10-14")


def test_database_override_is_used_and_audited(db, supervisor):
    from regulator.models import AuditEvent

    before = calendar.version()
    calendar.override_set(actor=supervisor, date=D("2026-10-08"), is_working_day=False, note="test")
    assert not calendar.is_working_day(D("2026-10-08"))
    assert calendar.add_working_days(D("2026-09-30"), 5) == D("2026-10-14")
    assert calendar.version() != before
    assert AuditEvent.objects.filter(action="calendar.override_set").count() == 1
    calendar.override_delete(actor=supervisor, date=D("2026-10-08"))
    assert calendar.is_working_day(D("2026-10-08"))
    assert calendar.version() == before


def test_admin_edit_goes_through_the_service(db, client):
    from regulator.models import AuditEvent, Role
    from tests.factories import UserFactory

    admin = UserFactory(username="root", role=Role.SUPERVISOR, is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        "/admin/regulator/calendaroverride/add/",
        {"date": "2027-01-02", "is_working_day": "on", "note": "2027 arrangement"},
    )
    assert response.status_code == 302
    assert calendar.is_working_day(D("2027-01-02"))
    assert AuditEvent.objects.filter(action="calendar.override_set", actor=admin).exists()
