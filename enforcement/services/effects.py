"""A decision's effects on the other apps, exactly once each (issue 12 §3).

Each effect is an outbox row (``Effect``, unique per decision and kind) written in the
transaction that causes it, and run after commit. ``effect_run`` locks the row, calls the
other app's service inside a savepoint and marks the row done in the same transaction: the
write and the mark commit together or not at all, so an effect happens once however often
it is retried (and the other apps' services are idempotent per source_ref besides). A
failed attempt leaves the row pending with its error; the sweep runs it again.

Source references (credit's idempotency keys for listings):
- ``penalty:<decision id>``: the penalty-based bad-list entry (§2.1), or the dishonest
  listing licensing makes when it revokes the licence (§2.2);
- ``penalty-unfulfilled:<decision id>``: the dishonest listing for a penalty not carried
  out by its deadline (§2.2).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError
from credit import services as credit
from enforcement import conf
from enforcement.models import Decision, DecisionStatus, Effect, EffectKind, EffectStatus
from licensing import services as licensing
from licensing.models import ACTIVE_LICENCE_STATUSES, Licence
from regulator import audit

K = EffectKind


def penalty_ref(decision_id: int) -> str:
    return f"penalty:{decision_id}"


def unfulfilled_ref(decision_id: int) -> str:
    return f"penalty-unfulfilled:{decision_id}"


def _run_after_commit(effect_id: int) -> None:
    from enforcement import tasks

    transaction.on_commit(lambda: tasks.effect_run.delay(effect_id))


def effect_request(*, decision: Decision, kind: str, requested_by: str) -> Effect:
    """Create the effect once (a second request returns the first) and run it after commit."""
    # INSERT ... ON CONFLICT DO NOTHING: a second request (a retried sweep, two workers)
    # finds the first row instead of failing the caller's transaction.
    Effect.objects.bulk_create(
        [Effect(decision=decision, kind=kind, requested_by=requested_by)], ignore_conflicts=True
    )
    eff = Effect.objects.get(decision=decision, kind=kind)
    if eff.status == EffectStatus.PENDING:
        _run_after_commit(eff.pk)
    return eff


def cancel_pending(*, decision: Decision, actor, reason: str) -> int:
    """A superseded or annulled decision's effects that have not happened yet never will.
    Locking each row waits for a run in flight: it either finished (done, and the
    withdrawal undoes it) or has not started (cancelled here)."""
    n = 0
    for eff in Effect.objects.select_for_update().filter(decision=decision, status=EffectStatus.PENDING):
        if eff.kind == K.WITHDRAWAL:
            continue
        eff.status = EffectStatus.CANCELLED
        eff.done_at = timezone.now()
        eff.save(update_fields=["status", "done_at"])
        audit.record(
            actor=actor,
            action="enforcement.effect_cancelled",
            obj=eff,
            after={"kind": eff.kind},
            reason=reason,
        )
        n += 1
    return n


# Each handler calls one service of another app with the decision's source reference, which
# that app keys its idempotency on; each returns a small JSON result kept on the effect row.
def _licence_numbers(dec: Decision) -> list[str]:
    """§2.1 record fields include the licence number(s): the case's licence, else the
    enterprise's licences in force."""
    if dec.case.licence_id:
        return [dec.case.licence.number]
    return list(
        Licence.objects.filter(enterprise_id=dec.case.enterprise_id, status__in=ACTIVE_LICENCE_STATUSES)
        .order_by("number")
        .values_list("number", flat=True)[:20]
    )


def _reason(dec: Decision) -> str:
    return f"{dec.number} {dec.title}"


def _bad_listing(actor, dec: Decision) -> dict:
    entry = credit.list_entry_propose(
        actor=actor,
        enterprise=dec.case.enterprise,
        list_kind="bad",
        rule_code=conf.get("ENFORCEMENT_BAD_RULE"),
        reason=_reason(dec),
        authority=dec.authority_id,
        source_ref=penalty_ref(dec.pk),
        licence_numbers=_licence_numbers(dec),
        requires_fulfilment=True,
    )
    return {"list_entry": entry.pk, "source_ref": penalty_ref(dec.pk)}


def _revocation(actor, dec: Decision) -> dict:
    lic = licensing.licence_revoke(
        actor=actor,
        licence_id=dec.licence_id,
        reason=_reason(dec),
        legal_basis=dec.legal_basis,
        source_ref=penalty_ref(dec.pk),
    )
    return {"licence": lic.number, "source_ref": penalty_ref(dec.pk)}


def _dishonest_listing(actor, dec: Decision) -> dict:
    entry = credit.list_entry_propose(
        actor=actor,
        enterprise=dec.case.enterprise,
        list_kind="dishonest",
        rule_code=conf.get("ENFORCEMENT_UNFULFILLED_RULE"),
        reason=_("%(ref)s not carried out by %(day)s") % {"ref": _reason(dec), "day": dec.performance_due_on},
        authority=dec.authority_id,
        source_ref=unfulfilled_ref(dec.pk),
        licence_numbers=_licence_numbers(dec),
    )
    return {"list_entry": entry.pk, "source_ref": unfulfilled_ref(dec.pk)}


def _fulfilment(actor, dec: Decision) -> dict:
    n = credit.list_entry_mark_fulfilled(
        actor=actor, source_ref=penalty_ref(dec.pk), fulfilled_on=dec.performed_on
    )
    return {"marked": n, "source_ref": penalty_ref(dec.pk)}


def _withdrawal(actor, dec: Decision) -> dict:
    why = (
        _("Decision %(n)s annulled (%(ref)s).") % {"n": dec.number, "ref": dec.annulment_ref}
        if dec.status == DecisionStatus.ANNULLED
        else _("Decision %(n)s superseded by a correction.") % {"n": dec.number}
    )
    out = {}
    for ref in (penalty_ref(dec.pk), unfulfilled_ref(dec.pk)):
        out[ref] = credit.list_entry_withdraw_for_source(actor=actor, source_ref=ref, reason=why)
    return {"withdrawn": out}


HANDLERS = {
    K.BAD_LISTING: _bad_listing,
    K.REVOCATION: _revocation,
    K.DISHONEST_LISTING: _dishonest_listing,
    K.FULFILMENT: _fulfilment,
    K.WITHDRAWAL: _withdrawal,
}
# Effects that only make sense while the decision stands.
NEEDS_LIVE = frozenset({K.BAD_LISTING, K.REVOCATION, K.DISHONEST_LISTING, K.FULFILMENT})


def effect_run(*, effect_id: int) -> Effect | None:
    with transaction.atomic():
        eff = Effect.objects.select_for_update().filter(pk=effect_id).first()
        if eff is None or eff.status != EffectStatus.PENDING:
            return eff
        dec = Decision.objects.select_related("case__enterprise", "case__licence", "authority").get(
            pk=eff.decision_id
        )
        # Superseded or annulled in the meantime: the effect must not happen at all.
        if eff.kind in NEEDS_LIVE and dec.status != DecisionStatus.DELIVERED:
            eff.status, eff.done_at = EffectStatus.CANCELLED, timezone.now()
            eff.save(update_fields=["status", "done_at"])
            audit.record(
                actor="enforcement", action="enforcement.effect_cancelled", obj=eff, after={"kind": eff.kind}
            )
            return eff
        if (
            eff.kind == K.FULFILMENT
            and dec.effects.filter(kind=K.BAD_LISTING, status=EffectStatus.PENDING).exists()
        ):
            return eff  # the listing to mark is not there yet; the sweep comes back
        # A system actor: the decision is the authority's act, executed by the platform, so
        # the other app's user checks (an officer's issuer) do not apply; its audit still
        # names the decision and the person who caused the effect.
        actor = f"enforcement {dec.number} ({eff.requested_by})"[:150]
        eff.attempts += 1
        try:
            # A savepoint: a refusal rolls back the other app's partial write, not our row.
            with transaction.atomic():
                result = HANDLERS[eff.kind](actor, dec)
        except ApplicationError as exc:
            # Refused by the other app (e.g. a licence already ended): kept pending, with
            # the reason, for a person to see; the sweep tries again.
            eff.last_error = f"{type(exc).__name__}: {getattr(exc, 'message', exc)}"[:2000]
            eff.save(update_fields=["attempts", "last_error"])
            audit.record(
                actor="enforcement",
                action="enforcement.effect_failed",
                obj=eff,
                after={"kind": eff.kind, "error": eff.last_error},
            )
            return eff
        eff.status, eff.done_at, eff.result, eff.last_error = EffectStatus.DONE, timezone.now(), result, ""
        eff.save(update_fields=["status", "done_at", "result", "attempts", "last_error"])
        audit.record(
            actor="enforcement", action="enforcement.effect_done", obj=eff, after={"kind": eff.kind, **result}
        )
    return eff


def effects_run_pending(*, older_than_minutes: int | None = None) -> int:
    """Run every pending effect (oldest first); the sweep passes the retry delay so that
    effects just requested are left to their own after-commit run."""
    qs = Effect.objects.filter(status=EffectStatus.PENDING)
    if older_than_minutes:
        qs = qs.filter(created_at__lte=timezone.now() - dt.timedelta(minutes=older_than_minutes))
    done = 0
    for pk in list(qs.order_by("id").values_list("pk", flat=True)):
        eff = effect_run(effect_id=pk)
        done += int(eff is not None and eff.status == EffectStatus.DONE)
    return done
