"""The pure penalty arithmetic (enforcement.penalties), property-tested."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from enforcement import penalties

AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000000"), places=2)
RATE, CAP = Decimal("0.03"), Decimal("1")


@given(AMOUNTS, st.integers(min_value=0, max_value=10_000))
def test_surcharge_never_exceeds_the_fine(amount, days):
    s = penalties.surcharge(amount, days, RATE, CAP)
    assert Decimal("0") <= s <= amount.quantize(Decimal("0.01"))


@given(AMOUNTS, st.integers(min_value=0, max_value=500))
def test_surcharge_monotonic_in_days(amount, days):
    assert penalties.surcharge(amount, days, RATE, CAP) <= penalties.surcharge(amount, days + 1, RATE, CAP)


def test_surcharge_examples():
    assert penalties.surcharge(Decimal("30000"), 10, RATE, CAP) == Decimal("9000.00")
    assert penalties.surcharge(Decimal("30000"), 33, RATE, CAP) == Decimal("29700.00")
    assert penalties.surcharge(Decimal("30000"), 34, RATE, CAP) == Decimal("30000.00")  # capped
    assert penalties.surcharge(Decimal("30000"), 0, RATE, CAP) == Decimal("0.00")


@given(st.dates(), st.integers(min_value=-400, max_value=400))
def test_days_late_counts_only_after_the_due_date(due, offset):
    on = (
        due + dt.timedelta(days=offset)
        if dt.date.min + dt.timedelta(days=400) < due < dt.date.max - dt.timedelta(days=400)
        else due
    )
    assert penalties.days_late(due, on) == max(0, (on - due).days)


def test_hearing_right():
    big, conf_big = Decimal("50000"), Decimal("50000")
    assert penalties.hearing_right("revocation", None, big, conf_big)
    assert penalties.hearing_right("suspension", None, big, conf_big)
    assert penalties.hearing_right("fine", Decimal("50000"), big, conf_big)
    assert not penalties.hearing_right("fine", Decimal("49999.99"), big, conf_big)
    assert penalties.hearing_right("confiscation", Decimal("60000"), big, conf_big)
    assert not penalties.hearing_right("warning", None, big, conf_big)
