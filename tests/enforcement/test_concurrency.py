"""Real threads against PostgreSQL: two supervisors deciding one case at once, exactly one
wins; two sweeps at once propose the dishonest listing once."""

import datetime as dt
import threading

import pytest
from django.db import connection

from config.api import Conflict
from credit.models import ListEntry
from enforcement import services
from enforcement.models import Case, CaseStatus, Decision
from regulator.models import Role
from tests.enforcement.conftest import SH, notice, open_case, past_reply_window
from tests.factories import UserFactory


def _race(n, work):
    barrier = threading.Barrier(n)
    results: list = []
    errors: list[BaseException] = []

    def run(i):
        try:
            barrier.wait()
            results.append(work(i))
        except Conflict as exc:
            results.append(exc)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


@pytest.mark.django_db(transaction=True)
def test_two_supervisors_decide_at_once_exactly_one_wins(clock, ent_a, supervisor, inspector):
    other = UserFactory(username="supervisor2", role=Role.SUPERVISOR)
    case = open_case(supervisor, ent_a, officers=[supervisor, inspector])
    services.case_investigate(actor=supervisor, case_id=case.pk)
    notice(supervisor, case)
    past_reply_window(clock, case)
    actors = [supervisor, other]

    def decide(i):
        return services.decision_make(
            actor=actors[i],
            case_id=case.pk,
            outcome="penalty",
            kind="fine",
            amount=f"{10000 + i}",
            title="并发决定",
            reasons="理由",
            legal_basis="依据",
        )

    results = _race(2, decide)
    won = [r for r in results if isinstance(r, Decision)]
    lost = [r for r in results if isinstance(r, Conflict)]
    assert len(won) == 1 and len(lost) == 1
    assert Decision.objects.filter(case=case).count() == 1
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DECIDED
    assert case.events.filter(to_status=CaseStatus.DECIDED).count() == 1
    assert Decision.objects.get().number == "工信罚〔2026〕1号"


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_propose_dishonest_once(clock, ent_a, supervisor, inspector):
    case = open_case(supervisor, ent_a, officers=[supervisor, inspector])
    services.case_investigate(actor=supervisor, case_id=case.pk)
    notice(supervisor, case)
    past_reply_window(clock, case)
    dec = services.decision_make(
        actor=supervisor,
        case_id=case.pk,
        outcome="penalty",
        kind="fine",
        amount="5000",
        title="t",
        reasons="r",
        legal_basis="b",
    )
    dec = services.decision_deliver(actor=supervisor, decision_id=dec.pk)
    clock.move_to(dt.datetime.combine(dec.performance_due_on + dt.timedelta(days=3), dt.time(9), tzinfo=SH))
    _race(4, lambda i: services.sweep_unperformed())
    assert ListEntry.objects.filter(source_ref=f"penalty-unfulfilled:{dec.pk}").count() == 1
    assert ListEntry.objects.filter(source_ref=f"penalty:{dec.pk}").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_annulment_racing_the_listing_leaves_no_listing(clock, ent_a, supervisor, inspector, round_):
    """Whichever commits first, the listing effect and the annulment end with no open
    listing: a run in flight finishes and is withdrawn, or it is cancelled before it starts."""
    case = open_case(supervisor, ent_a, officers=[supervisor, inspector])
    services.case_investigate(actor=supervisor, case_id=case.pk)
    notice(supervisor, case)
    past_reply_window(clock, case)
    dec = services.decision_make(
        actor=supervisor,
        case_id=case.pk,
        outcome="penalty",
        kind="fine",
        amount="5000",
        title="t",
        reasons="r",
        legal_basis="b",
    )
    services.decision_deliver(actor=supervisor, decision_id=dec.pk)  # effect left pending
    listing = dec.effects.get(kind="bad_listing")

    def work(i):
        if i == 0:
            return services.effect_run(effect_id=listing.pk)
        return services.decision_annul(
            actor=supervisor, decision_id=dec.pk, annulment_kind="court", reference="判决", reason="撤销"
        )

    _race(2, work)
    services.effects_run_pending()  # the sweep runs whatever the race left pending
    open_entries = ListEntry.objects.filter(source_ref=f"penalty:{dec.pk}").exclude(status="removed")
    assert not open_entries.exists()
    assert Decision.objects.get(pk=dec.pk).status == "annulled"
    assert dec.effects.get(kind="bad_listing").status in ("done", "cancelled")
