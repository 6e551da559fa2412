"""Concurrent steps on one complaint (real threads, PostgreSQL): exactly one wins, and the
rollups add up when many complaints of one bucket close at once."""

import threading

import pytest
from django.db import connection

from complaints import services
from complaints.models import ComplaintEvent, Rollup
from config.api import Conflict
from tests.complaints.conftest import walk


def _run(n, fn):
    results: list = []
    barrier = threading.Barrier(n)

    def work(i):
        try:
            barrier.wait()
            results.append(("ok", fn(i)))
        except Conflict as exc:
            results.append(("conflict", exc))
        except BaseException as exc:  # pragma: no cover - reported by the assertion
            results.append(("error", exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_closers_one_wins(ent_a, make_complaint, handler):
    c, _ = make_complaint(ent_a)
    c = walk(c, handler, ["accept"])
    results = _run(
        4, lambda i: services.complaint_close(actor=handler, complaint_id=c.pk, outcome="resolved")
    )
    kinds = sorted(k for k, _v in results)
    assert kinds == ["conflict", "conflict", "conflict", "ok"], results
    assert ComplaintEvent.objects.filter(complaint=c, action="closed").count() == 1
    assert Rollup.objects.get().closed == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_closures_in_one_bucket_add_up(ent_a, make_complaint, handler):
    made = []
    for _ in range(8):
        c, _code = make_complaint(ent_a)
        made.append(walk(c, handler, ["accept"]))
    results = _run(
        8, lambda i: services.complaint_close(actor=handler, complaint_id=made[i].pk, outcome="resolved")
    )
    assert all(k == "ok" for k, _v in results), results
    r = Rollup.objects.get()
    assert (r.records, r.closed, r.fast) == (8, 8, 8)
