"""The enforcement API: the whole path as each role, access per persona per endpoint,
clear 400s, query budgets, and the public 双公示 endpoints."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credit.models import ListEntry
from enforcement import services
from enforcement.models import Case, CaseStatus, Decision, PenaltyKind
from regulator.models import Role
from tests.conftest import PERSONAS, PROVINCIAL_PERSONAS
from tests.enforcement.conftest import PDF, SH, decide, notice, open_case, past_reply_window
from tests.factories import EnterpriseFactory, UserFactory

BASE = "/api/v1/enforcement"


def _ok(resp, code=200):
    assert resp.status_code == code, resp.content[:500]
    return resp.json()


@pytest.mark.django_db
def test_whole_path_case_to_bad_list_through_the_api(
    api,
    clock,
    ent_a,
    enterprise_a,
    enterprise_b,
    supervisor,
    inspector,
    auditor,
    officer,
    handler,
    supervisor_gd,
    django_capture_on_commit_callbacks,
):
    sup, party = api(supervisor), api(enterprise_a)
    case = _ok(
        sup.post(
            f"{BASE}/cases/",
            {
                "uscc": ent_a.uscc,
                "source_kind": "monitoring",
                "source_ref": "lead-2026-001",
                "facts": "监测发现擅自经营",
                "provisions": "《电信条例》第七条",
                "officers": [supervisor.pk, inspector.pk],
            },
            format="json",
        ),
        201,
    )
    cid = case["id"]
    assert case["authority"] == "MIIT" and case["officers"] == ["supervisor", "inspector"]
    assert party.get(f"{BASE}/cases/{cid}/").status_code == 404  # not before the notice
    _ok(sup.post(f"{BASE}/cases/{cid}/investigate/", {}, format="json"))
    up = SimpleUploadedFile("现场照片.pdf", PDF, content_type="application/pdf")
    ev = _ok(
        sup.post(f"{BASE}/cases/{cid}/evidence/", {"file": up, "description": "现场"}, format="multipart"),
        201,
    )
    _ok(
        sup.post(
            f"{BASE}/cases/{cid}/notice/",
            {"kind": "fine", "amount": "100000", "text": "拟罚款十万元"},
            format="json",
        )
    )
    seen = _ok(party.get(f"{BASE}/cases/{cid}/"))
    assert seen["hearing_right"] is True and "facts" not in seen and "evidence" not in seen
    _ok(party.post(f"{BASE}/cases/{cid}/defences/", {"text": "我司已整改"}, format="json"), 201)
    _ok(party.post(f"{BASE}/cases/{cid}/hearing-request/", {}, format="json"))
    assert api(enterprise_b).get(f"{BASE}/cases/{cid}/").status_code == 404
    chair = UserFactory(role=Role.SUPERVISOR, username="chair")
    _ok(
        sup.post(
            f"{BASE}/cases/{cid}/schedule-hearing/",
            {"hearing_on": "2026-03-20", "place": "听证室", "chair": chair.pk},
            format="json",
        )
    )
    clock.move_to(dt.datetime(2026, 3, 20, 15, tzinfo=SH))
    _ok(sup.post(f"{BASE}/cases/{cid}/hold-hearing/", {"record": "听证笔录"}, format="json"))
    dec = _ok(
        sup.post(
            f"{BASE}/cases/{cid}/decision/",
            {
                "outcome": "penalty",
                "kind": "fine",
                "amount": "80000",
                "title": "擅自经营案",
                "reasons": "擅自经营互联网数据中心业务",
                "legal_basis": "《电信条例》第六十九条",
            },
            format="json",
        ),
        201,
    )
    assert dec["number"] == "工信罚〔2026〕1号"
    with django_capture_on_commit_callbacks(execute=True):
        delivered = _ok(sup.post(f"{BASE}/decisions/{dec['id']}/deliver/", {}, format="json"))
    assert delivered["status"] == "delivered" and delivered["published_at"]
    entry = ListEntry.objects.get(source_ref=f"penalty:{dec['id']}")
    assert entry.list_kind == "bad" and entry.enterprise_id == ent_a.pk
    # The party sees its decision; the auditor reads everything and changes nothing.
    assert [d["number"] for d in _ok(party.get(f"{BASE}/decisions/"))["results"]] == [dec["number"]]
    assert _ok(api(auditor).get(f"{BASE}/cases/{cid}/"))["evidence"][0]["sha256"] == ev["sha256"]
    assert api(auditor).post(f"{BASE}/decisions/{dec['id']}/perform/", {}, format="json").status_code == 403
    for stranger in (officer, handler, inspector, supervisor_gd):
        assert api(stranger).get(f"{BASE}/cases/{cid}/").status_code == 404
    public = _ok(api().get("/api/v1/public/penalties/"))
    assert [p["number"] for p in public["results"]] == [dec["number"]]
    # Paid: the listing is marked fulfilled and the case can close.
    with django_capture_on_commit_callbacks(execute=True):
        _ok(sup.post(f"{BASE}/decisions/{dec['id']}/perform/", {"note": "已缴清"}, format="json"))
    entry.refresh_from_db()
    assert entry.fulfilled_on == dt.date(2026, 3, 20)
    assert _ok(sup.post(f"{BASE}/cases/{cid}/close/", {}, format="json"))["status"] == "closed"


@pytest.mark.django_db
def test_hearing_request_after_the_period_is_a_clear_400(
    api, clock, ent_b, enterprise_b, supervisor_gd, inspector_gd
):
    case = open_case(supervisor_gd, ent_b, officers=[supervisor_gd, inspector_gd], authority="44")
    services.case_investigate(actor=supervisor_gd, case_id=case.pk)
    notice(supervisor_gd, case, amount="100000")
    case.refresh_from_db()
    assert case.reply_due_on == dt.date(2026, 3, 9)  # 5 working days after Monday 2 March
    clock.move_to(dt.datetime(2026, 3, 10, 9, tzinfo=SH))
    resp = api(enterprise_b).post(f"{BASE}/cases/{case.pk}/hearing-request/", {}, format="json")
    assert resp.status_code == 400
    body = resp.json()
    assert (
        body["code"] == "hearing_request_late"
        and "2026-03-09" in body["message"]
        and "hearing" in body["errors"]
    )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.NOTICE_SENT


@pytest.mark.django_db
def test_hearing_request_without_the_right_is_400(api, walk, ent_a, enterprise_a):
    case = walk(ent_a, CaseStatus.NOTICE_SENT, amount="1000")
    resp = api(enterprise_a).post(f"{BASE}/cases/{case.pk}/hearing-request/", {}, format="json")
    assert resp.status_code == 400 and resp.json()["code"] == "no_hearing_right"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"outcome": "penalty", "kind": "fine", "title": "t", "reasons": "r", "legal_basis": "b"}, "amount"),
        ({"outcome": "penalty", "kind": "laser", "title": "t", "reasons": "r", "legal_basis": "b"}, "kind"),
        (
            {"outcome": "penalty", "kind": "revocation", "title": "t", "reasons": "r", "legal_basis": "b"},
            "kind",
        ),
        (
            {
                "outcome": "penalty",
                "kind": "warning",
                "amount": "-1",
                "title": "t",
                "reasons": "r",
                "legal_basis": "b",
            },
            "amount",
        ),
        ({"outcome": "no_penalty", "kind": "fine", "title": "t", "reasons": "r", "legal_basis": "b"}, "kind"),
        ({"outcome": "penalty", "kind": "warning", "title": "", "reasons": "r", "legal_basis": "b"}, "title"),
    ],
)
def test_bad_decision_input_is_400_and_saves_nothing(api, walk, ent_a, supervisor, clock, body, field):
    case = walk(ent_a, CaseStatus.NOTICE_SENT)
    past_reply_window(clock, case)
    resp = api(supervisor).post(f"{BASE}/cases/{case.pk}/decision/", body, format="json")
    assert resp.status_code == 400, resp.content
    assert field in resp.json()["errors"]
    assert Case.objects.get(pk=case.pk).status == CaseStatus.NOTICE_SENT
    assert not Decision.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "ctype", "data", "code"),
    [
        ("a.pdf", "application/pdf", b"MZ\x90\x00 not a pdf", 400),
        ("a.exe", "application/x-msdownload", b"MZ\x90\x00", 400),
        ("a.pdf", "application/pdf", b"", 400),
        ("a.png", "image/png", b"\x89PNG\r\n\x1a\n....", 201),
    ],
)
def test_evidence_type_checked_against_content(api, walk, ent_a, supervisor, name, ctype, data, code):
    case = walk(ent_a, CaseStatus.INVESTIGATING)
    up = SimpleUploadedFile(name, data, content_type=ctype)
    resp = api(supervisor).post(f"{BASE}/cases/{case.pk}/evidence/", {"file": up}, format="multipart")
    assert resp.status_code == code, resp.content
    assert case.evidence.count() == (1 if code == 201 else 0)


@pytest.mark.django_db
def test_evidence_size_limit_and_storage(api, walk, ent_a, supervisor, settings):
    settings.TELEREG_ENFORCEMENT_EVIDENCE_MAX_BYTES = 64
    case = walk(ent_a, CaseStatus.INVESTIGATING)
    big = SimpleUploadedFile("big.pdf", PDF + b"x" * 100, content_type="application/pdf")
    resp = api(supervisor).post(f"{BASE}/cases/{case.pk}/evidence/", {"file": big}, format="multipart")
    assert resp.status_code == 400 and resp.json()["code"] == "too_large"
    ok = SimpleUploadedFile("ok.pdf", PDF, content_type="application/pdf")
    ev = _ok(api(supervisor).post(f"{BASE}/cases/{case.pk}/evidence/", {"file": ok}, format="multipart"), 201)
    row = case.evidence.get()
    assert row.file.read() == PDF  # the bytes are in storage, the row keeps the hash
    import hashlib

    assert ev["sha256"] == hashlib.sha256(PDF).hexdigest() == row.sha256
    got = api(supervisor).get(f"{BASE}/cases/{case.pk}/evidence/{row.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF


# --- access: one test per persona per endpoint ------------------------------------------------


@pytest.fixture
def world(clock, ent_b, supervisor_gd, inspector_gd):
    """A Guangdong case (authority 44) with a delivered fine, its evidence, for ent_b."""
    case = open_case(supervisor_gd, ent_b, officers=[supervisor_gd, inspector_gd], authority="44")
    services.evidence_add(
        actor=supervisor_gd,
        case_id=case.pk,
        upload=SimpleUploadedFile("e.pdf", PDF, content_type="application/pdf"),
    )
    services.case_investigate(actor=supervisor_gd, case_id=case.pk)
    notice(supervisor_gd, case)
    past_reply_window(clock, case)
    dec = decide(supervisor_gd, case)
    services.decision_deliver(actor=supervisor_gd, decision_id=dec.pk)
    return {"case": case.pk, "decision": dec.pk, "evidence": case.evidence.get().pk}


# Who sees the Guangdong case: supervisors and auditors of MIIT or Guangdong, and the party.
SEES = {"supervisor", "auditor", "supervisor_gd", "auditor_gd", "enterprise_b"}
HANDLES = {"supervisor", "supervisor_gd"}
ALL = (*PERSONAS, *PROVINCIAL_PERSONAS, "enterprise_b")


def _expect(name: str, *, write: bool, staff_only: bool = False) -> int:
    if name == "anon":
        return 401
    visible = SEES - ({"enterprise_b"} if staff_only else set())
    if name not in visible:
        return 404
    if write and name not in HANDLES:
        return 403
    return 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", ALL)
def test_access_case_detail(name, as_persona, world):
    _user, client = as_persona(name)
    assert client.get(f"{BASE}/cases/{world['case']}/").status_code == _expect(name, write=False)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ALL)
def test_access_case_list(name, as_persona, world):
    _user, client = as_persona(name)
    resp = client.get(f"{BASE}/cases/")
    if name == "anon":
        assert resp.status_code == 401
        return
    ids = [c["id"] for c in resp.json()["results"]]
    assert ids == ([world["case"]] if name in SEES else [])


@pytest.mark.django_db
@pytest.mark.parametrize("name", ALL)
def test_access_case_action(name, as_persona, world):
    _user, client = as_persona(name)
    resp = client.post(f"{BASE}/cases/{world['case']}/enforce/", {"reason": "x"}, format="json")
    expected = _expect(name, write=True)
    if name == "enterprise_b":
        expected = 404  # the party never reaches a handler's step
    # Handlers reach the service, which refuses: the fine is not overdue (409).
    assert resp.status_code == (409 if expected == 200 else expected)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ALL)
def test_access_decision_detail_and_list(name, as_persona, world):
    _user, client = as_persona(name)
    assert client.get(f"{BASE}/decisions/{world['decision']}/").status_code == _expect(name, write=False)
    resp = client.get(f"{BASE}/decisions/")
    if name != "anon":
        assert [d["id"] for d in resp.json()["results"]] == ([world["decision"]] if name in SEES else [])


@pytest.mark.django_db
@pytest.mark.parametrize("name", ALL)
def test_access_decision_action(name, as_persona, world):
    _user, client = as_persona(name)
    resp = client.post(f"{BASE}/decisions/{world['decision']}/publish/", {}, format="json")
    expected = 404 if name == "enterprise_b" else _expect(name, write=True)
    assert resp.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("name", ALL)
def test_access_party_steps(name, as_persona, world):
    """Defence and hearing request: only the party (the case is decided: 409 for it)."""
    _user, client = as_persona(name)
    resp = client.post(f"{BASE}/cases/{world['case']}/defences/", {"text": "申辩"}, format="json")
    expected = {"anon": 401, "enterprise_b": 409}.get(name, 403 if name in SEES else 404)
    assert resp.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("name", ALL)
def test_access_evidence(name, as_persona, world):
    _user, client = as_persona(name)
    got = client.get(f"{BASE}/cases/{world['case']}/evidence/{world['evidence']}/")
    assert got.status_code == _expect(name, write=False, staff_only=True)
    up = SimpleUploadedFile("n.png", b"\x89PNG\r\n\x1a\nxx" + name.encode(), content_type="image/png")
    resp = client.post(f"{BASE}/cases/{world['case']}/evidence/", {"file": up}, format="multipart")
    expected = _expect(name, write=True, staff_only=True)
    assert resp.status_code == (201 if expected == 200 else expected)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ALL)
def test_access_open_case(name, as_persona, ent_b, supervisor_gd, inspector_gd):
    user, client = as_persona(name)
    officers = [supervisor_gd.pk, inspector_gd.pk]
    body = {
        "uscc": ent_b.uscc,
        "source_kind": "manual",
        "facts": "f",
        "provisions": "p",
        "authority": "44",
        "officers": officers,
    }
    resp = client.post(f"{BASE}/cases/", body, format="json")
    expected = {"anon": 401, "supervisor": 201, "supervisor_gd": 201}.get(name, 404)
    assert resp.status_code == expected, resp.content


@pytest.mark.django_db
def test_provincial_supervisor_opens_only_for_own_authority(api, ent_a, supervisor_gd, inspector_gd):
    body = {
        "uscc": ent_a.uscc,
        "source_kind": "manual",
        "facts": "f",
        "provisions": "p",
        "authority": "11",
        "officers": [supervisor_gd.pk, inspector_gd.pk],
    }
    resp = api(supervisor_gd).post(f"{BASE}/cases/", body, format="json")
    assert resp.status_code == 400 and "authority" in resp.json()["errors"]


@pytest.mark.django_db
def test_officers_handle_licence_matters_only(api, walk, ent_a, officer, officer_gd, licence_a, inspector):
    plain = walk(ent_a, CaseStatus.INVESTIGATING)
    licence_case = walk(ent_a, CaseStatus.INVESTIGATING, licence=licence_a)
    assert api(officer).get(f"{BASE}/cases/{plain.pk}/").status_code == 404
    assert api(officer).get(f"{BASE}/cases/{licence_case.pk}/").status_code == 200
    assert api(officer_gd).get(f"{BASE}/cases/{licence_case.pk}/").status_code == 404  # MIIT's case
    resp = api(officer).post(
        f"{BASE}/cases/{licence_case.pk}/extend/", {"days": 10, "reason": "复杂"}, format="json"
    )
    assert resp.status_code == 200


@pytest.mark.django_db
def test_case_list_query_budget(api, walk, ent_a, supervisor, django_assert_max_num_queries):
    for _ in range(3):
        walk(ent_a, CaseStatus.INVESTIGATING)
    client = api(supervisor)
    with django_assert_max_num_queries(4) as small:
        client.get(f"{BASE}/cases/")
    for _ in range(5):
        walk(ent_a, CaseStatus.NOTICE_SENT)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"{BASE}/cases/").json()["count"] == 8


# --- public 双公示 -------------------------------------------------------------------------------


@pytest.fixture
def published_world(walk, clock, supervisor, ent_a):
    """One published fine, one decided but undelivered (unpublished), one annulled."""
    live = walk(ent_a, CaseStatus.DECIDED, amount="30000").decisions.get()
    services.decision_deliver(actor=supervisor, decision_id=live.pk)
    unpublished = walk(ent_a, CaseStatus.DECIDED, kind=PenaltyKind.WARNING).decisions.get()
    gone = walk(ent_a, CaseStatus.DECIDED, amount="40000").decisions.get()
    services.decision_deliver(actor=supervisor, decision_id=gone.pk)
    services.decision_annul(
        actor=supervisor, decision_id=gone.pk, annulment_kind="court", reference="判决", reason="撤销"
    )
    return {
        "live": Decision.objects.get(pk=live.pk),
        "unpublished": unpublished,
        "gone": Decision.objects.get(pk=gone.pk),
    }


@pytest.mark.django_db
def test_public_penalties_nothing_unpublished_or_personal(api, published_world, ent_a, supervisor, inspector):
    resp = api().get("/api/v1/public/penalties/")
    body = resp.json()
    numbers = {p["number"]: p for p in body["results"]}
    assert set(numbers) == {published_world["live"].number, published_world["gone"].number}
    assert numbers[published_world["gone"].number]["annulled"] is True
    assert numbers[published_world["live"].number]["annulled"] is False
    row = numbers[published_world["live"].number]
    assert row["enterprise_uscc"] == ent_a.uscc and row["authority"] == "MIIT" and row["kind"] == "fine"
    text = resp.content.decode()
    for secret in (
        ent_a.legal_representative,
        supervisor.username,
        inspector.username,
        "facts",
        "evidence",
        "sha256",
    ):
        assert secret not in text
    assert set(row) == {
        "number",
        "title",
        "kind",
        "kind_name",
        "reasons",
        "legal_basis",
        "enterprise_name",
        "enterprise_uscc",
        "result",
        "authority",
        "authority_name",
        "decided_on",
        "published_at",
        "annulled",
        "annulled_on",
        "superseded_by",
        "supersedes",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expect"),
    [
        ("annulled=true", {"gone"}),
        ("annulled=false", {"live"}),
        ("kind=warning", set()),
        ("authority=44", set()),
    ],
)
def test_public_penalties_filters(api, published_world, query, expect):
    got = {p["number"] for p in api().get(f"/api/v1/public/penalties/?{query}").json()["results"]}
    assert got == {published_world[k].number for k in expect}


@pytest.mark.django_db
def test_public_penalties_search_and_bad_filter(api, published_world, ent_a):
    assert api().get(f"/api/v1/public/penalties/?q={ent_a.uscc}").json()["count"] == 2
    assert api().get("/api/v1/public/penalties/?q=不存在的公司").json()["count"] == 0
    assert api().get("/api/v1/public/penalties/?authority=XX").status_code == 400
    assert api().get("/api/v1/public/penalties/?page=99").status_code == 404


@pytest.mark.django_db
def test_public_penalties_csv(api, published_world, supervisor, walk, ent_a):
    dec = walk(ent_a, CaseStatus.DECIDED, kind=PenaltyKind.WARNING).decisions.get()
    new = services.decision_correct(
        actor=supervisor, decision_id=dec.pk, reason="更正", title="=HYPERLINK(1)"
    )
    services.decision_deliver(actor=supervisor, decision_id=new.pk)
    resp = api().get("/api/v1/public/penalties/?format=csv")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/csv")
    text = b"".join(resp.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("number,title,kind")
    assert len(lines) == 4
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text


@pytest.mark.django_db
def test_public_changes_feed(api, published_world, clock, supervisor):
    before = "2026-01-01T00:00:00+08:00"
    rows = api().get("/api/v1/public/penalties/changes/", {"since": before}).json()["results"]
    assert {r["number"]: r["change"] for r in rows} == {
        published_world["live"].number: "added",
        published_world["gone"].number: "annulled",
    }
    clock.shift(dt.timedelta(days=1))
    mark = dt.datetime.now(tz=SH).isoformat()
    empty = api().get("/api/v1/public/penalties/changes/", {"since": mark})
    assert empty.json()["results"] == [], empty.content
    clock.shift(dt.timedelta(hours=1))
    services.decision_annul(
        actor=supervisor,
        decision_id=published_world["live"].pk,
        annulment_kind="reconsideration",
        reference="复议",
        reason="撤销",
    )
    rows = api().get("/api/v1/public/penalties/changes/", {"since": mark}).json()["results"]
    assert [(r["number"], r["change"]) for r in rows] == [(published_world["live"].number, "annulled")]
    assert api().get("/api/v1/public/penalties/changes/?since=nonsense").status_code == 400


@pytest.mark.django_db
def test_public_list_query_budget(api, walk, supervisor, ent_a, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            d = walk(ent_a, CaseStatus.DECIDED).decisions.get()
            services.decision_deliver(actor=supervisor, decision_id=d.pk)

    add(2)
    with django_assert_max_num_queries(3) as small:
        api().get("/api/v1/public/penalties/")
    add(4)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert api().get("/api/v1/public/penalties/").json()["count"] == 6


@pytest.mark.django_db
def test_other_enterprise_cannot_defend(api, walk, ent_a):
    case = walk(ent_a, CaseStatus.NOTICE_SENT)
    other = UserFactory(role=Role.ENTERPRISE, enterprise=EnterpriseFactory())
    assert (
        api(other).post(f"{BASE}/cases/{case.pk}/defences/", {"text": "x"}, format="json").status_code == 404
    )


@pytest.mark.django_db
def test_party_never_sees_a_case_withdrawn_before_the_notice(api, walk, ent_a, enterprise_a, supervisor):
    internal = walk(ent_a, CaseStatus.WITHDRAWN)
    noticed = walk(ent_a, CaseStatus.NOTICE_SENT)
    services.case_withdraw(actor=supervisor, case_id=noticed.pk, reason="撤销")
    client = api(enterprise_a)
    assert client.get(f"{BASE}/cases/{internal.pk}/").status_code == 404
    assert [c["id"] for c in client.get(f"{BASE}/cases/").json()["results"]] == [noticed.pk]


@pytest.mark.django_db
def test_party_sees_a_delivered_no_penalty_decision(api, walk, ent_a, enterprise_a, supervisor):
    case = walk(ent_a, CaseStatus.INVESTIGATING)
    dec = decide(supervisor, case, outcome="no_penalty")
    assert api(enterprise_a).get(f"{BASE}/cases/{case.pk}/").status_code == 404
    services.decision_deliver(actor=supervisor, decision_id=dec.pk)
    body = _ok(api(enterprise_a).get(f"{BASE}/cases/{case.pk}/"))
    assert [d["outcome"] for d in body["decisions"]] == ["no_penalty"]


@pytest.mark.django_db
def test_public_pages(client, published_world, ent_a):
    page = client.get("/public/penalties/")
    assert page.status_code == 200
    html = page.content.decode()
    assert published_world["live"].number in html and published_world["gone"].number in html
    assert published_world["unpublished"].number not in html
    assert ent_a.legal_representative not in html
    one = client.get(f"/public/penalties/{published_world['gone'].pk}/")
    assert one.status_code == 200 and "This decision was annulled on" in one.content.decode()
    assert client.get(f"/public/penalties/{published_world['unpublished'].pk}/").status_code == 404
    assert client.get("/public/penalties/?kind=bogus&authority=ZZ&page=x").status_code == 200


@pytest.mark.django_db
def test_chinese_messages(api, walk, ent_a, enterprise_a, clock):
    case = walk(ent_a, CaseStatus.NOTICE_SENT, amount="100000")
    clock.move_to(dt.datetime(2026, 3, 20, 9, tzinfo=SH))
    resp = api(enterprise_a).post(
        f"{BASE}/cases/{case.pk}/hearing-request/", {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert resp.status_code == 400 and resp.json()["message"] == "要求听证的期限已于 2026-03-09 届满。"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ALL)
def test_access_hearing_request(name, as_persona, world):
    """Only the party asks for a hearing (here too late: the case is decided, 409)."""
    _user, client = as_persona(name)
    resp = client.post(f"{BASE}/cases/{world['case']}/hearing-request/", {}, format="json")
    expected = {"anon": 401, "enterprise_b": 409}.get(name, 403 if name in SEES else 404)
    assert resp.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("name", ALL)
def test_access_public_endpoints(name, as_persona, world):
    """The public 双公示 endpoints answer everyone alike (no login needed, none used)."""
    _user, client = as_persona(name)
    rows = client.get("/api/v1/public/penalties/").json()["results"]
    assert [r["number"] for r in rows] == [Decision.objects.get(pk=world["decision"]).number]
    assert (
        client.get("/api/v1/public/penalties/changes/", {"since": "2026-01-01T00:00:00Z"}).status_code == 200
    )
