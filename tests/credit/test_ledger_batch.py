"""ledger_post_batch: all-or-nothing batches that move each account by the sum of its lines."""

import threading

import pytest
from django.db import connection
from django.db.models import Sum

from config.api import ApplicationError, Conflict
from credit import selectors, services
from credit.models import LedgerEntry
from credit.services import Posting
from regulator.models import AuditEvent
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.usefixtures("deduction")


def test_batch_posts_every_line_and_moves_accounts(ent_a, ent_b, supervisor):
    entries = services.ledger_post_batch(
        actor=supervisor,
        postings=[
            Posting(ent_a.pk, "TEST_DEDUCTION", source_ref="case-1"),
            Posting(ent_a.pk, "BONUS_CLEAN_INSPECTION"),
            Posting(ent_b.pk, "COMPLAINT_TIMELINESS"),
        ],
    )
    assert [e.points for e in entries] == [-20, 10, -10]
    a, b = selectors.account_get(ent_a), selectors.account_get(ent_b)
    assert (a.score, a.grade, a.entry_count) == (90, "A", 2)
    assert (b.score, b.entry_count) == (90, 1)
    assert AuditEvent.objects.filter(action="credit.ledger_posting", actor=supervisor).count() == 3


def test_batch_retry_with_same_keys_posts_nothing_more(ent_a, supervisor):
    lines = [Posting(ent_a.pk, "TEST_DEDUCTION", idempotency_key=f"k{i}") for i in range(3)]
    first = services.ledger_post_batch(actor=supervisor, postings=lines)
    again = services.ledger_post_batch(actor=supervisor, postings=lines)
    assert [e.pk for e in first] == [e.pk for e in again]
    assert selectors.account_get(ent_a).score == 40
    # The single-post path sees the same keys.
    assert (
        services.ledger_post(
            actor=supervisor, enterprise=ent_a, rule_code="TEST_DEDUCTION", idempotency_key="k1"
        ).pk
        == first[1].pk
    )


def test_key_reused_with_other_content_fails_the_whole_batch(ent_a, ent_b, supervisor):
    services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="TEST_DEDUCTION", idempotency_key="x")
    with pytest.raises(Conflict):
        services.ledger_post_batch(
            actor=supervisor,
            postings=[
                Posting(ent_b.pk, "BONUS_EXEMPLARY"),
                Posting(ent_a.pk, "BONUS_EXEMPLARY", idempotency_key="x"),
            ],
        )
    assert not LedgerEntry.objects.filter(enterprise=ent_b).exists()
    assert selectors.account_get(ent_a).score == 80


@pytest.mark.parametrize(
    "postings",
    [
        lambda a: [Posting(a.pk, "TEST_DEDUCTION"), Posting(a.pk, "NO_SUCH_RULE")],
        lambda a: [
            Posting(a.pk, "TEST_DEDUCTION", idempotency_key="d"),
            Posting(a.pk, "TEST_DEDUCTION", idempotency_key="d"),
        ],
        lambda a: [Posting(a.pk, "TEST_DEDUCTION", idempotency_key="")],
    ],
)
def test_bad_batches_are_400_with_nothing_saved(ent_a, supervisor, postings):
    with pytest.raises(ApplicationError) as exc:
        services.ledger_post_batch(actor=supervisor, postings=postings(ent_a))
    assert exc.value.status_code == 400
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_and_single_posts_lose_nothing(supervisor):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    ents = EnterpriseFactory.create_batch(5)
    ids = [e.pk for e in ents]
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def batcher(n):
        try:
            barrier.wait()
            for i in range(6):
                # Lines in shuffled enterprise order: the service must still lock in pk order.
                order = ids[n % 5 :] + ids[: n % 5]
                services.ledger_post_batch(
                    actor=supervisor,
                    postings=[Posting(e, "TEST_DEDUCTION" if i % 2 else "BONUS_EXEMPLARY") for e in order],
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    def single():
        try:
            barrier.wait()
            for i in range(20):
                services.ledger_post(
                    actor=supervisor, enterprise=ents[i % 5], rule_code="COMPLAINT_TIMELINESS"
                )
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=batcher, args=(n,)) for n in range(5)] + [
        threading.Thread(target=single)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for ent in ents:
        total = LedgerEntry.objects.filter(enterprise=ent).aggregate(s=Sum("points"))["s"]
        acc = selectors.account_get(ent)
        assert acc.score == 100 + total
        assert acc.entry_count == 5 * 6 + 4 == LedgerEntry.objects.filter(enterprise=ent).count()
