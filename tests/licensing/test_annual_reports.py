"""Annual reports (§1.6): filing window, publication, the sweep, and removal on confirm."""

import datetime as dt

import pytest
import time_machine

from credit import selectors as credit_selectors
from licensing import services
from licensing.models import AnnualReport, AnnualReportMissing
from tests.licensing.conftest import standard_issued

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(y, m, d):
    return time_machine.travel(dt.datetime(y, m, d, 10, tzinfo=SHANGHAI), tick=False)


REPORT = {
    "operations": "用户数 12 万，收入稳定",
    "changes": "新增机房一处",
    "service_quality": "投诉处理及时率 98%",
    "security_measures": "等保三级",
    "special_terms": "无",
    "other_items": "内部事项",
    "complaint_hotline": "400-000-0000",
    "complaint_count": 12,
}


def _licensed(user, officer_bj):
    """A single-province licence, issued by that province's own officer (§1.1)."""
    from regulator.models import Role, User
    from tests.factories import UserFactory

    province = user.enterprise.province
    issuing = (
        officer_bj
        if province == "11"
        else User.objects.filter(role=Role.OFFICER, authority_id=province).first()
    )
    issuing = issuing or UserFactory(username=f"officer-{province}", role=Role.OFFICER, province=province)
    with at(2025, 3, 3):
        return standard_issued(user, issuing, coverage=[province])[1]


def test_file_window_duplicate_and_public_fields(api, enterprise_a, officer_bj):
    lic = _licensed(enterprise_a, officer_bj)
    ent = api(enterprise_a)
    with at(2025, 12, 31):
        r = ent.post("/api/v1/annual-reports/", {"year": 2025, **REPORT}, format="json")
        assert r.status_code == 400 and "year" in r.json()["errors"]
    with at(2026, 1, 2):
        r = ent.post("/api/v1/annual-reports/", {"year": 2025, **REPORT}, format="json")
        assert r.status_code == 201, r.json()
        assert r.json()["late"] is False
        assert ent.post("/api/v1/annual-reports/", {"year": 2025, **REPORT}, format="json").status_code == 409
        r = ent.post("/api/v1/annual-reports/", {"year": 2024, "operations": ""}, format="json")
        assert r.status_code == 400
    assert AnnualReport.objects.count() == 1
    pub = api(None).get("/api/v1/public/annual-reports/", {"uscc": enterprise_a.enterprise.uscc}).json()
    row = pub["results"][0]
    assert row["operations"] == REPORT["operations"] and row["licence_numbers"] == [lic.number]
    # Items 4 (security), 5 and 6 stay private unless the operator opts in (5-6).
    assert "security_measures" not in row and "special_terms" not in row and "other_items" not in row


def test_on_time_confirm_posts_bonus_once(api, enterprise_a, officer_bj):
    _licensed(enterprise_a, officer_bj)
    with at(2026, 3, 31):
        rep = services.annual_report_file(actor=enterprise_a, year=2025, **REPORT)
        assert rep.late is False
    before = credit_selectors.restrictions_for(enterprise_a.enterprise).score
    r = api(officer_bj).post(f"/api/v1/annual-reports/{rep.pk}/confirm/", {}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "confirmed"
    assert credit_selectors.restrictions_for(enterprise_a.enterprise).score == before + 10
    assert (
        api(officer_bj).post(f"/api/v1/annual-reports/{rep.pk}/confirm/", {}, format="json").status_code
        == 409
    )


def test_sweep_runs_twice_acts_once_and_late_report_removes_the_entry(
    api, enterprise_a, enterprise_b, officer_bj
):
    _licensed(enterprise_a, officer_bj)
    _licensed(enterprise_b, officer_bj)
    with at(2026, 2, 1):
        services.annual_report_file(actor=enterprise_b, year=2025, **REPORT)
    # Deadline 03-31 plus the 30-day correction period: nothing happens until 05-01.
    with at(2026, 4, 30):
        assert services.annual_report_sweep() == 0
    with at(2026, 5, 1):
        assert services.annual_report_sweep() == 1
        assert services.annual_report_sweep() == 0
    assert AnnualReportMissing.objects.get().enterprise == enterprise_a.enterprise
    entries = credit_selectors.list_entry_list(actor=officer_bj).filter(enterprise=enterprise_a.enterprise)
    assert entries.count() == 1
    entry = entries.get()
    assert (entry.list_kind, entry.source_ref) == (
        "bad",
        f"licensing.annualreport:{enterprise_a.enterprise.uscc}:2025",
    )
    # The entry's points are credit's business (posted when the entry is published).
    assert (
        not credit_selectors.list_entry_list(actor=officer_bj)
        .filter(enterprise=enterprise_b.enterprise)
        .exists()
    )

    with at(2026, 5, 10):
        rep = services.annual_report_file(actor=enterprise_a, year=2025, **REPORT)
        assert rep.late is True
        services.annual_report_confirm(actor=officer_bj, report_id=rep.pk)
    entry.refresh_from_db()
    assert entry.status == "removed"
    assert AnnualReportMissing.objects.get().resolved_at is not None
    with at(2026, 5, 11):
        assert services.annual_report_sweep() == 0


def test_sweep_ignores_enterprises_without_a_licence_that_year(enterprise_a, officer_bj):
    with at(2026, 6, 1):
        standard_issued(enterprise_a, officer_bj)
    with at(2027, 5, 2):
        # Licensed from mid-2026: owes a 2026 report, filed nothing.
        assert services.annual_report_sweep() == 1
    with at(2026, 5, 2):
        assert services.annual_report_sweep() == 0  # no licence during 2025
