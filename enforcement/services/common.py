"""Helpers shared by the enforcement services: who handles a case, deadlines, dates."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import Forbidden, NotFound
from enforcement import conf
from enforcement.models import Case, Decision
from regulator import calendar, scoping
from regulator.models import Role

# Roles that handle cases: supervisors; officers only for licence matters (DESIGN.md, Users
# and roles: "licence-related penalty cases").
HANDLERS = (Role.SUPERVISOR, Role.OFFICER)


def today() -> dt.date:
    return timezone.localdate()


def due_date(start: dt.date, kind: str) -> dt.date:
    """The date a deadline of ``kind`` (conf.ENFORCEMENT_DEADLINES) resolves to."""
    n, unit = conf.deadline_rule(kind)
    # Working days come from the kernel calendar (holidays and make-up days, 调休).
    if unit == "working":
        return calendar.add_working_days(start, n)
    return start + dt.timedelta(days=n)


def is_system(actor) -> bool:
    """Tasks, sweeps and other apps' services act as a string ("sweep", "inspections")."""
    return not getattr(actor, "is_authenticated", False)


def party_visible() -> Q:
    """The party sees its case from the notice on (§7: the notice is the first act addressed
    to it), or once a decision was delivered to it (a no-penalty decision needs no notice).
    A case withdrawn before either stays internal."""
    delivered = Decision.objects.filter(case=OuterRef("pk"), delivered_on__isnull=False)
    return Q(notice_sent_on__isnull=False) | Q(Exists(delivered))


def case_scope(actor, qs: QuerySet[Case]) -> QuerySet[Case]:
    """The cases ``actor`` may see. Supervisors and auditors: their authority's cases
    (national staff: all); officers: the licence matters among them; the enterprise: its
    own cases from the notice on; everyone else: nothing (so a 404)."""
    role = scoping.role_of(actor)
    if role == Role.ENTERPRISE:
        if not getattr(actor, "enterprise_id", None):
            return qs.none()
        return qs.filter(party_visible(), enterprise_id=actor.enterprise_id)
    if role not in (Role.SUPERVISOR, Role.OFFICER, Role.AUDITOR):
        return qs.none()
    code = scoping.authority_code(actor)
    if not code:
        return qs.none()
    # The handling authority decides, not the enterprise's province: a case MIIT handles
    # for a Guangdong firm is MIIT's, not Guangdong's.
    if not scoping.is_national(actor):
        qs = qs.filter(authority_id=code)
    # DESIGN.md roles: officers handle "licence-related penalty cases" only.
    if role == Role.OFFICER:
        qs = qs.filter(licence__isnull=False)
    return qs


def may_handle(actor, case: Case) -> bool:
    # Another app's service or a sweep has already passed its own access check.
    if is_system(actor):
        return True
    role = scoping.role_of(actor)
    if role not in HANDLERS:
        return False
    if role == Role.OFFICER and case.licence_id is None:
        return False
    return scoping.is_national(actor) or scoping.authority_code(actor) == case.authority_id


def require_handler(actor, case: Case) -> None:
    """Out of sight is 404; in sight but not a handler (auditor, the party) is 403."""
    if may_handle(actor, case):
        return
    # The party is never a handler: a handler's step is not there for it at all.
    if (
        scoping.role_of(actor) != Role.ENTERPRISE
        and case_scope(actor, Case.objects.filter(pk=case.pk)).exists()
    ):
        raise Forbidden(_("Your role may not do this."))
    raise NotFound(_("Not found."))


def require_party(actor, case: Case) -> None:
    """Only the enterprise's own users act as the party (defence, hearing request)."""
    if (
        scoping.role_of(actor) == Role.ENTERPRISE
        and case_scope(actor, Case.objects.filter(pk=case.pk)).exists()
    ):
        return
    if case_scope(actor, Case.objects.filter(pk=case.pk)).exists():
        raise Forbidden(_("Only the party may do this."))
    raise NotFound(_("Not found."))


def load_case(case_id: int) -> Case:
    case = Case.objects.select_related("enterprise", "authority", "licence").filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("Not found."))
    return case


def required_text(errors: dict, field: str, value: str) -> str:
    value = (value or "").replace("\x00", "").strip()
    if not value:
        errors[field] = [_("Required.")]
    return value
