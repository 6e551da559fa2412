"""Dated restrictions (bans) that the restrictions selector honours (§1.1, §1.3, §1.5, §2.4):
imposed and lifted by supervisors (or by the services whose decisions carry them)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from credit import access, conf
from credit.models import Sanction
from credit.services.common import lock_account
from regulator import audit
from regulator.audit import actor_fields
from regulator.models import Role


def _snapshot(s: Sanction) -> dict:
    return {
        "enterprise": s.enterprise_id,
        "kind": s.kind,
        "starts_on": s.starts_on,
        "until": s.until,
        "legal_basis": s.legal_basis,
        "authority": s.authority_id,
        "source_ref": s.source_ref,
        "lifted_at": s.lifted_at,
    }


def sanction_impose(
    *,
    actor,
    enterprise,
    kind: str,
    until: dt.date,
    reason: str,
    legal_basis: str = "",
    authority: str | None = None,
    source_ref: str = "",
    starts_on: dt.date | None = None,
) -> Sanction:
    """Impose a ban from ``starts_on`` (default today) to ``until`` (inclusive). Idempotent
    per (enterprise, kind, source_ref) when source_ref is given."""
    kinds = conf.get("CREDIT_SANCTION_BLOCKS")
    today = timezone.localdate()
    starts_on = starts_on or today
    errors = {}
    if kind not in kinds:
        errors["kind"] = [_("Choose one of: %s") % ", ".join(sorted(kinds))]
    if until < today:
        errors["until"] = [_("Must not be in the past.")]
    elif until < starts_on:
        errors["until"] = [_("Must not be before the start.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Required.")]
    if errors:
        raise ApplicationError(_("Invalid sanction."), errors=errors)
    access.require_on(actor, enterprise, *access.DECIDERS)
    auth = access.deciding_authority(actor, authority) if authority else None
    with transaction.atomic():
        lock_account(enterprise.pk)  # serialises per enterprise, so the source check holds
        if source_ref:
            existing = Sanction.objects.filter(
                enterprise=enterprise, kind=kind, source_ref=source_ref
            ).first()
            if existing is not None:
                return existing
        sanction = Sanction.objects.create(
            enterprise=enterprise,
            kind=kind,
            starts_on=starts_on,
            until=until,
            reason=reason.strip(),
            legal_basis=legal_basis.strip(),
            authority=auth,
            source_ref=source_ref,
            actor_label=actor_fields(actor)[1],
        )
        audit.record(
            actor=actor,
            action="credit.sanction_imposed",
            obj=sanction,
            after=_snapshot(sanction),
            reason=reason,
        )
    return sanction


def sanction_lift(*, actor, sanction_id: int, reason: str) -> Sanction:
    """End a sanction early (its basis set aside). The row stays, marked lifted."""
    if not (reason or "").strip():
        raise ApplicationError(_("A reason is required."), errors={"reason": [_("Required.")]})
    found = Sanction.objects.select_related("enterprise").filter(pk=sanction_id).first()
    if found is None:
        raise NotFound(_("Not found."))
    access.require_on(actor, found.enterprise, Role.SUPERVISOR)
    with transaction.atomic():
        lock_account(found.enterprise_id)
        sanction = Sanction.objects.select_for_update().get(pk=sanction_id)
        if sanction.lifted_at is not None:
            raise Conflict(_("This sanction has already been lifted."), code="already_lifted")
        before = _snapshot(sanction)
        sanction.lifted_at = timezone.now()
        sanction.lifted_by_label = actor_fields(actor)[1]
        sanction.lift_reason = reason.strip()
        sanction.save(update_fields=["lifted_at", "lifted_by_label", "lift_reason"])
        audit.record(
            actor=actor,
            action="credit.sanction_lifted",
            obj=sanction,
            before=before,
            after=_snapshot(sanction),
            reason=reason,
        )
    return sanction
