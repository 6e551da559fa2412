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
