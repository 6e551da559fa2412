"""The inspections themselves: assigned → in progress → result recorded → published
(REGULATION.md §3 flow), recusal after the draw, the effects of a published result on
credit, enforcement and licensing, and the lateness sweep.

Only ``transition`` assigns a status: it locks the row, checks the edge (409 otherwise),
writes the event row and the audit event.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from credit import services as credit
from inspections import conf, sampling
from inspections.models import (
    Assignment,
    CampaignKind,
    Inspection,
    InspectionEvent,
    InspectionStatus,
    Inspector,
    Outcome,
    Recusal,
    Severity,
)
from licensing import selectors as licensing_selectors
from licensing import services as licensing
from regulator import audit, scoping
from regulator.audit import actor_fields
from regulator.models import Role

S = InspectionStatus
ALLOWED: dict[str, frozenset[str]] = {
    S.ASSIGNED: frozenset({S.IN_PROGRESS}),
    S.IN_PROGRESS: frozenset({S.RECORDED}),
    # A team member who does not confirm the record sends it back for correction.
    S.RECORDED: frozenset({S.IN_PROGRESS, S.PUBLISHED}),
    S.PUBLISHED: frozenset(),
}
# Effects of a published result act as the system, with the inspection as source.
EFFECT_ACTOR = "inspections"


def transition(
    *, inspection_id: int, to: str, actor, reason: str = "", changes: dict | None = None
) -> Inspection:
    with transaction.atomic():
        ins = Inspection.objects.select_for_update().filter(pk=inspection_id).first()
        if ins is None:
            raise NotFound(_("Not found."))
        src = ins.status
        if to not in ALLOWED.get(src, frozenset()):
            raise Conflict(
                _("An inspection in status %(src)s cannot move to %(to)s.") % {"src": src, "to": to},
                code="invalid_transition",
            )
        for k, v in (changes or {}).items():
            setattr(ins, k, v)
        ins.status = to
        now = timezone.now()
        # Publication time starts the public record; the lateness sweep compares it with due_on.
        if to == S.PUBLISHED:
            ins.published_at = now
        ins.save()
        InspectionEvent.objects.create(
            inspection=ins,
            from_status=src,
            to_status=to,
            actor_label=actor_fields(actor)[1],
            reason=reason,
            at=now,
        )
        audit.record(
            actor=actor,
            action=f"inspections.inspection.{to}",
            obj=ins,
            before={"status": src},
            after={"status": to, **{k: v for k, v in (changes or {}).items() if k != "facts"}},
            reason=reason,
        )
    return ins


def _member(actor, ins: Inspection) -> Assignment:
    """The actor's active seat on the team; anyone else gets 404 (own inspections only)."""
    seat = (
        Assignment.objects.filter(
            inspection=ins, recused=False, inspector__user_id=getattr(actor, "pk", None)
        )
        .select_related("inspector")
        .first()
    )
    if seat is None or scoping.role_of(actor) != Role.INSPECTOR:
        raise NotFound(_("Not found."))
    return seat


def _team(ins: Inspection) -> list[Assignment]:
    return list(Assignment.objects.filter(inspection=ins, recused=False).order_by("seq"))


def inspection_start(*, actor, inspection: Inspection) -> Inspection:
    _member(actor, inspection)
    # §3: at least two inspectors act together [F S21]; a short team waits for its
    # shortfall to be resolved, it is never completed by hand.
    if len(_team(inspection)) < inspection.draw.campaign.team_size:
        raise Conflict(_("The team is short of inspectors; the inspection cannot start."), code="team_short")
    return transition(inspection_id=inspection.pk, to=S.IN_PROGRESS, actor=actor)


def inspection_record(
    *,
    actor,
    inspection: Inspection,
    outcome: str,
    inspected_on: dt.date,
    facts: str = "",
    severity: str = "",
    items: list[str] | None = None,
) -> Inspection:
    """Record the team's result. The recorder's confirmation counts; the others confirm."""
    seat = _member(actor, inspection)
    errors: dict[str, list[str]] = {}
    facts = (facts or "").replace("\x00", "").strip()
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose one of: %s") % ", ".join(Outcome.values)]
    if outcome == Outcome.VIOLATION:
        if severity not in Severity.values:
            errors["severity"] = [_("Choose one of: %s") % ", ".join(Severity.values)]
        if not items:
            errors["items"] = [_("Name the inspection items the violation concerns.")]
    elif severity:
        errors["severity"] = [_("Only a violation has a severity.")]
    # Findings that lead to a listing, a case or a rectification must state their facts.
    if outcome in (Outcome.VIOLATION, Outcome.NOT_AT_ADDRESS, Outcome.FIXED) and not facts:
        errors["facts"] = [_("Required.")]
    if len(facts) > 20000:
        errors["facts"] = [_("At most %(n)s characters.") % {"n": 20000}]
    today = timezone.localdate()
    # An inspection cannot precede its draw nor be dated in the future.
    if inspected_on > today or inspected_on < timezone.localdate(inspection.draw.drawn_at):
        errors["inspected_on"] = [_("Between the draw and today.")]
    campaign_items = {i.code: i for i in inspection.draw.campaign.items.all()}
    unknown = sorted(set(items or []) - set(campaign_items))
    if unknown:
        errors["items"] = [_("Not items of this campaign: %s") % ", ".join(unknown)]
    if errors:
        raise ApplicationError(_("Invalid result."), errors=errors)
    with transaction.atomic():
        ins = transition(
            inspection_id=inspection.pk,
            to=S.RECORDED,
            actor=actor,
            changes={
                "outcome": outcome,
                "severity": severity,
                "facts": facts,
                "inspected_on": inspected_on,
                "recorded_at": timezone.now(),
            },
        )
        # The items a violation concerns become the provisions of the penalty case (§7).
        ins.result_items.set([campaign_items[c] for c in sorted(set(items or []))])
        # A new record needs everyone's confirmation again: nobody confirms text they have not seen.
        Assignment.objects.filter(inspection=ins).update(confirmed_at=None)
        Assignment.objects.filter(pk=seat.pk).update(confirmed_at=timezone.now())
    return ins


def inspection_reopen(*, actor, inspection: Inspection, reason: str) -> Inspection:
    _member(actor, inspection)
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ApplicationError(_("Give the reasons."), errors={"reason": [_("Required.")]})
    with transaction.atomic():
        ins = transition(inspection_id=inspection.pk, to=S.IN_PROGRESS, actor=actor, reason=reason)
        Assignment.objects.filter(inspection=ins).update(confirmed_at=None)
    return ins


def inspection_confirm(*, actor, inspection: Inspection) -> Inspection:
    """A team member confirms the recorded result; once every member has, it is published
    and its effects follow, once each (§3: results published and linked to credit)."""
    seat = _member(actor, inspection)
    with transaction.atomic():
        ins = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if ins.status != S.RECORDED:
            raise Conflict(_("There is no recorded result to confirm."), code="invalid_transition")
        Assignment.objects.filter(pk=seat.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
        audit.record(
            actor=actor, action="inspections.inspection.confirmed", obj=ins, after={"badge": seat.badge}
        )
        # §3: the record is the team's (two inspectors at least); it is published only when all confirm.
        pending = Assignment.objects.filter(inspection=ins, recused=False, confirmed_at__isnull=True).exists()
        if not pending:
            ins = _publish(actor=actor, ins=ins)
    return ins


def _publish(*, actor, ins: Inspection) -> Inspection:
    numbers = ins.licence_numbers or licensing_selectors.live_licence_numbers(ins.enterprise_id)
    ins = transition(
        inspection_id=ins.pk,
        to=S.PUBLISHED,
        actor=actor,
        reason=_("Every team member confirmed the record."),
        changes={"licence_numbers": numbers},
    )
    # In the same transaction: a published result and its effects commit together or not at all.
    effects = apply_effects(ins)
    Inspection.objects.filter(pk=ins.pk).update(effects=effects)
    ins.effects = effects
    return ins


def _provisions(ins: Inspection) -> str:
    items = list(ins.result_items.all()) or list(ins.draw.campaign.items.all())
    return "; ".join(f"{i.code}: {i.legal_basis}" for i in items)


def apply_effects(ins: Inspection) -> dict:
    """Each effect through the owning app's service, idempotent by the inspection's source
    reference, so a replay does nothing twice."""
    ref = f"inspection:{ins.pk}"
    camp = ins.draw.campaign
    done: dict[str, object] = dict(ins.effects or {})
    enterprise = ins.enterprise
    if ins.outcome == Outcome.OK and "credit_bonus" not in done:
        # §2.4 [D]: a clean inspection earns +10.
        entry = credit.inspection_clean_bonus_post(actor=EFFECT_ACTOR, enterprise=enterprise, source_ref=ref)
        done["credit_bonus"] = entry.pk
    if ins.outcome == Outcome.NOT_AT_ADDRESS and "bad_list" not in done:
        # §2.1 [R]: unreachable at the registered address → bad-operation list.
        entry = credit.list_entry_propose(
            actor=EFFECT_ACTOR,
            enterprise=enterprise,
            list_kind="bad",
            rule_code=conf.get("INSPECTIONS_UNREACHABLE_RULE"),
            reason=ins.facts or str(_("Not found at the registered address.")),
            authority=camp.authority_id,
            source_ref=ref,
            licence_numbers=list(ins.licence_numbers or []),
        )
        done["bad_list"] = entry.pk
    if ins.outcome == Outcome.VIOLATION and "case" not in done:
        # §3 flow FOLLOW_UP, §7: a violation found by inspection opens a penalty case.
        from enforcement import services as enforcement

        case = enforcement.case_open(
            actor=EFFECT_ACTOR,
            enterprise=enterprise,
            source_kind="inspection",
            source_ref=ref,
            facts=ins.facts,
            provisions=_provisions(ins),
            authority=camp.authority_id,
            officers=None,
        )
        done["case"] = case.pk
    if camp.kind == CampaignKind.POSTCHECK and ins.postchecks and "postchecks" not in done:
        done["postchecks"] = _complete_postchecks(ins)
    return done


def _complete_postchecks(ins: Inspection) -> list[list]:
    """§1.3: the post-issuance inspection completes the post-check. [I] mapping: no problem
    or fixed on the spot passes; a grave violation is a false commitment (revocation); any
    other finding orders rectification."""
    out = []
    reason = ins.facts or str(_("Post-issuance inspection %(id)s.") % {"id": ins.pk})
    for pc in ins.postchecks:
        if ins.outcome in (Outcome.OK, Outcome.FIXED):
            licensing.postcheck_pass(actor=EFFECT_ACTOR, postcheck_id=pc, reason=reason, findings=ins.facts)
            out.append([pc, "passed"])
        elif ins.outcome == Outcome.VIOLATION and ins.severity == Severity.GRAVE:
            licensing.postcheck_revoke(actor=EFFECT_ACTOR, postcheck_id=pc, reason=reason, findings=ins.facts)
            out.append([pc, "revoked"])
        else:
            licensing.postcheck_order_rectification(
                actor=EFFECT_ACTOR, postcheck_id=pc, reason=reason, findings=ins.facts
            )
            out.append([pc, "rectifying"])
    return out


# ---------------------------------------------------------------- recusal


def inspection_recuse(*, actor, inspection: Inspection, badge: str, reason: str) -> Recusal:
    """Recusal after the draw (DESIGN.md step 4): the recused badge's slot is freed and the
    first eligible badge after it in the draw's inspector order takes the seat. An
    inspector recuses themself; a supervisor records the recusal of any team member."""
    reason = (reason or "").replace("\x00", "").strip()
    if not reason or len(reason) > 2000:
        raise ApplicationError(_("Give the reason for the recusal."), errors={"reason": [_("Required.")]})
    role = scoping.role_of(actor)
    if role == Role.INSPECTOR:
        seat = _member(actor, inspection)
        badge = seat.badge
    elif role != Role.SUPERVISOR:
        raise NotFound(_("Not found."))
    with transaction.atomic():
        ins = Inspection.objects.select_for_update().select_related("draw").get(pk=inspection.pk)
        # Once a result is recorded the team has acted; a conflict found then is a matter for review.
        if ins.status not in (S.ASSIGNED, S.IN_PROGRESS):
            raise Conflict(
                _("A recusal is possible only before the result is recorded."), code="invalid_transition"
            )
        draw = ins.draw
        seats = list(Assignment.objects.select_for_update().filter(inspection=ins).order_by("seq"))
        team = [a.badge for a in seats if not a.recused]
        if badge not in team:
            raise ApplicationError(
                _("This badge is not on the team."), errors={"badge": [_("Not on the team.")]}
            )
        # The pool as the replay sees it: frame loads and caps, plus every active seat of
        # this draw (draw assignments and earlier replacements), frame conflicts.
        pool = sampling.make_pool(draw.pool["inspectors"], draw.pool["conflicts"], draw.seed)
        # Loads as the replay sees them: frame load plus every active seat of this draw (dealt and
        # replacements), which equals replaying the draw and every earlier recusal in order.
        counts = dict(
            Assignment.objects.filter(inspection__draw=draw, recused=False)
            .values("badge")
            .annotate(n=Count("id"))
            .values_list("badge", "n")
        )
        for b, n in counts.items():
            if b in pool.load:
                pool.load[b] += n
        # A badge recused once for this target never comes back to it.
        recused = set(Recusal.objects.filter(inspection=ins).values_list("badge", flat=True))
        replacement = sampling.recuse(pool, team, ins.uscc, badge, recused)
        # The row stays, flagged: the published history shows who was dealt and who stepped aside.
        Assignment.objects.filter(inspection=ins, badge=badge).update(recused=True, confirmed_at=None)
        if replacement is not None:
            inspector = Inspector.objects.get(badge=replacement)
            Assignment.objects.create(
                inspection=ins,
                inspector=inspector,
                badge=replacement,
                seq=max(a.seq for a in seats) + 1,
                dealt=False,
            )
        row = Recusal.objects.create(
            inspection=ins,
            badge=badge,
            reason=reason,
            replacement=replacement or "",
            recorded_by=actor,
            at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action="inspections.recusal",
            obj=ins,
            after={"badge": badge, "replacement": replacement},
            reason=reason,
        )
    return row


# ---------------------------------------------------------------- sweep


def sweep_late(*, today: dt.date | None = None) -> int:
    """Flag inspections whose result is not published by the due date (§3 [R]: 20 working
    days). Compare-and-set: safe to run twice and concurrently."""
    today = today or timezone.localdate()
    late = Inspection.objects.filter(
        ~Q(status=S.PUBLISHED), due_on__lt=today, late_at__isnull=True
    ).values_list("pk", flat=True)
    count = 0
    for pk in list(late):
        with transaction.atomic():
            # Compare-and-set: a concurrent sweep that got here first makes this a no-op.
            n = (
                Inspection.objects.filter(pk=pk, late_at__isnull=True)
                .exclude(status=S.PUBLISHED)
                .update(late_at=timezone.now())
            )
            if n:
                audit.record(
                    actor="sweep",
                    action="inspections.inspection.late",
                    object_type="inspections.inspection",
                    object_id=pk,
                    after={"late_on": today},
                )
                count += 1
    return count
