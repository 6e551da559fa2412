"""bench.generate: rows the application accepts, reproducible from the seed, idempotent."""

from bench import generate
from regulator import uscc
from regulator.models import Enterprise


def test_enterprises_are_valid_reproducible_and_idempotent(db):
    ids = generate.enterprises(300, seed=7, serial_base=50_000_000)
    codes = generate.usccs(ids)
    assert len(ids) == 300 == len(set(codes))
    assert all(uscc.validate(c) == c for c in codes)
    rows = list(Enterprise.objects.filter(pk__in=ids).values_list("uscc", "name", "province"))
    assert all(uscc.province_of(c) == p for c, _, p in rows)
    # Same seed again: the same rows, nothing added.
    again = generate.enterprises(300, seed=7, serial_base=50_000_000)
    assert again == ids and Enterprise.objects.filter(pk__in=ids).count() == 300
    assert list(Enterprise.objects.filter(pk__in=ids).values_list("uscc", "name", "province")) == rows


def test_same_seed_same_rows_other_seed_other_rows():
    first = list(generate._enterprise_rows(50, 3, 1))
    assert first == list(generate._enterprise_rows(50, 3, 1))
    assert first != list(generate._enterprise_rows(50, 4, 1))
