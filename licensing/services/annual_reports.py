"""Annual reports (§1.6): filed Jan 1–Mar 31 for the previous year with the authority that
licenses the enterprise; an officer of that authority confirms a report or returns it for
correction with reasons, and the enterprise files it again; the sweep after the deadline
plus the correction period records the missing report in the credit ledger and proposes
the bad-list entry; a late report, once confirmed, takes the entry off again.

One transition function (``annual_report_transition``) assigns every status, with an
event row and an audit event (issue 8 point 5).
"""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from credit import services as credit
from licensing import conf
from licensing.models import (
    MIIT,
    TERMINAL_LICENCE_STATUSES,
    AnnualReport,
    AnnualReportEvent,
    AnnualReportMissing,
    AnnualReportStatus,
    Licence,
)
from licensing.services.common import (
    actor_label,
    is_system,
    list_holder,
    require_enterprise_user,
    require_officer_of,
    require_role_of,
    today,
)
from regulator import audit, scoping
from regulator.models import Enterprise, Role

A = AnnualReportStatus
ALLOWED: dict[str, set[str]] = {
    A.FILED: {A.CONFIRMED, A.RETURNED},
    A.RETURNED: {A.FILED},
    A.CONFIRMED: set(),
}
ITEMS = ("operations", "changes", "service_quality", "security_measures", "special_terms", "other_items")
FACTS = (
    "publish_optional_items",
    "complaint_hotline",
    "complaint_count",
    "complaint_reply_rate",
    "registered_capital",
    "ownership_type",
    "branches",
    "revenue",
    "cost",
    "telecom_revenue",
    "publish_financials",
)


def source_ref(enterprise: Enterprise, year: int) -> str:
    return f"licensing.annualreport:{enterprise.uscc}:{year}"


def filing_deadline(year: int) -> dt.date:
    month, day = conf.get("ANNUAL_REPORT_WINDOW_END")
    return dt.date(year + 1, int(month), int(day))


def sweep_date(year: int) -> dt.date:
    """The first day on which a report for ``year`` counts as missing."""
    return filing_deadline(year) + dt.timedelta(days=int(conf.get("ANNUAL_REPORT_CORRECTION_DAYS")) + 1)


def public_from(year: int) -> dt.date:
    """§1.6 [F S11]: reports are published in May, after the April correction month."""
    month, day = conf.get("ANNUAL_REPORT_PUBLIC_FROM")
    return dt.date(year + 1, int(month), int(day))


def obliged_enterprises(year: int):
    """Holders of a licence in force at some point of ``year`` and not ended since."""
    lic = Licence.objects.filter(
        valid_from__lte=dt.date(year, 12, 31), valid_until__gte=dt.date(year, 1, 1)
    ).exclude(status__in=TERMINAL_LICENCE_STATUSES)
    return Enterprise.objects.filter(pk__in=lic.values("enterprise_id"))


def authority_for(enterprise: Enterprise) -> str:
    """The authority a report is filed with: MIIT when it licenses the enterprise (basic or
    cross-regional services), otherwise the provincial administration where the
    enterprise is registered (§1.1, §1.6)."""
    live = Licence.objects.filter(enterprise=enterprise).exclude(status__in=TERMINAL_LICENCE_STATUSES)
    if live.filter(issuer_id=MIIT).exists():
        return MIIT
    return enterprise.province


def annual_report_transition(*, report_id: int, to: str, actor, reason: str = "") -> AnnualReport:
    with transaction.atomic():
        report = (
            AnnualReport.objects.select_for_update().select_related("enterprise").filter(pk=report_id).first()
        )
        if report is None:
            raise NotFound(_("Not found."))
        if not is_system(actor):
            if scoping.role_of(actor) == Role.ENTERPRISE:
                require_enterprise_user(actor, report.enterprise_id)
            else:
                require_officer_of(actor, report.authority_id or "")
        src = report.status
        if to not in ALLOWED.get(src, set()):
            raise Conflict(
                _("An annual report in status %(src)s cannot move to %(to)s.") % {"src": src, "to": to},
                code="invalid_transition",
            )
        report.status = to
        report.save(update_fields=["status"])
        AnnualReportEvent.objects.create(
            report=report,
            from_status=src,
            to_status=to,
            actor_label=actor_label(actor),
            reason=reason,
            at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action=f"licensing.annual_report.{to}",
            obj=report,
            before={"status": src},
            after={"status": to, "late": report.late},
            reason=reason,
        )
    return report


def _check_items(items: dict[str, Any]) -> None:
    missing = [k for k in ITEMS[:4] if not str(items.get(k, "")).strip()]
    if missing:
        raise ApplicationError(
            _("Fill in every required item."), errors={k: [_("Required.")] for k in missing}
        )


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
    _check_items(items)
    try:
        with transaction.atomic():
            report = AnnualReport.objects.create(
                enterprise=actor.enterprise,
                year=year,
                authority_id=authority_for(actor.enterprise),
                filed_by=actor,
                filed_at=filed_at,
                late=day > filing_deadline(year),
                **items,
            )
            AnnualReportEvent.objects.create(
                report=report,
                from_status="",
                to_status=A.FILED,
                actor_label=actor_label(actor),
                at=timezone.now(),
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


def annual_report_return(*, actor, report_id: int, reasons: list[str]) -> AnnualReport:
    """An officer returns a filed report for correction, listing every reason (§1.6: the
    April correction month)."""
    require_role_of(actor, Role.OFFICER)
    reasons = [str(r).strip() for r in (reasons or []) if str(r).strip()]
    if not reasons:
        raise ApplicationError(_("List what must be corrected."), errors={"reasons": [_("Required.")]})
    with transaction.atomic():
        report = annual_report_transition(
            report_id=report_id, to=A.RETURNED, actor=actor, reason="; ".join(reasons)
        )
        report.return_reasons = reasons
        report.save(update_fields=["return_reasons"])
    return report


def annual_report_refile(*, actor, report_id: int, **items: Any) -> AnnualReport:
    """The enterprise files a returned report again with its corrections."""
    _check_items(items)
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            raise NotFound(_("Not found."))
        require_enterprise_user(actor, report.enterprise_id)
        if report.status != A.RETURNED:
            raise Conflict(_("Only a returned report can be filed again."), code="invalid_transition")
        before = {k: getattr(report, k) for k in ITEMS}
        for key, value in items.items():
            setattr(report, key, value)
        report.filed_at = timezone.now()
        report.save()
        audit.record(
            actor=actor,
            action="licensing.annual_report.corrected",
            obj=report,
            before=before,
            after={k: getattr(report, k) for k in ITEMS},
        )
        report = annual_report_transition(report_id=report.pk, to=A.FILED, actor=actor, reason="corrected")
    return report


def _bonus(actor, report: AnnualReport, ref: str) -> None:
    """§2.4 [D] bonus for a clean on-time report, through credit's service."""
    credit.annual_report_bonus_post(actor=actor, enterprise=report.enterprise, source_ref=ref)


def annual_report_confirm(*, actor, report_id: int, reason: str = "") -> AnnualReport:
    require_role_of(actor, Role.OFFICER)
    with transaction.atomic():
        report = annual_report_transition(report_id=report_id, to=A.CONFIRMED, actor=actor, reason=reason)
        report.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
        report.confirmed_at = timezone.now()
        report.save(update_fields=["confirmed_by", "confirmed_at"])
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
            _bonus(actor, report, ref)
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
    # The text is part of the idempotent credit record, so it is not translated; it cites
    # the rule (MIIT Order 42 Arts 35-37), not our internal section numbers.
    reason = f"未按期报送{year}年度电信业务经营情况年报（《电信业务经营许可管理办法》第三十五条至第三十七条）"
    lic = Licence.objects.filter(enterprise=ent).exclude(status__in=TERMINAL_LICENCE_STATUSES)
    numbers = list(lic.values_list("number", flat=True))
    list_holder(
        actor="sweep",
        enterprise=ent,
        list_kind="bad",
        rule_code="BAD_ANNUAL_REPORT",
        reason=reason,
        authority=authority_for(ent),
        source_ref=ref,
        licence_numbers=numbers,
    )
