"""Query budgets of the kernel's list endpoints at two data sizes (tests/budgets.py)."""

import itertools

from django.db import transaction

from regulator import services, tokens
from tests.budgets import assert_query_budget
from tests.factories import EnterpriseFactory, new_uscc

_n = itertools.count()


def test_enterprise_list_budget(db, api, officer):
    assert_query_budget(api(officer), "/api/v1/enterprises/", grow=EnterpriseFactory.create_batch, budget=2)


def test_enterprise_list_budget_provincial(db, api, supervisor_gd):
    def grow(n):
        for _ in range(n):
            EnterpriseFactory(uscc=new_uscc("440305"))

    assert_query_budget(api(supervisor_gd), "/api/v1/enterprises/", grow=grow, budget=2)


def _enterprise_events(actor):
    def grow(n):
        for _ in range(n):
            ent = EnterpriseFactory(uscc=new_uscc("440106"))
            services.enterprise_update(actor=actor, enterprise=ent, contact_phone=f"1390000{next(_n):04d}")

    return grow


def test_audit_event_list_budget(db, api, auditor, officer):
    assert_query_budget(api(auditor), "/api/v1/audit-events/", grow=_enterprise_events(officer), budget=2)


def test_audit_event_list_budget_provincial_masked(db, api, supervisor_gd, officer):
    assert_query_budget(
        api(supervisor_gd), "/api/v1/audit-events/", grow=_enterprise_events(officer), budget=2
    )


def test_token_list_budget(db, api, supervisor, settings):
    def grow(n):
        with transaction.atomic():
            for _ in range(n):
                tokens.token_issue(user=supervisor)

    # More tokens than the per-user cap would revoke the oldest: raise it for the test.
    settings.TELEREG_API_TOKENS_PER_USER = 100
    assert_query_budget(api(supervisor), "/api/v1/auth/tokens/", grow=grow, budget=2)
