"""Campaigns, frozen frames and draws (REGULATION.md §3; DESIGN.md "Verifiable draws").

Order of events, each its own service so that the order cannot be bent:
``campaign_create`` (draft) → ``campaign_freeze`` (the frame is built, stored as published
and its hash published; no seed can exist yet) → ``campaign_draw`` (the public seed inputs
are entered, the seed is derived from the frame hash and them, targets and inspectors are
drawn and everything is persisted and published).
"""

import datetime as dt
import json
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from credit import conf as credit_conf
from credit.models import Account
from credit.scoring import stratum_for
from credit.services.common import grade_of
from inspections import conf, sampling
from inspections.models import (
    Assignment,
    Campaign,
    CampaignKind,
    CampaignStatus,
    Draw,
    FrameChunk,
    Inspection,
    InspectionItem,
    InspectionStatus,
    Inspector,
)
from inspections.models import Conflict as ConflictRow
from inspections.services.bulk import enterprise_pks, insert_rows
from licensing import selectors as licensing
from regulator import audit, calendar, provinces, scoping
from regulator.dates import add_months
from regulator.models import Role

# Columns written by the draw (COPY on PostgreSQL); every other column is nullable.
INSPECTION_COLUMNS = (
    "draw_id",
    "enterprise_id",
    "uscc",
    "stratum",
    "position",
    "ticket",
    "status",
    "due_on",
    "calendar_version",
    "outcome",
    "severity",
    "facts",
    "postchecks",
    "licence_numbers",
    "effects",
)
OPEN_STATUSES = (InspectionStatus.ASSIGNED, InspectionStatus.IN_PROGRESS, InspectionStatus.RECORDED)
MAX_SEED_INPUTS = 8
MAX_SEED_INPUT_CHARS = 200


def rate_text(rate: Decimal) -> str:
    """A rate as the frame publishes it: plain decimal, no exponent, no trailing zeros."""
    text = format(rate.normalize(), "f")
    return text


def stratum_rate(stratum: str, base_rate: Decimal) -> Decimal:
    """The credit restrictions policy's rate for a stratum (credit.selectors.Restrictions:
    a fixed rate for dishonest, C and bad; base × grade multiplier otherwise, at most 1),
    computed in exact decimals from the same settings (§3 [D])."""
    fixed = credit_conf.get("CREDIT_SAMPLING_FIXED_RATES").get(stratum)
    if fixed is not None:
        return min(Decimal(1), Decimal(str(fixed)))
    multiplier = Decimal(str(credit_conf.get("CREDIT_SAMPLING_MULTIPLIERS").get(stratum, 1.0)))
    return min(Decimal(1), base_rate * multiplier)


# ---------------------------------------------------------------- campaign


def campaign_create(
    *,
    actor,
    code: str,
    title: str,
    legal_basis: str,
    items: list[str],
    season_start: dt.date,
    season_end: dt.date,
    kind: str = CampaignKind.RANDOM,
    authority: str | None = None,
    provinces_scope: list[str] | None = None,
    service_codes: list[str] | None = None,
    base_rate: Decimal | None = None,
    exclusion_months: int | None = None,
    team_size: int | None = None,
) -> Campaign:
    scoping.require_role(actor, Role.SUPERVISOR)
    from inspections.services.roster import _own_authority, _text

    errors: dict[str, list[str]] = {}
    code = _text(errors, "code", code, 40)
    title = _text(errors, "title", title, 200)
    legal_basis = _text(errors, "legal_basis", legal_basis)
    auth = _own_authority(actor, authority)
    if kind not in CampaignKind.values:
        errors["kind"] = [_("Choose one of: %s") % ", ".join(CampaignKind.values)]
    # §3: no inspection without a legal basis: every item must be on the published list.
    found = list(InspectionItem.objects.filter(code__in=list(items or []), active=True))
    if not items:
        errors["items"] = [_("Name at least one inspection item.")]
    elif len(found) != len(set(items)):
        missing = sorted(set(items) - {i.code for i in found})
        errors["items"] = [_("Not on the published list: %s") % ", ".join(missing)]
    scope = sorted(set(provinces_scope or []))
    bad = [p for p in scope if p not in provinces.BY_CODE]
    if bad:
        errors["provinces"] = [_("Unknown province codes: %s") % ", ".join(bad)]
    # A provincial administration supervises its own province only (DESIGN.md, roles).
    elif not auth.is_national and scope and scope != [auth.province]:
        errors["provinces"] = [_("A provincial campaign covers its own province only.")]
    if season_end < season_start:
        errors["season_end"] = [_("Must not be before the start.")]
    base = Decimal(str(conf.get("INSPECTIONS_BASE_RATE"))) if base_rate is None else Decimal(str(base_rate))
    if not (Decimal(0) < base <= Decimal(1)):
        errors["base_rate"] = [_("Must be above 0 and at most 1.")]
    team = int(conf.get("INSPECTIONS_TEAM_SIZE") if team_size is None else team_size)
    if team < 2:
        # §3: at least two inspectors per target [F S21].
        errors["team_size"] = [_("At least 2 inspectors.")]
    months = int(conf.get("INSPECTIONS_EXCLUSION_MONTHS") if exclusion_months is None else exclusion_months)
    if errors:
        raise ApplicationError(_("Invalid campaign."), errors=errors)
    try:
        with transaction.atomic():
            camp = Campaign.objects.create(
                code=code,
                title=title,
                kind=kind,
                authority=auth,
                legal_basis=legal_basis,
                provinces=scope,
                service_codes=sorted(set(service_codes or [])),
                season_start=season_start,
                season_end=season_end,
                base_rate=base,
                exclusion_months=months,
                team_size=team,
                result_working_days=int(conf.get("INSPECTIONS_RESULT_WORKING_DAYS")),
                created_by=actor,
            )
            camp.items.set(found)
            audit.record(
                actor=actor,
                action="inspections.campaign.created",
                obj=camp,
                after={"code": code, "kind": kind, "authority": auth.pk, "items": sorted(set(items))},
            )
    except IntegrityError:
        raise Conflict(_("A campaign with this code exists."), errors={"code": [_("Already used.")]})
    return camp


def _lock(campaign_id: int) -> Campaign:
    camp = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
    if camp is None:
        raise NotFound(_("Not found."))
    return camp


def _require_campaign_actor(actor, camp: Campaign) -> None:
    scoping.require_role(actor, Role.SUPERVISOR)
    if not scoping.is_national(actor) and camp.authority_id != scoping.authority_code(actor):
        raise NotFound(_("Not found."))


# ---------------------------------------------------------------- the frame


def _targets(camp: Campaign) -> tuple[list[tuple[str, list[str]]], list[dict], dict[str, int]]:
    """(strata [(name, sorted ids)], exclusions, uscc → enterprise pk)."""
    if camp.kind == CampaignKind.POSTCHECK:
        rows = licensing.postchecks_awaiting_inspection(issuer=camp.authority_id)
        # A post-check already under an open inspection is not taken twice.
        taken = set(
            Inspection.objects.filter(status__in=OPEN_STATUSES)
            .exclude(postchecks=[])
            .values_list("uscc", flat=True)
        )
        pks = {pc.licence.enterprise.uscc: pc.licence.enterprise_id for pc in rows}
        ids = sorted(u for u in pks if u not in taken)
        return [(conf.get("INSPECTIONS_POSTCHECK_STRATUM"), ids)], [], pks
    holders = licensing.live_licence_holders(
        issuer=camp.authority_id, provinces=camp.provinces or None, service_codes=camp.service_codes or None
    )
    # One pass over the roster: a million licensees are read as (uscc, pk) pairs, not models.
    pks = dict(holders.values_list("uscc", "pk"))
    # Strata from credit's account flags in one joined query; calling restrictions_for per firm
    # would cost a query each. The rates below use the very settings restrictions_for reads.
    accounts = {
        uscc: (grade, bad, dishonest)
        for uscc, grade, bad, dishonest in Account.objects.filter(
            enterprise__in=holders.values("pk")
        ).values_list("enterprise__uscc", "grade", "on_bad_list", "on_dishonest_list")
    }
    # A firm with no credit account yet stands at the base score (§2.4), like account_get.
    base_grade = grade_of(int(credit_conf.get("CREDIT_BASE_SCORE")), False)
    order = list(conf.get("INSPECTIONS_STRATA"))
    by_stratum: dict[str, list[str]] = {name: [] for name in order}
    for uscc in pks:
        grade, bad, dishonest = accounts.get(uscc, (base_grade, False, False))
        name = stratum_for(grade=grade, on_bad_list=bad, on_dishonest_list=dishonest)
        by_stratum.setdefault(name, []).append(uscc)
        # A stratum the settings do not list (a new credit grade) still gets a place, last.
        if name not in order:
            order.append(name)
    # Firms inspected within the last N months are left out, except from strata sampled in
    # full (the dishonest list is always inspected, §3 [D]).
    since = add_months(timezone.now(), -camp.exclusion_months)
    recent: dict[str, tuple[int, dt.datetime]] = {}
    if camp.exclusion_months:
        for uscc, pk, at in (
            Inspection.objects.filter(status=InspectionStatus.PUBLISHED, published_at__gte=since)
            .order_by("published_at")
            .values_list("uscc", "pk", "published_at")
        ):
            recent[uscc] = (pk, at)
    excluded: list[dict] = []
    strata = []
    for name in order:
        ids = by_stratum.get(name, [])
        if stratum_rate(name, camp.base_rate) < 1 and recent:
            kept = []
            for uscc in ids:
                hit = recent.get(uscc)
                if hit is None:
                    kept.append(uscc)
                else:
                    excluded.append(
                        {
                            "id": uscc,
                            "reason": f"inspected within {camp.exclusion_months} months "
                            f"(inspection {hit[0]}, published {timezone.localdate(hit[1]).isoformat()})",
                        }
                    )
            ids = kept
        strata.append((name, sorted(ids)))
    # The frame lists exclusions sorted, like everything else in it, so the hash is reproducible.
    excluded.sort(key=lambda e: e["id"])
    return strata, excluded, pks


def _pool(camp: Campaign, frame_ids: set[str], on: dt.date) -> tuple[list[dict], list[list[str]]]:
    # The frame load is what each inspector carries now (open, non-recused seats): the cap then
    # limits the total, not only this draw's share.
    rows = (
        Inspector.objects.filter(authority=camp.authority, active=True)
        .annotate(
            open_load=Count(
                "assignments",
                filter=Q(assignments__recused=False, assignments__inspection__status__in=OPEN_STATUSES),
            )
        )
        .order_by("badge")
        .values_list("pk", "badge", "open_load", "load_cap")
    )
    pool = [{"badge": b, "load": int(load), "cap": int(cap)} for _pk, b, load, cap in rows]
    badges = {p["badge"] for p in pool}
    pairs: set[tuple[str, str]] = set()
    for badge, uscc in (
        ConflictRow.objects.filter(
            inspector__authority=camp.authority, inspector__active=True, starts_on__lte=on
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .values_list("inspector__badge", "enterprise__uscc")
    ):
        if uscc in frame_ids:
            pairs.add((badge, uscc))
    # §3 [D] recusal trigger "the same target in the previous round": the teams of this
    # authority's latest earlier draw of the same kind.
    previous = (
        Draw.objects.filter(
            campaign__authority=camp.authority, campaign__kind=camp.kind, drawn_at__isnull=False
        )
        .exclude(campaign=camp)
        .order_by("-drawn_at")
        .first()
    )
    if previous is not None:
        for badge, uscc in Assignment.objects.filter(inspection__draw=previous, recused=False).values_list(
            "badge", "inspection__uscc"
        ):
            if badge in badges and uscc in frame_ids:
                pairs.add((badge, uscc))
    return pool, [list(p) for p in sorted(pairs)]


def build_frame(camp: Campaign, draw_id: int, frozen_at: dt.datetime) -> tuple[dict, dict[str, int]]:
    strata, excluded, pks = _targets(camp)
    frame_ids = {u for _n, ids in strata for u in ids}
    inspectors, conflicts = _pool(camp, frame_ids, timezone.localdate(frozen_at))
    frame = {
        "format": sampling.FRAME_FORMAT,
        "draw": str(draw_id),
        "campaign": {
            "code": camp.code,
            "kind": camp.kind,
            "authority": camp.authority_id,
            "items": sorted(camp.items.values_list("code", flat=True)),
            "legal_basis": camp.legal_basis,
        },
        "algorithm": sampling.ALGORITHM,
        "strata": [],
        "team_size": camp.team_size,
        "inspectors": inspectors,
        "conflicts": conflicts,
        "excluded": excluded,
        "frozen_at": frozen_at.isoformat(),
    }
    for name, ids in strata:
        # §3 [D]: every new notify-and-commit licence is checked: rate 1, outside the random draw.
        rate = Decimal(1) if camp.kind == CampaignKind.POSTCHECK else stratum_rate(name, camp.base_rate)
        frame["strata"].append(
            {"name": name, "rate": rate_text(rate), "take": sampling.take_for(rate, len(ids)), "ids": ids}
        )
    return frame, pks


def campaign_freeze(*, actor, campaign_id: int) -> Draw:
    """Freeze the frame and publish its hash, before any seed exists (DESIGN.md step 1)."""
    with transaction.atomic():
        camp = _lock(campaign_id)
        _require_campaign_actor(actor, camp)
        if camp.status != CampaignStatus.DRAFT:
            raise Conflict(_("The frame of this campaign is already frozen."), code="invalid_transition")
        # Whole seconds: the time is part of the hashed frame and is read back by people.
        frozen_at = timezone.now().replace(microsecond=0)
        # The draw row exists first because the frame names its own draw id (a frame cannot be
        # replayed as another draw's).
        draw = Draw.objects.create(campaign=camp, frame_hash="", frame_size=0, frozen_at=frozen_at)
        frame, _pks = build_frame(camp, draw.pk, frozen_at)
        text = sampling.canonical_json(frame).decode("utf-8")
        # Stored in slices so the public endpoint can stream a million-target frame row by row.
        size = int(conf.get("INSPECTIONS_FRAME_CHUNK_CHARS"))
        insert_rows(
            FrameChunk,
            ("draw_id", "seq", "data"),
            ((draw.pk, n, text[at : at + size]) for n, at in enumerate(range(0, len(text), size))),
        )
        draw.frame_hash = sampling.sha256_hex(text)
        draw.frame_size = sum(len(s["ids"]) for s in frame["strata"])
        draw.strata = [
            {"name": s["name"], "rate": s["rate"], "size": len(s["ids"]), "take": s["take"]}
            for s in frame["strata"]
        ]
        draw.pool = {"inspectors": frame["inspectors"], "conflicts": frame["conflicts"]}
        draw.save()
        camp.status = CampaignStatus.FROZEN
        camp.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="inspections.frame.frozen",
            obj=draw,
            after={"campaign": camp.code, "frame_hash": draw.frame_hash, "strata": draw.strata},
        )
    return draw


def frame_text(draw: Draw) -> str:
    return "".join(FrameChunk.objects.filter(draw=draw).order_by("seq").values_list("data", flat=True))


def frame_chunks(draw_id: int):
    """The stored frame, chunk by chunk (one row in memory at a time)."""
    seqs = list(FrameChunk.objects.filter(draw_id=draw_id).order_by("seq").values_list("pk", flat=True))
    for pk in seqs:
        yield FrameChunk.objects.values_list("data", flat=True).get(pk=pk).encode("utf-8")


# ---------------------------------------------------------------- the draw


def _clean_inputs(inputs) -> list[str]:
    if not isinstance(inputs, list | tuple) or not inputs:
        raise ApplicationError(
            _("Enter the public seed inputs."), errors={"seed_inputs": [_("At least one.")]}
        )
    clean = []
    for value in inputs:
        text = str(value).replace("\x00", "").strip()
        if not text or len(text) > MAX_SEED_INPUT_CHARS:
            raise ApplicationError(
                _("Invalid seed input."),
                errors={
                    "seed_inputs": [_("Each input is 1 to %(n)s characters.") % {"n": MAX_SEED_INPUT_CHARS}]
                },
            )
        clean.append(text)
    if len(clean) > MAX_SEED_INPUTS:
        raise ApplicationError(_("Too many seed inputs."), errors={"seed_inputs": [_("At most 8.")]})
    return clean


def compute(frame: dict, seed: str):
    """Targets and teams of a frame for a seed (DESIGN.md steps 3 and 4)."""
    selections = []
    for s in frame["strata"]:
        for pos, (ticket, uscc) in enumerate(sampling.sample_tickets(s["ids"], seed, s["take"]), start=1):
            selections.append({"stratum": s["name"], "position": pos, "id": uscc, "ticket": ticket})
    pool = sampling.make_pool(frame["inspectors"], frame["conflicts"], seed)
    dealt = sampling.deal(pool, [x["id"] for x in selections], int(frame["team_size"]))
    return selections, dealt


def campaign_draw(*, actor, campaign_id: int, seed_inputs: list[str]) -> Draw:
    """Enter the public inputs, derive the seed, draw and publish (DESIGN.md steps 2-5).
    Refused unless the frame is frozen: the seed must not exist before the frame hash."""
    inputs = _clean_inputs(seed_inputs)
    with transaction.atomic():
        camp = _lock(campaign_id)
        _require_campaign_actor(actor, camp)
        if camp.status == CampaignStatus.DRAFT:
            raise Conflict(
                _("Freeze the frame and publish its hash before entering the seed."), code="frame_not_frozen"
            )
        # One draw per frame: a second seed would let someone pick the outcome they like.
        if camp.status != CampaignStatus.FROZEN:
            raise Conflict(_("This campaign has been drawn already."), code="invalid_transition")
        draw = Draw.objects.select_for_update().get(campaign=camp)
        text = frame_text(draw)
        # Never draw from a frame that no longer matches what was published.
        if sampling.sha256_hex(text) != draw.frame_hash:
            raise Conflict(_("The stored frame does not match its published hash."), code="frame_corrupt")
        frame = json.loads(text)
        # DESIGN.md step 2: the seed depends on the published hash, so it cannot predate the freeze.
        seed = sampling.seed_from(draw.frame_hash, inputs)
        selections, dealt = compute(frame, seed)
        now = timezone.now()
        today = timezone.localdate(now)
        # §3 [R]: results within 20 working days of the draw, on the Chinese working-day calendar.
        due = calendar.add_working_days(today, camp.result_working_days)
        version = calendar.version()
        targets = [x["id"] for x in selections]
        # The frame publishes codes; the rows need keys. One array-bound statement for all.
        pks = enterprise_pks(targets)
        postchecks: dict[str, list] = {}
        if camp.kind == CampaignKind.POSTCHECK:
            for pc in licensing.postchecks_awaiting_inspection(issuer=camp.authority_id):
                postchecks.setdefault(pc.licence.enterprise.uscc, []).append((pc.pk, pc.licence.number))
        # COPY, not ORM inserts: 50,000 selections and 100,000 seats in seconds (bench/draw.py).
        insert_rows(
            Inspection,
            INSPECTION_COLUMNS,
            (
                (
                    draw.pk,
                    pks[x["id"]],
                    x["id"],
                    x["stratum"],
                    x["position"],
                    x["ticket"],
                    InspectionStatus.ASSIGNED.value,
                    due,
                    version,
                    "",
                    "",
                    "",
                    json.dumps([p for p, _n in postchecks[x["id"]]]) if x["id"] in postchecks else "[]",
                    json.dumps([n for _p, n in postchecks[x["id"]]]) if x["id"] in postchecks else "[]",
                    "{}",
                )
                for x in selections
            ),
        )
        ids = dict(Inspection.objects.filter(draw=draw).values_list("uscc", "pk"))
        inspectors = dict(Inspector.objects.filter(authority=camp.authority).values_list("badge", "pk"))
        insert_rows(
            Assignment,
            ("inspection_id", "inspector_id", "badge", "seq", "dealt", "recused"),
            (
                (ids[target], inspectors[badge], badge, n, True, False)
                for target, team in dealt.assignments
                for n, badge in enumerate(team)
            ),
        )
        draw.seed_inputs = inputs
        draw.seed = seed
        draw.drawn_at = now
        draw.drawn_by = actor
        draw.cursor = dealt.cursor
        draw.shortfalls = [{"target": t, "missing": m} for t, m in dealt.shortfalls]
        draw.save()
        camp.status = CampaignStatus.DRAWN
        camp.save(update_fields=["status"])
        audit.record(
            actor=actor,
            action="inspections.draw.drawn",
            obj=draw,
            after={
                "campaign": camp.code,
                "frame_hash": draw.frame_hash,
                "seed_inputs": inputs,
                "seed": seed,
                "selected": len(selections),
                "shortfalls": len(dealt.shortfalls),
            },
        )
    return draw
