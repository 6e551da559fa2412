"""Concurrent draws and recusals on PostgreSQL: exactly one draw wins; concurrent recusals of
two team members are serialised on the inspection row, so the replay order holds."""

import threading

import pytest
from django.db import connection

from config.api import Conflict
from inspections import services
from inspections.management.commands.verify_draw import load_tool, local_documents
from inspections.models import Inspection
from tests.inspections.conftest import licensed, new_campaign, roster


def _run(fn, n=2):
    results: list = [None] * n
    barrier = threading.Barrier(n)

    def work(i):
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_one_of_two_concurrent_draws_wins(supervisor, item):
    licensed(8)
    roster(supervisor, 4)
    camp = new_campaign(supervisor, item)
    services.campaign_freeze(actor=supervisor, campaign_id=camp.pk)
    results = _run(
        lambda i: services.campaign_draw(actor=supervisor, campaign_id=camp.pk, seed_inputs=[f"{i}"])
    )
    wins = [r for r in results if not isinstance(r, Exception)]
    assert len(wins) == 1 and sum(isinstance(r, Conflict) for r in results) == 1
    assert Inspection.objects.filter(draw=wins[0]).count() >= 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_recusals_replay(supervisor, item):
    licensed(1)
    roster(supervisor, 6)
    camp = new_campaign(supervisor, item)
    services.campaign_freeze(actor=supervisor, campaign_id=camp.pk)
    draw = services.campaign_draw(actor=supervisor, campaign_id=camp.pk, seed_inputs=["7"])
    ins = Inspection.objects.get(draw=draw)
    badges = list(ins.assignments.order_by("seq").values_list("badge", flat=True))
    results = _run(
        lambda i: services.inspection_recuse(actor=supervisor, inspection=ins, badge=badges[i], reason="r")
    )
    assert not any(isinstance(r, Exception) for r in results), results
    assert len({r.replacement for r in results}) == 2
    assert load_tool().verify(*local_documents(draw.pk)) == []
