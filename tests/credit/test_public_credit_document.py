"""The public credit lookup answers from one SQL statement (credit.selectors.
public_credit_document) instead of three ORM queries and the PublicCreditOutput serializer.
Its answer must stay exactly the serializer's over ``public_credit`` (the response contract in
the OpenAPI schema), whatever the enterprise's state: no account yet, listings active, removed
and unpublished, yearly grades in publicity, fixed and under objection."""

import datetime as dt
import json

import pytest
import time_machine
from rest_framework.renderers import JSONRenderer

from credit import selectors, services
from credit.api import serializers as s
from credit.models import GradeRecord, GradeStatus, ListKind, RemovalReason
from tests.credit.conftest import at
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def reference(uscc: str) -> dict:
    """What the view answered before: the serializer over public_credit's model instances."""
    d = selectors.public_credit(uscc)
    acc, ent = d["account"], d["enterprise"]
    data = s.PublicCreditOutput(
        {
            "uscc": ent.uscc,
            "name": ent.name,
            "score": acc.score,
            "grade": acc.grade,
            "yearly_grade": d["yearly"],
            "on_bad_list": acc.on_bad_list,
            "on_dishonest_list": acc.on_dishonest_list,
            "active_listings": d["active"],
            "listing_history": d["history"],
        }
    ).data
    return json.loads(JSONRenderer().render(data))


def lookup(api, uscc: str, django_assert_num_queries) -> dict:
    with django_assert_num_queries(1):  # one statement, whatever the enterprise holds
        r = api(None).get(f"/api/v1/public/credit/{uscc}/")
    assert r.status_code == 200, r.content
    return r.json()


def grade(ent, year, status, score=100, fixed_on=None):
    return GradeRecord.objects.create(
        enterprise=ent,
        year=year,
        score=score,
        grade="A",
        status=status,
        computed_at=at(dt.date(year, 1, 15)),
        publicity_until=dt.date(year, 2, 1),
        calendar_version="test",
        fixed_on=fixed_on,
    )


def test_enterprise_without_account_reads_the_base_score(api, django_assert_num_queries):
    ent = EnterpriseFactory(name='名称 "引号" \\ 与换行\n')  # JSON escaping done by PostgreSQL
    got = lookup(api, ent.uscc, django_assert_num_queries)
    assert got == reference(ent.uscc)
    assert got["active_listings"] == [] and got["yearly_grade"] is None


def test_listings_and_grades_read_as_the_serializer_did(
    api, ent_a, supervisor, deduction, propose, published, django_assert_num_queries
):
    services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code=deduction.code)
    first = published(ent_a, licence_numbers=["A1-20260001", "B2-20260002"])
    published(ent_a, list_kind=ListKind.BAD)
    propose(ent_a)  # not published: in neither list
    services.list_entry_remove(
        actor=supervisor, entry_id=first.pk, removal_reason=RemovalReason.WITHDRAWN, reason="withdrawn"
    )
    grade(ent_a, 2025, GradeStatus.FIXED, score=120, fixed_on=dt.date(2025, 2, 2))
    grade(ent_a, 2026, GradeStatus.OBJECTED)  # under objection: the 2025 grade shows
    got = lookup(api, ent_a.uscc, django_assert_num_queries)
    assert got == reference(ent_a.uscc)
    assert list(got) == list(s.PublicCreditOutput().fields)  # same keys, same order
    assert [e["status"] for e in got["active_listings"]] == ["active"]
    assert [(e["id"], e["status"]) for e in got["listing_history"]] == [(first.pk, "removed")]
    assert list(got["active_listings"][0]) == s.PUBLIC_LIST_FIELDS
    assert got["yearly_grade"] == {
        "year": 2025,
        "grade": "A",
        "score": 120,
        "status": "fixed",
        "publicity_until": "2025-02-01",
        "fixed_on": "2025-02-02",
    }


def test_a_grade_in_publicity_is_public(api, ent_a, django_assert_num_queries):
    grade(ent_a, 2025, GradeStatus.FIXED, fixed_on=dt.date(2025, 2, 2))
    grade(ent_a, 2026, GradeStatus.PUBLICITY, score=90)
    got = lookup(api, ent_a.uscc, django_assert_num_queries)
    assert got == reference(ent_a.uscc)
    assert (got["yearly_grade"]["year"], got["yearly_grade"]["fixed_on"]) == (2026, None)


def test_the_answer_follows_each_commit_at_once(api, ent_a, supervisor, deduction, django_assert_num_queries):
    """Real time (DESIGN.md): no cache between a posting and the public answer."""
    before = lookup(api, ent_a.uscc, django_assert_num_queries)["score"]
    services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code=deduction.code)
    assert lookup(api, ent_a.uscc, django_assert_num_queries)["score"] == before + deduction.points


def test_codes_are_normalised_and_unknown_ones_are_404(api, ent_a):
    spaced = f" {ent_a.uscc[:6]}-{ent_a.uscc[6:].lower()} "
    assert api(None).get(f"/api/v1/public/credit/{spaced}/").json()["uscc"] == ent_a.uscc
    r = api(None).get("/api/v1/public/credit/91110000000000000X/")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_yearly_grade_of_a_past_time_is_kept(api, ent_a, django_assert_num_queries):
    with time_machine.travel(at(dt.date(2026, 3, 1))):
        grade(ent_a, 2024, GradeStatus.FIXED, fixed_on=dt.date(2024, 2, 2))
        assert lookup(api, ent_a.uscc, django_assert_num_queries) == reference(ent_a.uscc)


def test_the_sqlite_demo_serialises_the_same_answer(api, ent_a, published, monkeypatch):
    """make demo runs on SQLite, which has no json_build_object: the view serialises there."""
    from types import SimpleNamespace

    from credit.api import public

    published(ent_a)
    grade(ent_a, 2025, GradeStatus.FIXED, fixed_on=dt.date(2025, 2, 2))
    on_pg = api(None).get(f"/api/v1/public/credit/{ent_a.uscc}/").json()
    monkeypatch.setattr(public, "connection", SimpleNamespace(vendor="sqlite"))
    assert api(None).get(f"/api/v1/public/credit/{ent_a.uscc}/").json() == on_pg == reference(ent_a.uscc)


def test_the_statement_is_planned_once_per_connection(api, ent_a):
    from django.db import connection

    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        pytest.skip("prepared statements off (DB_PREPARED_STATEMENTS=0)")
    for _ in range(3):
        assert api(None).get(f"/api/v1/public/credit/{ent_a.uscc}/").status_code == 200
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%json_build_object%%'"
        )
        assert cur.fetchone()[0] == 1
