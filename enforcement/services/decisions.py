"""Decisions (REGULATION.md §7): making one, delivering it, correcting it by a superseding
decision, recording performance, annulment, publication (双公示), and the case's end.

A decision's effects on credit and licensing are requested here as outbox rows
(``effects.effect_request``) in the same transaction; they run after commit."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from enforcement import conf, penalties
from enforcement import transitions as tr
from enforcement.models import (
    AnnulmentKind,
    Case,
    CaseStatus,
    Decision,
    DecisionNumberSequence,
    DecisionStatus,
    EffectKind,
    Outcome,
    PenaltyKind,
    PerformanceStatus,
)
from enforcement.services import effects
from enforcement.services.cases import hearing_right_for
from enforcement.services.common import due_date, load_case, require_handler, required_text, today
from regulator import audit, calendar, provinces
from regulator.audit import actor_fields
from regulator.models import NATIONAL

S = CaseStatus
D = DecisionStatus
P = PerformanceStatus


def allocate_number(authority_id: str, year: int) -> tuple[int, str]:
    """Next document number of the authority's yearly sequence (row locked), e.g.
    粤通罚〔2026〕12号; MIIT's are 工信罚〔2026〕3号."""
    # get_or_create survives two first numbers of a year at once (unique constraint);
    # the row lock then hands out numbers one at a time, with no gaps on rollback.
    DecisionNumberSequence.objects.get_or_create(authority_id=authority_id, year=year)
    seq = DecisionNumberSequence.objects.select_for_update().get(authority_id=authority_id, year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    prefix = "工信罚" if authority_id == NATIONAL else f"{provinces.BY_CODE[authority_id].abbr}通罚"
    return seq.last, f"{prefix}〔{year}〕{seq.last}号"


def _penalty_fields(case: Case, outcome: str, kind: str, amount, suspension_days) -> dict:
    errors: dict[str, list[str]] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = [_("Choose penalty or no_penalty.")]
    if outcome == Outcome.NO_PENALTY:
        if kind or amount is not None or suspension_days is not None:
            errors["kind"] = [_("A no-penalty decision has no kind, amount or period.")]
        if errors:
            raise ApplicationError(_("Invalid decision."), errors=errors)
        return {"kind": "", "amount": None, "suspension_days": None, "licence": None}
    if kind not in PenaltyKind.values:
        errors["kind"] = [_("Choose one of: %s") % ", ".join(PenaltyKind.values)]
    if kind in penalties.MONEY_KINDS and (amount is None or Decimal(amount) <= 0):
        errors["amount"] = [_("A fine or confiscation needs a positive amount.")]
    if kind not in penalties.MONEY_KINDS and amount is not None:
        errors["amount"] = [_("Only a fine or confiscation has an amount.")]
    if kind == PenaltyKind.SUSPENSION and not suspension_days:
        errors["suspension_days"] = [_("A suspension needs its period in days.")]
    if kind != PenaltyKind.SUSPENSION and suspension_days is not None:
        errors["suspension_days"] = [_("Only a suspension has a period.")]
    if kind == PenaltyKind.REVOCATION and case.licence_id is None:
        errors["kind"] = [_("Revocation needs the case to name the licence.")]
    if errors:
        raise ApplicationError(_("Invalid decision."), errors=errors)
    return {
        "kind": kind,
        "amount": Decimal(amount) if amount is not None else None,
        "suspension_days": suspension_days,
        "licence": case.licence if kind == PenaltyKind.REVOCATION else None,
    }


def _texts(title: str, reasons: str, legal_basis: str) -> dict:
    errors: dict[str, list[str]] = {}
    out = {
        "title": required_text(errors, "title", title)[:200],
        "reasons": required_text(errors, "reasons", reasons),
        "legal_basis": required_text(errors, "legal_basis", legal_basis),
    }
    if errors:
        raise ApplicationError(_("Invalid decision."), errors=errors)
    return out


def _new_decision(*, actor, case: Case, fields: dict, supersedes: Decision | None = None) -> Decision:
    decided = today()
    seq, number = allocate_number(case.authority_id, decided.year)
    penalty = fields["outcome"] == Outcome.PENALTY
    dec = Decision.objects.create(
        case=case,
        authority_id=case.authority_id,
        year=decided.year,
        sequence=seq,
        number=number,
        decided_on=decided,
        supersedes=supersedes,
        enterprise_name=case.enterprise.name,
        enterprise_uscc=case.enterprise.uscc,
        province=case.enterprise.province,
        # §7 双公示: penalty decisions only, 7 working days from the decision.
        publish_due_on=due_date(decided, "publication") if penalty else None,
        # §2.1: listed within 30 days (a revocation on the dishonest list, through licensing).
        listing_due_on=due_date(decided, "listing") if penalty else None,
        calendar_version=calendar.version(),
        decided_by=actor_fields(actor)[1],
        **fields,
    )
    tr.decision_event(decision=dec, actor=actor, frm="", to=D.MADE, action="made")
    audit.record(
        actor=actor,
        action="enforcement.decision_made",
        obj=dec,
        after={
            **tr.decision_snapshot(dec),
            "case": case.pk,
            "outcome": dec.outcome,
            "kind": dec.kind,
            "amount": dec.amount,
            "supersedes": supersedes.number if supersedes else None,
        },
    )
    return dec


def decision_make(
    *,
    actor,
    case_id: int,
    outcome: str,
    title: str,
    reasons: str,
    legal_basis: str,
    kind: str = "",
    amount=None,
    suspension_days: int | None = None,
    content: str = "",
) -> Decision:
    """Decide the case (§7). A penalty needs the notice first, and may be decided only once
    the party's time to reply or ask for a hearing has passed (or the hearing was held); a
    penalty heavier than the one noticed, one that would open a hearing the notice did not
    offer, needs a new notice. Two handlers deciding at once: the case lock lets one win."""
    case = load_case(case_id)
    require_handler(actor, case)
    pen = _penalty_fields(case, outcome, kind, amount, suspension_days)
    texts = _texts(title, reasons, legal_basis)
    now = today()

    # Checked under the case lock, so the checks and the decision see the same state.
    def check(c: Case) -> None:
        # APL Art 62: no penalty without the notice and a chance to reply.
        if outcome == Outcome.PENALTY and c.notice_sent_on is None:
            raise ApplicationError(
                _("A penalty needs the notice of intended penalty first."),
                errors={"outcome": [_("Send the notice (告知) first.")]},
                code="notice_required",
            )
        # Deciding inside the reply period would cut off the party's defence or hearing.
        if c.status == S.NOTICE_SENT and c.reply_due_on and now <= c.reply_due_on:
            raise Conflict(
                _("The party may reply or ask for a hearing until %(day)s.") % {"day": c.reply_due_on},
                code="reply_window_open",
            )
        if (
            outcome == Outcome.PENALTY
            and not c.hearing_right
            and hearing_right_for(pen["kind"], pen["amount"])
        ):
            raise ApplicationError(
                _(
                    "This penalty carries a right to a hearing that the notice did not offer; send a new notice."
                ),
                errors={"kind": [_("Heavier than the notice.")]},
                code="heavier_than_notice",
            )

    # One transaction: the case's move to decided and the decision row commit together.
    with transaction.atomic():
        case = tr.case_transition(case_id=case.pk, to=S.DECIDED, actor=actor, action="decided", check=check)
        case = load_case(case.pk)
        dec = _new_decision(
            actor=actor,
            case=case,
            fields={"outcome": outcome, "content": (content or "").strip(), **pen, **texts},
        )
    return dec


def _decision_for(actor, decision_id: int) -> Decision:
    dec = Decision.objects.select_related("case").filter(pk=decision_id).first()
    if dec is None:
        raise NotFound(_("Not found."))
    require_handler(actor, load_case(dec.case_id))
    return dec


def _performance_due(dec: Decision, delivered: dt.date) -> tuple[str, dt.date | None]:
    if dec.outcome != Outcome.PENALTY or dec.kind in penalties.SELF_EXECUTING:
        return P.NOT_REQUIRED, None
    if dec.kind == PenaltyKind.SUSPENSION:
        # Performed by staying shut for the period the decision orders.
        return P.PENDING, delivered + dt.timedelta(days=dec.suspension_days or 0)
    # §7 [F S30]: fines (and confiscated sums) are paid within 15 days of receiving the decision.
    return P.PENDING, due_date(delivered, "payment")


def decision_deliver(*, actor, decision_id: int, delivered_on: dt.date | None = None) -> Decision:
    """送达. From here the decision is in force and immutable; its effects are requested."""
    dec = _decision_for(actor, decision_id)
    delivered = delivered_on or today()
    # Delivery may be recorded after the fact (by post), never before the decision.
    if delivered > today() or delivered < dec.decided_on:
        raise ApplicationError(
            _("Delivery is between the decision date and today."),
            errors={"delivered_on": [_("Between %(a)s and today.") % {"a": dec.decided_on}]},
        )
    label = actor_fields(actor)[1]

    def apply(d: Decision) -> None:
        d.delivered_on = delivered
        d.performance_status, d.performance_due_on = _performance_due(d, delivered)
        if d.outcome == Outcome.PENALTY and conf.get("ENFORCEMENT_PUBLISH_ON_DELIVERY"):
            d.published_at = d.public_updated_at = timezone.now()

    with transaction.atomic():
        dec = tr.decision_transition(
            decision_id=dec.pk, to=D.DELIVERED, actor=actor, action="delivered", apply=apply
        )
        if dec.outcome == Outcome.PENALTY:
            # §2.1: any penalty → bad list; the exception is revocation, which licensing
            # turns into a dishonest listing (§2.2).
            kind = EffectKind.REVOCATION if dec.kind == PenaltyKind.REVOCATION else EffectKind.BAD_LISTING
            effects.effect_request(decision=dec, kind=kind, requested_by=label)
    return dec


def decision_correct(
    *,
    actor,
    decision_id: int,
    reason: str,
    outcome: str | None = None,
    kind: str | None = None,
    amount=None,
    suspension_days: int | None = None,
    title: str | None = None,
    reasons: str | None = None,
    legal_basis: str | None = None,
    content: str | None = None,
) -> Decision:
    """A correction is a new decision, with a new number, that supersedes this one; the
    superseded one is never edited. Its listings are withdrawn; the new one lists anew
    when delivered. A delivered revocation cannot be corrected (the licence is gone):
    annul it instead."""
    old = _decision_for(actor, decision_id)
    errors: dict[str, list[str]] = {}
    reason = required_text(errors, "reason", reason)
    if errors:
        raise ApplicationError(_("Give the reasons for the correction."), errors=errors)
    # Licensing has no way back from revoked, so a corrected revocation could not revoke again.
    if old.status == D.DELIVERED and old.kind == PenaltyKind.REVOCATION:
        raise Conflict(_("A delivered revocation cannot be corrected."), code="invalid_transition")
    case = load_case(old.case_id)
    new_outcome = outcome or old.outcome
    # What the correction does not name stays as it was.
    same = new_outcome == old.outcome
    kind = kind if kind is not None else (old.kind if same else "")
    keep = same and kind == old.kind
    amount = amount if amount is not None else (old.amount if keep else None)
    suspension_days = (
        suspension_days if suspension_days is not None else (old.suspension_days if keep else None)
    )
    pen = _penalty_fields(case, new_outcome, kind, amount, suspension_days)
    texts = _texts(
        title if title is not None else old.title,
        reasons if reasons is not None else old.reasons,
        legal_basis if legal_basis is not None else old.legal_basis,
    )
    label = actor_fields(actor)[1]
    was_delivered = old.status == D.DELIVERED

    def apply(d: Decision) -> None:
        if d.published_at:
            d.public_updated_at = timezone.now()

    with transaction.atomic():
        old = tr.decision_transition(
            decision_id=old.pk, to=D.SUPERSEDED, actor=actor, action="superseded", reason=reason, apply=apply
        )
        effects.cancel_pending(decision=old, actor=actor, reason=reason)
        if was_delivered and old.outcome == Outcome.PENALTY:
            effects.effect_request(decision=old, kind=EffectKind.WITHDRAWAL, requested_by=label)
        new = _new_decision(
            actor=actor,
            case=case,
            fields={
                "outcome": new_outcome,
                "content": (content if content is not None else old.content).strip(),
                **pen,
                **texts,
            },
            supersedes=old,
        )
    return new


def decision_perform(
    *, actor, decision_id: int, performed_on: dt.date | None = None, note: str = ""
) -> Decision:
    """Performance recorded (fine paid, business suspended as ordered). It satisfies the
    repair condition that the penalty is fulfilled (§2.3): the listing is marked."""
    dec = _decision_for(actor, decision_id)
    done = performed_on or today()
    if done > today():
        raise ApplicationError(
            _("Performance cannot be in the future."), errors={"performed_on": [_("Not after today.")]}
        )
    with transaction.atomic():
        dec = Decision.objects.select_for_update().get(pk=dec.pk)
        if dec.status != D.DELIVERED or dec.performance_status not in (P.PENDING, P.OVERDUE):
            raise Conflict(_("There is no pending performance on this decision."), code="invalid_transition")
        if done < dec.delivered_on:
            raise ApplicationError(
                _("Performance cannot precede delivery."), errors={"performed_on": [_("Too early.")]}
            )
        before = tr.decision_snapshot(dec)
        if dec.kind == PenaltyKind.FINE and dec.performance_due_on:
            # The surcharge is owed for every day late until payment (§7), fixed now.
            dec.surcharge_due = surcharge_on(dec, done)
            dec.surcharge_as_of = done
        dec.performance_status = P.PERFORMED
        dec.performed_on = done
        dec.performance_note = (note or "").strip()
        dec.save()
        tr.decision_event(
            decision=dec, actor=actor, frm=dec.status, to=dec.status, action="performed", reason=note or ""
        )
        audit.record(
            actor=actor,
            action="enforcement.decision_performed",
            obj=dec,
            before=before,
            after=tr.decision_snapshot(dec),
        )
        # §2.3: repair needs the penalty fulfilled; mark the listing this decision made.
        if dec.effects.filter(kind=EffectKind.BAD_LISTING).exists():
            effects.effect_request(
                decision=dec, kind=EffectKind.FULFILMENT, requested_by=actor_fields(actor)[1]
            )
        if dec.case.status in (S.DECIDED, S.ENFORCEMENT):
            tr.case_transition(case_id=dec.case_id, to=S.PERFORMED, actor=actor, action="performed")
    return dec


def surcharge_on(dec: Decision, on: dt.date) -> Decimal:
    if dec.kind != PenaltyKind.FINE or not dec.performance_due_on or dec.amount is None:
        return Decimal("0.00")
    return penalties.surcharge(
        dec.amount,
        penalties.days_late(dec.performance_due_on, on),
        conf.decimal("ENFORCEMENT_SURCHARGE_RATE_PER_DAY"),
        conf.decimal("ENFORCEMENT_SURCHARGE_CAP_RATIO"),
    )


def decision_annul(
    *,
    actor,
    decision_id: int,
    annulment_kind: str,
    reference: str,
    reason: str,
    annulled_on: dt.date | None = None,
) -> Decision:
    """Annulled on reconsideration or by a court: every listing the decision caused is
    withdrawn (credit reverses their points); the decision stays published, marked annulled."""
    dec = _decision_for(actor, decision_id)
    errors: dict[str, list[str]] = {}
    if annulment_kind not in AnnulmentKind.values:
        errors["annulment_kind"] = [_("Choose reconsideration or court.")]
    reference = required_text(errors, "reference", reference)[:200]
    reason = required_text(errors, "reason", reason)
    on = annulled_on or today()
    if on > today():
        errors["annulled_on"] = [_("Not after today.")]
    if errors:
        raise ApplicationError(_("Invalid annulment."), errors=errors)
    label = actor_fields(actor)[1]

    def apply(d: Decision) -> None:
        d.annulment_kind, d.annulment_ref, d.annulment_reason, d.annulled_on = (
            annulment_kind,
            reference,
            reason,
            on,
        )
        if d.published_at:
            d.public_updated_at = timezone.now()

    with transaction.atomic():
        dec = tr.decision_transition(
            decision_id=dec.pk, to=D.ANNULLED, actor=actor, action="annulled", reason=reason, apply=apply
        )
        effects.cancel_pending(decision=dec, actor=actor, reason=reason)
        # Both listings (bad, and dishonest for non-performance) go, with their points.
        if dec.outcome == Outcome.PENALTY:
            effects.effect_request(decision=dec, kind=EffectKind.WITHDRAWAL, requested_by=label)
        case = Case.objects.get(pk=dec.case_id)
        if case.status in (S.DECIDED, S.ENFORCEMENT, S.PERFORMED):
            tr.case_transition(case_id=case.pk, to=S.CLOSED, actor=actor, action="closed", reason=reason)
    return dec


def decision_publish(*, actor, decision_id: int) -> Decision:
    """双公示 by hand (when publication on delivery is off)."""
    dec = _decision_for(actor, decision_id)
    with transaction.atomic():
        dec = Decision.objects.select_for_update().get(pk=dec.pk)
        if dec.outcome != Outcome.PENALTY or dec.status == D.MADE:
            raise Conflict(_("Only a delivered penalty decision is published."), code="invalid_transition")
        if dec.published_at is not None:  # publishing twice is a no-op, not an error
            return dec
        dec.published_at = dec.public_updated_at = timezone.now()
        dec.save(update_fields=["published_at", "public_updated_at", "updated_at"])
        tr.decision_event(decision=dec, actor=actor, frm=dec.status, to=dec.status, action="published")
        audit.record(
            actor=actor,
            action="enforcement.decision_published",
            obj=dec,
            after={"published_at": dec.published_at},
        )
    return dec


def _live_decision(case: Case) -> Decision | None:
    return case.decisions.filter(status__in=[D.MADE, D.DELIVERED]).first()


def case_apply_enforcement(*, actor, case_id: int, reason: str) -> Case:
    """Apply to the court for compulsory enforcement of a decision not performed in time."""
    case = load_case(case_id)
    require_handler(actor, case)
    errors: dict[str, list[str]] = {}
    reason = required_text(errors, "reason", reason)
    if errors:
        raise ApplicationError(_("Give the reasons."), errors=errors)

    def check(c: Case) -> None:
        dec = _live_decision(c)
        if dec is None or dec.performance_status != P.OVERDUE:
            raise Conflict(
                _("Only a decision not performed by its deadline is enforced."), code="not_overdue"
            )

    return tr.case_transition(
        case_id=case.pk, to=S.ENFORCEMENT, actor=actor, action="enforcement", reason=reason, check=check
    )


def case_close(*, actor, case_id: int, reason: str = "") -> Case:
    """Close a case whose decision needs nothing more: no penalty, a self-executing penalty
    (warning, revocation) once delivered, or performance recorded."""
    case = load_case(case_id)
    require_handler(actor, case)

    def check(c: Case) -> None:
        dec = _live_decision(c)
        if dec is None:
            return
        if dec.status != D.DELIVERED:
            raise Conflict(_("Deliver the decision first."), code="not_delivered")
        if dec.performance_status in (P.PENDING, P.OVERDUE):
            raise Conflict(_("The decision is not performed yet."), code="not_performed")

    def apply(c: Case) -> None:
        c.closed_reason = (reason or "").strip()

    return tr.case_transition(
        case_id=case.pk, to=S.CLOSED, actor=actor, action="closed", reason=reason, check=check, apply=apply
    )
