"""The credit demo loader: every list state and grade occurs, and a second run adds nothing."""

import pytest

from credit import demo
from credit.models import LedgerEntry, ListEntry
from regulator import demo as regulator_demo


@pytest.mark.slow
@pytest.mark.django_db
def test_credit_demo_loads_once():
    regulator_demo.load()
    demo.load()
    statuses = set(ListEntry.objects.values_list("status", flat=True))
    assert {"notified", "published", "removed"} <= statuses
    assert ListEntry.objects.filter(list_kind="dishonest", status="published").exists()
    # Every published entry has its points; nothing unpublished has any.
    assert not ListEntry.objects.filter(status="published", ledger_entry__isnull=True).exists()
    assert not ListEntry.objects.filter(published_on__isnull=True, ledger_entry__isnull=False).exists()
    n = LedgerEntry.objects.count()
    assert demo.load() == "already loaded" and LedgerEntry.objects.count() == n
