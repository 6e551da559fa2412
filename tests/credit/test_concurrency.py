import threading

import pytest
from django.db import connection
from django.db.models import Sum

from credit import selectors, services
from credit.models import LedgerEntry

RULES = ["TEST_DEDUCTION", "BONUS_CLEAN_INSPECTION", "COMPLAINT_TIMELINESS", "BONUS_EXEMPLARY"]

pytestmark = pytest.mark.usefixtures("deduction")


@pytest.mark.django_db(transaction=True)
def test_eight_threads_one_enterprise_no_lost_update(ent_a, supervisor):
    per_thread = 15
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work(n):
        try:
            barrier.wait()
            for i in range(per_thread):
                services.ledger_post(
                    actor=supervisor,
                    enterprise=ent_a,
                    rule_code=RULES[(n + i) % 4],
                    idempotency_key=f"t{n}-{i}",
                )
                # Each thread also retries one key: the retry must not post twice.
                if i == 0:
                    services.ledger_post(
                        actor=supervisor, enterprise=ent_a, rule_code=RULES[n % 4], idempotency_key=f"t{n}-0"
                    )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    total = LedgerEntry.objects.filter(enterprise=ent_a).aggregate(s=Sum("points"))["s"]
    acc = selectors.account_get(ent_a)
    assert LedgerEntry.objects.filter(enterprise=ent_a).count() == 8 * per_thread
    assert acc.score == 100 + total
    assert acc.entry_count == 8 * per_thread


@pytest.mark.django_db(transaction=True)
def test_objection_decision_racing_a_withdrawal_never_deadlocks(ent_a, enterprise_a, supervisor):
    """Both take the account lock first, so one waits for the other; the objection ends
    upheld or moot, the entry removed, and no deadlock error reaches either caller."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    from credit.models import ListEntry, Objection

    for round_ in range(3):
        entry = services.list_entry_propose(
            actor=supervisor,
            enterprise=ent_a,
            list_kind="bad",
            rule_code="BAD_PENALTY",
            reason="r",
            authority="MIIT",
            source_ref=f"race:{round_}",
        )
        obj = services.objection_file(actor=enterprise_a, entry_id=entry.pk, grounds="g")
        errors: list[BaseException] = []
        barrier = threading.Barrier(2)

        def run(fn):
            try:
                barrier.wait()
                fn()
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        threads = [
            threading.Thread(
                target=run,
                args=(
                    lambda: services.objection_decide(
                        actor=supervisor, objection_id=obj.pk, upheld=True, answer="a"
                    ),
                ),
            ),
            threading.Thread(
                target=run,
                args=(lambda: services.list_entry_withdraw(actor=supervisor, entry_id=entry.pk, reason="w"),),
            ),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # The loser sees a 409 (already answered / already removed), never a database error.
        from config.api import Conflict

        assert all(isinstance(e, Conflict) for e in errors), errors
        assert ListEntry.objects.get(pk=entry.pk).status == "removed"
        assert Objection.objects.get(pk=obj.pk).status in ("upheld", "moot")
