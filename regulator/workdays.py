"""Working-day arithmetic over China's official calendar. Pure: no Django.

``holidays.China`` knows the statutory holidays and the make-up working days on weekends
(调休); ``overrides`` lets staff correct or extend it (e.g. next year's arrangement
published by the State Council in November). An override always wins.
"""

import datetime as dt
import hashlib
from collections.abc import Mapping
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _china(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year)


class WorkingCalendar:
    def __init__(self, overrides: Mapping[dt.date, bool] | None = None):
        self.overrides: dict[dt.date, bool] = dict(overrides or {})

    @property
    def version(self) -> str:
        """Changes whenever an override or the holidays package changes; deadlines store it."""
        body = ";".join(f"{d.isoformat()}={int(w)}" for d, w in sorted(self.overrides.items()))
        digest = hashlib.sha256(f"holidays-{holidays.__version__}|{body}".encode()).hexdigest()
        return digest[:16]

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return bool(_china(day.year).is_working_day(day))

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (before it when n < 0); n = 0 gives ``start``.

        The start day itself never counts, as in "within 5 working days of receipt".
        """
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        day = start
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many have elapsed from start to end.

        Negative when end is before start. add_working_days(s, working_days_between(s, e))
        is the first working day on or before e.
        """
        if end == start:
            return 0
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
