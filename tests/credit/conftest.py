import pytest

from credit import services
from credit.models import ListKind


@pytest.fixture
def propose(supervisor):
    """propose(enterprise, kind="bad", rule="BAD_PENALTY", **kw) → a proposed ListEntry."""

    def make(enterprise, list_kind=ListKind.BAD, rule_code="BAD_PENALTY", **kw):
        kw.setdefault("reason", "行政处罚决定书 2026-001")
        kw.setdefault("authority", "北京市通信管理局")
        kw.setdefault("notify", False)
        return services.list_entry_propose(
            actor=supervisor, enterprise=enterprise, list_kind=list_kind, rule_code=rule_code, **kw
        )

    return make


@pytest.fixture
def published(propose, supervisor):
    """published(enterprise, ...) → a ListEntry proposed and published at once."""

    def make(enterprise, list_kind=ListKind.BAD, rule_code="BAD_PENALTY", **kw):
        return propose(enterprise, list_kind, rule_code, immediate=True, notify=None, **kw)

    return make
