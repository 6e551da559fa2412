"""Two officers approve one application at the same moment: exactly one wins."""

import threading

import pytest
from django.db import connection, connections

from config.api import Conflict
from licensing import services
from licensing.models import ApplicationEvent
from tests.factories import UserFactory
from tests.licensing.conftest import new_app


@pytest.fixture(autouse=True)
def _catalogue(transactional_db):
    # A transactional test starts from a flushed database (no migration data rows).
    services.catalogue_sync(actor="test")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_exactly_one_wins(enterprise_a):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    officers = [UserFactory(username=f"off{i}", role="officer", province="11") for i in range(2)]
    app = new_app(enterprise_a)
    services.application_submit(actor=enterprise_a, application_id=app.pk)
    services.application_accept(actor=officers[0], application_id=app.pk)
    services.application_start_review(actor=officers[0], application_id=app.pk)

    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(officer_bj):
        try:
            barrier.wait()
            services.application_approve(actor=officer_bj, application_id=app.pk, reason=officer_bj.username)
            result = "won"
        except Conflict:
            result = "conflict"
        except Exception as exc:  # pragma: no cover - reported below
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=approve, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "won"]
    app.refresh_from_db()
    assert app.status == "approved"
    assert ApplicationEvent.objects.filter(application=app, to_status="approved").count() == 1
    assert app.deadlines.filter(kind="issue").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_distinct_numbers(enterprise_a, enterprise_b):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    officer_bj = UserFactory(username="offx", role="officer", province="11")
    apps = []
    for cats in (["B11"], ["B12"], ["B13"], ["B14"]):
        a = new_app(enterprise_a, categories=cats)
        services.application_submit(actor=enterprise_a, application_id=a.pk)
        services.application_accept(actor=officer_bj, application_id=a.pk)
        services.application_start_review(actor=officer_bj, application_id=a.pk)
        services.application_approve(actor=officer_bj, application_id=a.pk)
        apps.append(a)
    barrier = threading.Barrier(len(apps))
    errors: list[str] = []

    def issue(a):
        try:
            barrier.wait()
            services.application_issue(actor=officer_bj, application_id=a.pk)
        except Exception as exc:  # pragma: no cover
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    from licensing.models import Licence

    numbers = sorted(Licence.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 4
    assert [n[-4:] for n in numbers] == ["0001", "0002", "0003", "0004"]
