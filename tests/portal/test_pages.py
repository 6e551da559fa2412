"""The public portal's pages through Django's test client: what each shows, what it hides,
and how many queries it costs (no N+1: the budget holds whatever the data size)."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings

from regulator import charts
from tests.conftest import PERSONAS, PROVINCIAL_PERSONAS
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def text(r) -> str:
    return r.content.decode()


@pytest.mark.parametrize("url", ["/", "/public/"])
def test_home_has_the_search_box_and_links(client, url):
    r = client.get(url)
    assert r.status_code == 200
    body = text(r)
    assert 'name="q"' in body and '<label for="q">' in body
    assert "/public/lists/" in body and "/public/licences/" in body


def test_home_and_pages_are_chinese_by_default(client):
    with override_settings(LANGUAGE_CODE="zh-hans"):
        body = text(client.get("/public/"))
    assert '<html lang="zh-Hans">' in body and "查询电信业务经营者" in body


def test_search_by_name_uscc_and_licence_number(client, portal):
    assert portal.a.uscc in text(client.get("/public/", {"q": "华信"}))
    r = client.get("/public/", {"q": portal.b.uscc.lower()})
    assert r.context["results"] == [portal.b]
    r = client.get("/public/", {"q": portal.lic_b.number})
    assert r.context["results"] == [portal.b]
    r = client.get("/public/", {"q": "没有这家公司"})
    assert r.context["results"] == [] and "Nothing matches" in text(r)


def test_search_is_capped_and_costs_a_fixed_number_of_queries(client, portal, django_assert_max_num_queries):
    EnterpriseFactory.create_batch(60, name="批量网络科技有限公司")
    with django_assert_max_num_queries(3):
        r = client.get("/public/", {"q": "批量"})
    assert len(r.context["results"]) == 50


def test_enterprise_page_shows_where_it_stands(client, portal):
    r = client.get(f"/public/enterprises/{portal.a.uscc}/")
    assert r.status_code == 200
    body = text(r)
    anchors = [s["anchor"] for s in r.context["sections"]]
    assert anchors[:2] == ["licences", "credit"]
    assert portal.lic_a.number in body and "Internet data centre (IDC)" in body  # English page
    assert "未按期报送2025年度年报" in body  # active listing
    assert f'data-testid="score">{portal.score_a}<' in body
    assert 'data-testid="yearly-grade">AA<' in body  # the grade fixed for last year (§2.4)
    # The score chart: one point per month, the last one is today's score, three grade lines.
    credit = r.context["sections"][1]
    assert credit["score_history"][-1][1] == portal.score_a
    assert len(credit["score_history"]) == 24
    assert body.count('class="target"') == 3 and "<svg" in body
    # Only the register's public columns: no legal representative, address or phone.
    assert portal.a.registered_address not in body and portal.a.legal_representative not in body


def test_enterprise_page_in_chinese_names_services_in_chinese(client, portal):
    client.post("/i18n/setlang/", {"language": "zh-hans"})
    body = text(client.get(f"/public/enterprises/{portal.a.uscc}/"))
    assert "互联网数据中心业务" in body and "Internet data centre" not in body


def test_unknown_enterprise_is_404(client, db):
    assert client.get("/public/enterprises/91110105MA00000000/").status_code == 404


def test_lists_filter_page_and_mark_removed(client, portal):
    r = client.get("/public/lists/")
    assert [e.pk for e in r.context["page"]] == [portal.listed.pk]
    r = client.get("/public/lists/", {"status": "removed"})
    assert [e.pk for e in r.context["page"]] == [portal.gone.pk]
    assert "badge ok" in text(r)
    r = client.get("/public/lists/", {"status": "all", "province": "31"})
    assert [e.pk for e in r.context["page"]] == [portal.gone.pk]
    r = client.get("/public/lists/", {"status": "all", "list": "dishonest"})
    assert list(r.context["page"]) == []
    # Bad filter values fall back to the defaults, never a 500.
    r = client.get("/public/lists/", {"status": "nope", "list": "x", "province": "zz", "page": "9999"})
    assert r.status_code == 200 and r.context["f"]["status"] == "active"


def test_lists_csv_link_carries_the_filters(client, portal):
    r = client.get("/public/lists/", {"q": "华信", "status": "all"})
    url = r.context["csv_url"]
    parts = urlsplit(url)
    assert parts.path == "/api/v1/public/lists/"
    assert parse_qs(parts.query) == {"q": ["华信"], "status": ["all"], "format": ["csv"]}
    csv = client.get(url)
    assert csv.status_code == 200 and portal.a.uscc in b"".join(csv.streaming_content).decode()


def test_lists_paging(client, portal, published_many):
    r = client.get("/public/lists/", {"status": "all"})
    assert r.context["page"].paginator.num_pages == 2
    assert 'rel="next"' in text(r) and "status=all" in text(r)
    r = client.get("/public/lists/", {"status": "all", "page": 2})
    assert r.context["page"].number == 2 and 'rel="prev"' in text(r)


def test_entry_detail(client, portal):
    body = text(client.get(f"/public/lists/{portal.listed.pk}/"))
    for value in ("未按期报送2025年度年报", "北京市通信管理局", portal.listed.legal_basis):
        assert value in body
    assert portal.listed.published_on.isoformat() in body
    body = text(client.get(f"/public/lists/{portal.gone.pk}/"))
    assert "Removed from the list" in body and portal.gone.end_on.isoformat() in body


def test_unpublished_entry_is_404(client, portal, propose):
    entry = propose(portal.b)
    assert entry.published_on is None
    assert client.get(f"/public/lists/{entry.pk}/").status_code == 404
    assert client.get("/public/lists/999999/").status_code == 404


def test_licence_page_qr_and_print(client, portal):
    lic = portal.lic_a
    r = client.get(f"/public/licences/{lic.number}/")
    assert r.status_code == 200
    ver = lic.versions.get(version=lic.version)
    q = parse_qs(urlsplit(r.context["check_url"]).query)
    assert q == {"n": [lic.number], "v": [str(ver.version)], "h": [ver.document_sha256], "s": [ver.signature]}
    assert "<svg" in text(r) and 'id="licence-qr"' in text(r)
    assert json.loads(r.context["document_json"]) == ver.document
    p = client.get(f"/public/licences/{lic.number}/print/")
    assert p.status_code == 200 and "licence-sheet" in text(p) and ver.signature in text(p)
    assert client.get("/public/licences/京B2-29990001/").status_code == 404
    assert client.get("/public/licences/not-a-number/print/").status_code == 404


@pytest.mark.parametrize(
    "change,verdict",
    [
        (None, "valid"),
        ("suspend", "suspended"),
        ("revoke", "revoked"),
        ("cancel", "cancelled"),
        ("withdraw", "withdrawn"),
        ("renew", "superseded"),
    ],
)
def test_qr_check_tells_the_status(client, portal, change, verdict):
    from licensing import services

    lic = portal.lic_a
    ver = lic.versions.get(version=lic.version)
    url = client.get(f"/public/licences/{lic.number}/").context["check_url"]
    if change == "suspend":
        services.licence_suspend(actor="t", licence_id=lic.pk, reason="检查")
    elif change == "revoke":
        # The bare transition: licence_revoke also lists the holder (credit), not needed here.
        services.licence_transition(licence_id=lic.pk, to="revoked", actor="t", reason="承诺不实")
    elif change == "withdraw":
        services.licence_transition(licence_id=lic.pk, to="withdrawn", actor="t", reason="以欺骗手段取得")
    elif change == "cancel":
        services.licence_cancel(actor="t", licence_id=lic.pk, reason="企业申请注销")
    elif change == "renew":
        services.licence_suspend(actor="t", licence_id=lic.pk, reason="检查")
        services.licence_reinstate(actor="t", licence_id=lic.pk, reason="整改完成")
    r = client.get(url)
    assert r.context["result"]["verdict"] == verdict, r.context["result"]
    assert f'data-verdict="{verdict}"' in text(r)
    assert ver.signature  # the old code still names version 1


def test_qr_check_refuses_forgeries(client, portal):
    lic = portal.lic_a
    ver = lic.versions.get(version=lic.version)
    base = {"n": lic.number, "v": ver.version, "h": ver.document_sha256, "s": ver.signature}
    other = portal.lic_b.versions.order_by("-version").first()
    for bad in (
        {"h": "0" * 64},
        {"s": other.signature},
        {"v": 99},
        {"v": "x"},
        {"n": "京B2-29990001"},
        {"s": "not base64!"},
    ):
        r = client.get("/public/licences/check/", {**base, **bad})
        assert r.status_code == 200
        assert "Not genuine" in text(r), bad
        assert lic.enterprise.name not in text(r)  # nothing shown from a forged code


def test_pasted_document_verdicts(client, portal):
    lic = portal.lic_a
    ver = lic.versions.get(version=lic.version)
    doc = json.dumps(ver.document, ensure_ascii=False)
    r = client.post("/public/licences/verify/", {"document": doc, "signature": ver.signature})
    assert r.context["result"]["verdict"] == "valid"
    tampered = json.dumps(dict(ver.document, holder={**ver.document["holder"], "name": "别家公司"}))
    r = client.post("/public/licences/verify/", {"document": tampered, "signature": ver.signature})
    assert r.context["result"]["verdict"] == "invalid_signature" and "Not genuine" in text(r)
    r = client.post("/public/licences/verify/", {"document": "{not json", "signature": ""})
    assert r.status_code == 200 and "Not genuine" in text(r)
    r = client.post("/public/licences/verify/", {"document": "[1, 2]", "signature": "x"})
    assert r.status_code == 200 and r.context["result"]["verdict"] == "malformed"


def test_chart_escapes_and_scales():
    svg = charts.render(
        charts.Chart(
            title="<script>",
            labels=["2026-01", "2026-02"],
            series=[charts.Series("a&b", [1, None])],
            targets=[charts.Target(0.9, "target")],
            y_min=0,
            y_max=1,
        )
    )
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "a&amp;b" in svg
    assert svg.count("<circle") == 1 and 'data-target="0.9"' in svg


# Query budgets: each page's cost is fixed, whatever the number of entries or licences.
BUDGETS = {
    "/public/": 2,
    "/public/?q=网络": 4,
    # One or two queries per section (register, licences, credit ×4, penalties, inspections
    # with their items, complaints), whatever the number of rows in each.
    "/public/enterprises/{a}/": 12,
    "/public/credit/{a}/": 7,
    "/public/lists/?status=all": 4,
    "/public/lists/{listed}/": 3,
    "/public/licences/?number={lic_a}": 4,
    "/public/licences/{lic_a}/": 4,
    "/public/licences/{lic_a}/print/": 4,
}


@pytest.mark.parametrize("pattern,budget", list(BUDGETS.items()))
def test_query_budget(client, portal, published_many, pattern, budget, django_assert_max_num_queries):
    url = pattern.format(a=portal.a.uscc, listed=portal.listed.pk, lic_a=portal.lic_a.number)
    client.get(url)  # warm caches (calendar, keys) like a running server
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("persona", PERSONAS + PROVINCIAL_PERSONAS)
def test_every_persona_sees_the_public_view_only(request, client, portal, propose, persona):
    """Public pages read published data whoever asks: a signed-in officer or the enterprise
    itself sees no unpublished entry and no register detail beyond name, USCC and province."""
    user = request.getfixturevalue(persona) if persona != "anon" else None
    if user is not None:
        client.force_login(user)
    hidden = propose(portal.a, reason="尚未公示的拟列入决定")
    for url in ("/public/lists/?status=all", f"/public/enterprises/{portal.a.uscc}/"):
        body = text(client.get(url))
        assert "尚未公示的拟列入决定" not in body, (persona, url)
        assert portal.a.registered_address not in body
    assert client.get(f"/public/lists/{hidden.pk}/").status_code == 404
