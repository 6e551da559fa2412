"""Licensing reads, scoped to the actor (enterprise users see only their own; missing and
forbidden both answer 404)."""

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from config.api import ApplicationError, NotFound
from licensing import numbers
from licensing.models import (
    AnnualReport,
    Application,
    ConditionsStatement,
    Licence,
    LicenceVersion,
    PostCheck,
    ServiceCategory,
)
from regulator.selectors import enterprise_scope


def category_list() -> QuerySet[ServiceCategory]:
    return ServiceCategory.objects.filter(active=True).order_by("code")


def statement_list() -> QuerySet[ConditionsStatement]:
    return ConditionsStatement.objects.order_by("-version")


def application_list(*, actor) -> QuerySet[Application]:
    qs = Application.objects.select_related("enterprise", "licence").prefetch_related(
        "categories", "deadlines", "materials"
    )
    return enterprise_scope(actor, qs).order_by("-id")


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
    return enterprise_scope(actor, Licence.objects.select_related("enterprise")).order_by("-issued_at", "-id")


def _check_number(number: str) -> str:
    try:
        numbers.parse(number)
    except numbers.LicenceNumberError as exc:
        if numbers.is_filing_number(number):
            msg = _("This is an ICP filing number (备案号), not a telecom business licence number.")
        else:
            msg = _("Not a licence number: expected e.g. 京B2-20260001 or B2-20260001.")
        raise ApplicationError(msg, errors={"number": [str(exc)]}, code="not_a_licence_number")
    return number.strip()


def licence_get(*, actor, number: str) -> Licence:
    number = _check_number(number)
    lic = licence_list(actor=actor).filter(number=number).first()
    if lic is None:
        raise NotFound(_("Not found."))
    return lic


def licence_public_get(*, number: str) -> tuple[Licence, LicenceVersion]:
    number = _check_number(number)
    lic = Licence.objects.select_related("enterprise").filter(number=number).first()
    if lic is None:
        raise NotFound(_("No licence with this number."))
    ver = lic.versions.order_by("-version").first()
    return lic, ver


def licence_versions(*, licence: Licence) -> QuerySet[LicenceVersion]:
    return licence.versions.order_by("version")


def postcheck_list(*, actor) -> QuerySet[PostCheck]:
    qs = PostCheck.objects.select_related("licence", "licence__enterprise", "application").prefetch_related(
        Prefetch("events")
    )
    # PostCheck reaches the enterprise through its licence.
    role_scoped = enterprise_scope(actor, Licence.objects.all()).values("pk")
    return qs.filter(licence__in=role_scoped).order_by("due_on", "id")


def postcheck_get(*, actor, postcheck_id: int) -> PostCheck:
    pc = postcheck_list(actor=actor).filter(pk=postcheck_id).first()
    if pc is None:
        raise NotFound(_("Not found."))
    return pc


def annual_report_list(*, actor) -> QuerySet[AnnualReport]:
    return enterprise_scope(actor, AnnualReport.objects.select_related("enterprise")).order_by("-year", "id")


def annual_report_get(*, actor, report_id: int) -> AnnualReport:
    rep = annual_report_list(actor=actor).filter(pk=report_id).first()
    if rep is None:
        raise NotFound(_("Not found."))
    return rep


def annual_report_public_list() -> QuerySet[AnnualReport]:
    return AnnualReport.objects.select_related("enterprise").order_by("-year", "enterprise__uscc")
