"""Pure score math: no database."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from credit import scoring

FLOORS = [["AA", 100], ["A", 80], ["B", 60]]


def grade(score, dishonest=False):
    return scoring.grade_for(score, dishonest=dishonest, floors=FLOORS, lowest="C")


def test_grade_boundaries():
    assert [grade(s) for s in (130, 100, 99, 80, 79, 60, 59, -10)] == [
        "AA",
        "AA",
        "A",
        "A",
        "B",
        "B",
        "C",
        "C",
    ]


@given(st.integers(-500, 500))
def test_dishonest_forces_c(score):
    assert grade(score, True) == "C"


@given(st.integers(-500, 500), st.integers(-500, 500))
def test_grade_monotone(a, b):
    order = ["C", "B", "A", "AA"]
    lo, hi = sorted((a, b))
    assert order.index(grade(lo)) <= order.index(grade(hi))


@given(st.lists(st.integers(-45, 30), max_size=50))
def test_score_is_base_plus_sum(points):
    assert scoring.score_of(100, points) == 100 + sum(points)


def test_expires_none_for_zero_months():
    now = dt.datetime(2026, 3, 1, 9, 0)
    assert scoring.expires_at(now, 0) is None
    assert scoring.expires_at(now, 12) == dt.datetime(2027, 3, 1, 9, 0)


def test_stratum_precedence():
    assert scoring.stratum_for(grade="AA", on_bad_list=True, on_dishonest_list=True) == "dishonest"
    assert scoring.stratum_for(grade="AA", on_bad_list=True, on_dishonest_list=False) == "bad"
    assert scoring.stratum_for(grade="B", on_bad_list=False, on_dishonest_list=False) == "grade_B"
