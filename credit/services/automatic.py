"""Rules posted by the system (§2.4 default model): one service per rule, idempotent per
source reference, for the apps whose events earn or cost the points (licensing on an
annual report's confirmation, inspections on a clean result, complaints per quarter),
and the yearly "3 years with no bad-list entry" sweep."""

import datetime as dt
import re

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError
from credit import access, conf
from credit.models import LedgerEntry, ListEntry, ListKind, RemovalReason
from credit.services.common import lock_account
from credit.services.ledger import post_locked, postable_rule
from regulator.dates import add_years
from regulator.models import Enterprise, Role

SWEEP = "sweep"
PERIOD = re.compile(r"^\d{4}-Q[1-4]$")


def _post_once(*, actor, enterprise, setting: str, source_ref: str, note: str, roles: tuple) -> LedgerEntry:
    if not (source_ref or "").strip():
        raise ApplicationError(_("A source reference is required."), errors={"source_ref": [_("Required.")]})
    access.require_on(actor, enterprise, *roles)
    code = conf.get(setting)
    key = f"auto:{code}:{source_ref}"[:255]
    with transaction.atomic():
        account = lock_account(enterprise.pk)  # under the lock, so a concurrent retry finds ours
        existing = LedgerEntry.objects.filter(enterprise_id=enterprise.pk, idempotency_key=key).first()
        if existing is not None:
            return existing
        return post_locked(
            account=account,
            actor=actor,
            rule=postable_rule(code),
            source_ref=source_ref,
            note=note,
            idempotency_key=key,
        )


def annual_report_bonus_post(*, actor, enterprise, source_ref: str) -> LedgerEntry:
    """§2.4 [D]: a clean annual report filed on time, +10, posted on its confirmation."""
    return _post_once(
        actor=actor,
        enterprise=enterprise,
        setting="CREDIT_ANNUAL_REPORT_BONUS_RULE",
        source_ref=source_ref,
        note="annual report confirmed, filed on time",
        roles=(Role.OFFICER, Role.SUPERVISOR),
    )


def inspection_clean_bonus_post(*, actor, enterprise, source_ref: str) -> LedgerEntry:
    """§2.4 [D]: a random inspection that found no problem, +10."""
    return _post_once(
        actor=actor,
        enterprise=enterprise,
        setting="CREDIT_INSPECTION_BONUS_RULE",
        source_ref=source_ref,
        note="clean inspection result",
        roles=(Role.INSPECTOR, Role.SUPERVISOR),
    )


def complaint_timeliness_post(*, actor, enterprise, period: str, source_ref: str) -> LedgerEntry:
    """§2.4 [D]: complaint timeliness below target in a quarter ("YYYY-Qn"), −10."""
    if not PERIOD.match(period or ""):
        raise ApplicationError(_("Invalid period."), errors={"period": [_("Use YYYY-Qn, e.g. 2026-Q1.")]})
    return _post_once(
        actor=actor,
        enterprise=enterprise,
        setting="CREDIT_COMPLAINT_TIMELINESS_RULE",
        source_ref=source_ref,
        note=f"complaint timeliness below target in {period}",
        roles=(Role.HANDLER, Role.SUPERVISOR),
    )


def clean_years_sweep(*, today: dt.date | None = None) -> int:
    """§2.4 [D]: +20 once a year for every enterprise registered for N years with no
    bad-list entry decided in them (withdrawn and upheld-objection entries do not count:
    they were found wrong). Idempotent per enterprise and year."""
    today = today or timezone.localdate()
    since = add_years(today, -int(conf.get("CREDIT_CLEAN_YEARS")))
    stain = ListEntry.objects.filter(
        enterprise_id=OuterRef("pk"), list_kind=ListKind.BAD, decided_on__gte=since
    ).exclude(removal_reason__in=[RemovalReason.WITHDRAWN, RemovalReason.OBJECTION_UPHELD])
    since_at = timezone.make_aware(dt.datetime.combine(since, dt.time.max))
    clean = Enterprise.objects.filter(created_at__lte=since_at).filter(~Exists(stain)).order_by("pk")
    posted = 0
    for ent in clean.iterator(chunk_size=1000):
        ref = f"credit.clean-years:{today.year}"
        key = f"auto:{conf.get('CREDIT_CLEAN_BONUS_RULE')}:{ref}"
        if LedgerEntry.objects.filter(enterprise_id=ent.pk, idempotency_key=key).exists():
            continue
        _post_once(
            actor=SWEEP,
            enterprise=ent,
            setting="CREDIT_CLEAN_BONUS_RULE",
            source_ref=ref,
            note=_("No bad-list entry in %(n)s years.") % {"n": conf.get("CREDIT_CLEAN_YEARS")},
            roles=(),
        )
        posted += 1
    return posted
