"""The demo loader: a published campaign with results in several strata and one recusal,
a frozen frame waiting for its seed; a second run adds nothing; the draw verifies."""

import pytest

from inspections.management.commands.verify_draw import load_tool, local_documents
from inspections.models import Campaign, Inspection, Recusal


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_loader(settings):
    from django.utils.module_loading import import_string

    from inspections import demo

    settings.TELEREG_LICENCE_DEV_KEY = True
    for dotted in settings.DEMO_LOADERS:
        import_string(dotted)()
    drawn = Campaign.objects.get(code=demo.DRAWN)
    frozen = Campaign.objects.get(code=demo.FROZEN)
    assert drawn.status == "drawn" and frozen.status == "frozen" and frozen.draw.seed == ""
    published = Inspection.objects.filter(draw=drawn.draw, status="published")
    assert published.values("stratum").distinct().count() >= 2
    assert published.values("outcome").distinct().count() >= 2
    assert Inspection.objects.filter(draw=drawn.draw).exclude(status="published").exists()
    assert Recusal.objects.filter(inspection__draw=drawn.draw).count() == 1
    assert load_tool().verify(*local_documents(drawn.draw.pk)) == []
    assert load_tool().verify(*local_documents(frozen.draw.pk)) == []
    assert demo.load() == "already loaded"
