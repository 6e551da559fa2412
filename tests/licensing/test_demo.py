"""The demo loader covers every status and state, and a second run adds nothing."""

import pytest

from licensing.models import (
    AnnualReport,
    AnnualReportMissing,
    Application,
    AppStatus,
    Licence,
    LicenceStatus,
    PostCheck,
    PostCheckStatus,
)


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_loader_covers_everything_and_is_idempotent(settings):
    from django.utils.module_loading import import_string

    settings.TELEREG_LICENCE_DEV_KEY = True
    for dotted in settings.DEMO_LOADERS:
        import_string(dotted)()
    assert set(Licence.objects.values_list("status", flat=True)) == set(LicenceStatus.values)
    assert set(Application.objects.values_list("status", flat=True)) == set(AppStatus.values)
    pcs = PostCheck.objects.all()
    assert {
        PostCheckStatus.DUE,
        PostCheckStatus.PASSED,
        PostCheckStatus.RECTIFYING,
        PostCheckStatus.REVOKED,
    } <= set(pcs.values_list("status", flat=True))
    assert pcs.filter(status="due", overdue_at__isnull=False).exists()
    assert pcs.filter(status="due", overdue_at__isnull=True).exists()
    assert (
        AnnualReport.objects.filter(late=False).exists() and AnnualReport.objects.filter(late=True).exists()
    )
    assert AnnualReportMissing.objects.filter(resolved_at__isnull=True).exists()
    assert AnnualReportMissing.objects.filter(resolved_at__isnull=False).exists()
    counts = (Licence.objects.count(), Application.objects.count(), AnnualReport.objects.count())
    assert import_string("licensing.demo.load")() == "already loaded"
    assert (Licence.objects.count(), Application.objects.count(), AnnualReport.objects.count()) == counts
