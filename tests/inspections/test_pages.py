"""Public pages: draws, one draw (frozen and drawn), results; badges only, no names."""

import pytest

from inspections import services
from inspections.models import Inspection
from tests.inspections.conftest import licensed, new_campaign, roster

pytestmark = pytest.mark.django_db


@pytest.fixture
def draws(supervisor, item):
    licensed(4)
    roster(supervisor, 3)
    camp = new_campaign(supervisor, item)
    services.campaign_freeze(actor=supervisor, campaign_id=camp.pk)
    drawn = services.campaign_draw(
        actor=supervisor, campaign_id=camp.pk, seed_inputs=["11112222333344445555"]
    )
    other = new_campaign(supervisor, item, code="C2026-2")
    frozen = services.campaign_freeze(actor=supervisor, campaign_id=other.pk)
    return drawn, frozen


def test_draw_pages(client, draws):
    drawn, frozen = draws
    page = client.get("/public/draws/").content.decode()
    assert drawn.frame_hash[:10] in page and "C2026-2" in page
    page = client.get(f"/public/draws/{drawn.pk}/").content.decode()
    assert drawn.seed in page and "11112222333344445555" in page and "verify_draw.py" in page
    ins = Inspection.objects.filter(draw=drawn).first()
    assert ins.uscc in page and ins.assignments.first().badge in page
    assert "rinsp0" not in page  # usernames never shown
    page = client.get(f"/public/draws/{frozen.pk}/").content.decode()
    assert frozen.frame_hash in page and "Not drawn yet" in page
    assert client.get("/public/draws/999999/").status_code == 404


def test_results_page(client, draws):
    drawn, _f = draws
    assert client.get("/public/inspection-results/").status_code == 200
    assert client.get("/public/inspection-results/?result=ok&page=9").status_code == 200
