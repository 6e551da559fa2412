"""Issue 17 §4: the public list search does not count every match of a broad fragment: the
count stops at CREDIT_PUBLIC_COUNT_CAP and says so (``count_capped``); paging goes on while
full pages come back."""

import pytest

pytestmark = pytest.mark.django_db
URL = "/api/v1/public/lists/"


@pytest.fixture
def two_listed(ent_a, ent_b, published):
    published(ent_a, licence_numbers=["京B2-20170348"])
    published(ent_b, "dishonest", "DISHONEST_REVOKED")


def test_exact_count_below_the_cap(api, two_listed, settings):
    settings.TELEREG_CREDIT_PUBLIC_COUNT_CAP = 5
    c = api(None)
    first = c.get(URL, {"page_size": 1}).json()
    assert (first["count"], first["count_capped"], len(first["results"])) == (2, False, 1)
    assert first["next"] and first["previous"] is None
    second = c.get(URL, {"page_size": 1, "page": 2}).json()
    assert (second["count"], second["next"], len(second["results"])) == (2, None, 1)
    assert c.get(URL, {"page_size": 1, "page": 3}).status_code == 404
    # Everything on the first page: that page is the count, no count statement needed.
    whole = c.get(URL).json()
    assert (whole["count"], whole["count_capped"], len(whole["results"])) == (2, False, 2)


def test_count_stops_at_the_cap_and_paging_goes_on(api, two_listed, settings):
    settings.TELEREG_CREDIT_PUBLIC_COUNT_CAP = 1
    c = api(None)
    first = c.get(URL, {"page_size": 1}).json()
    assert (first["count"], first["count_capped"]) == (1, True)
    assert first["next"]  # more than the count says: the next page is offered
    second = c.get(URL, {"page_size": 1, "page": 2}).json()
    assert len(second["results"]) == 1 and second["previous"]
    seen = {first["results"][0]["id"], second["results"][0]["id"]}
    assert len(seen) == 2
    assert c.get(URL, {"page_size": 1, "page": 3}).status_code == 404


@pytest.mark.parametrize("page", ["0", "-1", "x", "last", "99999999999"])
def test_bad_page_is_404_not_500(api, two_listed, page):
    r = api(None).get(URL, {"page": page})
    assert r.status_code == 404 and "message" in r.json()


def test_schema_documents_the_capped_count(api, db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    op = schema["paths"]["/api/v1/public/lists/"]["get"]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    props = schema["components"]["schemas"][ref]["properties"]
    assert props["count_capped"]["type"] == "boolean" and "CAP" in props["count"]["description"]


@pytest.mark.parametrize(
    "q,walks_order_index",
    [("星河锦程", False), ("东方数", False), ("B2-2017", False), ("东方", True), ("海", True)],
)
def test_search_path_follows_the_fragment_length(q, walks_order_index):
    """A fragment with a trigram (3+ characters) must be ordered by an expression the
    newest-first index cannot serve: the planner otherwise walked that index for a selective
    Chinese name and read most of the table (docs/benchmarks.md, issue 17). 1-2 character
    fragments have no trigram and keep the ordered walk."""
    from credit import selectors

    sql = str(selectors.public_list_entries(q=q, status="all").query).upper()
    order = sql.rsplit("ORDER BY", 1)[1]
    assert ("COALESCE" not in order) == walks_order_index
