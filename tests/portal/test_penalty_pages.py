"""Penalty decisions (双公示, REGULATION.md §7) on the portal: list, filters, detail,
annulled marked, CSV link, the enterprise page's section; nothing unpublished."""

from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.django_db


def text(r) -> str:
    return r.content.decode()


def test_list_shows_published_decisions_and_marks_annulled(client, portal):
    r = client.get("/public/penalties/")
    assert r.status_code == 200
    assert [d.pk for d, _result in r.context["rows"]] == [portal.annulled.pk, portal.fine.pk]
    body = text(r)
    assert portal.fine.number in body and "CNY 30,000.00" in body
    assert body.count('class="removed"') == 1 and "Annulled" in body


@pytest.mark.parametrize(
    "query,expect",
    [
        ({"annulled": "true"}, ["annulled"]),
        ({"annulled": "false"}, ["fine"]),
        ({"q": "华信"}, ["fine"]),
        ({"province": "44"}, ["annulled"]),
        ({"kind": "warning"}, []),
        ({"kind": "bogus", "year": "19", "annulled": "maybe", "page": "x"}, ["annulled", "fine"]),
    ],
)
def test_filters(client, portal, query, expect):
    r = client.get("/public/penalties/", query)
    assert r.status_code == 200
    assert sorted(d.pk for d, _r in r.context["rows"]) == sorted(getattr(portal, k).pk for k in expect)


def test_csv_link_carries_the_filters(client, portal):
    url = client.get("/public/penalties/", {"q": "华信", "annulled": "false"}).context["csv_url"]
    parts = urlsplit(url)
    assert parts.path == "/api/v1/public/penalties/"
    assert parse_qs(parts.query) == {"q": ["华信"], "annulled": ["false"], "format": ["csv"]}
    assert client.get(url).status_code == 200


def test_detail_has_reasons_basis_authority_dates(client, portal):
    d = portal.fine
    body = text(client.get(f"/public/penalties/{d.pk}/"))
    for value in (d.number, d.reasons, d.legal_basis, d.decided_on.isoformat(), d.enterprise_uscc):
        assert value in body
    assert d.authority.name_en in body  # the authority's English name on an English page
    body = text(client.get(f"/public/penalties/{portal.annulled.pk}/"))
    assert "This decision was annulled on" in body and portal.annulled.annulled_on.isoformat() in body


def test_nothing_unpublished_or_personal(client, portal):
    from enforcement.models import Decision

    Decision.objects.filter(pk=portal.fine.pk).update(published_at=None)
    assert client.get(f"/public/penalties/{portal.fine.pk}/").status_code == 404
    body = text(client.get("/public/penalties/"))
    assert portal.fine.number not in body
    assert portal.a.legal_representative not in body and portal.fine.decided_by not in body


def test_enterprise_page_has_the_penalties_section(client, portal):
    r = client.get(f"/public/enterprises/{portal.a.uscc}/")
    anchors = [s["anchor"] for s in r.context["sections"]]
    assert anchors[:3] == ["licences", "credit", "penalties"]
    assert portal.fine.number in text(r)
    assert portal.annulled.number not in text(r)  # another enterprise's decision


def test_query_budget(client, portal, django_assert_max_num_queries):
    client.get("/public/penalties/")
    with django_assert_max_num_queries(3):
        assert client.get("/public/penalties/").status_code == 200
    with django_assert_max_num_queries(2):
        assert client.get(f"/public/penalties/{portal.fine.pk}/").status_code == 200
