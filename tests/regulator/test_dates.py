"""Calendar-month arithmetic (regulator.dates), pure."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from regulator.dates import add_months, add_years


def test_add_months_clamps():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_years(dt.date(2024, 2, 29), 3) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 5, 15), -6) == dt.date(2025, 11, 15)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)), st.integers(0, 120))
def test_add_months_lands_in_right_month(day, n):
    out = add_months(day, n)
    assert (out.year * 12 + out.month) - (day.year * 12 + day.month) == n
    assert out.day <= day.day
