"""Dated restrictions (bans) that the restrictions selector honours (§1.1, §1.3, §1.5)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError
from credit import conf
from credit.models import Sanction
from credit.services.common import lock_account
from regulator import audit
from regulator.audit import actor_fields


def sanction_impose(
    *, actor, enterprise, kind: str, until: dt.date, reason: str, source_ref: str = ""
) -> Sanction:
    """Impose a ban from today to ``until`` (inclusive). Idempotent per source_ref."""
    kinds = conf.get("CREDIT_SANCTION_BLOCKS")
    errors = {}
    if kind not in kinds:
        errors["kind"] = [_("Choose one of: %s") % ", ".join(sorted(kinds))]
    today = timezone.localdate()
    if until < today:
        errors["until"] = [_("Must not be in the past.")]
    if not reason.strip():
        errors["reason"] = [_("Required.")]
    if errors:
        raise ApplicationError(_("Invalid sanction."), errors=errors)
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
            starts_on=today,
            until=until,
            reason=reason.strip(),
            source_ref=source_ref,
            actor_label=actor_fields(actor)[1],
        )
        audit.record(
            actor=actor,
            action="credit.sanction_imposed",
            obj=sanction,
            after={"enterprise": enterprise.pk, "kind": kind, "until": until, "source_ref": source_ref},
            reason=reason,
        )
    return sanction
