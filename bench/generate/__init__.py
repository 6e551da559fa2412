"""Data generators shared by the benchmarks: realistic volumes, fast (COPY), reproducible.

Every generator takes a ``seed``: the same seed on an empty database gives the same rows
(same codes, names, provinces, points), so a figure in docs/benchmarks.md can be
reproduced. Rows stream through PostgreSQL's COPY from Python (about 100k rows/s here),
into a temporary table first where the target has unique keys, so a second call with the
same seed adds nothing instead of failing.

``python -m bench.generate enterprises 1000000 --seed 1`` loads into DATABASE_URL directly.
One module per kind of data: this one (enterprises, ledger postings) and the modules named
in ``bench.generate.__main__.MODULES``, each with a ``CLI`` dict of name -> loader(n, seed).
"""

import datetime as dt
import random
from collections.abc import Iterable, Iterator

from django.db import connection

from regulator import uscc

# Divisions (6-digit administrative codes) by province, so codes and provinces agree.
DIVISIONS = {
    "11": ["110101", "110105", "110108"],  # Beijing
    "31": ["310101", "310115"],  # Shanghai
    "44": ["440103", "440305", "440306"],  # Guangdong (Guangzhou, Shenzhen)
    "33": ["330106", "330110"],  # Zhejiang
    "32": ["320102", "320506"],  # Jiangsu
    "51": ["510104", "510107"],  # Sichuan
    "42": ["420106"],  # Hubei
    "37": ["370102"],  # Shandong
}
# Weight of each province among enterprises (roughly where telecom businesses register).
PROVINCE_WEIGHTS = {"11": 18, "31": 14, "44": 24, "33": 12, "32": 12, "51": 8, "42": 6, "37": 6}
CITY = {
    "11": "北京",
    "31": "上海",
    "44": "深圳",
    "33": "杭州",
    "32": "南京",
    "51": "成都",
    "42": "武汉",
    "37": "济南",
}
WORD1 = ["星河", "东方", "华信", "云帆", "数智", "锦程", "天拓", "博远", "联创", "恒通", "智联", "蓝海"]
WORD2 = ["网络", "信息", "通信", "数据", "科技", "互联", "云计算", "软件"]
SUFFIX = ["科技有限公司", "技术有限公司", "信息服务有限公司", "网络股份有限公司"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def copy_rows(table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """COPY rows into table (columns in order); returns the number of rows sent."""
    n = 0
    with connection.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)
            n += 1
    return n


def _enterprise_rows(n: int, seed: int, serial_base: int) -> Iterator[tuple]:
    rng = random.Random(seed)
    provinces = list(PROVINCE_WEIGHTS)
    weights = [PROVINCE_WEIGHTS[p] for p in provinces]
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for i in range(n):
        prov = rng.choices(provinces, weights)[0]
        division = rng.choice(DIVISIONS[prov])
        code = uscc.make(division=division, serial=serial_base + i)
        name = f"{CITY[prov]}{rng.choice(WORD1)}{rng.choice(WORD2)}{rng.choice(SUFFIX)}{i:07d}"
        created = now - dt.timedelta(days=rng.randrange(3650))
        rep = rng.choice(SURNAMES) + rng.choice("伟芳娜敏静强磊军洋勇艳杰")
        yield (code, name, rep, f"{CITY[prov]}市", prov, "", "", created, created)


def enterprises(n: int, *, seed: int = 1, serial_base: int = 10_000_000) -> list[int]:
    """n enterprises with valid USCCs (check digits and organisation codes right, so the
    public API accepts them) spread over provinces by weight; returns their ids in order.
    ``serial_base`` keeps different benchmarks' enterprises apart (serials are unique)."""
    cols = [
        "uscc",
        "name",
        "legal_representative",
        "registered_address",
        "province",
        "contact_phone",
        "contact_email",
        "created_at",
        "updated_at",
    ]
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS gen_enterprise")
        cur.execute(
            f"CREATE TEMP TABLE gen_enterprise AS SELECT {', '.join(cols)} FROM regulator_enterprise WITH NO DATA"
        )
    copy_rows("gen_enterprise", cols, _enterprise_rows(n, seed, serial_base))
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO regulator_enterprise ({', '.join(cols)}) SELECT {', '.join(cols)} FROM gen_enterprise"
            " ORDER BY uscc ON CONFLICT (uscc) DO NOTHING"
        )
        cur.execute(
            "SELECT e.id FROM regulator_enterprise e JOIN gen_enterprise g USING (uscc) ORDER BY e.id"
        )
        ids = [r[0] for r in cur.fetchall()]
        cur.execute("DROP TABLE gen_enterprise")
        cur.execute("ANALYZE regulator_enterprise")
    return ids


def usccs(ids: list[int]) -> list[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT uscc FROM regulator_enterprise WHERE id = ANY(%s) ORDER BY id", [ids])
        return [r[0] for r in cur.fetchall()]


def _ledger_rows(n: int, enterprise_ids: list[int], rule_id: int, seed: int) -> Iterator[tuple]:
    rng = random.Random(seed)
    now = dt.datetime(2026, 6, 30, tzinfo=dt.UTC)
    for _ in range(n):
        eff = now - dt.timedelta(days=rng.randrange(3 * 365), seconds=rng.randrange(86400))
        points = rng.choice((-20, -10, -5, 5, 10))
        yield (
            rng.choice(enterprise_ids),
            rule_id,
            1,
            "posting",
            points,
            eff,
            eff,
            eff + dt.timedelta(days=3 * 365),
            "bench",
            "bench",
            "",
            "",
        )


def ledger_entries(n: int, *, enterprise_ids: list[int], rule_id: int, seed: int = 1) -> int:
    """n ledger postings over the given enterprises, effective over the last three years;
    accounts are then set to base + sum, as the posting service would have left them."""
    cols = [
        "enterprise_id",
        "rule_id",
        "rule_version",
        "kind",
        "points",
        "effective_at",
        "recorded_at",
        "expires_at",
        "source_ref",
        "actor_label",
        "note",
        "content_hash",
    ]
    done = copy_rows("credit_ledgerentry", cols, _ledger_rows(n, enterprise_ids, rule_id, seed))
    from credit import conf

    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO credit_account (enterprise_id, score, grade, on_bad_list, on_dishonest_list,
                                        entry_count, last_entry_id, updated_at)
            SELECT enterprise_id, %s + sum(points), 'A', false, false, count(*), max(id), now()
            FROM credit_ledgerentry WHERE enterprise_id = ANY(%s) GROUP BY enterprise_id
            ON CONFLICT (enterprise_id) DO UPDATE SET score = EXCLUDED.score,
                entry_count = EXCLUDED.entry_count, last_entry_id = EXCLUDED.last_entry_id
            """,
            [conf.get("CREDIT_BASE_SCORE"), enterprise_ids],
        )
        # The grade as the posting service would have set it (credit.services.common.grade_of,
        # the policy's thresholds; generated accounts are on no list), in one UPDATE.
        from credit.services.common import grade_of

        cur.execute(
            "SELECT DISTINCT score FROM credit_account WHERE enterprise_id = ANY(%s)", [enterprise_ids]
        )
        scores = [r[0] for r in cur.fetchall()]
        cur.execute(
            "UPDATE credit_account a SET grade = g.grade FROM unnest(%s::int[], %s::text[]) AS g(score, grade)"
            " WHERE a.score = g.score AND a.enterprise_id = ANY(%s)",
            [scores, [grade_of(s, False) for s in scores], enterprise_ids],
        )
        # Each posting's expiry queued, as the posting service does (credit_expirydue,
        # migration 0011): generated postings are uncompensated, so every one with an expiry.
        cur.execute(
            "INSERT INTO credit_expirydue (expires_at, entry_id, enterprise_id)"
            " SELECT expires_at, id, enterprise_id FROM credit_ledgerentry"
            " WHERE enterprise_id = ANY(%s) AND kind = 'posting' AND expires_at IS NOT NULL"
            " ON CONFLICT DO NOTHING",
            [enterprise_ids],
        )
        cur.execute("ANALYZE credit_ledgerentry")
        cur.execute("ANALYZE credit_account")
    return done


def _cli_ledger(n: int, seed: int) -> int:
    from credit.models import Rule

    ids = enterprises(max(1, n // 1000), seed=seed)
    rule = Rule.objects.filter(points__gt=0).order_by("code").first()
    return ledger_entries(n, enterprise_ids=ids, rule_id=rule.pk, seed=seed)


# name -> loader(n, seed) -> rows loaded, for ``python -m bench.generate``.
CLI = {"enterprises": lambda n, seed: len(enterprises(n, seed=seed)), "ledger": _cli_ledger}
