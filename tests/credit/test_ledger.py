import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from config.api import ApplicationError, Conflict
from credit import selectors, services
from credit.models import Account, EntryKind, LedgerEntry, Rule
from regulator.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deduction")]


def test_post_moves_score_and_grade_in_step(ent_a, supervisor):
    e1 = services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="TEST_DEDUCTION", source_ref="p1")
    assert e1.points == -20 and e1.rule_version == 1 and e1.kind == EntryKind.POSTING
    acc = selectors.account_get(ent_a)
    assert (acc.score, acc.grade) == (80, "A")
    # Issue 8 probe: a listing rule posted directly used to take 45 points with no entry.
    with pytest.raises(ApplicationError) as exc:
        services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="DISHONEST_REVOKED")
    assert "rule" in exc.value.errors
    acc.refresh_from_db()
    assert (acc.score, acc.grade, acc.entry_count) == (80, "A", 1)
    assert AuditEvent.objects.filter(action="credit.ledger_posting", object_id=str(e1.pk)).exists()


def test_points_expire_after_rule_months(ent_a, supervisor):
    at = timezone.make_aware(dt.datetime(2026, 1, 31, 10, 0))
    e = services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="BONUS_EXEMPLARY", effective_at=at)
    assert e.expires_at == timezone.make_aware(dt.datetime(2027, 1, 31, 10, 0))


def test_account_get_creates_nothing(ent_b):
    acc = selectors.account_get(ent_b)
    assert (acc.score, acc.grade) == (100, "AA")
    assert not Account.objects.filter(pk=ent_b.pk).exists()


def test_unknown_rule_is_400(ent_a, supervisor):
    with pytest.raises(ApplicationError) as exc:
        services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="NOPE")
    assert exc.value.status_code == 400 and "rule" in exc.value.errors


def test_idempotency_key_same_content_returns_first(ent_a, supervisor):
    kw = {
        "actor": supervisor,
        "enterprise": ent_a,
        "rule_code": "BONUS_CLEAN_INSPECTION",
        "source_ref": "i-9",
    }
    a = services.ledger_post(idempotency_key="k1", **kw)
    b = services.ledger_post(idempotency_key="k1", **kw)
    assert a.pk == b.pk
    assert LedgerEntry.objects.filter(enterprise=ent_a).count() == 1
    assert selectors.account_get(ent_a).score == 110


def test_idempotency_key_different_content_conflicts(ent_a, supervisor):
    services.ledger_post(
        actor=supervisor, enterprise=ent_a, rule_code="BONUS_CLEAN_INSPECTION", idempotency_key="k"
    )
    with pytest.raises(Conflict):
        services.ledger_post(
            actor=supervisor, enterprise=ent_a, rule_code="TEST_DEDUCTION", idempotency_key="k"
        )
    assert selectors.account_get(ent_a).score == 110


def test_reversal_points_at_original_and_restores(ent_a, supervisor):
    e = services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="TEST_DEDUCTION")
    r = services.ledger_reverse(actor=supervisor, entry_id=e.pk, reason="wrong enterprise")
    assert r.reverses_id == e.pk and r.points == 20 and r.kind == EntryKind.REVERSAL
    assert selectors.account_get(ent_a).score == 100
    with pytest.raises(Conflict):
        services.ledger_reverse(actor=supervisor, entry_id=e.pk, reason="again")
    with pytest.raises(Conflict):
        services.ledger_reverse(actor=supervisor, entry_id=r.pk, reason="reverse a reversal")


def test_entry_keeps_version_it_was_made_under(ent_a, supervisor):
    e1 = services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="TEST_DEDUCTION")
    services.rule_update(actor=supervisor, code="TEST_DEDUCTION", points=-25)
    e2 = services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="TEST_DEDUCTION")
    assert (e1.rule_version, e1.points) == (1, -20)
    assert (e2.rule_version, e2.points) == (2, -25)
    assert Rule.objects.get(code="TEST_DEDUCTION").versions.count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger is PostgreSQL only")
@pytest.mark.parametrize(
    "sql", ["UPDATE credit_ledgerentry SET points = 0", "DELETE FROM credit_ledgerentry"]
)
def test_trigger_refuses_update_and_delete(ent_a, supervisor, sql):
    services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="TEST_DEDUCTION")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)
    assert LedgerEntry.objects.get(enterprise=ent_a).points == -20


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger is PostgreSQL only")
def test_trigger_refuses_orm_update_of_list_events(ent_a, published):
    entry = published(ent_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.events.update(reason="rewritten")


def test_expiry_sweep_twice_posts_once(ent_a, supervisor):
    past = timezone.now() - dt.timedelta(days=400)
    e = services.ledger_post(
        actor=supervisor, enterprise=ent_a, rule_code="TEST_DEDUCTION", effective_at=past
    )
    services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="BONUS_ANNUAL_REPORT")
    assert services.sweep_expire_points() == 1
    assert services.sweep_expire_points() == 0
    exp = LedgerEntry.objects.get(reverses=e)
    assert exp.kind == EntryKind.EXPIRY and exp.points == 20 and exp.effective_at == e.expires_at
    assert selectors.account_get(ent_a).score == 110


def test_breakdown_lists_live_entries_summing_to_score(ent_a, supervisor):
    a = services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="TEST_DEDUCTION")
    services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="BONUS_EXEMPLARY")
    services.ledger_reverse(actor=supervisor, entry_id=a.pk, reason="error")
    b = selectors.account_breakdown(actor=supervisor, code=ent_a.uscc)
    assert [e.rule.code for e in b["entries"]] == ["BONUS_EXEMPLARY"]
    assert b["computed_score"] == b["account"].score == 130
