"""The pure sampler against the reference package (the oracle) and its properties."""

from decimal import Decimal

import consistent_sampler
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from inspections import sampling

ID = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY-中", min_size=1, max_size=20)
IDS = st.lists(ID, unique=True, max_size=60)
SEED = st.text(max_size=30)


def oracle(ids, seed, take=None):
    kw = {} if take is None else {"take": take}
    return list(consistent_sampler.sampler(list(ids), seed=seed, output="id", **kw))


def oracle_tuples(ids, seed, take=None):
    kw = {} if take is None else {"take": take}
    return [t[:2] for t in consistent_sampler.sampler(list(ids), seed=seed, output="tuple", **kw)]


def uscc_like(n, start=0):
    return [f"91440300{i:010d}" for i in range(start, start + n)]


def test_published_vectors():
    # consistent_sampler's doctest and our run vector (ANCHORS.md §1).
    assert sampling.sample(["a", "b", "c", "d"], seed=31) == ["b", "a", "d", "c"]
    ids = [f"LIC-00{i}" for i in range(1, 6)]
    assert sampling.sample_tickets(ids, "12345678901234567890", 3) == [
        ("0.343031510", "LIC-002"),
        ("0.346545420", "LIC-001"),
        ("0.415428223", "LIC-003"),
    ]
    assert sampling.sample_tickets(["ab-1", "ab-2", "cd-1", "ef-3"], 314159) == [
        ("0.317685817", "cd-1"),
        ("0.832984519", "ef-3"),
        ("0.9098039269", "ab-1"),
        ("0.9231549043", "ab-2"),
    ]


@pytest.mark.parametrize("n", [0, 1, 2, 7, 50, 1000, 5000])
@pytest.mark.parametrize("take", [0, 1, 3, 10, 60, 2000, None])
@pytest.mark.parametrize("seed", ["0", "73940215688124019375|beacon:abc", "种子"])
def test_oracle_strata_sizes(n, take, seed):
    # Strata of size 0, 1 and smaller than take, and large strata with small takes (the
    # candidate-threshold path) all agree with the reference, tickets included.
    ids = uscc_like(n)
    assert sampling.sample(ids, seed, take) == oracle(ids, seed, take)
    if n <= 1000:
        assert sampling.sample_tickets(ids, seed, take) == oracle_tuples(ids, seed, take)


def test_oracle_many_seeds_small_take_large_frame():
    ids = uscc_like(20000)
    for s in range(8):
        seed = sampling.seed_from("ab" * 32, [f"{s:020d}"])
        assert sampling.sample(ids, seed, 5 + s) == oracle(ids, seed, 5 + s)


def test_ticket_trimming_after_leading_nines():
    assert sampling.trim("99912345678901", 4) == "0.9991234"
    assert sampling.trim("1234567890", 9) == "0.123456789"


@settings(max_examples=150, deadline=None)
@given(ids=IDS, seed=SEED, take=st.integers(min_value=0, max_value=70))
def test_property_equals_oracle(ids, seed, take):
    assert sampling.sample(ids, seed, take) == oracle(ids, seed, take)


@settings(max_examples=100, deadline=None)
@given(ids=IDS, seed=SEED, k=st.integers(min_value=0, max_value=60), j=st.integers(min_value=0, max_value=60))
def test_property_prefix(ids, seed, k, j):
    # Any prefix of a sample is the sample with a smaller take.
    small, big = sorted((k, j))
    assert sampling.sample(ids, seed, big)[:small] == sampling.sample(ids, seed, small)


@settings(max_examples=100, deadline=None)
@given(ids=IDS.filter(lambda x: len(x) >= 2), seed=SEED, data=st.data())
def test_property_removing_unselected_id(ids, seed, data):
    take = data.draw(st.integers(min_value=0, max_value=len(ids) - 1))
    chosen = sampling.sample(ids, seed, take)
    unselected = [i for i in ids if i not in chosen]
    gone = data.draw(st.sampled_from(unselected))
    assert sampling.sample([i for i in ids if i != gone], seed, take) == chosen


@settings(max_examples=50, deadline=None)
@given(ids=IDS, seed=SEED)
def test_property_order_independent(ids, seed):
    assert sampling.sample(list(reversed(ids)), seed) == sampling.sample(ids, seed)


def test_determinism_and_seed_sensitivity():
    ids = uscc_like(300)
    assert sampling.sample(ids, "s1", 20) == sampling.sample(ids, "s1", 20)
    assert sampling.sample(ids, "s1", 20) != sampling.sample(ids, "s2", 20)


def test_refuses_duplicates_and_non_strings():
    with pytest.raises(sampling.SamplingError):
        sampling.sample(["a", "a"], "s")
    with pytest.raises(sampling.SamplingError):
        sampling.sample(["a", 1], "s")


@pytest.mark.parametrize(
    ("rate", "n", "take"),
    [
        ("0.05", 100, 5),  # exact decimal: never 5.000000000000001 → 6
        ("0.05", 101, 6),
        ("0.05", 1, 1),  # at least one from a non-empty stratum
        ("0.05", 0, 0),
        ("0.2", 7, 2),
        ("1", 13, 13),
        ("0.025", 40, 1),
        ("0.07", 100, 7),
        (Decimal("0.1"), 30, 3),
        ("0", 10, 1),
    ],
)
def test_take_for(rate, n, take):
    assert sampling.take_for(rate, n) == take


@pytest.mark.parametrize("rate", ["-0.1", "1.5", "abc", "NaN"])
def test_take_for_refuses_bad_rates(rate):
    with pytest.raises(ValueError):
        sampling.take_for(rate, 10)


def test_seed_and_frame_hash():
    frame = {"b": 1, "a": ["甲", 2]}
    assert sampling.canonical_json(frame) == '{"a":["甲",2],"b":1}'.encode()
    h = sampling.frame_hash(frame)
    assert h == sampling.sha256_hex('{"a":["甲",2],"b":1}')
    assert sampling.seed_from(h, ["123", "beacon"]) == sampling.sha256_hex(h + "|123|beacon")
    with pytest.raises(ValueError):
        sampling.seed_from(h, [])


# ---------------------------------------------------------------- dealing and recusal


def pool(n=6, cap=10, conflicts=(), load=None, seed="s"):
    inspectors = [
        {"badge": f"B{i:02d}", "load": (load or {}).get(f"B{i:02d}", 0), "cap": cap} for i in range(n)
    ]
    return sampling.make_pool(inspectors, conflicts, seed)


def test_inspector_order_is_the_reference_order_of_all_badges():
    p = pool(12)
    badges = [f"B{i:02d}" for i in range(12)]
    assert p.order == oracle(badges, "s|inspectors")


def test_deal_in_turn_from_the_order():
    p = pool(6)
    order = list(p.order)
    dealt = sampling.deal(p, ["T1", "T2", "T3"], 2)
    assert dealt.assignments == [("T1", order[0:2]), ("T2", order[2:4]), ("T3", order[4:6])]
    assert dealt.cursor == 0 and dealt.shortfalls == []
    assert all(v == 1 for v in p.load.values())


def test_deal_skips_conflicts_and_full_caps():
    p0 = pool(5, cap=2)
    order = p0.order
    conflicts = [(order[0], "T1")]
    p = pool(5, cap=2, conflicts=conflicts, load={order[1]: 2})
    dealt = sampling.deal(p, ["T1", "T2"], 2)
    # T1: order[0] conflicts, order[1] is full → order[2], order[3]; T2: order[4], then wraps
    # to order[0] (no conflict with T2).
    assert dealt.assignments == [("T1", [order[2], order[3]]), ("T2", [order[4], order[0]])]
    assert dealt.cursor == 1


def test_deal_never_assigns_conflicts_and_respects_caps_and_team_size():
    badges = 7
    targets = [f"T{i}" for i in range(40)]
    conflicts = [(f"B{i % badges:02d}", t) for i, t in enumerate(targets) if i % 3 == 0]
    p = pool(badges, cap=9, conflicts=conflicts)
    dealt = sampling.deal(p, targets, 2)
    cset = set(conflicts)
    counts = dict.fromkeys(p.order, 0)
    for target, team in dealt.assignments:
        assert len(set(team)) == len(team)
        for b in team:
            assert (b, target) not in cset
            counts[b] += 1
    assert all(c <= 9 for c in counts.values())
    full = sum(len(team) for _t, team in dealt.assignments)
    assert full == min(2 * 40, 9 * badges) and counts == p.load
    # 63 slots for 80 seats: the last targets are short, recorded not filled.
    assert sum(m for _t, m in dealt.shortfalls) == 80 - 63


def test_deal_with_an_empty_roster_records_shortfalls():
    p = sampling.make_pool([], [], "s")
    dealt = sampling.deal(p, ["T1"], 2)
    assert dealt.assignments == [("T1", [])] and dealt.shortfalls == [("T1", 2)]


def test_recusal_takes_the_next_eligible_after_the_recused_badge():
    p = pool(6)
    order = list(p.order)
    dealt = sampling.deal(p, ["T1", "T2"], 2)
    team = dealt.assignments[0][1]
    assert team == order[0:2]
    recused: set[str] = set()
    replacement = sampling.recuse(p, team, "T1", order[0], recused)
    # order[1] is in the team already: the next is order[2], even though it serves T2.
    assert replacement == order[2]
    assert team == [order[1], order[2]]
    assert p.load[order[0]] == 0 and p.load[order[2]] == 2
    # Recusing the replacement skips the team, the recused badge and conflicts.
    p.conflicts.add((order[3], "T1"))
    assert sampling.recuse(p, team, "T1", order[2], recused) == order[4]


def test_recusal_with_no_one_eligible_is_a_shortfall():
    p = pool(2)
    dealt = sampling.deal(p, ["T1"], 2)
    team = dealt.assignments[0][1]
    assert sampling.recuse(p, team, "T1", team[0], set()) is None
    assert len(team) == 1
    with pytest.raises(ValueError):
        sampling.recuse(p, team, "T1", "nobody", set())
