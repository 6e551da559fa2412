"""Score and grade arithmetic (REGULATION.md §2.4). Pure: no Django, tested without a DB.

A score is always ``base + sum(entry points)``; postings that stop counting are
compensated by expiry entries, so the sum never needs a time filter.
"""

import datetime as dt
from collections.abc import Iterable, Sequence

from regulator.dates import add_months


def grade_for(score: int, *, dishonest: bool, floors: Sequence[Sequence], lowest: str) -> str:
    """The grade for a score; being on the dishonest list forces the lowest grade (§2.4)."""
    if dishonest:
        return lowest
    for grade, floor in floors:
        if score >= floor:
            return grade
    return lowest


def score_of(base: int, points: Iterable[int]) -> int:
    return base + sum(points)


def expires_at(effective_at: dt.datetime, months: int | None) -> dt.datetime | None:
    """When a posting stops counting; None (or 0 months) means it counts until reversed."""
    if not months:
        return None
    return add_months(effective_at, months)


def stratum_for(*, grade: str, on_bad_list: bool, on_dishonest_list: bool) -> str:
    """Inspection stratum (§3): dishonest, then bad, then the grade."""
    if on_dishonest_list:
        return "dishonest"
    if on_bad_list:
        return "bad"
    return f"grade_{grade}"
