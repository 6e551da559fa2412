#!/usr/bin/env python3
"""Verify a telereg "double random" draw from its published data, independently of telereg.

Needs only the Python standard library and the PyPI package ``consistent-sampler``
(``pip install consistent-sampler==1.0.10``). It downloads the frozen frame and the
published draw, then recomputes everything the draw publishes and prints each difference:

    python tools/verify_draw.py 12 --url https://telereg.example.gov.cn
    python tools/verify_draw.py --frame frame.json --draw draw.json     # offline

What it checks (the protocol of DESIGN.md "Verifiable draws"):
1. the frame's SHA-256 equals the published frame hash, and the frame is well formed
   (canonical JSON, sorted ids, take = min(n, max(1, ceil(rate × n))) in exact decimals);
2. seed = sha256_hex(frame_hash + "|" + "|".join(seed_inputs));
3. the targets of each stratum: consistent_sampler.sampler(ids, seed=seed, take=take);
4. the teams: one order of every badge, sampler(badges, seed=seed + "|inspectors"), dealt
   in turn from a cursor, skipping conflicts and full load caps; the shortfalls;
5. the recusals, replayed in their published order.
Exit status 0 when everything matches, 1 when anything differs, 2 when the data cannot be read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import urllib.request
from decimal import ROUND_CEILING, Decimal

try:
    import consistent_sampler
except ImportError:  # pragma: no cover - a message for people running it by hand
    sys.exit("verify_draw: install the reference sampler first: pip install consistent-sampler==1.0.10")

FRAME_FORMAT = "telereg-draw-frame/1"


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256_hex(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def take_for(rate: str, n: int) -> int:
    if n == 0:
        return 0
    whole = int((Decimal(rate) * n).to_integral_value(rounding=ROUND_CEILING))
    return min(n, max(1, whole))


def fetch(base: str, draw_id: int, timeout: float = 60.0) -> tuple[bytes, dict]:
    base = base.rstrip("/")
    with urllib.request.urlopen(f"{base}/api/v1/public/draws/{draw_id}/frame/", timeout=timeout) as r:  # noqa: S310
        frame = r.read()
    with urllib.request.urlopen(f"{base}/api/v1/public/draws/{draw_id}/", timeout=timeout) as r:  # noqa: S310
        doc = json.loads(r.read().decode("utf-8"))
    return frame, doc


class Pool:
    def __init__(self, frame: dict, seed: str):
        badges = [i["badge"] for i in frame["inspectors"]]
        self.order = list(consistent_sampler.sampler(badges, seed=seed + "|inspectors", output="id"))
        self.position = {b: n for n, b in enumerate(self.order)}
        self.load = {i["badge"]: int(i["load"]) for i in frame["inspectors"]}
        self.cap = {i["badge"]: int(i["cap"]) for i in frame["inspectors"]}
        self.conflicts = {(b, t) for b, t in frame["conflicts"]}

    def eligible(self, badge: str, target: str) -> bool:
        return (badge, target) not in self.conflicts and self.load[badge] < self.cap[badge]


def verify(frame_bytes: bytes, doc: dict) -> list[str]:
    """Every difference between the published draw and its recomputation (empty: all good)."""
    diffs: list[str] = []
    digest = sha256_hex(frame_bytes)
    if digest != doc.get("frame_hash"):
        diffs.append(f"frame hash: published {doc.get('frame_hash')}, the frame's SHA-256 is {digest}")
    try:
        frame = json.loads(frame_bytes.decode("utf-8"))
    except ValueError as e:
        return [*diffs, f"frame: not JSON ({e})"]
    # A frame not in canonical form could hash differently after any re-serialisation.
    if canonical(frame) != frame_bytes:
        diffs.append("frame: not in canonical JSON (sorted keys, no spaces, UTF-8)")
    if frame.get("format") != FRAME_FORMAT:
        diffs.append(f"frame: format {frame.get('format')!r}, expected {FRAME_FORMAT!r}")
    if str(frame.get("draw")) != str(doc.get("id")):
        diffs.append(f"frame: belongs to draw {frame.get('draw')}, not {doc.get('id')}")
    seen: set[str] = set()
    for s in frame["strata"]:
        if s["ids"] != sorted(s["ids"]):
            diffs.append(f"frame: ids of stratum {s['name']} are not sorted")
        if seen & set(s["ids"]):
            diffs.append(f"frame: stratum {s['name']} shares ids with an earlier stratum")
        seen |= set(s["ids"])
        if s["take"] != take_for(s["rate"], len(s["ids"])):
            diffs.append(
                f"frame: stratum {s['name']} takes {s['take']}, but rate {s['rate']} of {len(s['ids'])} "
                f"gives {take_for(s['rate'], len(s['ids']))}"
            )
    published_strata = [(s["name"], s["rate"], s["size"], s["take"]) for s in doc.get("strata", [])]
    frame_strata = [(s["name"], s["rate"], len(s["ids"]), s["take"]) for s in frame["strata"]]
    if published_strata != frame_strata:
        diffs.append(f"strata: published {published_strata}, frame has {frame_strata}")
    if not doc.get("seed"):
        # Frozen, waiting for its seed: only the frame can be checked so far.
        return diffs
    # Step 2: recompute the seed from the published hash and inputs, in their order.
    seed = sha256_hex(doc["frame_hash"] + "|" + "|".join(doc["seed_inputs"]))
    if seed != doc["seed"]:
        diffs.append(f"seed: published {doc['seed']}, recomputed {seed} from the frame hash and inputs")

    # Targets, stratum by stratum in frame order.
    # Step 3: each stratum in frame order, exactly the reference sampler's output.
    expected = []
    for s in frame["strata"]:
        for pos, (ticket, uid, _gen) in enumerate(
            consistent_sampler.sampler(s["ids"], seed=seed, take=s["take"], output="tuple"), start=1
        ):
            expected.append({"stratum": s["name"], "position": pos, "id": uid, "ticket": ticket})
    published = doc.get("selections", [])
    for n in range(max(len(expected), len(published))):
        want = expected[n] if n < len(expected) else None
        got = published[n] if n < len(published) else None
        if want != got:
            diffs.append(f"selection #{n + 1}: published {got}, recomputed {want}")

    # Teams dealt in turn from one order.
    # Step 4: one order of all badges for the whole draw; a cursor walks it cyclically.
    pool = Pool(frame, seed)
    size, cursor, team_size = len(pool.order), 0, int(frame["team_size"])
    teams: dict[str, list[str]] = {}
    shortfalls = []
    want_assignments = []
    for sel in expected:
        team: list[str] = []
        steps = 0
        while steps < size and len(team) < team_size:
            badge = pool.order[cursor]
            cursor = (cursor + 1) % size
            steps += 1
            if pool.eligible(badge, sel["id"]):
                team.append(badge)
                pool.load[badge] += 1
        teams[sel["id"]] = team
        want_assignments.append({"target": sel["id"], "badges": list(team)})
        if len(team) < team_size:
            shortfalls.append({"target": sel["id"], "missing": team_size - len(team)})
    got_assignments = doc.get("assignments", [])
    for n in range(max(len(want_assignments), len(got_assignments))):
        want = want_assignments[n] if n < len(want_assignments) else None
        got = got_assignments[n] if n < len(got_assignments) else None
        if want != got:
            diffs.append(f"assignment #{n + 1}: published {got}, recomputed {want}")
    if doc.get("shortfalls", []) != shortfalls:
        diffs.append(f"shortfalls: published {doc.get('shortfalls')}, recomputed {shortfalls}")

    # Recusals, replayed in their published order after all the draw's assignments.
    # Step 4, recusals: after all assignments, in published order, the cursor untouched.
    recused: dict[str, set[str]] = {}
    for n, r in enumerate(doc.get("recusals", []), start=1):
        target, badge = r["target"], r["badge"]
        team = teams.get(target)
        if team is None or badge not in team:
            diffs.append(f"recusal #{n}: {badge} is not on the team of {target}")
            continue
        team.remove(badge)
        pool.load[badge] -= 1
        gone = recused.setdefault(target, set())
        gone.add(badge)
        replacement = None
        start = pool.position[badge]
        for step in range(1, size):
            cand = pool.order[(start + step) % size]
            if cand in team or cand in gone:
                continue
            if pool.eligible(cand, target):
                replacement = cand
                team.append(cand)
                pool.load[cand] += 1
                break
        if replacement != r.get("replacement"):
            diffs.append(
                f"recusal #{n} ({badge} on {target}): published replacement {r.get('replacement')}, recomputed {replacement}"
            )
    return diffs


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("draw_id", nargs="?", type=int, help="the draw's id")
    p.add_argument("--url", default="http://127.0.0.1:8000", help="the telereg site (default: %(default)s)")
    p.add_argument("--frame", help="a saved frame document (offline check)")
    p.add_argument("--draw", help="a saved draw document (offline check)")
    args = p.parse_args(argv)
    try:
        if args.frame and args.draw:
            with open(args.frame, "rb") as f:
                frame = f.read()
            with open(args.draw, encoding="utf-8") as f:
                doc = json.load(f)
        elif args.draw_id is not None:
            frame, doc = fetch(args.url, args.draw_id)
        else:
            p.error("give a draw id (with --url) or --frame and --draw")
    except (OSError, ValueError) as e:
        print(f"verify_draw: cannot read the draw: {e}", file=sys.stderr)
        return 2
    diffs = verify(frame, doc)
    if not diffs and not doc.get("seed"):
        print(f"draw {doc.get('id')}: frame OK (hash {doc.get('frame_hash')}); not drawn yet")
        return 0
    if not diffs:
        n = len(doc.get("selections", []))
        print(
            f"draw {doc.get('id')}: OK: frame hash, seed, {n} selections, teams and recusals all recomputed"
        )
        return 0
    print(f"draw {doc.get('id')}: {len(diffs)} difference(s):")
    for d in diffs:
        print(f"  - {d}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
