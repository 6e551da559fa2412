"""Licensing decisions (双公示, REGULATION.md §7) on the portal: list, filters, detail, the CSV
link of the API with the same filters; held or unpublished decisions never shown."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from licensing.models import DecisionKind, LicensingDecision
from licensing.services.decisions import decision_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def decisions(portal, officer):
    """Three decisions on the portal's licences: two published (a grant in Beijing's licence,
    a revocation), one held back for review (not public)."""
    grant = decision_record(
        actor=officer, kind=DecisionKind.GRANT, licence=portal.lic_a, source_ref="t:grant"
    )
    revoke = decision_record(
        actor=officer, kind=DecisionKind.REVOCATION, licence=portal.lic_b, source_ref="t:revoke"
    )
    held = decision_record(actor=officer, kind=DecisionKind.CHANGE, licence=portal.lic_a, source_ref="t:held")
    LicensingDecision.objects.filter(pk__in=[grant.pk, revoke.pk]).update(published_at=timezone.now())
    # Held back for review (licensing.services.decision_hold's effect): recorded, not published.
    LicensingDecision.objects.filter(pk=held.pk).update(held_reason="内容审查中")
    portal.grant, portal.revoke, portal.held = grant, revoke, held
    return portal


def text(r) -> str:
    return r.content.decode()


def test_list_shows_published_decisions_only(client, decisions):
    r = client.get("/public/licensing-decisions/")
    assert r.status_code == 200
    shown = {d.pk for d in r.context["page"]}
    assert shown == {decisions.grant.pk, decisions.revoke.pk}
    body = text(r)
    assert decisions.grant.document_number in body and decisions.lic_a.number in body
    assert decisions.held.document_number not in body


@pytest.mark.parametrize(
    "query,expect",
    [
        ({"kind": "revocation"}, ["revoke"]),
        ({"q": "华信"}, ["grant"]),  # holder name fragment
        ({"q": "uscc-of-b"}, ["revoke"]),  # exact USCC
        ({"q": "licence-of-a"}, ["grant"]),  # licence number
        ({"authority": "authority-of-a"}, ["grant"]),
        ({"authority": "45"}, []),
        ({"year": "2001"}, []),
        ({"kind": "bogus", "authority": "XX", "year": "19", "page": "x"}, ["grant", "revoke"]),
    ],
)
def test_filters(client, decisions, query, expect):
    query = dict(query)
    if query.get("q") == "uscc-of-b":
        query["q"] = decisions.b.uscc
    if query.get("q") == "licence-of-a":
        query["q"] = decisions.lic_a.number
    if query.get("authority") == "authority-of-a":
        query["authority"] = decisions.lic_a.issuer_id
        assert decisions.lic_b.issuer_id != decisions.lic_a.issuer_id
    r = client.get("/public/licensing-decisions/", query)
    assert r.status_code == 200
    assert sorted(d.pk for d in r.context["page"]) == sorted(getattr(decisions, k).pk for k in expect)


def test_csv_link_is_the_api_with_the_same_filters(client, decisions):
    url = client.get("/public/licensing-decisions/", {"kind": "grant", "year": "2026"}).context["csv_url"]
    parts = urlsplit(url)
    assert parts.path == "/api/v1/public/licensing-decisions/"
    assert parse_qs(parts.query) == {
        "kind": ["grant"],
        "decided_from": ["2026-01-01"],
        "decided_to": ["2026-12-31"],
        "format": ["csv"],
    }
    assert client.get(url).status_code == 200


def test_detail_has_the_published_fields(client, decisions):
    d = decisions.revoke
    body = text(client.get(f"/public/licensing-decisions/{d.pk}/"))
    for value in (d.document_number, d.item, d.content, d.holder_name, d.holder_uscc, d.licence_number):
        assert value in body
    assert d.authority.name_en in body  # English page under the test settings


def test_held_and_unknown_decisions_are_404(client, decisions):
    assert client.get(f"/public/licensing-decisions/{decisions.held.pk}/").status_code == 404
    assert client.get("/public/licensing-decisions/999999/").status_code == 404


def test_nothing_personal(client, decisions):
    from regulator.models import Enterprise

    Enterprise.objects.filter(pk=decisions.a.pk).update(
        contact_phone="13800000001", contact_email="a@example.cn"
    )
    pages = [f"/public/licensing-decisions/{decisions.grant.pk}/", "/public/licensing-decisions/"]
    for body in (text(client.get(p)) for p in pages):
        assert decisions.a.legal_representative not in body
        assert "13800000001" not in body and "a@example.cn" not in body


def test_linked_from_the_portal_navigation(client, decisions):
    assert 'href="/public/licensing-decisions/"' in text(client.get("/public/"))


def test_query_budget(client, decisions, django_assert_max_num_queries):
    client.get("/public/licensing-decisions/")
    with django_assert_max_num_queries(3):
        assert client.get("/public/licensing-decisions/").status_code == 200
