"""Credit API additions: sanctions impose/lift, the one-operation list-entry endpoints,
automatic rules, the catalogue's legal bases, query budgets on the list endpoints."""

import datetime as dt

import pytest
from django.utils import timezone

from credit import services
from credit.models import LedgerEntry, ListEntry, Rule, Sanction
from regulator.models import AuditEvent
from tests.conftest import PERSONAS, PROVINCIAL_PERSONAS
from tests.factories import EnterpriseFactory, new_uscc

pytestmark = pytest.mark.django_db


def _sanction_body(ent, **kw):
    return {
        "uscc": ent.uscc,
        "kind": "renewal_ban",
        "until": (timezone.localdate() + dt.timedelta(days=90)).isoformat(),
        "reason": "未履行整改要求",
        "legal_basis": "《电信业务经营许可管理办法》第四十二条",
        "authority": "MIIT",
        **kw,
    }


@pytest.mark.parametrize("persona", PERSONAS + PROVINCIAL_PERSONAS)
def test_sanction_impose_access(persona, as_persona, ent_a, ent_b):
    _user, client = as_persona(persona)
    target = ent_b if persona.endswith("_gd") else ent_a
    authority = "44" if persona.endswith("_gd") else "MIIT"
    r = client.post("/api/v1/credit/sanctions/", _sanction_body(target, authority=authority), format="json")
    expected = {"anon": 401, "supervisor": 201, "supervisor_gd": 201}.get(persona, 403)
    assert r.status_code == expected
    assert Sanction.objects.count() == (1 if expected == 201 else 0)


def test_sanction_impose_and_lift_are_audited_and_honoured(api, supervisor, enterprise_a, ent_a):
    c = api(supervisor)
    r = c.post("/api/v1/credit/sanctions/", _sanction_body(ent_a), format="json")
    assert r.status_code == 201 and r.json()["authority_code"] == "MIIT"
    pk = r.json()["id"]
    assert not api(enterprise_a).get(f"/api/v1/credit/restrictions/{ent_a.uscc}/").json()["may_renew_licence"]
    assert api(enterprise_a).get("/api/v1/credit/sanctions/").json()["count"] == 1
    assert c.post(f"/api/v1/credit/sanctions/{pk}/lift/", {}, format="json").status_code == 400
    r = c.post(f"/api/v1/credit/sanctions/{pk}/lift/", {"reason": "决定已撤销"}, format="json")
    assert r.status_code == 200 and r.json()["lifted_at"]
    assert (
        c.post(f"/api/v1/credit/sanctions/{pk}/lift/", {"reason": "again"}, format="json").status_code == 409
    )
    assert api(enterprise_a).get(f"/api/v1/credit/restrictions/{ent_a.uscc}/").json()["may_renew_licence"]
    actions = list(AuditEvent.objects.filter(object_type="credit.sanction").values_list("action", flat=True))
    assert actions == ["credit.sanction_imposed", "credit.sanction_lifted"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("kind", "death_penalty"), ("authority", "99"), ("until", "2000-01-01"), ("reason", "")],
)
def test_sanction_bad_input_is_400_field_error(api, supervisor, ent_a, field, value):
    r = api(supervisor).post(
        "/api/v1/credit/sanctions/", _sanction_body(ent_a, **{field: value}), format="json"
    )
    assert r.status_code == 400 and field in r.json()["errors"]
    assert not Sanction.objects.exists()


def test_provincial_supervisor_decides_only_for_own_authority_over_api(api, supervisor_gd, ent_b):
    body = {
        "uscc": ent_b.uscc,
        "list_kind": "bad",
        "rule": "BAD_PENALTY",
        "reason": "罚",
        "authority": "MIIT",
    }
    r = api(supervisor_gd).post("/api/v1/credit/list-entries/", body, format="json")
    assert r.status_code == 400 and "authority" in r.json()["errors"]
    r = api(supervisor_gd).post("/api/v1/credit/list-entries/", {**body, "authority": "44"}, format="json")
    assert r.status_code == 201 and r.json()["authority_code"] == "44"


def test_list_entry_operations_over_api(api, supervisor, enterprise_a, ent_a, settings):
    settings.TELEREG_CREDIT_PLATFORM_DISPLAY_IS_DELIVERY = False
    s = api(supervisor)
    body = {
        "uscc": ent_a.uscc,
        "list_kind": "bad",
        "rule": "BAD_PENALTY",
        "reason": "罚",
        "authority": "MIIT",
    }
    r = s.post(
        "/api/v1/credit/list-entries/", {**body, "notify": False, "requires_fulfilment": True}, format="json"
    )
    pk = r.json()["id"]
    assert (
        s.post(f"/api/v1/credit/list-entries/{pk}/notify/", {"method": "pigeon"}, format="json").status_code
        == 400
    )
    r = s.post(
        f"/api/v1/credit/list-entries/{pk}/notify/",
        {"method": "post", "notice_text": "告知书全文"},
        format="json",
    )
    assert (
        r.status_code == 200
        and r.json()["notice_text"] == "告知书全文"
        and r.json()["objection_due_on"] is None
    )
    r = s.post(f"/api/v1/credit/list-entries/{pk}/delivery/", {"delivered_on": "nope"}, format="json")
    assert r.status_code == 400 and "delivered_on" in r.json()["errors"]
    today = timezone.localdate().isoformat()
    r = s.post(f"/api/v1/credit/list-entries/{pk}/delivery/", {"delivered_on": today}, format="json")
    assert r.status_code == 200 and r.json()["objection_due_on"] > today
    r = s.post(
        f"/api/v1/credit/list-entries/{pk}/remove/",
        {"removal_reason": "report_filed", "reason": "x"},
        format="json",
    )
    assert r.status_code == 409  # a penalty entry does not end with an annual report
    r = s.post(
        "/api/v1/credit/list-entries/fulfilment/", {"source_ref": "", "fulfilled_on": today}, format="json"
    )
    assert r.status_code == 400
    r = s.post(f"/api/v1/credit/list-entries/{pk}/withdraw/", {"reason": "复议撤销"}, format="json")
    assert r.status_code == 200 and r.json()["removal_reason"] == "withdrawn"
    detail = api(enterprise_a).get(f"/api/v1/credit/list-entries/{pk}/").json()
    assert [e["action"] for e in detail["events"]] == [
        "proposed",
        "notified",
        "notice_delivered",
        "withdrawn",
    ]


def test_automatic_rules_idempotent_per_source(ent_a, supervisor, inspector, handler, officer):
    a = services.inspection_clean_bonus_post(actor=inspector, enterprise=ent_a, source_ref="inspection:7")
    b = services.inspection_clean_bonus_post(actor=inspector, enterprise=ent_a, source_ref="inspection:7")
    assert a.pk == b.pk and a.points == 10
    c = services.complaint_timeliness_post(
        actor=handler, enterprise=ent_a, period="2026-Q3", source_ref="cq:1"
    )
    assert (
        c.points == -10
        and c.pk
        == services.complaint_timeliness_post(
            actor="sweep", enterprise=ent_a, period="2026-Q3", source_ref="cq:1"
        ).pk
    )
    d = services.annual_report_bonus_post(actor=officer, enterprise=ent_a, source_ref="ar:2025")
    assert d.rule.code == "BONUS_ANNUAL_REPORT"
    assert LedgerEntry.objects.filter(enterprise=ent_a).count() == 3
    with pytest.raises(Exception) as exc:
        services.complaint_timeliness_post(actor=handler, enterprise=ent_a, period="Q3", source_ref="cq:2")
    assert "period" in exc.value.errors
    with pytest.raises(Exception) as exc:
        services.inspection_clean_bonus_post(actor=inspector, enterprise=ent_a, source_ref="")
    assert "source_ref" in exc.value.errors


def test_seeded_legal_bases_cite_the_law_not_internal_tags(db):
    """Issue 9 point 9: no "[D]", "§" or "REGULATION" in what the public list shows."""
    rules = list(Rule.objects.all())
    assert len(rules) >= 12
    for rule in rules:
        text = rule.legal_basis
        assert text and not any(tag in text for tag in ("[", "§", "REGULATION", "default")), rule.code
    assert Rule.objects.get(code="DISHONEST_REVOKED").direct_listing
    assert not Rule.objects.get(code="BAD_PENALTY").direct_listing
    assert Rule.objects.get(code="BAD_ANNUAL_REPORT").annual_report
    assert Rule.objects.get(code="BAD_PENALTY").versions.count() == 2  # the fix is a new version


def _grow(n, published, supervisor):
    for _ in range(n):
        ent = EnterpriseFactory(uscc=new_uscc("110105"))
        published(ent, source_ref=f"q:{ent.pk}")
        services.ledger_post(actor=supervisor, enterprise=ent, rule_code="BONUS_EXEMPLARY")
        services.sanction_impose(
            actor=supervisor, enterprise=ent, kind="renewal_ban", until=timezone.localdate(), reason="r"
        )


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/credit/ledger/",
        "/api/v1/credit/accounts/",
        "/api/v1/credit/list-entries/",
        "/api/v1/credit/sanctions/",
        "/api/v1/credit/objections/",
        "/api/v1/credit/repairs/",
        "/api/v1/credit/grades/",
        "/api/v1/credit/rules/",
        "/api/v1/public/lists/",
    ],
)
def test_list_query_budget_does_not_grow(url, api, supervisor, published, django_assert_max_num_queries):
    """The same number of statements at 2 and at 8 rows: no query per row."""
    c = api(supervisor)
    _grow(2, published, supervisor)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert c.get(url).status_code == 200
    _grow(6, published, supervisor)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert c.get(url).status_code == 200
    assert ListEntry.objects.count() == 8


def test_sql_bulk_loaders_need_not_know_the_new_columns(ent_a):
    """bench/list_search.py inserts list entries with SQL naming only the older columns."""
    from django.db import connection

    rule = Rule.objects.get(code="BAD_PENALTY")
    with connection.cursor() as cur:
        cur.execute(
            """INSERT INTO credit_listentry (enterprise_id, enterprise_name, enterprise_uscc, province,
                   licence_numbers, list_kind, rule_id, rule_version, reason, legal_basis, authority, source_ref,
                   status, removal_reason, decided_on, calendar_version, created_at, updated_at)
               VALUES (%s, 'x', %s, '11', '', 'bad', %s, 1, 'r', '', 'a', '', 'proposed', '', now(), '', now(), now())""",
            [ent_a.pk, ent_a.uscc, rule.pk],
        )
    e = ListEntry.objects.get(enterprise=ent_a)
    assert (e.notice_text, e.notice_method, e.requires_fulfilment) == ("", "", False)


def test_catalogue_flags_are_edited_through_the_api(api, supervisor, ent_a):
    c = api(supervisor)
    r = c.patch("/api/v1/credit/rules/BONUS_EXEMPLARY/", {"direct_listing": True}, format="json")
    assert r.status_code == 400 and "direct_listing" in r.json()["errors"]
    r = c.patch("/api/v1/credit/rules/BAD_UNREACHABLE/", {"direct_listing": True}, format="json")
    assert r.status_code == 200 and r.json()["direct_listing"]
    assert AuditEvent.objects.filter(action="credit.rule_updated", after__direct_listing=True).exists()
    e = services.list_entry_propose(
        actor=supervisor,
        enterprise=ent_a,
        list_kind="bad",
        rule_code="BAD_UNREACHABLE",
        reason="r",
        authority="MIIT",
    )
    assert e.status == "published"
