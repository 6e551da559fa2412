"""Draw frames at DESIGN.md's scale: 1,000,000 licensees of one authority in the credit
strata the draw samples, and a roster of 10,000 inspectors.

What ``inspections.services.campaigns`` reads to build a frame (REGULATION.md §3): the
holders of an active licence issued by the campaign's authority
(``licensing.selectors.live_licence_holders``), each one's credit account (grade, bad list,
dishonest list; a firm without an account stands at the base score), and the authority's
active inspectors. So this generator loads:

- enterprises (``bench.generate.enterprises``: valid codes, provinces by weight);
- one valid licence each, issued by ``authority`` (COPY);
- for the firms not at the base score, their ledger postings under the app's own rules
  (timeliness deductions, a bad-list penalty, a dishonest-list revocation: the rule's
  points) and the account the posting service would have left: score = base + sum, grade
  from ``credit.services.common.grade_of``, so ``credit_verify`` agrees with every account.
  The bad and dishonest flags are set on the account, which is what the frame reads; the
  list entries behind them are not generated here (``bench.generate.lists`` does lists);
- ``inspectors`` active inspectors of ``authority`` (COPY).

The stratum of each firm is drawn from the seed with the shares of the draw benchmark:
dishonest 0.2%, bad 3%, grade B 12%, grade A 50%, the rest at the base score (grade AA).
Same seed, same rows; a second call adds nothing (unique codes, licence numbers and badges;
accounts and postings only for firms that have no account yet).
"""

import bisect
import datetime as dt
import random
import time
from dataclasses import dataclass

from django.db import connection, transaction

from bench import generate
from bench.common import bulk_load
from credit import conf as credit_conf
from credit.models import Rule
from credit.services.common import grade_of

# Shares (cumulative, per 1,000) and the postings that put a firm in each stratum.
STRATA = [("dishonest", 2), ("bad", 32), ("grade_B", 152), ("grade_A", 652), ("grade_AA", 1000)]
POSTINGS = {
    "dishonest": [["DISHONEST_REVOKED"], ["DISHONEST_FALSE_COMMITMENT", "COMPLAINT_TIMELINESS"]],
    "bad": [["BAD_PENALTY"], ["BAD_ANNUAL_REPORT"], ["BAD_UNREACHABLE", "COMPLAINT_TIMELINESS"]],
    "grade_B": [["COMPLAINT_TIMELINESS"] * 3, ["COMPLAINT_TIMELINESS"] * 4],
    "grade_A": [["COMPLAINT_TIMELINESS"], ["COMPLAINT_TIMELINESS"] * 2],
    "grade_AA": [[]],
}
# Postings fall in the three months before this date (reproducible rows; still in force for
# a year after it).
AS_OF = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
LICENCE_COLS = [
    "number", "enterprise_id", "issuer", "path", "categories", "coverage", "valid_from", "valid_until",
    "status", "status_reason", "status_legal_basis", "version", "issued_at", "imported", "updated_at",
]  # fmt: skip
LEDGER_COLS = [
    "enterprise_id", "rule_id", "rule_version", "kind", "points", "effective_at", "recorded_at",
    "expires_at", "source_ref", "actor_label", "note", "content_hash",
]  # fmt: skip
SERVICES = ["B21", "B25", "B11", "B24"]


@dataclass
class Frames:
    enterprise_ids: list[int]
    strata: dict[str, list[str]]  # stratum -> sorted USCCs, as the frame lists them
    inspectors: int
    seconds: float


def assign(n: int, seed: int) -> list[tuple[str, int]]:
    """(stratum, variant of its postings) for firm 0..n-1: the seed decides."""
    rng = random.Random(seed * 7919 + 17)
    cum = [c for _n, c in STRATA]
    out = []
    for _ in range(n):
        name = STRATA[bisect.bisect_right(cum, int(rng.random() * 1000))][0]
        out.append((name, int(rng.random() * len(POSTINGS[name]))))
    return out


def _temp(cur, name: str, definition: str) -> None:
    cur.execute(f"DROP TABLE IF EXISTS {name}")
    cur.execute(f"CREATE TEMP TABLE {name} ({definition})")


def frames(
    n: int,
    *,
    seed: int = 1,
    inspectors: int = 10_000,
    authority: str = "MIIT",
    serial_base: int = 20_000_000,
) -> Frames:
    t0 = time.perf_counter()
    ids = generate.enterprises(n, seed=seed, serial_base=serial_base)
    codes = generate.usccs(ids)
    plan = assign(len(ids), seed)
    rng = random.Random(seed)
    rules = {code: (pk, pts, ver, months) for code, pk, pts, ver, months in Rule.objects.values_list(
        "code", "pk", "points", "version", "validity_months"
    )}  # fmt: skip
    base = int(credit_conf.get("CREDIT_BASE_SCORE"))
    with transaction.atomic(), connection.cursor() as cur:
        # Licences: one valid standard licence per firm, numbered after its code.
        cur.execute("DROP TABLE IF EXISTS gen_licence")
        cols = ", ".join(LICENCE_COLS)
        cur.execute(f"CREATE TEMP TABLE gen_licence AS SELECT {cols} FROM licensing_licence WITH NO DATA")
        issued = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
        generate.copy_rows(
            "gen_licence",
            LICENCE_COLS,
            (
                (f"B2-{code}", pk, authority, "standard", f'["{SERVICES[k % 4]}"]', f'["{code[2:4]}"]',
                 dt.date(2024, 1, 1), dt.date(2029, 1, 1), "valid", "", "", 1, issued, True, issued)
                for k, (pk, code) in enumerate(zip(ids, codes, strict=True))
            ),
        )  # fmt: skip
        # Numbers already stored are dropped first (through the unique index), so the insert
        # itself can run without indexes and keys (bench.common.bulk_load, for a large load).
        cur.execute("DELETE FROM gen_licence g USING licensing_licence l WHERE l.number = g.number")
        cur.execute("SELECT count(*) FROM gen_licence")
        with bulk_load("licensing_licence", cur.fetchone()[0]):
            cur.execute(
                f"INSERT INTO licensing_licence ({cols}) SELECT {cols} FROM gen_licence ORDER BY number"
            )  # noqa: S608
        cur.execute("DROP TABLE gen_licence")
        # Credit: postings and accounts for firms that have no account yet.
        cur.execute("SELECT enterprise_id FROM credit_account WHERE enterprise_id = ANY(%s)", [ids])
        have = {r[0] for r in cur.fetchall()}
        accounts, postings = [], []
        for pk, (name, variant) in zip(ids, plan, strict=True):
            entries = POSTINGS[name][variant]
            # The rng advances for every firm, whatever is skipped: rows stay reproducible.
            days = [rng.randrange(1, 90) for _ in entries]
            if not entries or pk in have:
                continue
            score = base
            for code, ago in zip(entries, days, strict=True):
                rule_id, pts, ver, months = rules[code]
                eff = AS_OF - dt.timedelta(days=ago)
                score += pts
                postings.append(
                    (pk, rule_id, ver, "posting", pts, eff, eff, eff + dt.timedelta(days=30 * months),
                     f"bench-frame:{seed}", "bench", "", "")
                )  # fmt: skip
            dishonest = name == "dishonest"
            accounts.append((pk, score, grade_of(score, dishonest), name == "bad", dishonest))
        with bulk_load("credit_ledgerentry", len(postings)):
            generate.copy_rows("credit_ledgerentry", LEDGER_COLS, postings)
        _temp(cur, "gen_account", "enterprise_id bigint, score int, grade text, bad bool, dishonest bool")
        generate.copy_rows("gen_account", ["enterprise_id", "score", "grade", "bad", "dishonest"], accounts)
        # The account as the posting service leaves it: count and last entry from the ledger.
        cur.execute(
            """
            INSERT INTO credit_account (enterprise_id, score, grade, on_bad_list, on_dishonest_list,
                                        entry_count, last_entry_id, updated_at)
            SELECT g.enterprise_id, g.score, g.grade, g.bad, g.dishonest, count(l.id), max(l.id), now()
            FROM gen_account g JOIN credit_ledgerentry l ON l.enterprise_id = g.enterprise_id
            GROUP BY g.enterprise_id, g.score, g.grade, g.bad, g.dishonest
            ON CONFLICT (enterprise_id) DO NOTHING
            """
        )
        cur.execute("DROP TABLE gen_account")
        # The inspector roster of the authority.
        _temp(cur, "gen_inspector", "badge text, authority_id text")
        generate.copy_rows(
            "gen_inspector",
            ["badge", "authority_id"],
            ((f"G{seed % 100:02d}{authority}{k:06d}", authority) for k in range(inspectors)),
        )
        cur.execute(
            "INSERT INTO inspections_inspector (badge, authority_id, specialties, active, load_cap, created_at) "
            "SELECT badge, authority_id, '[]', true, 20, %s FROM gen_inspector ORDER BY badge "
            "ON CONFLICT (badge) DO NOTHING",
            [AS_OF],
        )
        cur.execute("DROP TABLE gen_inspector")
    with connection.cursor() as cur:
        for table in ("licensing_licence", "credit_ledgerentry", "credit_account", "inspections_inspector"):
            cur.execute(f"ANALYZE {table}")
    strata: dict[str, list[str]] = {name: [] for name, _c in STRATA}
    for code, (name, _v) in zip(codes, plan, strict=True):
        strata[name].append(code)
    return Frames(ids, {k: sorted(v) for k, v in strata.items()}, inspectors, time.perf_counter() - t0)


def _cli(n: int, seed: int) -> int:
    return len(frames(n, seed=seed).enterprise_ids)


# name -> loader(n, seed) -> rows loaded, for ``python -m bench.generate``.
CLI = {"frames": _cli}
