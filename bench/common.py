"""Helpers for the benchmarks: timing and bulk loading with SQL."""

import statistics
import time
from collections.abc import Callable

from django.db import connection


def timings(fn: Callable[[], object], n: int, warmup: int = 20) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def p(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def ms(v: float) -> str:
    return f"{v * 1000:.2f} ms"


def median(values: list[float]) -> float:
    return statistics.median(values)


def sql(text: str, params=None) -> None:
    with connection.cursor() as cur:
        cur.execute(text, params)


def make_enterprises(n: int, prefix: str = "91") -> list[int]:
    """n enterprises with codes of the right shape (the register's check constraint)."""
    sql(
        """
        INSERT INTO regulator_enterprise (uscc, name, legal_representative, registered_address, province,
                                          contact_phone, contact_email, created_at, updated_at)
        SELECT %s || '1101' || lpad(g::text, 12, '0'), '基准企业' || g, '张三', '北京', '11', '', '', now(), now()
        FROM generate_series(1, %s) g
        ON CONFLICT (uscc) DO NOTHING
        """,
        [prefix, n],
    )
    from regulator.models import Enterprise

    return list(
        Enterprise.objects.filter(uscc__startswith=prefix + "1101")
        .order_by("id")
        .values_list("id", flat=True)
    )
