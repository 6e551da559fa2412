"""Penalty arithmetic and rules with no Django (tested with hypothesis).

- ``surcharge``: the late-payment surcharge (加处罚款), a rate of the fine per day late,
  capped at a ratio of the fine (REGULATION.md §7; APL 2021 Art 72 [F S30 / R]).
- ``hearing_right``: which intended penalties give the party the right to a hearing
  (§7: licence revocation, an order to stop business, a large fine or confiscation).
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

WARNING = "warning"
FINE = "fine"
CONFISCATION = "confiscation"
SUSPENSION = "suspension"
REVOCATION = "revocation"
KINDS = (WARNING, FINE, CONFISCATION, SUSPENSION, REVOCATION)
# Kinds whose amount is money to be paid; the others carry none.
MONEY_KINDS = frozenset({FINE, CONFISCATION})
# Kinds performed by the act itself once delivered (nothing to pay or do later).
SELF_EXECUTING = frozenset({WARNING, REVOCATION})


def days_late(due: dt.date, on: dt.date) -> int:
    """Whole days after the due date (the due date itself is in time)."""
    return max(0, (on - due).days)


def surcharge(amount: Decimal, days: int, rate_per_day: Decimal, cap_ratio: Decimal) -> Decimal:
    """amount × rate × days, rounded to the fen, never above amount × cap_ratio."""
    if amount <= 0 or days <= 0:
        return Decimal("0.00")
    raw = (amount * rate_per_day * days).quantize(CENT, rounding=ROUND_HALF_UP)
    cap = (amount * cap_ratio).quantize(CENT, rounding=ROUND_HALF_UP)
    return min(raw, cap)


def hearing_right(
    kind: str, amount: Decimal | None, large_fine: Decimal, large_confiscation: Decimal
) -> bool:
    if kind in (REVOCATION, SUSPENSION):
        return True
    if kind == FINE:
        return amount is not None and amount >= large_fine
    if kind == CONFISCATION:
        return amount is not None and amount >= large_confiscation
    return False
