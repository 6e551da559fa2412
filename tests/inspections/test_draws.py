"""Campaigns, frozen frames and draws through the services (DESIGN.md "Verifiable draws")."""

import json
from decimal import Decimal

import consistent_sampler
import pytest

from config.api import ApplicationError, Conflict
from credit.selectors import restrictions_for
from inspections import sampling, services
from inspections.models import Assignment, CampaignStatus, Inspection
from inspections.selectors import public_draw_document
from inspections.services.campaigns import frame_text
from tests.inspections.conftest import drawn, licensed, new_campaign, roster, set_credit

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(supervisor):
    """40 MIIT licensees in four strata, 6 inspectors."""
    ents = licensed(40)
    for e in ents[:2]:
        set_credit(e, grade="C", dishonest=True, score=40)
    for e in ents[2:7]:
        set_credit(e, grade="B", bad=True, score=70)
    for e in ents[7:15]:
        set_credit(e, grade="B", score=70)
    # The rest have no account: base score, grade AA.
    return ents, roster(supervisor, 6)


def frame_of(draw):
    return json.loads(frame_text(draw))


def test_freeze_publishes_the_frame_and_its_hash(supervisor, item, market):
    ents, _ins = market
    camp = new_campaign(supervisor, item)
    draw = services.campaign_freeze(actor=supervisor, campaign_id=camp.pk)
    camp.refresh_from_db()
    assert camp.status == CampaignStatus.FROZEN and draw.seed == ""
    text = frame_text(draw)
    assert sampling.sha256_hex(text) == draw.frame_hash
    frame = json.loads(text)
    # Byte-identical canonical JSON.
    assert sampling.canonical_json(frame).decode() == text
    assert frame["format"] == "telereg-draw-frame/1" and frame["draw"] == str(draw.pk)
    by_name = {s["name"]: s for s in frame["strata"]}
    assert [s["name"] for s in frame["strata"]] == [
        "dishonest",
        "bad",
        "grade_C",
        "grade_B",
        "grade_A",
        "grade_AA",
    ]
    assert len(by_name["dishonest"]["ids"]) == 2 and by_name["dishonest"]["rate"] == "1"
    assert by_name["dishonest"]["take"] == 2
    assert len(by_name["bad"]["ids"]) == 5 and by_name["bad"]["rate"] == "0.2" and by_name["bad"]["take"] == 1
    assert by_name["grade_B"]["rate"] == "0.1" and by_name["grade_B"]["take"] == 1
    assert by_name["grade_AA"]["rate"] == "0.025" and len(by_name["grade_AA"]["ids"]) == 25
    assert by_name["grade_C"]["ids"] == [] and by_name["grade_C"]["take"] == 0
    for s in frame["strata"]:
        assert s["ids"] == sorted(s["ids"])
    assert [i["badge"] for i in frame["inspectors"]] == sorted(i["badge"] for i in frame["inspectors"])
    # Rates follow the credit restrictions policy of each enterprise.
    for e in ents[:15]:
        r = restrictions_for(e)
        assert Decimal(by_name[r.stratum]["rate"]) == Decimal(str(r.sampling_rate(0.05)))


def test_one_changed_id_or_rate_changes_the_frame_hash(supervisor, item, market):
    camp = new_campaign(supervisor, item)
    draw = services.campaign_freeze(actor=supervisor, campaign_id=camp.pk)
    frame = frame_of(draw)
    assert sampling.frame_hash(frame) == draw.frame_hash
    changed = json.loads(json.dumps(frame))
    changed["strata"][1]["ids"][0] = changed["strata"][1]["ids"][0][:-1] + "X"
    assert sampling.frame_hash(changed) != draw.frame_hash
    changed = json.loads(json.dumps(frame))
    changed["strata"][1]["rate"] = "0.21"
    assert sampling.frame_hash(changed) != draw.frame_hash


def test_seed_before_freeze_is_refused(supervisor, item, market):
    camp = new_campaign(supervisor, item)
    with pytest.raises(Conflict) as e:
        services.campaign_draw(actor=supervisor, campaign_id=camp.pk, seed_inputs=["12345"])
    assert e.value.code == "frame_not_frozen"
    assert not Inspection.objects.exists()


def test_freeze_twice_and_draw_twice_are_refused(supervisor, item, market):
    draw = drawn(supervisor, item)
    with pytest.raises(Conflict):
        services.campaign_freeze(actor=supervisor, campaign_id=draw.campaign_id)
    with pytest.raises(Conflict):
        services.campaign_draw(actor=supervisor, campaign_id=draw.campaign_id, seed_inputs=["1"])


@pytest.mark.parametrize("inputs", [[], [""], ["x" * 201], ["1"] * 9])
def test_bad_seed_inputs(supervisor, item, market, inputs):
    camp = new_campaign(supervisor, item)
    services.campaign_freeze(actor=supervisor, campaign_id=camp.pk)
    with pytest.raises(ApplicationError):
        services.campaign_draw(actor=supervisor, campaign_id=camp.pk, seed_inputs=inputs)


def test_draw_equals_the_reference_package(supervisor, item, market):
    draw = drawn(supervisor, item, inputs=["73940215688124019375", "beacon:round-123"])
    frame = frame_of(draw)
    assert draw.seed == sampling.sha256_hex(draw.frame_hash + "|73940215688124019375|beacon:round-123")
    doc = public_draw_document(draw)
    expected = []
    for s in frame["strata"]:
        for pos, (ticket, uscc, _g) in enumerate(
            consistent_sampler.sampler(s["ids"], seed=draw.seed, take=s["take"], output="tuple"), start=1
        ):
            expected.append({"stratum": s["name"], "position": pos, "id": uscc, "ticket": ticket})
    assert doc["selections"] == expected
    assert len(expected) == 2 + 1 + 1 + 1  # dishonest all, bad 1, B 1, AA 1 (25 × 0.025 → 1)
    order = list(
        consistent_sampler.sampler(
            [i["badge"] for i in frame["inspectors"]], seed=draw.seed + "|inspectors", output="id"
        )
    )
    # Dealt in turn: 5 targets × 2 badges walk the order twice round the 6 badges.
    dealt = [b for a in doc["assignments"] for b in a["badges"]]
    assert dealt == [order[i % 6] for i in range(10)]
    assert draw.cursor == 10 % 6
    assert Inspection.objects.filter(draw=draw).count() == 5
    assert Assignment.objects.filter(inspection__draw=draw).count() == 10


def test_conflicts_caps_and_team_size_hold(supervisor, item, market):
    ents, inspectors = market
    # Every inspector but two conflicts with the first dishonest firm.
    for ins in inspectors[:4]:
        services.conflict_declare(actor=supervisor, inspector=ins, enterprise=ents[0], kind="stake")
    draw = drawn(supervisor, item, team_size=2)
    frame = frame_of(draw)
    assert len(frame["conflicts"]) == 4
    team = Inspection.objects.get(draw=draw, uscc=ents[0].uscc).assignments.values_list("badge", flat=True)
    assert set(team) == {inspectors[4].badge, inspectors[5].badge}
    conflicts = {tuple(c) for c in frame["conflicts"]}
    for a in public_draw_document(draw)["assignments"]:
        assert len(a["badges"]) == 2
        assert not any((b, a["target"]) in conflicts for b in a["badges"])


def test_load_caps_make_shortfalls_that_are_published(supervisor, item, market):
    ents, inspectors = market
    for ins in inspectors[2:]:
        services.inspector_update(actor=supervisor, inspector=ins, active=False)
    for ins in inspectors[:2]:
        services.inspector_update(actor=supervisor, inspector=ins, load_cap=2)
    draw = drawn(supervisor, item)
    doc = public_draw_document(draw)
    # Two badges × cap 2 = 4 seats for 5 targets × 2.
    assert sum(len(a["badges"]) for a in doc["assignments"]) == 4
    assert sum(s["missing"] for s in doc["shortfalls"]) == 6
    assert doc["shortfalls"][-1]["target"] == doc["selections"][-1]["id"]


def test_recently_inspected_firms_are_excluded_except_full_strata(supervisor, item, market):
    ents, _ins = market
    first = drawn(supervisor, item)
    Inspection.objects.filter(draw=first).update(status="published", published_at=first.drawn_at)
    camp = new_campaign(supervisor, item, code="C2026-2")
    draw = services.campaign_freeze(actor=supervisor, campaign_id=camp.pk)
    frame = frame_of(draw)
    excluded = {e["id"] for e in frame["excluded"]}
    inspected = set(Inspection.objects.filter(draw=first).values_list("uscc", flat=True))
    dishonest = {e.uscc for e in ents[:2]}
    assert excluded == inspected - dishonest
    in_frame = {u for s in frame["strata"] for u in s["ids"]}
    assert dishonest <= in_frame and not (excluded & in_frame)
    # The previous round's teams are conflicts of the new frame (§3 recusal trigger).
    prev = {(a.badge, a.inspection.uscc) for a in Assignment.objects.filter(inspection__draw=first)}
    assert {tuple(c) for c in frame["conflicts"]} == {p for p in prev if p[1] in in_frame}


def test_provincial_campaign_scope(supervisor_gd, item, market):
    gd = licensed(3, issuer="44", division="440305")
    roster(supervisor_gd, 2, authority="44", prefix="G")
    item_gd = services.item_create(
        actor=supervisor_gd, code="GD-1", title="t", legal_basis="b", content="c", method="on_site"
    )
    camp = new_campaign(supervisor_gd, item_gd, code="GD-2026")
    draw = services.campaign_freeze(actor=supervisor_gd, campaign_id=camp.pk)
    ids = {u for s in frame_of(draw)["strata"] for u in s["ids"]}
    assert ids == {e.uscc for e in gd}
    assert {i["badge"] for i in frame_of(draw)["inspectors"]} == {"G000", "G001"}
    with pytest.raises(ApplicationError):
        new_campaign(supervisor_gd, item_gd, code="GD-X", authority="MIIT")
    with pytest.raises(ApplicationError):
        new_campaign(supervisor_gd, item_gd, code="GD-Y", provinces_scope=["11"])


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"team_size": 1}, "team_size"),
        ({"items": ["NOPE"]}, "items"),
        ({"items": []}, "items"),
        ({"base_rate": Decimal("0")}, "base_rate"),
        ({"base_rate": Decimal("1.5")}, "base_rate"),
        ({"provinces_scope": ["99"]}, "provinces"),
        ({"code": ""}, "code"),
    ],
)
def test_campaign_validation(supervisor, item, over, field):
    with pytest.raises(ApplicationError) as e:
        new_campaign(supervisor, item, **over)
    assert field in e.value.errors


def test_campaign_code_unique(supervisor, item):
    new_campaign(supervisor, item)
    with pytest.raises(Conflict):
        new_campaign(supervisor, item)
