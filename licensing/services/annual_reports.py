"""Annual reports (§1.6): filed Jan 1–Mar 31 for the previous year; the sweep after the
deadline plus the correction period records the missing report in the credit ledger and
proposes the bad-list entry; a late report, once confirmed, takes the entry off again."""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from credit import services as credit
from licensing import conf
from licensing.models import (
    AnnualReport,
    AnnualReportMissing,
    AnnualReportStatus,
    Licence,
    LicenceStatus,
)
from licensing.services.common import today
from licensing.services.licences import issuer_name
from regulator import audit
from regulator.models import Enterprise, Role

ALLOWED = {AnnualReportStatus.FILED: {AnnualReportStatus.CONFIRMED}, AnnualReportStatus.CONFIRMED: set()}
ITEMS = ("operations", "changes", "service_quality", "security_measures", "special_terms", "other_items")


def source_ref(enterprise: Enterprise, year: int) -> str:
    return f"licensing.annualreport:{enterprise.uscc}:{year}"


def filing_deadline(year: int) -> dt.date:
    month, day = conf.get("ANNUAL_REPORT_WINDOW_END")
    return dt.date(year + 1, int(month), int(day))


def sweep_date(year: int) -> dt.date:
    """The first day on which a report for ``year`` counts as missing."""
    return filing_deadline(year) + dt.timedelta(days=int(conf.get("ANNUAL_REPORT_CORRECTION_DAYS")) + 1)


def obliged_enterprises(year: int):
    """Holders of a licence in force at some point of ``year`` and not withdrawn since."""
    lic = Licence.objects.filter(
        valid_from__lte=dt.date(year, 12, 31), valid_until__gte=dt.date(year, 1, 1)
    ).exclude(status__in=[LicenceStatus.CANCELLED, LicenceStatus.REVOKED])
    return Enterprise.objects.filter(pk__in=lic.values("enterprise_id"))


def annual_report_file(
    *, actor, year: int, filed_at: dt.datetime | None = None, **items: Any
) -> AnnualReport:
    """File the report for ``year``. ``filed_at`` is for importing historic filings (demo,
    migration from the old platform); the API never passes it."""
    if getattr(actor, "role", None) != Role.ENTERPRISE:
        raise ApplicationError(_("Only an enterprise user may file."))
    filed_at = filed_at or timezone.now()
    day = timezone.localdate(filed_at)
    if day < dt.date(year + 1, 1, 1):
        raise ApplicationError(
            _("The report for %(y)s can be filed from 1 January %(n)s.") % {"y": year, "n": year + 1},
            errors={"year": [_("Too early.")]},
        )
    missing = [k for k in ITEMS[:4] if not str(items.get(k, "")).strip()]
    if missing:
        raise ApplicationError(
            _("Fill in every required item."), errors={k: [_("Required.")] for k in missing}
        )
    try:
        with transaction.atomic():
            report = AnnualReport.objects.create(
                enterprise=actor.enterprise,
                year=year,
                filed_by=actor,
                filed_at=filed_at,
                late=day > filing_deadline(year),
                **items,
            )
            audit.record(
                actor=actor,
                action="licensing.annual_report.filed",
                obj=report,
                after={"year": year, "late": report.late},
            )
    except IntegrityError:
        raise Conflict(
            _("The report for this year is already filed."), errors={"year": [_("Already filed.")]}
        )
    return report


def annual_report_confirm(*, actor, report_id: int, reason: str = "") -> AnnualReport:
    with transaction.atomic():
        report = (
            AnnualReport.objects.select_for_update().select_related("enterprise").filter(pk=report_id).first()
        )
        if report is None:
            raise NotFound(_("Not found."))
        if AnnualReportStatus.CONFIRMED not in ALLOWED[report.status]:
            raise Conflict(_("This report is already confirmed."), code="invalid_transition")
        report.status = AnnualReportStatus.CONFIRMED
        report.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
        report.confirmed_at = timezone.now()
        report.save()
        audit.record(
            actor=actor,
            action="licensing.annual_report.confirmed",
            obj=report,
            before={"status": AnnualReportStatus.FILED},
            after={"status": AnnualReportStatus.CONFIRMED, "late": report.late},
            reason=reason,
        )
        ref = source_ref(report.enterprise, report.year)
        gone = (
            AnnualReportMissing.objects.select_for_update()
            .filter(source_ref=ref, resolved_at__isnull=True)
            .first()
        )
        if gone is not None:
            # §2.3 [F S4]: an annual-report listing is removed once the report is filed and confirmed.
            credit.list_entry_remove_for_source(
                actor=actor,
                enterprise=report.enterprise,
                source_ref=ref,
                reason="Annual report filed and confirmed.",
            )
            gone.resolved_at = timezone.now()
            gone.save(update_fields=["resolved_at"])
        elif not report.late:
            credit.ledger_post(
                actor=actor,
                enterprise=report.enterprise,
                rule_code="BONUS_ANNUAL_REPORT",
                source_ref=ref,
                note=f"Annual report for {report.year} filed on time.",
                idempotency_key=f"{ref}:bonus",
            )
    return report


def annual_report_sweep(*, day: dt.date | None = None) -> int:
    """After the deadline plus the correction period, post "annual report missing" and
    propose the bad-list entry once per enterprise and year (unique claim row)."""
    day = day or today()
    year = day.year - 1
    if day < sweep_date(year):
        return 0
    filed = AnnualReport.objects.filter(year=year).values("enterprise_id")
    claimed = AnnualReportMissing.objects.filter(year=year).values("enterprise_id")
    todo = obliged_enterprises(year).exclude(pk__in=filed).exclude(pk__in=claimed)
    acted = 0
    for ent in list(todo):
        try:
            with transaction.atomic():
                ref = source_ref(ent, year)
                AnnualReportMissing.objects.create(
                    enterprise=ent, year=year, found_at=timezone.now(), source_ref=ref
                )
                _post_missing(ent, year, ref)
                audit.record(
                    actor="sweep",
                    action="licensing.annual_report.missing",
                    object_type="regulator.enterprise",
                    object_id=ent.pk,
                    after={"year": year, "source_ref": ref},
                )
                acted += 1
        except IntegrityError:
            continue  # a concurrent sweep claimed it first
    return acted


def _post_missing(ent: Enterprise, year: int, ref: str) -> None:
    # Untranslated on purpose: the text is part of the idempotent credit record.
    reason = f"No annual report for {year} by the deadline (REGULATION §1.6)."
    lic = Licence.objects.filter(enterprise=ent).exclude(
        status__in=[LicenceStatus.CANCELLED, LicenceStatus.REVOKED]
    )
    numbers = list(lic.values_list("number", flat=True))
    # The issuer of the licence decides; with none left in force, the enterprise's
    # provincial communications administration (its place of registration, §1.6).
    authority = issuer_name(lic.first().issuer if numbers else ent.province)["name_zh"]
    # The listing posts the rule's ledger entry (BAD_ANNUAL_REPORT) itself, once per source_ref.
    credit.list_entry_propose(
        actor="sweep",
        enterprise=ent,
        list_kind="bad",
        rule_code="BAD_ANNUAL_REPORT",
        reason=reason,
        authority=authority,
        source_ref=ref,
        licence_numbers=numbers,
    )
