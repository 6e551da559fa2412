"""Inspection reads. Staff see their authority's rows (national staff everything); an
inspector sees only their own roster entry, conflicts and inspections; the public sees the
published item list, draws and results. Missing and forbidden both answer 404."""

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from config.api import NotFound
from inspections import sampling
from inspections.models import (
    Assignment,
    Campaign,
    Conflict,
    Draw,
    Inspection,
    InspectionItem,
    InspectionStatus,
    Inspector,
    Recusal,
)
from regulator import scoping
from regulator.models import Role


def _authority_q(actor, path: str) -> Q:
    """Rows of the actor's authority; national staff see every authority's."""
    code = scoping.authority_code(actor)
    if not code:
        raise NotFound(_("Not found."))
    # Provincial staff see their own administration's campaigns, not the province's MIIT ones.
    return Q() if scoping.is_national(actor) else Q(**{path: code})


def _one(qs: QuerySet, **kw):
    obj = qs.filter(**kw).first()
    if obj is None:
        raise NotFound(_("Not found."))
    return obj


# ---------------------------------------------------------------- items and roster


def item_public_list() -> QuerySet[InspectionItem]:
    return InspectionItem.objects.filter(active=True).select_related("authority").order_by("code")


def inspector_list(*, actor) -> QuerySet[Inspector]:
    qs = Inspector.objects.select_related("authority").order_by("badge")
    if scoping.role_of(actor) == Role.INSPECTOR:
        return qs.filter(user_id=actor.pk)
    if scoping.role_of(actor) not in (Role.SUPERVISOR, Role.AUDITOR):
        return qs.none()
    return qs.filter(_authority_q(actor, "authority_id"))


def inspector_get(*, actor, badge: str) -> Inspector:
    return _one(inspector_list(actor=actor), badge=badge)


def conflict_list(*, actor) -> QuerySet[Conflict]:
    qs = Conflict.objects.select_related("inspector", "enterprise").order_by("-id")
    if scoping.role_of(actor) == Role.INSPECTOR:
        return qs.filter(inspector__user_id=actor.pk)
    if scoping.role_of(actor) not in (Role.SUPERVISOR, Role.AUDITOR):
        return qs.none()
    return qs.filter(_authority_q(actor, "inspector__authority_id"))


def conflict_get(*, actor, conflict_id: int) -> Conflict:
    return _one(conflict_list(actor=actor), pk=conflict_id)


# ---------------------------------------------------------------- campaigns and inspections


def campaign_list(*, actor) -> QuerySet[Campaign]:
    if scoping.role_of(actor) not in (Role.SUPERVISOR, Role.AUDITOR):
        return Campaign.objects.none()
    return (
        Campaign.objects.filter(_authority_q(actor, "authority_id"))
        .select_related("authority", "draw")
        .prefetch_related("items")
        .order_by("-created_at", "-id")
    )


def campaign_get(*, actor, campaign_id: int) -> Campaign:
    return _one(campaign_list(actor=actor), pk=campaign_id)


def inspection_list(*, actor) -> QuerySet[Inspection]:
    qs = (
        Inspection.objects.select_related("draw", "draw__campaign", "enterprise")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.order_by("seq")),
            "result_items",
            Prefetch("recusals", queryset=Recusal.objects.order_by("id")),
        )
        .order_by("-id")
    )
    role = scoping.role_of(actor)
    if role == Role.INSPECTOR:
        # Own inspections only: those with an active seat of the actor.
        # A recused inspector loses sight of the inspection with the seat.
        return qs.filter(assignments__inspector__user_id=actor.pk, assignments__recused=False)
    if role not in (Role.SUPERVISOR, Role.AUDITOR):
        return qs.none()
    return qs.filter(_authority_q(actor, "draw__campaign__authority_id"))


def inspection_get(*, actor, inspection_id: int) -> Inspection:
    return _one(inspection_list(actor=actor), pk=inspection_id)


# ---------------------------------------------------------------- public


def public_draw_list() -> QuerySet[Draw]:
    return Draw.objects.select_related("campaign", "campaign__authority").order_by("-frozen_at", "-id")


def public_draw_get(draw_id: int) -> Draw:
    return _one(public_draw_list(), pk=draw_id)


def public_draw_document(draw: Draw) -> dict:
    """Everything DESIGN.md step 5 publishes; ``selections`` and ``assignments`` are the
    draw's own (assignments as dealt), recusals follow in their recorded order."""
    camp = draw.campaign
    doc = {
        "id": draw.pk,
        "campaign": {
            "code": camp.code,
            "title": camp.title,
            "kind": camp.kind,
            "authority": camp.authority_id,
            "legal_basis": camp.legal_basis,
            "items": sorted(camp.items.values_list("code", flat=True)),
        },
        "status": "drawn" if draw.drawn_at else "frozen",
        "frame_hash": draw.frame_hash,
        "frame_published_at": draw.frozen_at.isoformat(),
        "frame_size": draw.frame_size,
        "algorithm": sampling.ALGORITHM,
        "seed_rule": sampling.SEED_RULE,
        "seed_inputs": list(draw.seed_inputs or []),
        "seed": draw.seed or None,
        "drawn_at": draw.drawn_at.isoformat() if draw.drawn_at else None,
        "team_size": camp.team_size,
        "strata": draw.strata,
        "selections": [],
        "assignments": [],
        "shortfalls": draw.shortfalls or [],
        "recusals": [],
    }
    if not draw.drawn_at:
        return doc
    order = {s["name"]: n for n, s in enumerate(draw.strata)}
    rows = list(
        Inspection.objects.filter(draw=draw)
        .values_list("pk", "stratum", "position", "uscc", "ticket")
        .order_by("id")
    )
    # Publication order is the draw order: strata in frame order, positions within each.
    rows.sort(key=lambda r: (order.get(r[1], len(order)), r[2]))
    teams: dict[int, list[str]] = {}
    for ins_id, badge in (
        # Teams as dealt by the draw; replacements appear under recusals, as the protocol replays them.
        Assignment.objects.filter(inspection__draw=draw, dealt=True)
        .order_by("inspection_id", "seq")
        .values_list("inspection_id", "badge")
    ):
        teams.setdefault(ins_id, []).append(badge)
    for pk, stratum, position, uscc, ticket in rows:
        doc["selections"].append({"stratum": stratum, "position": position, "id": uscc, "ticket": ticket})
        doc["assignments"].append({"target": uscc, "badges": teams.get(pk, [])})
    doc["recusals"] = [
        {"target": uscc, "badge": badge, "reason": reason, "replacement": rep or None, "time": at.isoformat()}
        for uscc, badge, reason, rep, at in Recusal.objects.filter(inspection__draw=draw)
        .order_by("id")
        .values_list("inspection__uscc", "badge", "reason", "replacement", "at")
    ]
    return doc


def public_results(
    *,
    authority: str = "",
    outcome: str = "",
    uscc: str = "",
    campaign: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Inspection]:
    qs = (
        # Only published results are public (§3 "results published promptly").
        Inspection.objects.filter(status=InspectionStatus.PUBLISHED)
        .select_related("enterprise", "draw__campaign")
        .prefetch_related("result_items", "draw__campaign__items")
        .order_by("-published_at", "-id")
    )
    if authority:
        qs = qs.filter(draw__campaign__authority_id=authority)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if uscc:
        qs = qs.filter(uscc=uscc)
    if campaign:
        qs = qs.filter(draw__campaign__code=campaign)
    if date_from:
        qs = qs.filter(inspected_on__gte=date_from)
    if date_to:
        qs = qs.filter(inspected_on__lte=date_to)
    return qs
