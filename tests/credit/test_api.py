import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from credit import services
from credit.models import LedgerEntry, ListEntry
from tests.conftest import PERSONAS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deduction")]

READERS = {"enterprise_a", "officer", "inspector", "supervisor", "handler", "auditor"}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/credit/rules/",
        "/api/v1/credit/ledger/",
        "/api/v1/credit/accounts/",
        "/api/v1/credit/list-entries/",
        "/api/v1/credit/objections/",
        "/api/v1/credit/repairs/",
        "/api/v1/credit/sanctions/",
    ],
)
def test_read_access(persona, url, as_persona):
    _user, client = as_persona(persona)
    r = client.get(url)
    assert r.status_code == (200 if persona in READERS else 401 if persona == "anon" else 403)


@pytest.mark.parametrize("persona", PERSONAS)
def test_event_post_access(persona, as_persona, ent_a):
    _user, client = as_persona(persona)
    r = client.post("/api/v1/credit/events/", {"uscc": ent_a.uscc, "rule": "BONUS_EXEMPLARY"}, format="json")
    assert r.status_code == {"anon": 401, "supervisor": 201}.get(persona, 403)
    assert LedgerEntry.objects.count() == (1 if persona == "supervisor" else 0)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "url", ["/api/v1/public/lists/", "/api/v1/public/lists/changes/?since=2020-01-01T00:00Z"]
)
def test_public_open_to_all(persona, url, as_persona):
    _user, client = as_persona(persona)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_account_detail_access(persona, as_persona, ent_a, ent_b):
    _user, client = as_persona(persona)
    own = client.get(f"/api/v1/credit/accounts/{ent_a.uscc}/")
    other = client.get(f"/api/v1/credit/accounts/{ent_b.uscc}/")
    expected = 401 if persona == "anon" else 200 if persona in READERS else 403
    assert own.status_code == expected
    assert other.status_code == (404 if persona == "enterprise_a" else expected)


def test_event_idempotency_header(api, supervisor, ent_a):
    c = api(supervisor)
    body = {"uscc": ent_a.uscc, "rule": "BONUS_EXEMPLARY", "source_ref": "x"}
    r1 = c.post("/api/v1/credit/events/", body, format="json", HTTP_IDEMPOTENCY_KEY="abc")
    r2 = c.post("/api/v1/credit/events/", body, format="json", HTTP_IDEMPOTENCY_KEY="abc")
    r3 = c.post(
        "/api/v1/credit/events/", {**body, "rule": "BAD_PENALTY"}, format="json", HTTP_IDEMPOTENCY_KEY="abc"
    )
    assert (r1.status_code, r2.status_code, r3.status_code) == (201, 201, 409)
    assert r1.json()["id"] == r2.json()["id"]
    assert r3.json()["code"] == "idempotency_key_reused"
    assert LedgerEntry.objects.count() == 1


def test_event_bad_input_is_400_not_500(api, supervisor, ent_a):
    c = api(supervisor)
    r = c.post("/api/v1/credit/events/", {"uscc": ent_a.uscc, "rule": "NOPE"}, format="json")
    assert r.status_code == 400 and "rule" in r.json()["errors"]
    assert c.post("/api/v1/credit/events/", {"rule": "X"}, format="json").status_code == 400
    assert (
        c.post("/api/v1/credit/events/", {"uscc": "nope", "rule": "BAD_PENALTY"}, format="json").status_code
        == 404
    )


def test_enterprise_a_cannot_see_b_ledger(api, supervisor, enterprise_a, ent_a, ent_b):
    services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="BONUS_EXEMPLARY")
    b_entry = services.ledger_post(actor=supervisor, enterprise=ent_b, rule_code="TEST_DEDUCTION")
    c = api(enterprise_a)
    rows = c.get("/api/v1/credit/ledger/").json()["results"]
    assert [r["uscc"] for r in rows] == [ent_a.uscc]
    assert c.get(f"/api/v1/credit/ledger/?uscc={ent_b.uscc}").json()["results"] == []
    assert api(supervisor).get("/api/v1/credit/ledger/").json()["count"] == 2
    assert b_entry.pk not in [r["id"] for r in rows]


def test_account_breakdown_explains_score(api, supervisor, ent_a):
    services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="BONUS_EXEMPLARY")
    services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="TEST_DEDUCTION")
    d = api(supervisor).get(f"/api/v1/credit/accounts/{ent_a.uscc}/").json()
    assert d["score"] == d["computed_score"] == 110
    assert d["base"] + sum(e["points"] for e in d["entries"]) == d["score"]


def test_public_shows_only_published_and_no_personal_data(api, ent_a, ent_b, propose, published):
    propose(ent_b, reason="secret proposal")
    pub = published(ent_a, licence_numbers=["京B2-20170348"])
    c = api(None)
    body = c.get("/api/v1/public/lists/?status=all").json()
    assert [r["id"] for r in body["results"]] == [pub.pk]
    text = c.get("/api/v1/public/lists/?status=all").content.decode()
    for private in (ent_a.legal_representative, "secret proposal", ent_b.uscc):
        assert private not in text
    since = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    changes = c.get("/api/v1/public/lists/changes/", {"since": since}).json()["results"]
    assert [(r["id"], r["change"]) for r in changes] == [(pub.pk, "added")]
    credit_b = c.get(f"/api/v1/public/credit/{ent_b.uscc}/").json()
    assert credit_b["active_listings"] == [] and credit_b["listing_history"] == []
    assert "legal_representative" not in credit_b and "contact_phone" not in credit_b


def test_public_search_filters_and_csv(api, ent_a, ent_b, published):
    published(ent_a, licence_numbers=["京B2-20170348"])
    published(ent_b, "dishonest", "DISHONEST_REVOKED")
    c = api(None)
    assert c.get("/api/v1/public/lists/", {"q": "甲网络"}).json()["count"] == 1
    assert c.get("/api/v1/public/lists/", {"q": ent_b.uscc.lower()}).json()["count"] == 1
    assert c.get("/api/v1/public/lists/", {"q": "b2-2017"}).json()["count"] == 1
    assert (
        c.get("/api/v1/public/lists/", {"list": "dishonest"}).json()["results"][0]["enterprise_uscc"]
        == ent_b.uscc
    )
    assert c.get("/api/v1/public/lists/", {"list": "nope"}).status_code == 400
    r = c.get("/api/v1/public/lists/", {"format": "csv"})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    lines = b"".join(r.streaming_content).decode().strip().splitlines()
    assert len(lines) == 3 and ent_a.uscc in "".join(lines)


def test_changes_feed_empty_and_removed(api, ent_a, published, supervisor):
    c = api(None)
    assert (
        c.get("/api/v1/public/lists/changes/", {"since": timezone.now().isoformat()}).json()["results"] == []
    )
    assert c.get("/api/v1/public/lists/changes/").status_code == 400
    e = published(ent_a, "bad", "BAD_ANNUAL_REPORT", source_ref="ar")
    mark = timezone.now()
    services.list_entry_remove_for_source(actor=supervisor, enterprise=ent_a, source_ref="ar", reason="filed")
    rows = c.get("/api/v1/public/lists/changes/", {"since": mark.isoformat()}).json()["results"]
    assert [(r["id"], r["change"]) for r in rows] == [(e.pk, "removed")]


def test_public_credit_read(api, ent_a, supervisor):
    c = api(None)
    assert c.get(f"/api/v1/public/credit/{ent_a.uscc}/").json()["score"] == 100
    services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="TEST_DEDUCTION")
    d = c.get(f"/api/v1/public/credit/{ent_a.uscc}/").json()
    assert (d["score"], d["grade"]) == (80, "A")
    assert c.get("/api/v1/public/credit/91110000000000000X/").status_code == 404


def test_list_entry_flow_over_api(api, supervisor, enterprise_a, ent_a):
    s = api(supervisor)
    r = s.post(
        "/api/v1/credit/list-entries/",
        {
            "uscc": ent_a.uscc,
            "list_kind": "bad",
            "rule": "BAD_PENALTY",
            "reason": "罚",
            "authority": "MIIT",
            "notify": False,
        },
        format="json",
    )
    assert r.status_code == 201
    pk = r.json()["id"]
    assert s.post(f"/api/v1/credit/list-entries/{pk}/publish/").status_code == 409
    assert s.post(f"/api/v1/credit/list-entries/{pk}/notify/").status_code == 200
    e = api(enterprise_a)
    r = e.post(f"/api/v1/credit/list-entries/{pk}/objections/", {"grounds": "错误"}, format="json")
    assert r.status_code == 201
    r = s.post(
        f"/api/v1/credit/objections/{r.json()['id']}/decide/",
        {"upheld": True, "answer": "同意"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["status"] == "upheld"
    detail = e.get(f"/api/v1/credit/list-entries/{pk}/").json()
    assert detail["status"] == "removed" and len(detail["events"]) == 4
    assert e.get(f"/api/v1/credit/accounts/{ent_a.uscc}/").json()["score"] == 100


def test_rule_edit_over_api(api, supervisor, officer):
    s = api(supervisor)
    r = s.patch("/api/v1/credit/rules/BAD_PENALTY/", {"points": -25}, format="json")
    assert r.status_code == 200 and r.json()["version"] == 3  # v2: the legal-basis fix (0004)
    assert (
        api(officer).patch("/api/v1/credit/rules/BAD_PENALTY/", {"points": -1}, format="json").status_code
        == 403
    )
    assert s.patch("/api/v1/credit/rules/NOPE/", {"points": -1}, format="json").status_code == 404


def test_public_pages_render(client, ent_a, published):
    published(ent_a)
    r = client.get("/public/lists/?q=甲网络")
    assert r.status_code == 200 and ent_a.uscc in r.content.decode()
    assert client.get(f"/public/credit/{ent_a.uscc}/").status_code == 200
    assert client.get("/public/credit/nope/").status_code == 404


def test_credit_verify_command(ent_a, supervisor, capsys):
    services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="TEST_DEDUCTION")
    call_command("credit_verify")
    assert "0 differences" in capsys.readouterr().out
    assert ListEntry.objects.count() == 0


def test_credit_verify_reports_difference(ent_a, supervisor):
    from django.core.management.base import CommandError

    from credit.models import Account

    services.ledger_post(actor=supervisor, enterprise=ent_a, rule_code="TEST_DEDUCTION")
    Account.objects.filter(pk=ent_a.pk).update(score=99)
    with pytest.raises(CommandError, match="1 accounts differ"):
        call_command("credit_verify")


def test_event_refuses_listing_rules_and_future_times(api, supervisor, ent_a):
    c = api(supervisor)
    r = c.post("/api/v1/credit/events/", {"uscc": ent_a.uscc, "rule": "DISHONEST_REVOKED"}, format="json")
    assert r.status_code == 400 and "rule" in r.json()["errors"]
    future = (timezone.now() + dt.timedelta(days=2)).isoformat()
    r = c.post(
        "/api/v1/credit/events/",
        {"uscc": ent_a.uscc, "rule": "BONUS_EXEMPLARY", "effective_at": future},
        format="json",
    )
    assert r.status_code == 400 and "effective_at" in r.json()["errors"]
    assert LedgerEntry.objects.count() == 0


def test_public_list_page_in_chinese(client, db):
    response = client.get("/public/lists/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    page = response.content.decode()
    assert "列入单位" in page and "Deciding authority" not in page


def test_objection_retry_with_same_key_files_once(api, propose, enterprise_a, ent_a):
    from credit.models import Objection

    entry = propose(ent_a, notify=True)
    c = api(enterprise_a)
    url = f"/api/v1/credit/list-entries/{entry.pk}/objections/"
    first = c.post(url, {"grounds": "处罚决定已撤销"}, format="json", HTTP_IDEMPOTENCY_KEY="obj-1")
    again = c.post(url, {"grounds": "处罚决定已撤销"}, format="json", HTTP_IDEMPOTENCY_KEY="obj-1")
    other = c.post(url, {"grounds": "另一理由"}, format="json", HTTP_IDEMPOTENCY_KEY="obj-1")
    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 409)
    assert first.json() == again.json()
    assert Objection.objects.count() == 1
