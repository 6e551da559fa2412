import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from credit import services
from credit.models import ListKind, ListStatus


def at(day: dt.date) -> dt.datetime:
    """Noon on ``day`` in Shanghai, for time_machine."""
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def deduction(db):
    """A −20 rule with no list effect, for ledger tests (a listing rule such as BAD_PENALTY
    cannot be posted directly: its points follow the list entry)."""
    return services.rule_create(
        actor="test", code="TEST_DEDUCTION", description_en="test", description_zh="测试", points=-20
    )


@pytest.fixture
def propose(supervisor):
    """propose(enterprise, kind="bad", rule="BAD_PENALTY", **kw) → a proposed ListEntry."""

    def make(enterprise, list_kind=ListKind.BAD, rule_code="BAD_PENALTY", **kw):
        kw.setdefault("reason", "行政处罚决定书 2026-001")
        kw.setdefault("authority", "MIIT")
        kw.setdefault("notify", False)
        return services.list_entry_propose(
            actor=supervisor, enterprise=enterprise, list_kind=list_kind, rule_code=rule_code, **kw
        )

    return make


@pytest.fixture
def published(propose, supervisor):
    """published(enterprise, ...) → a ListEntry published the lawful way: direct-listing
    rules at once; others notified, then published the day after the objection window
    (the clock is moved there for the publication only)."""

    def make(enterprise, list_kind=ListKind.BAD, rule_code="BAD_PENALTY", **kw):
        kw.setdefault("notify", True)
        e = propose(enterprise, list_kind, rule_code, **kw)
        if e.status == ListStatus.PUBLISHED:
            return e
        with time_machine.travel(at(e.objection_due_on + dt.timedelta(days=1))):
            return services.list_entry_publish(actor=supervisor, entry_id=e.pk)

    return make
