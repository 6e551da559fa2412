"""Complaint indicators on the portal (REGULATION.md §4.3): charts by month against the
targets, per province and per enterprise, and the enterprise page's complaint section.
Built on the complaints app's own hand-made month (``march`` of tests/complaints/test_metrics.py,
made available in tests/portal/conftest.py)."""

import datetime as dt

import pytest
import time_machine

from complaints.public_charts import last_months

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def text(r) -> str:
    return r.content.decode()


def test_last_months():
    months = last_months(dt.date(2026, 3, 15), 12)
    assert months[0] == dt.date(2025, 4, 1) and months[-1] == dt.date(2026, 3, 1) and len(months) == 12


def test_charts_by_month_with_target_lines(client, march, clock):
    r = client.get("/public/complaints/charts/")
    assert r.status_code == 200
    body = text(r)
    charts = {c["name"]: c for c in r.context["charts"]}
    assert set(charts) == {"fast_rate", "timely_rate", "satisfaction"}
    # Targets of §4.3, drawn as dashed lines: fast > 90%, timely ≥ 95%, satisfaction > 82.
    assert 'data-target="90"' in body and 'data-target="95"' in body and 'data-target="82"' in body
    march_row = dict(charts["fast_rate"]["rows"])["2026-03"]
    assert (march_row["numerator"], march_row["denominator"]) == (1, 4)  # the app's known answer
    assert dict(charts["fast_rate"]["rows"])["2026-04"] is None  # a month without records: no point
    assert body.count("<circle") == 3  # one point per indicator: March only


def test_charts_per_province_and_per_enterprise(client, march, clock, ent_a, ent_b):
    r = client.get("/public/complaints/charts/", {"province": ent_b.province})
    assert r.context["total"]["records"] == 3
    r = client.get("/public/complaints/charts/", {"enterprise": ent_a.uscc.lower()})
    assert r.context["enterprise"] == ent_a.uscc and r.context["total"]["records"] == 3
    assert "enterprise=" + ent_a.uscc in r.context["records_csv"]
    # Nonsense filters fall back to the whole country, never a 500.
    r = client.get("/public/complaints/charts/", {"province": "zz", "enterprise": "x"})
    assert r.status_code == 200 and r.context["total"]["records"] == 6


def test_no_personal_data(client, march, clock):
    body = text(client.get("/public/complaints/charts/"))
    assert "王小明" not in body and "13912345678" not in body and "信号差" not in body


def test_enterprise_page_section(client, march, clock, ent_a):
    r = client.get(f"/public/enterprises/{ent_a.uscc}/")
    section = next(s for s in r.context["sections"] if s["anchor"] == "complaints")
    assert section["total"]["records"] == 3
    fast = section["total"]["fast_rate"]
    assert (fast["numerator"], fast["denominator"]) == (1, 2)  # A1 fast; A2 not; A3 unknown yet
    assert "50.0%" in text(r) and 'href="/public/complaints/charts/?enterprise=' in text(r)


def test_query_budget(client, march, clock, ent_a, django_assert_max_num_queries):
    for url, budget in (
        ("/public/complaints/charts/", 2),
        (f"/public/complaints/charts/?enterprise={ent_a.uscc}", 2),
    ):
        client.get(url)
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200
