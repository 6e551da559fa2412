"""The demo loader: twelve months, a realistic spread, idempotent, consistent rollups."""

from decimal import Decimal

from django.db.models import Count, Q

from complaints import demo, metrics
from complaints.models import Complaint, ComplaintPause, Rollup
from complaints.transitions import ROLLUP_FIELDS, bucket, contribution
from regulator import demo as kernel_demo


def test_demo_spread_and_idempotence(db):
    kernel_demo.load()
    assert "complaints" in demo.load()
    n = Complaint.objects.count()
    assert demo.load() == "already loaded" and Complaint.objects.count() == n
    assert n > 1000
    months = set(Complaint.objects.values_list("period", flat=True))
    assert len(months) >= 12
    assert Complaint.objects.filter(reopen_count=1).exists()
    assert ComplaintPause.objects.exists() and Complaint.objects.filter(paused=True).exists()
    assert Complaint.objects.filter(status="rejected", reject_reason="time_barred").exists()
    assert Complaint.objects.filter(outcome="withdrawn").exists()
    assert Complaint.objects.filter(timely=False).exists() and Complaint.objects.filter(fast=True).exists()
    assert Complaint.objects.filter(rating__isnull=False).values("rating").distinct().count() == 5
    assert set(Complaint.objects.values_list("kind", flat=True)) == {"telecom", "internet"}
    assert Complaint.objects.values("category").distinct().count() == 6
    # Rollups are exactly the records' contributions.
    expected: dict = {}
    for c in Complaint.objects.all():
        acc = expected.setdefault(bucket(c), dict.fromkeys(ROLLUP_FIELDS, 0))
        for f, v in contribution(c).items():
            acc[f] += v
    stored = {
        (r.period, r.enterprise_id, r.category, r.province, r.kind): {f: getattr(r, f) for f in ROLLUP_FIELDS}
        for r in Rollup.objects.all()
    }
    assert {k: v for k, v in expected.items() if any(v.values())} == stored
    # Some enterprises miss the 95% timely line over the year, most do not.
    per = (
        Complaint.objects.filter(public_on__isnull=False, accepted_on__isnull=False)
        .values("enterprise")
        .annotate(known=Count("id", filter=Q(timely__isnull=False)), ok=Count("id", filter=Q(timely=True)))
    )
    below = [r for r in per if r["known"] and Decimal(r["ok"]) / r["known"] < Decimal("0.95")]
    assert 0 < len(below) < len(per) / 2
    months_sorted = sorted(months)
    out = metrics.stats(months=months_sorted[-4:-1], group_by="enterprise")
    assert out["total"]["records"] > 0 and any(
        g["timely_rate"]["meets_target"] is False for g in out["groups"]
    )
