"""The demo loader: cases in every state, the unpaid fine on the dishonest list, an
annulled decision still published; a second run adds nothing."""

import pytest
from django.test import override_settings

from credit.models import ListEntry
from enforcement import demo
from enforcement.models import Case, CaseStatus, Decision, DecisionStatus


@pytest.mark.slow
@pytest.mark.django_db
@override_settings(TELEREG_LICENCE_DEV_KEY=True)
def test_demo_covers_every_state_and_is_idempotent():
    import datetime as dt

    from licensing import services as licensing
    from regulator import demo as regulator_demo
    from regulator.models import Enterprise

    regulator_demo.load()
    # A licence to revoke (the licensing demo normally provides them).
    holder = Enterprise.objects.get(uscc=regulator_demo.demo_codes()[120][0])
    licensing.licence_register_existing(
        actor="test",
        enterprise=holder,
        categories=["B11"],
        coverage=[holder.province],
        issued_on=dt.date(2025, 1, 6),
    )
    result = demo.load()
    assert "states missing: none" in result, result
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    unpaid = Decision.objects.get(performance_status="overdue")
    assert unpaid.surcharge_due > 0
    assert ListEntry.objects.get(source_ref=f"penalty-unfulfilled:{unpaid.pk}").list_kind == "dishonest"
    annulled = Decision.objects.get(status=DecisionStatus.ANNULLED)
    assert annulled.published_at is not None
    assert (
        not ListEntry.objects.filter(source_ref=f"penalty:{annulled.pk}").exclude(status="removed").exists()
    )
    assert Decision.objects.filter(status=DecisionStatus.SUPERSEDED).count() == 1
    assert Decision.objects.filter(kind="revocation", status="delivered").exists()
    counts = (Case.objects.count(), Decision.objects.count())
    assert demo.load() == "already loaded"
    assert (Case.objects.count(), Decision.objects.count()) == counts
