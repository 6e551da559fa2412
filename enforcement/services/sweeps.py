"""Sweeps (daily, and a frequent effects retry). Each is idempotent: it claims rows with a
compare-and-set UPDATE (or a unique outbox row), so running it twice, or two workers at
once, does each thing once."""

from django.db import transaction
from django.utils import timezone

from enforcement import conf
from enforcement import transitions as tr
from enforcement.models import (
    Case,
    Decision,
    DecisionStatus,
    Effect,
    EffectKind,
    EffectStatus,
    Outcome,
    PerformanceStatus,
)
from enforcement.services import effects
from enforcement.services.common import today
from enforcement.services.decisions import surcharge_on
from regulator import audit

ACTOR = "sweep"
P = PerformanceStatus


def sweep_unperformed(*, day=None) -> dict[str, int]:
    """§2.2: a decision not carried out by its deadline → the dishonest-list proposal
    "penalty not carried out", once; and the late-payment surcharge due as of today (§7),
    recorded on every run while the fine stays unpaid."""
    day = day or today()
    claimed = 0
    requested: list[int] = []
    due = Decision.objects.filter(
        status=DecisionStatus.DELIVERED, performance_status=P.PENDING, performance_due_on__lt=day
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            # Compare-and-set: of two sweeps only one moves the row, and only it requests.
            if not Decision.objects.filter(
                pk=pk, status=DecisionStatus.DELIVERED, performance_status=P.PENDING
            ).update(performance_status=P.OVERDUE, updated_at=timezone.now()):
                continue
            dec = Decision.objects.get(pk=pk)
            tr.decision_event(decision=dec, actor=ACTOR, frm=dec.status, to=dec.status, action="overdue")
            audit.record(
                actor=ACTOR,
                action="enforcement.decision_overdue",
                obj=dec,
                after={"performance_due_on": dec.performance_due_on},
            )
            requested.append(
                effects.effect_request(decision=dec, kind=EffectKind.DISHONEST_LISTING, requested_by=ACTOR).pk
            )
            claimed += 1
    # A sweep is already background work: run what it requested now, not only after commit.
    for effect_id in requested:
        effects.effect_run(effect_id=effect_id)
    surcharged = 0
    # The surcharge grows each day until the cap; recording it daily keeps the amount owed
    # visible to staff and the party without recomputing it on every read.
    for dec in Decision.objects.filter(status=DecisionStatus.DELIVERED, performance_status=P.OVERDUE):
        amount = surcharge_on(dec, day)
        if amount == dec.surcharge_due and dec.surcharge_as_of == day:
            continue
        with transaction.atomic():
            n = Decision.objects.filter(pk=dec.pk, performance_status=P.OVERDUE).update(
                surcharge_due=amount, surcharge_as_of=day, updated_at=timezone.now()
            )
            if n:
                audit.record(
                    actor=ACTOR,
                    action="enforcement.surcharge_recorded",
                    obj=dec,
                    before={"surcharge_due": dec.surcharge_due},
                    after={"surcharge_due": amount, "as_of": day},
                )
                surcharged += 1
    return {"overdue": claimed, "surcharge_updated": surcharged}


def _flag(qs, field: str, action: str, model) -> int:
    n = 0
    now = timezone.now()
    for pk in list(qs.values_list("pk", flat=True)):
        with transaction.atomic():
            # Compare-and-set: only the sweep that sets the flag records the event.
            if model.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: now}):
                audit.record(
                    actor=ACTOR,
                    action=action,
                    object_type=f"enforcement.{model._meta.model_name}",
                    object_id=pk,
                )
                n += 1
    return n


def sweep_listing_deadline(*, day=None) -> int:
    """§2.1: a penalty decision not listed within 30 days is flagged (the listing effect,
    or the revocation that lists through licensing, not done by the due date: delivery
    late, or the effect refused by the other app)."""
    day = day or today()
    listed = Effect.objects.filter(
        kind__in=[EffectKind.BAD_LISTING, EffectKind.REVOCATION], status=EffectStatus.DONE
    ).values("decision_id")
    qs = Decision.objects.filter(
        outcome=Outcome.PENALTY,
        status__in=[DecisionStatus.MADE, DecisionStatus.DELIVERED],
        listing_due_on__lt=day,
        listing_late_flagged_at__isnull=True,
    ).exclude(pk__in=listed)
    return _flag(qs, "listing_late_flagged_at", "enforcement.listing_late", Decision)


def sweep_publication(*, day=None) -> int:
    """§7 双公示: a penalty decision not published within 7 working days is flagged."""
    day = day or today()
    qs = Decision.objects.filter(
        outcome=Outcome.PENALTY,
        published_at__isnull=True,
        publish_due_on__lt=day,
        publication_late_flagged_at__isnull=True,
    ).exclude(status=DecisionStatus.SUPERSEDED)
    return _flag(qs, "publication_late_flagged_at", "enforcement.publication_late", Decision)


def sweep_decision_deadline(*, day=None) -> int:
    """§7 [R, Art 60]: a case undecided 90 days (plus extensions) after opening is flagged."""
    day = day or today()
    qs = Case.objects.filter(
        status__in=tr.UNDECIDED, decision_due_on__lt=day, decision_overdue_flagged_at__isnull=True
    )
    return _flag(qs, "decision_overdue_flagged_at", "enforcement.decision_overdue", Case)


def sweep_effects() -> int:
    return effects.effects_run_pending(older_than_minutes=int(conf.get("ENFORCEMENT_EFFECT_RETRY_MINUTES")))


# The daily beat entry and the management command run all of them in this order: the
# overdue claim first, so its dishonest-listing effects run in the same pass.
def sweep_daily(*, day=None) -> dict:
    return {
        "unperformed": sweep_unperformed(day=day),
        "listing_late": sweep_listing_deadline(day=day),
        "publication_late": sweep_publication(day=day),
        "decision_overdue": sweep_decision_deadline(day=day),
        "effects": effects.effects_run_pending(),
    }
