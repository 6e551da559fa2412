"""Issue 17 §4: the public list search does not count every match of a broad fragment. When
the newest-first walk fills the page, ``count`` is a lower bound and ``count_capped`` is
true; when the search indexes answer, every match was visited and ``count`` is exact; paging
goes on while ``next`` is given."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db
URL = "/api/v1/public/lists/"


@pytest.fixture(autouse=True)
def _forget_request_counts():
    """These tests send many public requests from one address: clear the throttle's counts
    afterwards, so that tests run next in the same process are not answered 429."""
    yield
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def two_listed(ent_a, ent_b, published):
    published(ent_a, licence_numbers=["京B2-20170348"])
    published(ent_b, "dishonest", "DISHONEST_REVOKED")


def test_whole_answer_on_one_page_is_an_exact_count(api, two_listed):
    whole = api(None).get(URL).json()
    assert (whole["count"], whole["count_capped"], len(whole["results"])) == (2, False, 2)
    assert whole["next"] is None and whole["previous"] is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the walk is PostgreSQL's; SQLite caps")
def test_a_full_page_counts_a_lower_bound_and_paging_goes_on(api, two_listed):
    c = api(None)
    first = c.get(URL, {"page_size": 1}).json()
    # The walk found this page and one more: "at least 2", not the total.
    assert (first["count"], first["count_capped"], len(first["results"])) == (2, True, 1)
    assert first["next"] and first["previous"] is None
    # The last page: fewer than a page and one more, so the index counted every match.
    second = c.get(URL, {"page_size": 1, "page": 2}).json()
    assert (second["count"], second["count_capped"], second["next"]) == (2, False, None)
    assert second["previous"] and len(second["results"]) == 1
    assert {first["results"][0]["id"], second["results"][0]["id"]} == {
        r["id"] for r in c.get(URL).json()["results"]
    }
    assert c.get(URL, {"page_size": 1, "page": 3}).status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "x", "last", "99999999999"])
def test_bad_page_is_404_not_500(api, two_listed, page):
    r = api(None).get(URL, {"page": page})
    assert r.status_code == 404 and "message" in r.json()


@pytest.mark.parametrize("q", ["海", " 东 ", "B"])
def test_one_character_is_a_400_naming_the_minimum(api, two_listed, q):
    r = api(None).get(URL, {"q": q})
    assert r.status_code == 400
    assert "2 characters" in r.json()["errors"]["q"][0]


def test_schema_documents_the_count_and_the_minimum_length(api, db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    op = schema["paths"]["/api/v1/public/lists/"]["get"]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    props = schema["components"]["schemas"][ref]["properties"]
    assert props["count_capped"]["type"] == "boolean"
    assert "lower bound" in props["count"]["description"] and "Exact" in props["count"]["description"]
    q = next(p for p in op["parameters"] if p["name"] == "q")
    assert "at least" in q["description"] and "400" in q["description"]


@pytest.mark.parametrize(
    "q,walks_order_index",
    [("星河锦程", False), ("东方数", False), ("B2-2017", False), ("东方", True), ("海", True)],
)
def test_search_path_follows_the_fragment_length(q, walks_order_index):
    """The queryset (CSV export, SQLite): a fragment with a trigram (3+ characters) is ordered
    by an expression the newest-first index cannot serve: the planner otherwise walked that
    index for a selective Chinese name and read most of the table (docs/benchmarks.md, issue
    17). 1-2 character fragments have no trigram and keep the ordered walk."""
    from credit import selectors

    sql = str(selectors.public_list_entries(q=q, status="all").query).upper()
    order = sql.rsplit("ORDER BY", 1)[1]
    assert ("COALESCE" not in order) == walks_order_index


def test_pages_deeper_than_served_are_404(api, two_listed, settings):
    settings.TELEREG_CREDIT_SEARCH_MAX_DEPTH = 1
    c = api(None)
    assert c.get(URL, {"page_size": 1}).status_code == 200
    assert c.get(URL, {"page_size": 1, "page": 2}).status_code == 404
