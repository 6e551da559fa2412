"""Issue 17 §4: the stages of credit.search.public_page on PostgreSQL (walk, probe of the
newest months, index) give the same pages as the plain ordered filter, use the indexes they
are meant to, and send a fixed number of statements (1 when the walk fills the page, 2 when
the probe or the indexes answer)."""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credit import search
from credit.models import ListEntry, Rule
from tests.factories import EnterpriseFactory

# The two paths are PostgreSQL's (raw SQL on its indexes); SQLite (the demo) takes the ORM
# path, tested by test_orm_path_counts_up_to_the_cap, which runs on both.
pytestmark = pytest.mark.django_db
pg_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL search paths")
URL = "/api/v1/public/lists/"


@pytest.fixture(autouse=True)
def _forget_request_counts():
    """These tests send many public requests from one address: clear the throttle's counts
    afterwards, so that tests run next in the same process are not answered 429."""
    yield
    from django.core.cache import cache

    cache.clear()


NAMES = [
    "深圳东方数智网络科技有限公司",
    "北京麒麟信息技术有限公司",
    "上海星河锦程通信服务有限公司",
    "杭州东方云端数据科技有限公司",
]
PROVINCES = ["44", "11", "31", "33"]


@pytest.fixture
def entries(db):
    """40 entries over 40 days (newest last), names, provinces, lists and statuses cycling;
    one unpublished entry that no search may show."""
    ents = [EnterpriseFactory() for _ in range(4)]
    rule = Rule.objects.get(code="BAD_PENALTY")
    day = dt.date(2026, 1, 1)
    rows = []
    for i in range(40):
        rows.append(
            ListEntry(
                enterprise=ents[i % 4],
                enterprise_name=NAMES[i % 4],
                enterprise_uscc=ents[i % 4].uscc,
                province=PROVINCES[i % 4],
                licence_numbers=f"粤B2-2017{i:04d}" if i % 2 else "",
                list_kind="dishonest" if i % 5 == 0 else "bad",
                rule=rule,
                rule_version=1,
                reason="行政处罚",
                authority="通信管理局",
                status="removed" if i % 3 == 0 else "published",
                decided_on=day + dt.timedelta(days=i),
                published_on=day + dt.timedelta(days=i // 2),  # ties: id breaks them
            )
        )
    rows.append(
        ListEntry(
            enterprise=ents[0], enterprise_name="深圳东方未公示有限公司", enterprise_uscc=ents[0].uscc,
            province="44", list_kind="bad", rule=rule, rule_version=1, reason="拟列入",
            authority="通信管理局", status="notified", decided_on=day,
        )
    )  # fmt: skip
    ListEntry.objects.bulk_create(rows)
    return ents


def _grow() -> None:
    """5,000 more published entries, named otherwise and all in Beijing, so that an index
    lookup (or a province's own walk) is worth it to the planner."""
    with connection.cursor() as cur:
        cur.execute(
            """INSERT INTO credit_listentry (enterprise_id, enterprise_name, enterprise_uscc, province,
                   licence_numbers, list_kind, rule_id, rule_version, reason, legal_basis, authority,
                   source_ref, status, removal_reason, decided_on, published_on, calendar_version,
                   created_at, updated_at)
               SELECT enterprise_id, '填充企业' || g, enterprise_uscc, '11', '', list_kind, rule_id, 1,
                   reason, '', authority, '', 'published', '', decided_on, published_on, '', now(), now()
               FROM credit_listentry, generate_series(1, 125) g WHERE published_on IS NOT NULL"""
        )


def _ids(page):
    return [e.pk for e in page.rows]


@pytest.mark.parametrize("walk_rows", [1, 2, 6, 1000])
def test_pages_equal_the_plain_ordered_filter(entries, settings, walk_rows):
    """Whatever K is (1, 2: the probe or the index answers nearly always; 1000: the walk
    does), every page is the plain filter's slice, and the count is exact or a true lower
    bound."""
    settings.TELEREG_CREDIT_SEARCH_WALK_ROWS = walk_rows
    paths = set()
    for q, status, kind, prov in itertools.product(
        ["", "东方", "麒麟", "东方数", "锦程通信", "b2-2017", "粤B2-20170003", entries[1].uscc.lower()],
        ["active", "removed", "all"],
        [None, "dishonest"],
        ["", "44"],
    ):
        want = list(
            search.public_list_entries(q=q, status=status, list_kind=kind, province=prov).values_list(
                "pk", flat=True
            )
        )
        for number in (1, 2, 3):
            got = search.public_page(
                q=q, status=status, list_kind=kind, province=prov, page=number, page_size=4
            )
            case = (q, status, kind, prov, number, got.path)
            paths.add(got.path)
            assert _ids(got) == want[(number - 1) * 4 : number * 4], case
            assert got.more == (len(want) > number * 4), case
            if got.count_capped:
                assert number * 4 < got.count <= len(want), case
            elif got.rows:
                assert got.count == len(want), case
    if connection.vendor == "postgresql":
        # Every stage was exercised by some K: the probe needs a walk that fell short on a
        # table longer than K (40 entries over 20 days: K = 1 and 2).
        assert paths >= ({"walk"} if walk_rows == 1000 else {"probe", "index"}), paths


@pg_only
def test_broad_fragment_walks_rare_one_uses_the_index(entries, settings):
    settings.TELEREG_CREDIT_SEARCH_WALK_ROWS = 8
    broad = search.public_page(q="东方", status="all", page_size=3)
    assert (broad.path, broad.count_capped, broad.more) == ("walk", True, True)
    # 麒麟 is in a quarter of the names: 2 of the newest 8, not a page and one more. The
    # probe then reads the newest months (here all 40 entries: one month) and fills the
    # page. (Its reach, 2 × 3 × 8 / 3 = 16 entries, is under half the list whatever an
    # earlier test's ANALYZE left as the table's estimate: 41 or 5,040 rows.)
    rare = search.public_page(q="麒麟", status="all", page_size=2)
    assert (rare.path, rare.count, rare.count_capped, rare.more) == ("probe", 3, True, True)
    # Once the table's size is known (41), the probe's reach (2 × 4 × 8 / 3 ≈ 21 entries) is
    # over half the list: the index reads every match and counts them instead.
    with connection.cursor() as cur:
        cur.execute("ANALYZE credit_listentry")
    search.forget_estimates()
    assert search.public_page(q="东方", status="all", page_size=3).path == "walk"  # learns N
    rare = search.public_page(q="麒麟", status="all", page_size=3)
    assert (rare.path, rare.count, rare.count_capped) == ("index", 10, False)


def test_probe_reaches_back_for_twice_the_matches_needed():
    """Pure: the walk found 10 matches in the newest 1,000 entries, published over 100 days
    (10 a day); a page needs 51, so the probe reads back 2 × 51 × 1000 / 11 ≈ 9,273 entries,
    928 days, from the first of that month."""
    span = search.Span(newest=dt.date(2026, 6, 30), oldest=dt.date(2026, 3, 22), rows=1000)
    start = search.probe_from(span, found=10, walked=1000, need=51, entries=1_000_000)
    assert start == dt.date(2023, 12, 1)  # 2026-06-30 - 928 days = 2023-12-15
    # A walk that found nothing reaches for 102,000 entries: over half of 200,000, so no
    # probe (the index reads every match); nor when the walk read the whole list.
    assert search.probe_from(span, found=0, walked=1000, need=51, entries=200_000) is None
    assert search.probe_from(search.Span(span.newest, None, 1000), 10, 1000, 51, 1e6) is None
    assert search.probe_from(None, 10, 1000, 51, 1e6) is None
    # Entries published on one day only: the rate is taken over one day, not zero.
    one_day = search.Span(newest=dt.date(2026, 6, 30), oldest=dt.date(2026, 6, 30), rows=1000)
    assert search.probe_from(one_day, found=10, walked=1000, need=51, entries=1e6) == dt.date(2026, 6, 1)


@pg_only
def test_probe_misses_no_entry_newer_than_its_span(entries, settings):
    """The probe's months run to the newest entry in the table, not to the newest the span
    (read at most once a minute) knew of: entries published since are on the page."""
    settings.TELEREG_CREDIT_SEARCH_WALK_ROWS = 8
    assert search.public_page(q="麒麟", status="all", page_size=2).path == "probe"
    later = list(ListEntry.objects.filter(enterprise_name__contains="麒麟").order_by("id")[:2])
    newest = []
    for i, e in enumerate(later):
        e.pk, e.published_on = None, dt.date(2026, 9, 1 + i)  # months past the span's newest
        e.save()
        newest.append(e.pk)
    for i in range(10):  # other names, so that the walk (the newest 8) still falls short
        e = ListEntry.objects.exclude(enterprise_name__contains="麒麟").first()
        e.pk, e.published_on = None, dt.date(2026, 8, 1 + i)
        e.save()
    got = search.public_page(q="麒麟", status="all", page_size=2)
    assert got.path == "probe" and _ids(got) == newest[::-1]


def _plan(sql: str, bitmap: bool = False) -> str:
    with connection.cursor() as cur:
        # A 41-row table is scanned whatever the indexes: forbid that (and, for a lookup,
        # ordered index scans) to see which index the statement can use; the benchmark
        # shows the plans chosen at 200,000 entries.
        off = ["enable_seqscan", *(["enable_indexscan", "enable_indexonlyscan"] if bitmap else [])]
        for name in off:
            cur.execute(f"SET LOCAL {name} = off")
        cur.execute("ANALYZE credit_listentry")
        cur.execute("EXPLAIN " + sql)
        plan = "\n".join(r[0] for r in cur.fetchall())
        for name in off:
            cur.execute(f"SET LOCAL {name} = on")
        return plan


@pg_only
@pytest.mark.parametrize(
    "q,index",
    [
        ("麒麟", "credit_list_grams_gin"),  # two characters: the bigram tokens (0010)
        ("B2", "credit_list_grams_gin"),  # ASCII: names and licence numbers, same index
        # Three or more characters take the trigram indexes (0002); on a table this small
        # the planner prefers any other index to them, so that choice is shown at 200,000
        # and 2,000,000 entries by bench/list_search.py (plan column) instead.
    ],
)
def test_each_statement_uses_its_index(entries, settings, q, index):
    _grow()
    settings.TELEREG_CREDIT_SEARCH_WALK_ROWS = 1  # the walk finds too few: the index answers
    with CaptureQueriesContext(connection) as ctx:
        assert search.public_page(q=q, status="all").path == "index"
    # The walk, the span of its reach (read once a minute, for the probe), the index.
    walk, lookup = ctx.captured_queries[0]["sql"], ctx.captured_queries[-1]["sql"]
    assert "credit_list_walk" in _plan(walk)
    plan = _plan(lookup, bitmap=True)
    assert index in plan, plan


@pg_only
def test_probe_reads_the_month_tokens(entries, settings):
    """The probe's matches come out of credit_list_grams_gin (bigrams and months together);
    the index stage in the same statement is gated on the probe's count."""
    _grow()
    settings.TELEREG_CREDIT_SEARCH_WALK_ROWS = 50  # no 麒麟 among the newest 50 of 5,040
    search.public_page(q="麒麟", status="all", page_size=5)
    with CaptureQueriesContext(connection) as ctx:
        assert search.public_page(q="麒麟", status="all", page_size=5).path == "probe"
    plan = _plan(ctx.captured_queries[-1]["sql"], bitmap=True)
    assert "CTE probe" in plan and "Bitmap Index Scan on credit_list_grams_gin" in plan, plan
    assert "&&" in plan and "One-Time Filter" in plan, plan


@pg_only
def test_province_walks_its_own_index(entries):
    _grow()
    with CaptureQueriesContext(connection) as ctx:
        search.public_page(q="东方", province="44", status="all")
    assert "credit_list_province_walk" in _plan(ctx.captured_queries[0]["sql"])


@pg_only
@pytest.mark.parametrize(
    "params,statements",
    [
        ({"q": "东方", "status": "all"}, 1),  # the walk fills the page
        ({"status": "all"}, 1),
        ({"q": "麒麟", "status": "all"}, 2),  # walk, then the probe or the bigram tokens
        ({"q": "锦程通信", "status": "all"}, 2),  # walk, then the probe or the trigram index
        ({"q": "USCC"}, 1),  # a whole code: the btree, no walk
    ],
)
def test_api_statement_budget(api, entries, settings, django_assert_num_queries, params, statements):
    """The public list endpoint sends a fixed number of statements (no session, no count
    query): pinned so that a change cannot quietly add round trips."""
    settings.TELEREG_CREDIT_SEARCH_WALK_ROWS = 12
    if params.get("q") == "USCC":
        params = {"q": entries[0].uscc}
    c = api(None)
    c.get(URL, {**params, "page_size": 5})
    with django_assert_num_queries(statements):
        body = c.get(URL, {**params, "page_size": 5}).json()
    assert body["results"] and all(r["status"] in ("active", "removed") for r in body["results"])


def test_unpublished_never_found(api, entries):
    body = api(None).get(URL, {"q": "未公示", "status": "all"}).json()
    assert body["count"] == 0 and body["results"] == []


@pg_only
def test_walk_learns_the_table_size(entries, settings):
    """K = sqrt(ratio × (page + 1) × N), N read by the walk itself (no extra statement)."""
    assert search.walk_rows(50) == 2000  # CREDIT_SEARCH_WALK_MIN_ROWS until a walk ran
    with connection.cursor() as cur:
        cur.execute("ANALYZE credit_listentry")
    search.public_page(q="东方", status="all")
    assert search._ENTRIES_ESTIMATE[0] == pytest.approx(41, abs=1)
    settings.TELEREG_CREDIT_SEARCH_WALK_MIN_ROWS = 1
    settings.TELEREG_CREDIT_SEARCH_WALK_COST_RATIO = 4
    assert search.walk_rows(50) == int((4 * 51 * search._ENTRIES_ESTIMATE[0]) ** 0.5)


@pg_only
def test_portal_page_pages_without_a_total(client, entries, settings):
    """/public/lists/ pages like the API: no COUNT of every match, "more than" when the walk
    filled the page, Previous / Next links, no page total."""
    settings.TELEREG_CREDIT_SEARCH_WALK_ROWS = 1000
    from credit import pages

    settings_size = pages.PAGE_SIZE
    r = client.get("/public/lists/", {"status": "all"})
    body = r.content.decode()
    assert r.context["capped"] and f"More than {settings_size + 1} entries" in body
    pager = body.split('class="pager"')[1].split("</nav>")[0]
    assert 'rel="next"' in pager and "Page 1" in pager and " of " not in pager
    r = client.get("/public/lists/", {"status": "all", "page": 2})
    assert (
        not r.context["capped"] and "40 entries" in r.content.decode() and 'rel="prev"' in r.content.decode()
    )
    assert [e.pk for e in r.context["page"]] == list(
        search.public_list_entries(status="all").values_list("pk", flat=True)[
            settings_size : 2 * settings_size
        ]
    )
    # Past the end (a stale link): the first page, not an error.
    assert client.get("/public/lists/", {"status": "all", "page": 9}).context["page"].number == 1


def test_portal_one_character_says_the_minimum(client, entries):
    r = client.get("/public/lists/", {"q": "海"})
    assert r.status_code == 200 and "Enter at least 2 characters" in r.content.decode()
    assert r.context["f"]["q"] == ""  # the list is shown unfiltered, with the message
    zh = client.get("/public/lists/", {"q": "海"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "请输入名称中至少 2 个字" in zh and "超过 21 条" in zh


@pg_only
def test_portal_query_budget(client, entries, django_assert_num_queries):
    client.get("/public/lists/", {"q": "麒麟", "status": "all"})
    with django_assert_num_queries(2):  # the walk, then the bigram tokens; no COUNT(*)
        client.get("/public/lists/", {"q": "麒麟", "status": "all"})


def test_orm_path_counts_up_to_the_cap(entries, settings):
    """SQLite's path (also callable on PostgreSQL): the ORM filter, the page and one more,
    the count stopped at CREDIT_PUBLIC_COUNT_CAP."""
    qs = search.public_list_entries(status="all")
    settings.TELEREG_CREDIT_PUBLIC_COUNT_CAP = 10
    first = search._orm_page(qs, 0, 4)
    assert (first.count, first.count_capped, first.more, _ids(first)) == (
        10,
        True,
        True,
        list(qs.values_list("pk", flat=True)[:4]),
    )
    settings.TELEREG_CREDIT_PUBLIC_COUNT_CAP = 1000
    assert search._orm_page(qs, 0, 4).count == 40
    last = search._orm_page(qs, 36, 4)
    assert (last.count, last.count_capped, last.more) == (40, False, False)


@pg_only
def test_second_statement_never_plans_parallel_workers(entries, settings):
    """Statement 2 calls credit_list_serial() (PARALLEL UNSAFE): even with parallel plans
    made free, no Gather (its workers would start even when the gate skips the stage)."""
    settings.TELEREG_CREDIT_SEARCH_WALK_ROWS = 8
    with CaptureQueriesContext(connection) as ctx:
        assert search.public_page(q="麒麟", status="all", page_size=2).path == "probe"
    stage = ctx.captured_queries[-1]["sql"]
    with connection.cursor() as cur:
        for knob in ("parallel_setup_cost", "parallel_tuple_cost", "min_parallel_table_scan_size"):
            cur.execute(f"SET LOCAL {knob} = 0")
        cur.execute("SET LOCAL enable_indexscan = off")
        cur.execute("SET LOCAL enable_bitmapscan = off")
        cur.execute("EXPLAIN " + stage.replace(search.SERIAL, "true"))
        assert "Gather" in "\n".join(r[0] for r in cur.fetchall())  # parallel when allowed
        cur.execute("EXPLAIN " + stage)
        assert "Gather" not in "\n".join(r[0] for r in cur.fetchall())


@pg_only
def test_whole_licence_number_goes_to_the_index(entries, settings):
    """A fragment with ASCII letters or digits that the walk never met (a whole licence
    number) skips the probe: licence-number bigrams are in nearly every entry."""
    settings.TELEREG_CREDIT_SEARCH_WALK_ROWS = 2
    got = search.public_page(q="粤B2-20170003", status="all", page_size=2)
    assert (got.path, got.count, [e.licence_numbers for e in got.rows]) == ("index", 1, ["粤B2-20170003"])


def test_schema_documents_the_capped_count(db):
    """Issue 17 §4: the API schema says when `count` is a lower bound (config.api.
    CappedCountPagination, shared with the complaint record)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    op = schema["paths"][URL]["get"]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    page = schema["components"]["schemas"][ref]
    assert "count_capped" in page["required"] and page["properties"]["count_capped"]["type"] == "boolean"
    assert "lower bound" in page["properties"]["count"]["description"]
    q = next(p for p in op["parameters"] if p["name"] == "q")
    assert "400" in q["description"] or "at least" in q["description"]
