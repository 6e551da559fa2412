"""Calendar-month arithmetic shared by every app. Pure: no Django."""

import calendar
import datetime as dt


def add_months(moment: dt.datetime | dt.date, months: int):
    """Calendar months later, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29)."""
    total = moment.month - 1 + months
    year, month = moment.year + total // 12, total % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def add_years(day: dt.date, years: int) -> dt.date:
    """Same date ``years`` later; 29 February becomes 28 February in a common year."""
    return add_months(day, 12 * years)
