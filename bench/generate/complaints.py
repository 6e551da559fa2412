"""Complaints at report scale (DESIGN.md: 5,000,000 complaints), streamed with COPY.

Each complaint gets a whole, consistent life as the services would have left it as of
``AS_OF``: received in one of twelve months, then rejected, or accepted (then forwarded,
answered by the enterprise, closed resolved or unresolved, withdrawn, or still open), with
its clock deadlines, its fast/timely result and handling days computed by the app's own
pure clock functions (``complaints.sla`` through ``services.common``: the policy and
definition in force, the working-day calendar), its publication date by the rule the
services and the SLA sweep apply (closed, or the answer time passed), and a rating for
most closed ones. History is not replayed through the services (they act on today's date;
5,000,000 transactions would take hours), exactly as ``complaints.demo`` does.

Rollups: each generated complaint's contribution and bucket come from the app's own
``transitions.contribution`` and ``transitions.bucket``; the sums per bucket are then added
to ``complaints_rollup`` with the very upsert ``transitions.apply_rollup`` issues (``x = x +
excluded.x``), in one statement from a temporary table, so existing rollups (the demo's)
are added to, not replaced. The app has no rollup rebuild command; the tests check the
rollups against ``metrics.recompute`` over the public records.

Reproducible and resumable: row i depends only on (seed, i, enterprises); a load runs in
one transaction, so the rows present for a seed are always a prefix 0..k-1; a second call
with the same seed adds only rows k..n-1 (nothing when n ≤ k). Events, pauses and
attachments are not generated (the report reads none of them).
"""

import bisect
import datetime as dt
import hashlib
import random
import time
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace

from django.db import connection, transaction

from bench import generate
from bench.common import bulk_load, copy_binary
from complaints import sla
from complaints.models import Complaint, Rollup
from complaints.services import common
from complaints.transitions import ROLLUP_FIELDS, bucket, contribution
from regulator import calendar

FIRST_MONTH = dt.date(2025, 1, 1)
MONTHS = 12
# The "today" of the generated data: after the last month, so most complaints are closed
# and December still has open ones (some past their answer time, hence public).
AS_OF = dt.date(2026, 1, 20)
SH = zoneinfo.ZoneInfo("Asia/Shanghai")
# Weights (complaint mix as in complaints.demo: billing and network dominate).
CATEGORIES = {
    "billing": 30,
    "network": 20,
    "unsolicited": 15,
    "personal_info": 12,
    "app_rights": 15,
    "other": 8,
}
CHANNELS = {"web": 55, "phone": 35, "letter": 4, "visit": 3, "email": 3}
REJECT_REASONS = ["not_raised_with_operator", "already_settled", "already_handled", "conditions_not_met"]
SERVICES = {
    "telecom": ["移动通信", "固定宽带", "固定电话", "国际漫游"],
    "internet": ["移动应用", "网络购物", "社交平台"],
}
TEXT = {
    "billing": "账单中出现未订购的增值业务扣费，要求退费。",
    "network": "所在小区信号长期较差，多次报修未解决。",
    "unsolicited": "频繁收到营销短信和骚扰电话，退订无效。",
    "personal_info": "个人信息被泄露，怀疑被用于营销。",
    "app_rights": "应用强制索取权限，无法注销账号。",
    "other": "客服处理态度差，诉求未得到答复。",
}
SURNAMES = generate.SURNAMES
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
RATINGS = [1, 2, 3, 4, 5]
RATING_CUM = [5, 10, 20, 50, 100]  # cumulative %: mostly satisfied, some not
COLUMNS = [
    "public_id", "tracking_hash", "kind", "category", "channel", "service", "description", "enterprise_id",
    "respondent_licence_number", "province", "complainant_name", "complainant_phone", "complainant_email",
    "received_at", "received_on", "first_raised_on", "disputed_on", "status", "outcome", "reject_reason",
    "accepted_on", "forwarded_on", "responded_on", "closed_on", "enterprise_response", "resolution",
    "reopen_count", "accept_due_on", "respond_due_on", "answer_due_on", "clock_version", "calendar_version",
    "paused", "fast", "timely", "handling_days", "definition_version", "rating", "rated_at", "public_on",
    "period", "created_at", "updated_at",
]  # fmt: skip
KEY = ("period", "enterprise_id", "category", "province", "kind")


@dataclass
class Loaded:
    enterprise_ids: list[int]
    months: list[dt.date]
    added: int  # complaints written by this call
    present: int  # complaints of this seed now stored
    seconds: float


def _cum(weights: dict[str, int]) -> tuple[list[str], list[int]]:
    names, cum, total = [], [], 0
    for name, w in weights.items():
        total += w
        names.append(name)
        cum.append(total)
    return names, cum


def _pick(rng: random.Random, table: tuple[list, list[int]]):
    names, cum = table
    return names[bisect.bisect_right(cum, rng.random() * cum[-1])]


def months_from(first: dt.date, count: int) -> list[dt.date]:
    return [
        dt.date(first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1, 1)
        for k in range(count)
    ]


def _days_in(month: dt.date) -> int:
    nxt = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return (nxt - month).days


class _Clocks:
    """The services' clock arithmetic (common.clocks_for, common.definition, sla.deadline,
    sla.judge, no pauses), memoised per date: there are only a few hundred distinct days."""

    def __init__(self):
        self.cal = calendar.current()
        self.definition = common.definition()
        self.policy = {k: common.clocks_for(k) for k in ("telecom", "internet")}
        self._due: dict = {}
        self._judged: dict = {}

    def due(self, kind: str, clock: str, start: dt.date | None) -> dt.date | None:
        if start is None:
            return None
        key = (kind, clock, start)
        if key not in self._due:
            self._due[key] = sla.deadline(self.cal, start, common.span(self.policy[kind][clock]["span"]))
        return self._due[key]

    def timely_due(self, accepted_on: dt.date) -> dt.date:
        key = ("definition", "timely", accepted_on)
        if key not in self._due:
            self._due[key] = sla.deadline(self.cal, accepted_on, self.definition.timely)
        return self._due[key]

    def judge(self, accepted_on: dt.date, closed_on: dt.date) -> sla.Outcome:
        key = (accepted_on, closed_on)
        if key not in self._judged:
            self._judged[key] = sla.judge(
                self.cal, self.definition, accepted_on=accepted_on, closed_on=closed_on
            )
        return self._judged[key]


def _rows(
    n: int, seed: int, skip: int, ents: list[tuple[int, str]], months: list[dt.date], sums: "_Sums", clocks
):
    """Complaint rows skip..n-1 for COPY; adds each row's contribution to ``sums``.
    ``clocks`` is made beforehand: the generator runs inside the COPY, when the connection
    is busy."""
    rng = random.Random(seed)
    r = rng.random
    cats, chans = _cum(CATEGORIES), _cum(CHANNELS)
    # A skewed share per enterprise (a few large operators draw most complaints), fixed by
    # the seed: weight 1/(rank+1)^0.8 over the enterprises in a seeded order.
    order = list(range(len(ents)))
    rng.shuffle(order)
    cum, total = [], 0.0
    for rank in range(len(ents)):
        total += 1.0 / (rank + 1) ** 0.8
        cum.append(total)
    last_ent = len(ents) - 1
    tag = f"{seed % 256:02X}"
    dv, calv = clocks.definition.version, clocks.cal.version
    # Per-row work kept small (5,000,000 rows): days, local midnights and id prefixes once.
    day = [dt.timedelta(days=k) for k in range(64)]
    minute = [dt.timedelta(minutes=k) for k in range(24 * 60)]
    month_days = [[m + day[k] for k in range(_days_in(m))] for m in months]
    prefix = [f"C{m:%y%m}{tag}" for m in months]
    midnight: dict[dt.date, dt.datetime] = {}

    def local(d: dt.date) -> dt.datetime:
        at = midnight.get(d)
        if at is None:
            at = midnight[d] = dt.datetime.combine(d, dt.time(0), tzinfo=SH)
        return at

    for i in range(n):
        ent_id, prov = ents[order[min(last_ent, bisect.bisect_right(cum, r() * total))]]
        mi = int(r() * len(months))
        month = months[mi]
        received_on = month_days[mi][int(r() * len(month_days[mi]))]
        received_at = local(received_on) + minute[480 + int(r() * 720)]  # 08:00-20:00
        kind = "telecom" if r() < 0.55 else "internet"
        category = _pick(rng, cats)
        channel = _pick(rng, chans)
        service = SERVICES[kind][int(r() * len(SERVICES[kind]))]
        name = (
            SURNAMES[int(r() * len(SURNAMES))] + GIVEN[int(r() * len(GIVEN))] + GIVEN[int(r() * len(GIVEN))]
        )
        phone = f"1{3 + int(r() * 6)}{int(r() * 1e9):09d}"
        first_raised = disputed = None
        if kind == "telecom":
            # Order 35: an appeal follows a complaint to the operator (§4.1).
            first_raised = received_on - day[1 + int(r() * 20)]
            disputed = first_raised - day[int(r() * 40)]
        status, outcome, reason = "received", "", ""
        accepted = forwarded = responded = closed = None
        fast = timely = days = rating = rated_at = public_on = None
        definition_version, response, resolution = "", "", ""
        if r() < 0.03:
            status, reason = "rejected", REJECT_REASONS[int(r() * len(REJECT_REASONS))]
            last = received_on + day[int(r() * 4)]
        else:
            accepted = received_on + day[int(r() * 4)]
            withdrawn = r() < 0.03
            if r() < 0.85:
                forwarded = accepted + day[int(r() * 2)]
            # Handling time in calendar days from acceptance: most within a week, a tail late.
            h = r()
            span = int(r() * 8) if h < 0.7 else 8 + int(r() * 7) if h < 0.92 else 15 + int(r() * 26)
            end = max(accepted + day[span], forwarded or accepted)
            if forwarded is not None and r() < 0.75:
                responded = min(end, forwarded + day[1 + int(r() * 6)])
            timely_due = clocks.timely_due(accepted)
            answer_due = clocks.due(kind, "answer", accepted)
            if end <= AS_OF:
                closed, status = end, "closed"
                if withdrawn:
                    outcome = "withdrawn"
                    # The sweep marked it untimely if it was still open past the deadline.
                    timely = False if end > timely_due else None
                else:
                    outcome = "unresolved" if r() < 0.1 else "resolved"
                    out = clocks.judge(accepted, end)
                    fast, timely, days = out.fast, out.timely, out.handling_days
                    resolution = "已协调企业处理完毕。" if outcome == "resolved" else "调解未达成一致。"
                    if r() < 0.65:
                        rating = RATINGS[bisect.bisect_right(RATING_CUM, r() * 100)]
                        rated_at = local(end) + minute[1200]
                definition_version = dv
            else:
                responded = responded if responded and responded <= AS_OF else None
                status = "responded" if responded else "forwarded" if forwarded else "accepted"
                if timely_due < AS_OF:  # the sweep's "late": untimely while still open
                    timely, definition_version = False, dv
            # Public once closed or once the answer time passed (the sweep runs every few
            # minutes, so the day after the deadline), whichever came first.
            if answer_due < AS_OF and (closed is None or answer_due < closed):
                public_on = answer_due + day[1]
            elif closed is not None:
                public_on = closed
            last = closed or responded or forwarded or accepted
            if responded:
                response = "已核实并办理退费。" if category == "billing" else "已安排处理并回复用户。"
        if i < skip:
            continue
        # What the rollups need of this row: its bucket and the fields contribution() reads.
        sums.add(
            (month, ent_id, category, prov, kind),
            (status, public_on is not None, accepted is not None, fast, timely, rating),
        )
        yield (
            prefix[mi] + f"{(i * 0x9E3779B1) & 0xFFFFFFFF:08X}",
            hashlib.sha256(f"bench-complaint:{seed}:{i}".encode()).hexdigest(),
            kind, category, channel, service, TEXT[category], ent_id, "", prov, name, phone, "",
            received_at, received_on, first_raised, disputed, status, outcome, reason,
            accepted, forwarded, responded, closed, response, resolution, 0,
            clocks.due(kind, "accept", received_on), clocks.due(kind, "respond", forwarded),
            clocks.due(kind, "answer", accepted), clocks.policy[kind]["version"], calv, False,
            fast, timely, days, definition_version, rating, rated_at, public_on,
            month, received_at, local(last) + minute[1080],
        )  # fmt: skip


def _present(seed: int, n: int) -> int:
    """How many of rows 0..n-1 of this seed are stored (always a prefix: see the docstring)."""

    def stored(i: int) -> bool:
        h = hashlib.sha256(f"bench-complaint:{seed}:{i}".encode()).hexdigest()
        return Complaint.objects.filter(tracking_hash=h).exists()

    lo, hi = 0, n  # rows < lo are stored, rows ≥ hi are not
    while lo < hi:
        mid = (lo + hi) // 2
        if stored(mid):
            lo = mid + 1
        else:
            hi = mid
    return lo


class _Sums:
    """Rollup sums per bucket, from the app's own ``transitions.contribution`` (called once per
    distinct shape of the fields it reads) and ``transitions.bucket``."""

    _DAY = dt.date(2000, 1, 1)  # stands for "a date": contribution() only tests for None

    def __init__(self):
        self.memo: dict[tuple, list[int] | None] = {}
        self.by_key: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(ROLLUP_FIELDS))

    def add(self, key: tuple, shape: tuple) -> None:
        try:
            con = self.memo[shape]
        except KeyError:
            status, public, accepted, fast, timely, rating = shape
            got = contribution(
                SimpleNamespace(
                    status=status,
                    public_on=self._DAY if public else None,
                    accepted_on=self._DAY if accepted else None,
                    fast=fast,
                    timely=timely,
                    rating=rating,
                )  # fmt: skip
            )
            con = self.memo[shape] = [got[f] for f in ROLLUP_FIELDS] if got["records"] else None
        if con is not None:
            acc = self.by_key[key]
            for j, v in enumerate(con):
                acc[j] += v

    def buckets(self) -> dict[tuple, dict[str, int]]:
        return {
            bucket(SimpleNamespace(**dict(zip(KEY, key, strict=True)))): dict(
                zip(ROLLUP_FIELDS, v, strict=True)
            )
            for key, v in self.by_key.items()
        }


def _add_rollups(sums: dict) -> None:
    """Add the sums to complaints_rollup with apply_rollup's upsert (x = x + excluded.x),
    in one statement from a temporary table."""
    table = Rollup._meta.db_table
    cols = ", ".join(ROLLUP_FIELDS)
    keys = ", ".join(KEY)
    sets = ", ".join(f"{f} = {table}.{f} + excluded.{f}" for f in ROLLUP_FIELDS)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS gen_rollup")
        cur.execute(f"CREATE TEMP TABLE gen_rollup AS SELECT {keys}, {cols} FROM {table} WITH NO DATA")
    copy_binary(
        "gen_rollup", [*KEY, *ROLLUP_FIELDS], ((*k, *(v[f] for f in ROLLUP_FIELDS)) for k, v in sums.items())
    )
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} ({keys}, {cols}) SELECT {keys}, {cols} FROM gen_rollup "  # noqa: S608
            f"ORDER BY {keys} ON CONFLICT ({keys}) DO UPDATE SET {sets}"
        )
        cur.execute("DROP TABLE gen_rollup")


def complaints(
    n: int,
    *,
    seed: int = 1,
    enterprise_ids: list[int] | None = None,
    enterprises: int = 2000,
    first_month: dt.date = FIRST_MONTH,
    months: int = MONTHS,
    bulk_threshold: int = 100_000,
) -> Loaded:
    """n complaints over ``months`` months from ``first_month`` against the given enterprises
    (default: ``enterprises`` generated ones, serials apart from other benchmarks'), with the
    rollups the statistics read. Returns what was loaded."""
    t0 = time.perf_counter()
    if enterprise_ids is None:
        enterprise_ids = generate.enterprises(
            enterprises, seed=seed, serial_base=30_000_000 + 100_000 * (seed % 100)
        )
    with connection.cursor() as cur:
        cur.execute(
            "SELECT id, province FROM regulator_enterprise WHERE id = ANY(%s) ORDER BY id", [enterprise_ids]
        )
        ents = [(pk, prov) for pk, prov in cur.fetchall()]
    period = months_from(first_month, months)
    with transaction.atomic():
        # Serialise concurrent loads of the same data (the prefix rule needs it).
        with connection.cursor() as cur:
            cur.execute("LOCK TABLE complaints_complaint IN SHARE ROW EXCLUSIVE MODE")
        have = _present(seed, n)
        added = 0
        if have < n:
            sums = _Sums()
            rows = _rows(n, seed, have, ents, period, sums, _Clocks())
            # A large load drops and rebuilds the indexes and keys (bench.common.bulk_load).
            with bulk_load("complaints_complaint", n - have, threshold=bulk_threshold):
                added = copy_binary("complaints_complaint", COLUMNS, rows)
            _add_rollups(sums.buckets())
    if added:
        with connection.cursor() as cur:
            cur.execute("ANALYZE complaints_complaint")
            cur.execute("ANALYZE complaints_rollup")
    return Loaded(enterprise_ids, period, added, max(have, n), time.perf_counter() - t0)


def _cli(n: int, seed: int) -> int:
    return complaints(n, seed=seed).added


# name -> loader(n, seed) -> rows loaded, for ``python -m bench.generate``.
CLI = {"complaints": _cli}
