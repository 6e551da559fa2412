"""Licensing reads, scoped to the actor through ``regulator.scoping`` (issue 8):

- enterprise users see their own rows;
- officers see what their own authority issues (an application's or licence's issuer,
  an annual report's authority, a decision's deciding authority; §1.1);
- supervisors, inspectors, handlers and auditors see their authority's jurisdiction
  (the enterprise's province; national staff everywhere).

Missing and forbidden both answer 404. Public selectors show published rows only.
"""

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, NotFound
from licensing import numbers
from licensing.models import (
    AnnualReport,
    AnnualReportStatus,
    Application,
    Cancellation,
    ChangeFiling,
    ConditionsStatement,
    Licence,
    LicenceVersion,
    LicensingDecision,
    Notification,
    PostCheck,
    ServiceCategory,
)
from regulator import scoping
from regulator import uscc as uscc_mod


def category_list() -> QuerySet[ServiceCategory]:
    return ServiceCategory.objects.filter(active=True).order_by("code")


def statement_list() -> QuerySet[ConditionsStatement]:
    return ConditionsStatement.objects.order_by("-version")


def application_list(*, actor) -> QuerySet[Application]:
    qs = Application.objects.select_related("enterprise", "licence").prefetch_related(
        "categories", "deadlines", "materials"
    )
    return scoping.scope(actor, qs, issuer="issuer").order_by("-id")


def application_get(*, actor, application_id: int) -> Application:
    app = (
        application_list(actor=actor)
        .select_related("commitment__statement")
        .prefetch_related("events")
        .filter(pk=application_id)
        .first()
    )
    if app is None:
        raise NotFound(_("Not found."))
    return app


def licence_list(*, actor) -> QuerySet[Licence]:
    qs = Licence.objects.select_related("enterprise")
    return scoping.scope(actor, qs, issuer="issuer").order_by("-issued_at", "-id")


def normalise_number(number: str) -> str:
    """Issue 9 point 10: case, full-width characters, spaces and dash variants are
    normalised before lookup; a filing number or garbage is a 400 naming the field."""
    try:
        return numbers.validate(number)
    except numbers.LicenceNumberError as exc:
        if numbers.is_filing_number(number):
            msg = _("This is an ICP filing number (备案号), not a telecom business licence number.")
        else:
            msg = _("Not a licence number: expected e.g. 京B2-20260001 or B2-20260001.")
        raise ApplicationError(msg, errors={"number": [str(exc)]}, code="not_a_licence_number")


def licence_get(*, actor, number: str) -> Licence:
    lic = licence_list(actor=actor).filter(number=normalise_number(number)).first()
    if lic is None:
        raise NotFound(_("Not found."))
    return lic


def licence_public_get(*, number: str) -> tuple[Licence, LicenceVersion]:
    lic = Licence.objects.select_related("enterprise").filter(number=normalise_number(number)).first()
    if lic is None:
        raise NotFound(_("No licence with this number."))
    ver = lic.versions.order_by("-version").first()
    return lic, ver


def licence_holder_uscc(number: str) -> str | None:
    """The holder's USCC for a licence number as people type it, or None (unknown or not a
    licence number). Complaints name respondents with it: config wires it into
    TELEREG_COMPLAINTS_LICENCE_RESOLVER, since complaints may not import licensing."""
    try:
        normal = numbers.validate(number)
    except numbers.LicenceNumberError:
        return None
    return Licence.objects.filter(number=normal).values_list("enterprise__uscc", flat=True).first()


def licence_versions(*, licence: Licence) -> QuerySet[LicenceVersion]:
    return licence.versions.order_by("version")


def postcheck_list(*, actor) -> QuerySet[PostCheck]:
    qs = PostCheck.objects.select_related("licence", "licence__enterprise", "application").prefetch_related(
        Prefetch("events")
    )
    scoped = scoping.scope(
        actor,
        qs,
        enterprise="licence__enterprise",
        province="licence__enterprise__province",
        issuer="licence__issuer",
    )
    return scoped.order_by("due_on", "id")


def postcheck_get(*, actor, postcheck_id: int) -> PostCheck:
    pc = postcheck_list(actor=actor).filter(pk=postcheck_id).first()
    if pc is None:
        raise NotFound(_("Not found."))
    return pc


def annual_report_list(*, actor) -> QuerySet[AnnualReport]:
    qs = AnnualReport.objects.select_related("enterprise").prefetch_related("events")
    return scoping.scope(actor, qs, issuer="authority").order_by("-year", "id")


def annual_report_get(*, actor, report_id: int) -> AnnualReport:
    rep = annual_report_list(actor=actor).filter(pk=report_id).first()
    if rep is None:
        raise NotFound(_("Not found."))
    return rep


def _latest_public_year(day: dt.date) -> int:
    """§1.6: the report for year Y is public from ANNUAL_REPORT_PUBLIC_FROM of Y+1."""
    from licensing.services.annual_reports import public_from

    year = day.year - 1
    return year if day >= public_from(year) else year - 1


def annual_report_public_list(*, day: dt.date | None = None) -> QuerySet[AnnualReport]:
    """Reports whose correction month is over, except those returned for correction."""
    day = day or timezone.localdate()
    return (
        AnnualReport.objects.select_related("enterprise")
        .filter(year__lte=_latest_public_year(day))
        .exclude(status=AnnualReportStatus.RETURNED)
        .order_by("-year", "enterprise__uscc")
    )


def decision_list(*, actor) -> QuerySet[LicensingDecision]:
    qs = LicensingDecision.objects.select_related("authority")
    return scoping.scope(actor, qs, issuer="authority").order_by("-decided_at", "-id")


def decision_get(*, actor, decision_id: int) -> LicensingDecision:
    dec = decision_list(actor=actor).filter(pk=decision_id).first()
    if dec is None:
        raise NotFound(_("Not found."))
    return dec


def decision_public_list() -> QuerySet[LicensingDecision]:
    """双公示: published decisions only (§7)."""
    return (
        LicensingDecision.objects.select_related("authority")
        .filter(published_at__isnull=False)
        .order_by("-decided_at", "-id")
    )


def decision_public_search(
    *, q: str = "", kind: str = "", authority: str = "", year: int | None = None
) -> QuerySet[LicensingDecision]:
    """The portal's list of published decisions (双公示, §7): a name fragment, USCC, document
    number or licence number in ``q``; the API's filters otherwise."""
    qs = decision_public_list()
    q = q.strip()
    if q:
        code = uscc_mod.normalise(q)
        if len(code) == 18 and code.isalnum() and code.isascii():
            qs = qs.filter(holder_uscc=code)
        else:
            qs = qs.filter(
                Q(holder_name__icontains=q) | Q(document_number__icontains=q) | Q(licence_number__icontains=q)
            )
    if kind:
        qs = qs.filter(kind=kind)
    if authority:
        qs = qs.filter(authority_id=authority)
    if year:
        qs = qs.filter(decided_on__year=year)
    return qs


def change_filing_list(*, actor) -> QuerySet[ChangeFiling]:
    """Enterprise users their own; staff by the enterprise's jurisdiction (a filing concerns
    every authority that licenses the enterprise)."""
    return scoping.scope(actor, ChangeFiling.objects.select_related("enterprise")).order_by(
        "-filed_at", "-id"
    )


def cancellation_list(*, actor) -> QuerySet[Cancellation]:
    qs = Cancellation.objects.select_related("licence", "licence__enterprise").prefetch_related("events")
    scoped = scoping.scope(
        actor,
        qs,
        enterprise="licence__enterprise",
        province="licence__enterprise__province",
        issuer="licence__issuer",
    )
    return scoped.order_by("-filed_at", "-id")


def cancellation_get(*, actor, cancellation_id: int) -> Cancellation:
    c = cancellation_list(actor=actor).filter(pk=cancellation_id).first()
    if c is None:
        raise NotFound(_("Not found."))
    return c


def notification_list(*, actor) -> QuerySet[Notification]:
    """A user's own notices, newest first."""
    return Notification.objects.filter(recipient_id=getattr(actor, "pk", None)).order_by("-id")


# --- owned by inspections (issue 13): the target roster of "double random" campaigns -----------
# Read-only helpers for inspections; the licensing owner leaves this block alone.


def live_licence_holders(*, issuer=None, provinces=None, service_codes=None) -> QuerySet:
    """Enterprises holding at least one active licence (valid, expiring, suspended or in
    renewal: still licensees under supervision, REGULATION.md §3 target roster), optionally
    issued by ``issuer`` (an authority code), registered in one of ``provinces``, or
    covering one of ``service_codes``. Unscoped: the caller scopes by its actor."""
    from django.db import connection
    from django.db.models import Exists, OuterRef, Q

    from licensing.models import ACTIVE_LICENCE_STATUSES
    from regulator.models import Enterprise

    live = Licence.objects.filter(enterprise=OuterRef("pk"), status__in=ACTIVE_LICENCE_STATUSES)
    if issuer:
        live = live.filter(issuer_id=issuer)
    if service_codes:
        if connection.vendor == "postgresql":
            any_code = Q()
            for code in service_codes:
                any_code |= Q(categories__contains=[code])
            live = live.filter(any_code)
        else:
            # JSON containment is PostgreSQL-only: match the codes in Python (small demo data).
            wanted = set(service_codes)
            ids = [
                pk
                for pk, cats in Licence.objects.filter(status__in=ACTIVE_LICENCE_STATUSES).values_list(
                    "pk", "categories"
                )
                if wanted & set(cats or [])
            ]
            live = live.filter(pk__in=ids)
    qs = Enterprise.objects.filter(Exists(live))
    if provinces:
        qs = qs.filter(province__in=list(provinces))
    return qs


def postchecks_awaiting_inspection(*, issuer=None) -> QuerySet:
    """Post-checks of notify-and-commit licences still due (§1.3), with licence and holder:
    the targets of a post-issuance inspection campaign. Unscoped, read-only."""
    qs = PostCheck.objects.filter(status="due").select_related("licence", "licence__enterprise")
    if issuer:
        qs = qs.filter(licence__issuer_id=issuer)
    return qs.order_by("id")


def live_licence_numbers(enterprise_id: int) -> list[str]:
    """The numbers of an enterprise's active licences, for a published inspection result."""
    from licensing.models import ACTIVE_LICENCE_STATUSES

    return sorted(
        Licence.objects.filter(enterprise_id=enterprise_id, status__in=ACTIVE_LICENCE_STATUSES).values_list(
            "number", flat=True
        )
    )
