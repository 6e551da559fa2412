"""The public complaint record at scale (complaints.records): JSON pages and the portal page
are the plain ordered filter (metrics.public_records) cut into pages, without counting every
match: ``count`` is exact when the walk ran out of matches, else a lower bound with
``count_capped``; pages deeper than COMPLAINTS_RECORD_MAX_DEPTH are refused; nothing
unpublished and nothing personal is shown; bad filters are a 400 (API) or a message (page)."""

import datetime as dt
import hashlib
import itertools
import re

import pytest
from django.utils import timezone

from complaints import metrics, records
from complaints.models import Complaint
from tests.conftest import PERSONAS
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/public/complaints/"
PAGE = "/public/complaints/records/"
MONTHS = [dt.date(2025, 10, 1), dt.date(2025, 11, 1), dt.date(2025, 12, 1)]
CATEGORIES = ["billing", "network", "other"]
SECRET_NAME, SECRET_PHONE, SECRET_TEXT = "隐私张三", "13800001111", "私密投诉内容"


@pytest.fixture(autouse=True)
def _forget_request_counts():
    """Many public requests from one address: clear the throttle's counts afterwards."""
    yield
    from django.core.cache import cache

    cache.clear()


def _complaint(i: int, ent, month: dt.date, category: str, *, public: bool, accepted: bool) -> Complaint:
    """Public: closed (or rejected: published but never accepted, so not in the record);
    not public: accepted and still open."""
    received = month + dt.timedelta(days=i % 27)
    accepted_on = received + dt.timedelta(days=1) if accepted else None
    closed = received + dt.timedelta(days=5) if public else None
    status = ("closed" if public else "accepted") if accepted else "rejected"
    return Complaint(
        public_id=f"CT{i:08d}",
        tracking_hash=hashlib.sha256(f"records-test:{i}".encode()).hexdigest(),
        kind="internet" if i % 2 else "telecom",
        category=category,
        channel="web",
        description=SECRET_TEXT,
        enterprise=ent,
        province=ent.province,
        complainant_name=SECRET_NAME,
        complainant_phone=SECRET_PHONE,
        received_at=timezone.make_aware(dt.datetime.combine(received, dt.time(9))),
        received_on=received,
        status=status,
        reject_reason="already_settled" if status == "rejected" else "",
        outcome="resolved" if status == "closed" else "",
        accepted_on=accepted_on,
        closed_on=closed,
        fast=(i % 3 != 0) if status == "closed" else None,
        timely=True if status == "closed" else None,
        rating=(i % 5) + 1 if status == "closed" and i % 4 else None,
        public_on=closed,
        period=month,
    )


@pytest.fixture
def record(ent_a, ent_b):
    """90 complaints over three months, three categories and three enterprises in two
    provinces (ent_a's, and ent_b's with one more of that province): 60 in the public
    record, 30 not (still open, or rejected)."""
    from regulator import uscc

    third = EnterpriseFactory(uscc=uscc.make(division=ent_b.uscc[2:8], serial=int(ent_b.uscc[8:16]) + 1))
    ents = [ent_a, ent_b, third]
    rows = []
    for i, (month, cat, ent) in enumerate(itertools.product(MONTHS, CATEGORIES, ents * 3 + [ent_a])):
        out = i % 3 == 2  # a third are out of the record, for one reason or the other
        rows.append(
            _complaint(i, ent, month, cat, public=not out or i % 2 == 0, accepted=not out or i % 2 == 1)
        )
    Complaint.objects.bulk_create(rows)
    assert Complaint.objects.filter(status="rejected").exists()
    assert Complaint.objects.filter(public_on__isnull=True).exists()
    assert third.province == ent_b.province != ent_a.province
    return ents


def _ids(qs) -> list[int]:
    return list(qs.values_list("id", flat=True))


def _filters(ents) -> list[dict]:
    a, b, c = ents
    return [
        {},
        {"province": b.province},
        {"enterprise": a.uscc},
        {"enterprise": c.uscc},
        {"category": "other"},
        {"months": [MONTHS[1]]},
        {"months": MONTHS[:2], "province": a.province},
        {"province": b.province, "category": "billing"},
        {"enterprise": b.uscc, "category": "network", "months": MONTHS[2:]},
        {"enterprise": a.uscc, "province": b.province},  # nothing: ent_a is not of that province
    ]


def test_the_record_excludes_what_is_not_public(record):
    public = set(_ids(metrics.public_records()))
    assert len(public) == 60
    assert not Complaint.objects.filter(id__in=public, public_on__isnull=True).exists()
    assert not Complaint.objects.filter(id__in=public, accepted_on__isnull=True).exists()


@pytest.mark.parametrize("page_size", [4, 7, 25])
@pytest.mark.parametrize("window", [1, 10, 1000])
def test_pages_are_the_plain_ordered_filter(record, settings, page_size, window):
    """Every page of every filter, walked to the end, on PostgreSQL's statement and on the
    ORM path (SQLite's), with a count window that caps and one that does not."""
    settings.TELEREG_COMPLAINTS_RECORD_COUNT_WINDOW = window
    for f in _filters(record):
        expected = _ids(metrics.public_records(**f))
        for orm in (False, True):
            got, number = [], 1
            while True:
                if orm:
                    offset = (number - 1) * page_size
                    limit = offset + records.window(page_size)
                    page = records._orm_page(
                        f.get("months"), f.get("enterprise", ""), f.get("category", ""),
                        f.get("province", ""), offset, page_size, limit,
                    )  # fmt: skip
                else:
                    page = records.record_page(**f, page=number, page_size=page_size)
                offset = (number - 1) * page_size
                got += [c.id for c in page.rows]
                # The count: exact, or a lower bound that is the walk's limit.
                if page.count_capped:
                    assert page.count == offset + records.window(page_size) < len(expected), f
                else:
                    assert page.count == len(expected), (f, number)
                assert page.more == (offset + len(page.rows) < len(expected)), (f, number)
                if not page.more:
                    break
                assert len(page.rows) == page_size
                number += 1
            assert got == expected, (f, orm)


def test_rows_carry_the_public_fields_only(record):
    page = records.record_page(page=1, page_size=100)
    by_id = {c.id: metrics.record_row(c) for c in metrics.public_records()}
    assert [metrics.record_row(c) for c in page.rows] == [by_id[c.id] for c in page.rows]


def test_count_is_exact_when_the_matches_run_out(record, settings):
    settings.TELEREG_COMPLAINTS_RECORD_COUNT_WINDOW = 1000
    body = _get(API).json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (60, False, 50)
    assert body["next"] and body["previous"] is None


def test_count_is_a_lower_bound_past_the_window(record, settings):
    settings.TELEREG_COMPLAINTS_RECORD_COUNT_WINDOW = 20
    first = _get(API, {"page_size": 10}).json()
    assert (first["count"], first["count_capped"]) == (20, True)  # at least 20: not the total
    fourth = _get(API, {"page_size": 10, "page": 4}).json()
    assert (fourth["count"], fourth["count_capped"]) == (50, True)
    # From page 5 on the walk reaches the end: the total, exactly.
    fifth = _get(API, {"page_size": 10, "page": 5}).json()
    assert (fifth["count"], fifth["count_capped"]) == (60, False)
    last = _get(API, {"page_size": 10, "page": 6}).json()
    assert last["next"] is None and len(last["results"]) == 10


def test_api_pages_follow_next_to_the_end(record, settings):
    settings.TELEREG_COMPLAINTS_RECORD_COUNT_WINDOW = 5
    a, b, _c = record
    for params in ({}, {"province": b.province}, {"category": "billing", "period": "2025-Q4"}):
        months = [dt.date(2025, m, 1) for m in (10, 11, 12)] if "period" in params else None
        qs = metrics.public_records(
            months=months, category=params.get("category", ""), province=params.get("province", "")
        )
        expected = [c.public_id for c in qs]
        got, url, query = [], API, {**params, "page_size": 4}
        while url:
            body = _get(url, query).json()
            got += [r["public_id"] for r in body["results"]]
            url, query = body["next"], None
        assert got == expected, params


def test_the_page_past_the_end_and_bad_pages_are_404(record):
    assert _get(API, {"page_size": 50, "page": 2}).status_code == 200
    for page in ("3", "0", "-1", "x", "last", str(2**40)):
        r = _get(API, {"page_size": 50, "page": page})
        assert r.status_code == 404, page
        assert r.json()["code"] == "not_found"


def test_pages_deeper_than_served_are_404_with_a_reason(record, settings):
    settings.TELEREG_COMPLAINTS_RECORD_MAX_DEPTH = 10
    assert records.deepest_page(5) == 2 and records.deepest_page(4) == 3
    assert _get(API, {"page_size": 5, "page": 2}).status_code == 200
    r = _get(API, {"page_size": 5, "page": 3})
    assert r.status_code == 404 and "10" in r.json()["message"] and "CSV" in r.json()["message"]
    # The page serves the deepest page instead of refusing.
    r = _get(PAGE, {"page": 99})
    assert r.status_code == 200 and r.context["page"].number == records.deepest_page(20)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "2025-13"}, "period"),
        ({"period": "soon"}, "period"),
        ({"enterprise": "91110000"}, "enterprise"),
        ({"enterprise": "91110108MA01234567"}, "enterprise"),  # wrong check character
        ({"category": "spam"}, "category"),
        ({"province": "99"}, "province"),
    ],
)
def test_bad_filters(record, params, field):
    r = _get(API, params)
    assert r.status_code == 400
    assert field in r.json()["errors"] and r.json()["code"] in ("invalid", "validation_error")
    page = _get(PAGE, params)
    assert page.status_code == 200 and len(page.context["errors"]) == 1
    assert 'class="error"' in page.content.decode()
    # The bad filter is left out: the whole record is listed, and the form keeps what was typed.
    assert page.context["page"].paginator.count == 60
    assert page.context["f"][field] == params[field]


def test_enterprise_code_as_people_type_it(record):
    a = record[0]
    typed = f" {a.uscc[:6].lower()} {a.uscc[6:]} "
    r = _get(API, {"enterprise": typed})
    assert r.status_code == 200 and r.json()["count"] == len(_ids(metrics.public_records(enterprise=a.uscc)))
    assert {x["enterprise_uscc"] for x in r.json()["results"]} == {a.uscc}
    page = _get(PAGE, {"enterprise": typed})
    assert page.context["errors"] == [] and {c.enterprise_uscc for c in page.context["page"]} == {a.uscc}


def test_an_unknown_enterprise_has_no_records(record):
    from regulator import uscc

    nobody = uscc.make(division="110108", serial=99_999_999)
    body = _get(API, {"enterprise": nobody}).json()
    assert (body["count"], body["count_capped"], body["results"], body["next"]) == (0, False, [], None)


def test_nothing_unpublished_or_personal_is_shown(record):
    out = set(_ids(Complaint.objects.filter(public_on__isnull=True))) | set(
        _ids(Complaint.objects.filter(accepted_on__isnull=True))
    )
    hidden = set(Complaint.objects.filter(id__in=out).values_list("public_id", flat=True))
    assert hidden
    bodies = [_get(API, {"page_size": 500}).content.decode()]
    bodies += [_get(PAGE, {"page": n}).content.decode() for n in (1, 2, 3)]
    shown = set()
    for body in bodies:
        shown |= set(re.findall(r"CT\d{8}", body))
        for secret in (SECRET_NAME, SECRET_PHONE, SECRET_TEXT):
            assert secret not in body
    assert len(shown) == 60 and not shown & hidden


@pytest.mark.parametrize("persona", PERSONAS)
def test_anyone_may_read_the_record(record, as_persona, client, persona):
    user, c = as_persona(persona)
    r = c.get(API)
    assert r.status_code == 200 and len(r.json()["results"]) == 50
    if user is not None:
        client.force_login(user)
    page = client.get(PAGE)
    assert page.status_code == 200 and len(page.context["page"].object_list) == 20


def test_one_statement_per_api_page(record, django_assert_num_queries):
    a, b, _c = record
    for params in ({}, {"province": b.province, "page": 2, "page_size": 5}, {"enterprise": a.uscc}):
        with django_assert_num_queries(1):
            assert _get(API, params).status_code == 200


def test_one_statement_per_portal_page(record, client, django_assert_num_queries):
    for params in ({}, {"page": 2, "category": "network"}, {"period": "2025-11"}):
        with django_assert_num_queries(1):
            assert client.get(PAGE, params).status_code == 200
    # Past the end: the first page instead (one more statement).
    with django_assert_num_queries(2):
        r = client.get(PAGE, {"page": 9})
    assert r.context["page"].number == 1


def test_portal_page_pages_without_a_total(record, client, settings):
    settings.TELEREG_COMPLAINTS_RECORD_COUNT_WINDOW = 25
    first = client.get(PAGE)
    body = first.content.decode()
    assert first.context["capped"] is True and 'rel="next"' in body and 'rel="prev"' not in body
    assert re.search(r"Page 1 of|第 1 页，共", body) is None  # no page total anywhere
    third = client.get(PAGE, {"page": 3})
    body = third.content.decode()
    assert third.context["capped"] is False and 'rel="next"' not in body and 'rel="prev"' in body
    expected = [c.public_id for c in metrics.public_records()]
    shown = [c.public_id for n in (1, 2, 3) for c in client.get(PAGE, {"page": n}).context["page"]]
    assert shown == expected


def test_portal_page_filters_and_links(record, client):
    a, b, _c = record
    r = client.get(PAGE, {"province": b.province, "category": "billing", "period": "2025-Q4"})
    expected = [
        c.public_id
        for c in metrics.public_records(
            months=[dt.date(2025, m, 1) for m in (10, 11, 12)], province=b.province, category="billing"
        )
    ]
    assert [c.public_id for c in r.context["page"]] == expected[:20]
    assert f"province={b.province}" in r.context["csv_url"] and "format=csv" in r.context["csv_url"]
    stats = client.get("/public/complaints/", {"period": "2025-11"}).content.decode()
    assert "/public/complaints/records/?period=2025-11" in stats


def test_portal_page_in_both_languages(record, client):
    zh = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    en = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for chinese in ("投诉记录", "记录编号", "受理日期", "快速处理", "全部类别"):
        assert chinese in zh
    for english in ("Complaint records", "Record number", "Accepted on", "Handled fast", "All categories"):
        assert english in en
    bad = client.get(PAGE, {"category": "spam"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "未知类别。" in bad


def test_csv_export_is_unchanged_by_paging(record, settings):
    settings.TELEREG_COMPLAINTS_RECORD_COUNT_WINDOW = 1
    r = _get(API, {"format": "csv"})
    lines = b"".join(r.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 61 and lines[0].startswith("public_id,")


def test_schema_documents_the_count(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    op = schema["paths"][API]["get"]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    props = schema["components"]["schemas"][ref]["properties"]
    assert props["count_capped"]["type"] == "boolean"
    assert "lower bound" in props["count"]["description"]
    assert {p["name"] for p in op["parameters"]} >= {"page", "page_size", "period", "enterprise", "province"}


def _get(url: str, params: dict | None = None):
    from django.test import Client

    return Client().get(url, params or {})
