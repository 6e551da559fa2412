"""The yearly grade (§2.4): January sweep, publicity with objection, fixing, the C-grade ban
and the B-grade admonition talk; dates on the 2026–2027 working-day calendar."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from config.api import ApplicationError, Conflict
from credit import selectors, services
from credit.models import AdmonitionTask, GradeRecord, LedgerEntry, Sanction
from tests.credit.conftest import at
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
OLD = dt.datetime(2020, 3, 1, tzinfo=dt.UTC)


@pytest.fixture
def old_ent(ent_a):
    ent_a.created_at = OLD
    ent_a.save(update_fields=["created_at"])
    return ent_a


def _post(ent, supervisor, rule, n, day):
    with time_machine.travel(at(day)):
        for _ in range(n):
            services.ledger_post(actor=supervisor, enterprise=ent, rule_code=rule)


def test_sweep_before_the_date_does_nothing(old_ent):
    with time_machine.travel(at(dt.date(2026, 1, 14))):
        assert services.grade_sweep() == {"clean_bonus": 0, "recorded": 0}
    assert not GradeRecord.objects.exists()


def test_january_sweep_twice_records_one_grade_per_enterprise(old_ent, ent_b, supervisor):
    ent_b.created_at = OLD
    ent_b.save(update_fields=["created_at"])
    EnterpriseFactory()  # registered after the sweep date (now): no grade this year
    _post(old_ent, supervisor, "COMPLAINT_TIMELINESS", 1, dt.date(2025, 12, 1))
    with time_machine.travel(at(dt.date(2026, 1, 15))):
        first = services.grade_sweep()
        again = services.grade_sweep()
    with time_machine.travel(at(dt.date(2026, 1, 16))):
        next_day = services.grade_sweep()
    assert first["recorded"] == 2 and again["recorded"] == 0 and next_day["recorded"] == 0
    rec = GradeRecord.objects.get(enterprise=old_ent, year=2026)
    # The clean-years bonus (+20) is posted first and is part of the record.
    assert (rec.score, rec.grade, rec.status) == (110, "AA", "publicity")
    assert sorted(e["rule"] for e in rec.entries) == ["BONUS_THREE_YEARS_CLEAN", "COMPLAINT_TIMELINESS"]
    # ≥10 working days of publicity: 15 Jan 2026 + 10 working days.
    assert rec.publicity_until == dt.date(2026, 1, 29)
    assert list(rec.events.values_list("to_status", flat=True)) == ["publicity"]
    assert GradeRecord.objects.count() == 2


def test_clean_years_bonus_once_and_only_for_clean_firms(old_ent, ent_b, supervisor, published):
    ent_b.created_at = OLD
    ent_b.save(update_fields=["created_at"])
    published(ent_b)
    day = timezone.localdate()
    assert services.clean_years_sweep(today=day) == 1
    assert services.clean_years_sweep(today=day) == 0
    assert LedgerEntry.objects.filter(rule__code="BONUS_THREE_YEARS_CLEAN").get().enterprise_id == old_ent.pk


def test_c_grade_ban_outlives_the_points(old_ent, supervisor):
    """A fixed C grade bars applications for 3 years even after the points that made it
    expire; renewal is refused while the ban runs (§2.4 [F S18])."""
    _post(old_ent, supervisor, "COMPLAINT_TIMELINESS", 7, dt.date(2025, 12, 1))  # 100 - 70 + 20 = 50
    with time_machine.travel(at(dt.date(2026, 1, 15))):
        services.grade_sweep()
    rec = GradeRecord.objects.get(enterprise=old_ent)
    assert (rec.score, rec.grade) == (50, "C")
    with time_machine.travel(at(dt.date(2026, 1, 29))):
        assert services.grade_fix_due() == 0  # still in publicity
    with time_machine.travel(at(dt.date(2026, 1, 30))):
        assert services.grade_fix_due() == 1
        assert services.grade_fix_due() == 0
    rec.refresh_from_db()
    assert (rec.status, rec.fixed_on) == ("fixed", dt.date(2026, 1, 30))
    ban = Sanction.objects.get(enterprise=old_ent)
    assert (ban.kind, ban.starts_on, ban.until, ban.source_ref) == (
        "grade_ban",
        dt.date(2026, 1, 30),
        dt.date(2029, 1, 29),
        f"credit.grade:{rec.pk}",
    )
    with time_machine.travel(at(dt.date(2027, 6, 1))):
        services.sweep_expire_points()
        r = selectors.restrictions_for(old_ent)
        assert r.grade != "C"  # the live score recovered
        assert not r.may_apply_licence and not r.may_renew_licence
    with time_machine.travel(at(dt.date(2029, 1, 30))):
        assert selectors.restrictions_for(old_ent).may_apply_licence


def test_b_grade_calls_for_an_admonition_talk(old_ent, supervisor, supervisor_gd, api):
    _post(old_ent, supervisor, "COMPLAINT_TIMELINESS", 5, dt.date(2025, 12, 1))  # 100 - 50 + 20 = 70
    with time_machine.travel(at(dt.date(2026, 1, 15))):
        services.grade_sweep()
    with time_machine.travel(at(dt.date(2026, 1, 30))):
        services.grade_fix_due()
    task = AdmonitionTask.objects.get(enterprise=old_ent)
    assert task.grade_record.grade == "B" and task.due_on > dt.date(2026, 1, 30)
    assert not Sanction.objects.exists()
    rows = api(supervisor).get("/api/v1/credit/admonitions/").json()["results"]
    assert [r["uscc"] for r in rows] == [old_ent.uscc]
    assert api(supervisor_gd).get("/api/v1/credit/admonitions/").json()["results"] == []
    assert (
        api(supervisor_gd).post(f"/api/v1/credit/admonitions/{task.pk}/done/", {"note": "x"}).status_code
        == 404
    )
    r = api(supervisor).post(
        f"/api/v1/credit/admonitions/{task.pk}/done/", {"note": "约谈已进行"}, format="json"
    )
    assert r.status_code == 200 and r.json()["done_at"]
    assert (
        api(supervisor).post(f"/api/v1/credit/admonitions/{task.pk}/done/", {"note": "again"}).status_code
        == 409
    )


def test_objection_during_publicity(old_ent, enterprise_a, enterprise_b, supervisor, api):
    _post(old_ent, supervisor, "COMPLAINT_TIMELINESS", 7, dt.date(2025, 12, 1))
    with time_machine.travel(at(dt.date(2026, 1, 15))):
        services.grade_sweep()
    rec = GradeRecord.objects.get(enterprise=old_ent)
    url = f"/api/v1/credit/grades/{rec.pk}/objection/"
    with time_machine.travel(at(dt.date(2026, 1, 20))):
        assert api(enterprise_b).post(url, {"grounds": "g"}, format="json").status_code == 404
        r = api(enterprise_a).post(url, {"grounds": "两项扣分重复"}, format="json")
        assert r.status_code == 200 and r.json()["status"] == "objected"
    with time_machine.travel(at(dt.date(2026, 2, 2))):
        assert services.grade_fix_due() == 0  # an objection is pending
        with pytest.raises(ApplicationError):
            services.grade_record_decide(
                actor=supervisor, record_id=rec.pk, upheld=True, answer="a", grade="Z"
            )
        r = api(supervisor).post(
            f"/api/v1/credit/grades/{rec.pk}/decide/",
            {"upheld": True, "answer": "更正", "grade": "B"},
            format="json",
        )
        assert r.status_code == 200 and (r.json()["grade"], r.json()["original_grade"]) == ("B", "C")
        assert services.grade_fix_due() == 1
    assert not Sanction.objects.exists() and AdmonitionTask.objects.filter(enterprise=old_ent).exists()
    assert list(rec.events.values_list("to_status", flat=True)) == [
        "publicity",
        "objected",
        "publicity",
        "fixed",
    ]


def test_objection_after_publicity_is_409(old_ent, enterprise_a):
    with time_machine.travel(at(dt.date(2026, 1, 15))):
        services.grade_sweep()
    rec = GradeRecord.objects.get(enterprise=old_ent)
    with time_machine.travel(at(dt.date(2026, 1, 30))), pytest.raises(Conflict):
        services.grade_record_object(actor=enterprise_a, record_id=rec.pk, grounds="late")


def test_public_profile_shows_live_and_yearly_grade(old_ent, supervisor, api):
    with time_machine.travel(at(dt.date(2026, 1, 15))):
        services.grade_sweep()
    services.ledger_post(actor=supervisor, enterprise=old_ent, rule_code="COMPLAINT_TIMELINESS")
    d = api(None).get(f"/api/v1/public/credit/{old_ent.uscc}/").json()
    assert d["score"] == 110 and d["yearly_grade"]["score"] == 120
    assert (d["yearly_grade"]["year"], d["yearly_grade"]["status"]) == (2026, "publicity")


def test_daily_command_runs_the_grade_sweep(old_ent, capsys):
    from django.core.management import call_command

    with time_machine.travel(at(dt.date(2026, 1, 15))):
        call_command("credit_sweep")
    assert "grades: {'clean_bonus': 1, 'recorded': 1}" in capsys.readouterr().out
    assert GradeRecord.objects.filter(enterprise=old_ent, year=2026).exists()
