"""Bad-operation and dishonest list entries for the public search benchmark (issue 17 §4).

Seeded and reproducible: the same ``seed`` and ``n`` give the same names, codes, licence
numbers and dates. Rows stream through COPY. Entries are generated in publication order
(as the platform writes them: an entry is inserted when decided and published some days
later), so ``id`` and ``published_on`` rise together, with a few weeks of jitter.

The name vocabulary is built so that the benchmark's query shapes exist at known rates
whatever ``n`` is (shares of entries, measured again by the benchmark):

* ``SUFFIXES``: one of five endings, so ``网络科`` matches about 20% of entries (broad);
* ``COMMON`` words, two per name: a 2-character word such as ``东方`` is in ~6% (broad);
* ``MID`` words, drawn for ~1.5% of names each position: ``凤凰`` ~1.5-3% (the
  mid-selectivity fragment, the adversarial case for choosing the access path);
* ``RARE`` words, ~0.02% each (``麒麟``: a rare 2-character fragment);
* a 4-character pair such as ``星河锦程`` (~0.1%), a 6-character city + pair (~0.01%).
"""

import datetime as dt
import random
import time
from collections.abc import Iterator

from django.db import connection

from bench.generate import copy_rows, enterprises, usccs

CITIES = [
    "北京",
    "上海",
    "深圳",
    "广州",
    "杭州",
    "苏州",
    "成都",
    "武汉",
    "福州",
    "济南",
    "重庆",
    "西安",
    "天津",
    "海口",
]
# Province code of each city (the entry's province and its licence number's prefix).
CITY_PROVINCE = {
    "北京": ("11", "京"),
    "上海": ("31", "沪"),
    "深圳": ("44", "粤"),
    "广州": ("44", "粤"),
    "杭州": ("33", "浙"),
    "苏州": ("32", "苏"),
    "成都": ("51", "川"),
    "武汉": ("42", "鄂"),
    "福州": ("35", "闽"),
    "济南": ("37", "鲁"),
    "重庆": ("50", "渝"),
    "西安": ("61", "陕"),
    "天津": ("12", "津"),
    "海口": ("46", "琼"),
}
COMMON = [
    "华信", "云端", "星河", "联通达", "数智", "蓝海", "光速", "天穹", "九州", "致远",
    "锦程", "博通", "恒达", "启明", "盛世", "瑞丰", "鼎新", "万象", "长风", "明德",
    "海纳", "卓越", "宏图", "新元", "金桥", "银河", "东方", "四海", "汇智", "凌云",
]  # fmt: skip
MID = ["凤凰", "龙腾"]  # each drawn with probability MID_SHARE per position
MID_SHARE = 0.0075
RARE = ["麒麟", "鲲鹏", "饕餮", "貔貅", "朱雀"]  # drawn with probability RARE_SHARE per position
RARE_SHARE = 0.0005
SUFFIXES = [
    "网络科技有限公司",
    "信息技术有限公司",
    "通信服务有限公司",
    "数据科技有限公司",
    "互联网服务有限公司",
]
REASONS = [
    "受到电信管理机构行政处罚",
    "未按规定报送年报",
    "通过登记的住所无法联系",
    "被吊销电信业务经营许可证",
]
START = dt.date(2023, 1, 1)
# Seconds spent per load step of the last call (the benchmark reports them).
TIMINGS: dict[str, float] = {}
SPAN_DAYS = 3 * 365

COLUMNS = [
    "enterprise_id",
    "enterprise_name",
    "enterprise_uscc",
    "province",
    "licence_numbers",
    "list_kind",
    "rule_id",
    "rule_version",
    "reason",
    "legal_basis",
    "authority",
    "source_ref",
    "status",
    "removal_reason",
    "decided_on",
    "published_on",
    "published_at",
    "effective_on",
    "end_on",
    "calendar_version",
    "created_at",
    "updated_at",
]


def _word(rng: random.Random) -> str:
    r = rng.random()
    if r < RARE_SHARE * len(RARE):
        return RARE[int(r / RARE_SHARE)]
    if r < RARE_SHARE * len(RARE) + MID_SHARE * len(MID):
        return MID[int((r - RARE_SHARE * len(RARE)) / MID_SHARE)]
    return rng.choice(COMMON)


def _name(rng: random.Random) -> tuple[str, str]:
    city = rng.choice(CITIES)
    return city, f"{city}{_word(rng)}{_word(rng)}{rng.choice(SUFFIXES)}"


def _rows(n: int, seed: int, ent: list[tuple[int, str]], rules: dict[str, int]) -> Iterator[tuple]:
    rng = random.Random(seed)
    # One name per enterprise (the name as registered when it was listed).
    names = [_name(random.Random(f"{seed}:{i}")) for i in range(len(ent))]
    for i in range(n):
        k = rng.randrange(len(ent))
        eid, code = ent[k]
        city, name = names[k]
        prov, abbr = CITY_PROVINCE[city]
        decided = START + dt.timedelta(days=i * SPAN_DAYS // n)
        published = decided + dt.timedelta(days=rng.randrange(10, 40))
        kind = "dishonest" if rng.random() < 0.1 else "bad"
        roll = rng.random()
        status = "proposed" if roll < 0.02 else "removed" if roll < 0.22 else "published"
        pub = None if status == "proposed" else published
        at = (
            dt.datetime.combine(published, dt.time(9), tzinfo=dt.UTC)
            if pub
            else dt.datetime.combine(decided, dt.time(9), tzinfo=dt.UTC)
        )
        licence = f"{abbr}B{rng.choice('12')}-20{rng.randrange(1000000):06d}"
        yield (
            eid,
            name,
            code,
            prov,
            licence,
            kind,
            rules[kind],
            1,
            rng.choice(REASONS),
            "工信部令第42号",
            "通信管理局",
            "",
            status,
            "expired" if status == "removed" else "",
            decided,
            pub,
            at if pub else None,
            pub,
            published + dt.timedelta(days=365) if status == "removed" else None,
            "",
            at,
            at,
        )


def _try(statement: str) -> bool:
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(statement)
        return True
    except DatabaseError:
        return False


def list_entries(n: int, *, seed: int = 1, enterprises_per_entry: float = 0.25) -> int:
    """n list entries (2% proposed, 20% removed, the rest published; 10% dishonest) over
    n × ``enterprises_per_entry`` generated enterprises, then ANALYZE and VACUUM (what
    autovacuum does in production: GIN pending lists flushed, the visibility map set)."""
    from credit.models import Rule

    ids = enterprises(max(100, int(n * enterprises_per_entry)), seed=seed, serial_base=20_000_000)
    ent = list(zip(ids, usccs(ids), strict=True))
    rules = {
        "bad": Rule.objects.get(code="BAD_PENALTY").pk,
        "dishonest": Rule.objects.get(code="DISHONEST_REVOKED").pk,
    }
    with connection.cursor() as cur:
        # Indexes are dropped for the load and built afterwards (a bulk load maintaining
        # three GIN indexes row by row is several times slower); constraint indexes stay.
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'credit_listentry' AND indexname"
            " NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'credit_listentry'::regclass)"
        )
        indexes = cur.fetchall()
        for name, _def in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    t0 = time.perf_counter()
    # The rows reference enterprises and rules just read from the database, so the foreign
    # key triggers (two look-ups per row) are skipped for the load when the role may (a
    # superuser, as in `make bench`), as pg_restore --disable-triggers does.
    replica = _try("SET session_replication_role = replica")
    try:
        done = copy_rows("credit_listentry", COLUMNS, _rows(n, seed, ent, rules))
    finally:
        if replica:
            _try("SET session_replication_role = DEFAULT")
    TIMINGS["copy_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '256MB'")
        for name, definition in indexes:
            t1 = time.perf_counter()
            cur.execute(definition)
            TIMINGS[f"index {name}"] = time.perf_counter() - t1
        cur.execute("RESET maintenance_work_mem")
        TIMINGS["indexes_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        cur.execute("VACUUM ANALYZE credit_listentry")
        TIMINGS["vacuum_s"] = time.perf_counter() - t0
    return done


CLI = {"lists": lambda n, seed: list_entries(n, seed=seed)}
