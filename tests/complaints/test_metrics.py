"""Fast, timely and satisfaction on a hand-made set with known answers; the public
statistics recomputed from the public complaint records give the same numbers."""

import datetime as dt
import json

import pytest

from complaints import metrics, services
from complaints.models import Complaint, Rollup
from complaints.transitions import ROLLUP_FIELDS, bucket, contribution
from tests.complaints.conftest import travel, walk

D = dt.date


@pytest.fixture
def march(ent_a, ent_b, make_complaint, handler):
    """Seven complaints in March 2026 (Internet), walked through the real services."""
    got = {}
    with travel(D(2026, 3, 2)):
        for name, ent, cat in (
            ("A1", ent_a, "network"),
            ("A2", ent_a, "billing"),
            ("A3", ent_a, "network"),
            ("B1", ent_b, "network"),
            ("B2", ent_b, "other"),
            ("B3", ent_b, "other"),
            ("B4", ent_b, "app_rights"),
        ):
            got[name], _ = make_complaint(ent, category=cat)
        for name in ("A1", "A2", "A3", "B1", "B4"):
            walk(got[name], handler, ["accept"])
    with travel(D(2026, 3, 3)):
        walk(got["B2"], handler, ["accept"])
        services.complaint_close(actor=handler, complaint_id=got["B4"].pk, outcome="resolved")
    with travel(D(2026, 3, 4)):
        services.complaint_withdraw(actor="complainant", complaint_id=got["B2"].pk)
        services.complaint_reopen(actor="complainant", complaint_id=got["B4"].pk, reason="没解决")
    with travel(D(2026, 3, 5)):
        services.complaint_close(actor=handler, complaint_id=got["B4"].pk, outcome="unresolved")
        services.complaint_rate(actor="complainant", complaint_id=got["B4"].pk, rating=2)
    with travel(D(2026, 3, 6)):
        services.complaint_close(actor=handler, complaint_id=got["A1"].pk, outcome="resolved")
        services.complaint_rate(actor="complainant", complaint_id=got["A1"].pk, rating=5)
    with travel(D(2026, 3, 12)):
        services.complaint_close(actor=handler, complaint_id=got["A2"].pk, outcome="resolved")
        services.complaint_rate(actor="complainant", complaint_id=got["A2"].pk, rating=4)
    with travel(D(2026, 3, 17)):
        services.sweep_sla()  # A3 and B1 past their 10 working days: untimely and public
    with travel(D(2026, 3, 20)):
        services.complaint_close(actor=handler, complaint_id=got["B1"].pk, outcome="resolved")
        services.complaint_rate(actor="complainant", complaint_id=got["B1"].pk, rating=1)
    return {k: Complaint.objects.get(pk=v.pk) for k, v in got.items()}


def test_results_per_complaint(march):
    got = {k: (c.fast, c.timely, c.rating, c.public_on is not None) for k, c in march.items()}
    assert got == {
        "A1": (True, True, 5, True),  # 4 working days
        "A2": (False, True, 4, True),  # 8 working days
        "A3": (None, False, None, True),  # open, past 10 working days
        "B1": (False, False, 1, True),  # 14 working days
        "B2": (None, None, None, True),  # withdrawn after acceptance
        "B3": (None, None, None, False),  # never accepted: not in the record
        "B4": (False, False, 2, True),  # reopened: neither fast nor timely (§4.3)
    }


def test_known_answers(march, ent_a, ent_b):
    out = metrics.stats(months=[D(2026, 3, 1)], group_by="enterprise")
    t = out["total"]
    assert (t["records"], t["closed"]) == (6, 5)
    assert (t["fast_rate"]["numerator"], t["fast_rate"]["denominator"], t["fast_rate"]["value"]) == (
        1,
        4,
        "0.2500",
    )
    assert (t["timely_rate"]["numerator"], t["timely_rate"]["denominator"], t["timely_rate"]["value"]) == (
        2,
        5,
        "0.4000",
    )
    # ratings 5, 4, 1, 2 → (4 + 3 + 0 + 1) × 25 / 4 = 50
    assert (t["satisfaction"]["numerator"], t["satisfaction"]["denominator"], t["satisfaction"]["value"]) == (
        200,
        4,
        "50.00",
    )
    assert (
        t["fast_rate"]["target"] == {"op": "gt", "value": "0.90"} and t["fast_rate"]["meets_target"] is False
    )
    by = {g["key"]: g for g in out["groups"]}
    a, b = by[ent_a.uscc], by[ent_b.uscc]
    assert (a["name"], a["records"], a["fast_rate"]["value"], a["timely_rate"]["value"]) == (
        ent_a.name,
        3,
        "0.5000",
        "0.6667",
    )
    assert a["satisfaction"]["value"] == "87.50" and a["satisfaction"]["meets_target"] is True
    assert (b["records"], b["fast_rate"]["value"], b["timely_rate"]["value"], b["satisfaction"]["value"]) == (
        3,
        "0.0000",
        "0.0000",
        "12.50",
    )


def test_rollups_equal_the_rows(march):
    """Every rollup row is the sum of its complaints' contributions (no drift)."""
    expected: dict = {}
    for c in Complaint.objects.all():
        acc = expected.setdefault(bucket(c), dict.fromkeys(ROLLUP_FIELDS, 0))
        for f, v in contribution(c).items():
            acc[f] += v
    stored = {
        (r.period, r.enterprise_id, r.category, r.province, r.kind): {f: getattr(r, f) for f in ROLLUP_FIELDS}
        for r in Rollup.objects.all()
    }
    assert {k: v for k, v in expected.items() if any(v.values())} == {
        k: v for k, v in stored.items() if any(v.values())
    }


def _all_records(client, query: str) -> list[dict]:
    rows, url = [], f"/api/v1/public/complaints/?{query}&page_size=2"
    while url:
        body = client.get(url).json()
        rows += body["results"]
        url = body["next"]
    return rows


@pytest.mark.parametrize("group_by", ["", "enterprise", "category", "province", "kind", "month"])
def test_public_stats_recompute_from_public_records(march, api, group_by):
    client = api(None)
    records = _all_records(client, "period=2026-03")
    assert len(records) == 6 and all(set(r) == set(metrics.RECORD_FIELDS) for r in records)
    published = client.get(f"/api/v1/public/complaint-stats/?period=2026-03&group_by={group_by}").json()
    mine = json.loads(json.dumps(metrics.recompute(records, group_by=group_by), default=str))
    assert published["total"] == mine["total"]
    assert published["groups"] == mine["groups"]
    # A quarter is the sum of its months; filters narrow both sides alike.
    q = client.get(f"/api/v1/public/complaint-stats/?period=2026-Q1&group_by={group_by}").json()
    assert q["total"] == published["total"]


def test_public_record_filters_and_csv(march, api, ent_b):
    client = api(None)
    assert len(_all_records(client, f"enterprise={ent_b.uscc}")) == 3
    assert len(_all_records(client, "category=network")) == 3
    assert len(_all_records(client, "province=44")) == 3
    assert len(_all_records(client, "period=2026-04")) == 0
    assert client.get("/api/v1/public/complaints/?period=March").status_code == 400
    assert client.get("/api/v1/public/complaints/?category=nope").status_code == 400
    csv_text = client.get("/api/v1/public/complaints/?period=2026-03&format=csv").getvalue().decode()
    lines = csv_text.strip().splitlines()
    assert lines[0].lstrip("\ufeff").split(",") == list(metrics.RECORD_FIELDS) and len(lines) == 7
    stats_csv = client.get("/api/v1/public/complaint-stats/?period=2026-03&group_by=enterprise&format=csv")
    assert stats_csv.status_code == 200 and len(stats_csv.getvalue().decode().strip().splitlines()) == 4


def test_projection_for_the_running_period(march):
    out = metrics.stats(months=[D(2026, 3, 1)], today=D(2026, 3, 20))
    p = out["projection"]
    assert p["elapsed_share"] == "0.6452" and p["records"] == 9 and p["fast_rate"] == "0.2500"
    assert metrics.stats(months=[D(2026, 3, 1)], today=D(2026, 4, 2))["projection"] is None


def test_staff_stats_per_handler_and_scope(march, api, handler, supervisor_gd):
    body = api(handler).get("/api/v1/complaints/stats/?period=2026-03").json()
    assert body["total"]["records"] == 6
    (row,) = body["handlers"]
    assert (
        row["handler"],
        row["accepted"],
        row["fast_rate"]["numerator"],
        row["fast_rate"]["denominator"],
    ) == (
        "handler",
        6,
        1,
        4,
    )
    gd = api(supervisor_gd).get("/api/v1/complaints/stats/?period=2026-03&province=11").json()
    assert gd["province"] == "44" and gd["total"]["records"] == 3  # never beyond its jurisdiction


def test_public_page(march, client, ent_a):
    resp = client.get("/public/complaints/?period=2026-03&group_by=enterprise")
    assert resp.status_code == 200
    text = resp.content.decode()
    assert ent_a.name in text and "0.2500" in text and "1/4" in text
    assert "王小明" not in text and "13912345678" not in text
    assert client.get("/public/complaints/?period=bad&group_by=x").status_code == 200
