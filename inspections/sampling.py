"""The pure part of "double random, one public" draws (REGULATION.md §3, DESIGN.md
"Verifiable draws"): consistent sampling, sample sizes, seeds, frame hashes, and the dealing
of inspectors with recusal. No Django and no database: anyone can read and re-run it.

Consistent sampling is Rivest's ``consistent_sampler`` 1.0.10 (PyPI), without replacement:
each id gets the ticket ``"0." + reversed(decimal(SHA-256(sha256_hex(seed) + id)))`` and ids
come out in ascending ticket order (ties broken by the id, as its heap of
``(ticket, id, generation)`` tuples does). :func:`sample` gives exactly
``list(consistent_sampler.sampler(ids, seed=seed, take=take, output="id"))`` and is several
times faster at a million ids:

* the 64-byte seed hash is one SHA-256 block, and the per-id hashing runs as a chain of
  ``map`` calls over C functions, so no Python bytecode runs per id;
* the order of two tickets is decided by their first digits, which are the *lowest* decimal
  digits of the hash: a 4-digit table turns ``x % 10**4`` into a coarse key with no string
  formatting;
* every id whose coarse key is at most a threshold T ranks before every id whose coarse key
  is above it, so once at least ``take`` ids lie at or below T the sample is among them; only
  those candidates get their full ticket string (the reference's exact comparison key) and
  are sorted. Ties of the full ticket string fall back to the id, as in the reference.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from itertools import compress
from typing import Any

ALGORITHM = "consistent_sampler 1.0.10, without replacement"
FRAME_FORMAT = "telereg-draw-frame/1"
SEED_RULE = (
    'seed = sha256_hex(frame_hash + "|" + "|".join(inputs)): the SHA-256 hex digest of the frame hash, '
    'a "|", and the published inputs as strings joined by "|", in the order published'
)
INSPECTOR_SEED_SUFFIX = "|inspectors"

_COARSE_DIGITS = 4
_COARSE_MOD = 10**_COARSE_DIGITS
# _REVERSED[r] is r's 4 decimal digits (zero-padded) read backwards: the first 4 ticket digits
# of a hash whose value is r modulo 10**4, as a number.
_REVERSED = [int(f"{r:0{_COARSE_DIGITS}d}"[::-1]) for r in range(_COARSE_MOD)]
_sha256 = hashlib.sha256
_digest = type(_sha256()).digest


class SamplingError(ValueError):
    """Ids that the reference sampler would refuse (duplicates) or that are not strings."""


# ---------------------------------------------------------------- canonical JSON, hashes, seed


def canonical_json(value: Any) -> bytes:
    """UTF-8, keys sorted, separators (",", ":"), non-ASCII kept (DESIGN.md)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def frame_hash(frame: Mapping[str, Any]) -> str:
    """The SHA-256 hex digest of the frame's canonical JSON."""
    return sha256_hex(canonical_json(frame))


def seed_from(frame_hash_hex: str, inputs: Sequence[str]) -> str:
    """``sha256_hex(frame_hash + "|" + "|".join(inputs))``: the seed exists only once the frame
    hash does, so nobody can choose a frame that suits a known seed."""
    if not inputs:
        raise ValueError("a seed needs at least one public input")
    return sha256_hex(frame_hash_hex + "|" + "|".join(str(i) for i in inputs))


def take_for(rate: Decimal | str | int, n: int) -> int:
    """``min(n, max(1, ceil(rate × n)))`` for n > 0, 0 for an empty stratum, in exact decimal
    arithmetic: "at least 1 from each non-empty stratum" (REGULATION.md §3 defaults)."""
    if n <= 0:
        return 0
    try:
        r = Decimal(str(rate)) if not isinstance(rate, Decimal) else rate
    except InvalidOperation:
        raise ValueError(f"not a decimal rate: {rate!r}")
    if not r.is_finite() or r < 0 or r > 1:
        raise ValueError(f"rate must be between 0 and 1: {rate!r}")
    product = r * n
    whole = int(product.to_integral_value(rounding=ROUND_CEILING))
    return min(n, max(1, whole))


# ---------------------------------------------------------------- consistent sampling


def _check_ids(ids: Sequence[str]) -> None:
    kinds = set(map(type, ids))
    if kinds - {str}:
        raise SamplingError(f"ids must be strings, got {sorted(k.__name__ for k in kinds - {str})}")
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        dupes = sorted({i for i in ids if i in seen or seen.add(i)})
        raise SamplingError(f"duplicate ids: {dupes[:10]}")


def _full_key(prefix: bytes, id_: str) -> str:
    """The reference's ticket digits (without the leading "0."), untrimmed."""
    x = int.from_bytes(_sha256(prefix + id_.encode("utf-8")).digest(), "big")
    return f"{x:064d}"[::-1]


def _ordered(ids: Sequence[str], seed: Any, take: int | None) -> list[tuple[str, str]]:
    """(full ticket digits, id) of the first ``take`` ids in ticket order."""
    _check_ids(ids)
    n = len(ids)
    k = n if take is None else min(int(take), n)
    if k <= 0:
        return []
    prefix = _sha256(str(seed).encode("utf-8")).hexdigest().encode("ascii")
    # When most ids are taken the threshold pass would keep almost everything anyway.
    if 2 * k >= n:
        # Most ids are taken anyway: compute every full key once.
        candidates: Iterable[str] = ids
    else:
        hashes = map(_digest, map(_sha256, map(prefix.__add__, map(str.encode, ids))))
        coarse = list(map(_REVERSED.__getitem__, map(_COARSE_MOD.__rmod__, map(int.from_bytes, hashes))))
        # Tickets are uniform: k ids are expected at or below k/n of the range. Start a few
        # standard deviations above that and widen until at least k ids qualify.
        expected = _COARSE_MOD * (k + 4 * math.sqrt(k) + 8) / n
        threshold = min(_COARSE_MOD - 1, math.ceil(expected))
        while True:
            chosen = list(compress(range(n), map(threshold.__ge__, coarse)))
            if len(chosen) >= k or threshold >= _COARSE_MOD - 1:
                break
            threshold = min(_COARSE_MOD - 1, threshold * 2 + 1)
        candidates = [ids[i] for i in chosen]
    keyed = [(_full_key(prefix, i), i) for i in candidates]
    # (ticket digits, id) tuples sort exactly as the reference's heap of (ticket, id, 1).
    keyed.sort()
    return keyed[:k]


def sample(ids: Sequence[str], seed: Any, take: int | None = None) -> list[str]:
    """``list(consistent_sampler.sampler(ids, seed=seed, take=take, output="id"))``."""
    return [i for _, i in _ordered(ids, seed, take)]


def trim(digits: str, mantissa: int = 9) -> str:
    """The reference's published ticket number: "0." and the digits, truncated to
    ``mantissa`` significant digits after the leading run of 9s (not rounded)."""
    x = "0." + digits
    # Like the reference: a ticket of all 9s counts its first non-9 as just past the end.
    x0 = x + "0"
    first = next(i for i in range(2, len(x0)) if x0[i] < "9")
    return x[: first + mantissa]


def sample_tickets(
    ids: Sequence[str], seed: Any, take: int | None = None, digits: int = 9
) -> list[tuple[str, str]]:
    """(ticket number, id) pairs, equal to the first two fields of
    ``consistent_sampler.sampler(..., output="tuple", digits=digits)``."""
    return [(trim(key, digits), i) for key, i in _ordered(ids, seed, take)]


# ---------------------------------------------------------------- dealing inspectors


@dataclass
class Pool:
    """The inspector side of a frame: one random order of every badge, loads, caps, conflicts."""

    order: list[str]
    load: dict[str, int]
    cap: dict[str, int]
    conflicts: set[tuple[str, str]]
    position: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.position = {b: n for n, b in enumerate(self.order)}

    def eligible(self, badge: str, target: str) -> bool:
        return (badge, target) not in self.conflicts and self.load[badge] < self.cap[badge]


def inspector_order(badges: Sequence[str], seed: str) -> list[str]:
    """``sampler(badges, seed=seed + "|inspectors", output="id")``, every badge once."""
    return sample(badges, seed + INSPECTOR_SEED_SUFFIX)


def make_pool(inspectors: Iterable[Mapping[str, Any]], conflicts: Iterable[Sequence[str]], seed: str) -> Pool:
    inspectors = list(inspectors)
    badges = [str(i["badge"]) for i in inspectors]
    return Pool(
        order=inspector_order(badges, seed),
        load={str(i["badge"]): int(i["load"]) for i in inspectors},
        cap={str(i["badge"]): int(i["cap"]) for i in inspectors},
        conflicts={(str(b), str(t)) for b, t in conflicts},
    )


@dataclass
class Dealt:
    assignments: list[tuple[str, list[str]]]  # (target, badges) in dealing order
    shortfalls: list[tuple[str, int]]  # (target, badges missing)
    cursor: int


def deal(pool: Pool, targets: Iterable[str], team_size: int) -> Dealt:
    """Deal teams in turn from ``pool.order`` (DESIGN.md step 4). For each target walk the
    order cyclically from the cursor, at most len(order) steps, taking each badge with no
    conflict (REGULATION.md §3 recusal triggers) and load below its cap until ``team_size``
    are taken; the cursor then stands just after the last badge examined. A shortfall is
    recorded, never filled by hand. Mutates ``pool.load``."""
    if team_size < 1:
        raise ValueError("team_size must be at least 1")
    order, size = pool.order, len(pool.order)
    cursor = 0
    assignments: list[tuple[str, list[str]]] = []
    shortfalls: list[tuple[str, int]] = []
    for target in targets:
        team: list[str] = []
        steps = 0
        while steps < size and len(team) < team_size:
            badge = order[cursor]
            # The cursor moves past every badge examined, taken or skipped (DESIGN.md step 4).
            cursor = (cursor + 1) % size
            steps += 1
            if pool.eligible(badge, target):
                team.append(badge)
                pool.load[badge] += 1
        assignments.append((target, team))
        if len(team) < team_size:
            shortfalls.append((target, team_size - len(team)))
    return Dealt(assignments=assignments, shortfalls=shortfalls, cursor=cursor)


def recuse(pool: Pool, team: list[str], target: str, badge: str, recused: set[str]) -> str | None:
    """Replace ``badge`` in ``team`` for ``target`` (DESIGN.md step 4): free its load slot and
    take the first badge walking cyclically from just after the recused badge's position in
    the order that is eligible now and neither in the team nor recused for this target. The
    dealing cursor does not move. ``recused`` is the set of badges already recused for this
    target and is updated. Returns the replacement, or None (a shortfall). Mutates
    ``team`` and ``pool.load``."""
    if badge not in team:
        raise ValueError(f"{badge} is not in the team of {target}")
    team.remove(badge)
    pool.load[badge] -= 1
    recused.add(badge)
    order, size = pool.order, len(pool.order)
    start = pool.position[badge]
    # Start just after the recused badge; never the recused badge itself (step 0).
    for step in range(1, size):
        candidate = order[(start + step) % size]
        if candidate in team or candidate in recused:
            continue
        if pool.eligible(candidate, target):
            team.append(candidate)
            pool.load[candidate] += 1
            return candidate
    return None
