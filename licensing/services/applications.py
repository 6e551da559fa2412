"""Applications: drafts, materials, submission (path by rule), the standard path's officer
actions with their deadlines (§1.2), and the notify-and-commit automatic check (§1.3).

One transition function (``application_transition``) assigns every status: it locks the
row, checks the edge against ``ALLOWED``, writes the event row and the audit event.
"""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, Forbidden, NotFound
from licensing import conf, numbers
from licensing.models import (
    MIIT,
    TERMINAL_APP_STATUSES,
    AppKind,
    Application,
    ApplicationEvent,
    AppStatus,
    DeadlineKind,
    Licence,
    LicenceStatus,
    Path,
)
from licensing.services import catalogue
from licensing.services.commitments import sign_commitment
from licensing.services.common import (
    actor_label,
    add_days,
    deadline_open,
    deadlines_close,
    is_system,
    require_enterprise_user,
    require_officer_of,
    restrictions,
    today,
)
from regulator import audit, canonical, scoping, uscc
from regulator.models import Enterprise, Role

S = AppStatus
ALLOWED: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.SUBMITTED_WITH_COMMITMENT, S.WITHDRAWN},
    S.SUBMITTED: {S.NEEDS_CORRECTION, S.ACCEPTED, S.NOT_ACCEPTED, S.WITHDRAWN},
    S.NEEDS_CORRECTION: {S.SUBMITTED, S.WITHDRAWN},
    S.ACCEPTED: {S.UNDER_REVIEW},
    S.UNDER_REVIEW: {S.APPROVED, S.REJECTED},
    S.APPROVED: {S.ISSUED},
    S.SUBMITTED_WITH_COMMITMENT: {S.APPROVED, S.REJECTED},
    S.NOT_ACCEPTED: set(),
    S.REJECTED: set(),
    S.ISSUED: set(),
    S.WITHDRAWN: set(),
}
EDITABLE = (S.DRAFT, S.NEEDS_CORRECTION)


def snapshot(app: Application) -> dict[str, Any]:
    return {
        "status": app.status,
        "path": app.path,
        "kind": app.kind,
        "categories": app.category_codes if app.pk else [],
        "coverage": app.coverage,
        "issuer": app.issuer_id,
        "registered_capital": str(app.registered_capital),
        "staff_count": app.staff_count,
    }


def _check_actor(actor, app: Application) -> None:
    """Issue 8: the applicant acts on its own applications, an officer only on those its
    authority issues (§1.1); everyone else is answered as if the row did not exist."""
    if is_system(actor):
        return
    if scoping.role_of(actor) == Role.ENTERPRISE:
        require_enterprise_user(actor, app.enterprise_id)
        return
    require_officer_of(actor, app.issuer_id)


def application_transition(
    *, application_id: int, to: str, actor, reason: str = "", data: dict | None = None
) -> Application:
    """Move one application along an allowed edge; anything else is a 409."""
    with transaction.atomic():
        app = Application.objects.select_for_update().filter(pk=application_id).first()
        if app is None:
            raise NotFound(_("Not found."))
        src = app.status
        _check_actor(actor, app)
        if to not in ALLOWED.get(src, set()):
            raise Conflict(
                _("An application in status %(src)s cannot move to %(to)s.") % {"src": src, "to": to},
                code="invalid_transition",
            )
        app.status = to
        app.save(update_fields=["status", "updated_at"])
        ApplicationEvent.objects.create(
            application=app,
            from_status=src,
            to_status=to,
            actor_label=actor_label(actor),
            reason=reason,
            data=canonical.plain(data) if data else None,
            at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action=f"licensing.application.{to}",
            obj=app,
            before={"status": src},
            after={"status": to, **(canonical.plain(data) if data else {})},
            reason=reason,
        )
        _notify(app, to, reason)
    return app


# Who hears of a move: the applicant of every decision about its case, the issuing
# authority's officers of every case that reaches them (issue 11 point 12).
TO_OFFICERS = {S.SUBMITTED, S.SUBMITTED_WITH_COMMITMENT}


def _notify(app: Application, to: str, reason: str) -> None:
    from licensing.services.notifications import enterprise_users, notify, officers_of

    label = AppStatus(to).label
    subject = _("Licensing application #%(id)s: %(status)s") % {"id": app.pk, "status": label}
    body = "\n".join(x for x in (subject, reason) if x)
    if to in TO_OFFICERS:
        notify(users=officers_of(app.issuer_id), subject=subject, body=body, obj=app, event=f"status:{to}")
    elif to != S.DRAFT:
        notify(
            users=enterprise_users(app.enterprise_id),
            subject=subject,
            body=body,
            obj=app,
            event=f"status:{to}",
        )


# --- validation -------------------------------------------------------------------------


def _check_holder(enterprise: Enterprise) -> None:
    try:
        code = uscc.validate(enterprise.uscc)
    except uscc.USCCError as exc:
        raise ApplicationError(_("Invalid unified social credit code."), errors={"uscc": [str(exc)]})
    # §1.1 [I]: an individual business (个体工商户, 92…) cannot hold a telecom licence.
    if any(code.startswith(p) for p in conf.get("INDIVIDUAL_BUSINESS_PREFIXES")):
        raise ApplicationError(
            _("An individual business cannot hold a telecom business licence."),
            errors={"uscc": [_("Individual-business codes (92…) are not eligible.")]},
        )


def _validate(
    *,
    enterprise: Enterprise,
    categories: list[str],
    coverage: list[str],
    registered_capital: Decimal,
    issuer: str | None = None,
) -> dict[str, Any]:
    _check_holder(enterprise)
    cats = catalogue.resolve_categories(categories)
    cov = catalogue.resolve_coverage(coverage)
    derived = catalogue.issuer_for(cats, cov)
    if issuer and issuer != derived:
        raise ApplicationError(
            _("The coverage does not fit the issuer."),
            errors={"issuer": [_("This coverage is licensed by %s.") % derived]},
        )
    # A provincial administration licenses enterprises registered in its own province.
    if derived != MIIT and derived != enterprise.province:
        raise ApplicationError(
            _("The coverage does not fit the issuer."),
            errors={
                "coverage": [
                    _(
                        "A single-province licence is issued by the administration of the province "
                        "where the enterprise is registered (%s)."
                    )
                    % enterprise.province
                ]
            },
        )
    threshold = catalogue.capital_threshold(cats, cov)
    if Decimal(registered_capital) < threshold:
        raise ApplicationError(
            _("Registered capital is below the threshold."),
            errors={
                "registered_capital": [_("At least %s CNY for these services and coverage.") % threshold]
            },
        )
    return {"categories": cats, "coverage": cov, "issuer": derived, "threshold": threshold}


def _check_no_duplicate(enterprise: Enterprise, cats, exclude_id: int | None = None) -> None:
    pending = (
        Application.objects.filter(enterprise=enterprise, categories__in=cats)
        .exclude(status__in=TERMINAL_APP_STATUSES)
        .distinct()
    )
    if exclude_id:
        pending = pending.exclude(pk=exclude_id)
    dup = pending.first()
    if dup is not None:
        raise ApplicationError(
            _("A pending application already covers these services."),
            errors={"categories": [_("Pending application #%s covers some of these categories.") % dup.pk]},
            code="duplicate_pending",
        )


def _check_may_apply(enterprise: Enterprise, kind: str) -> Any:
    r = restrictions(enterprise)
    allowed = r.may_renew_licence if kind == AppKind.RENEWAL else r.may_apply_licence
    if not allowed:
        raise ApplicationError(
            _("This enterprise may not apply at present."),
            errors={"enterprise": list(r.reasons) or [_("Barred by the credit restrictions policy.")]},
            code="barred",
        )
    return r


def _enterprise_of(actor) -> Enterprise:
    if getattr(actor, "role", None) != Role.ENTERPRISE or not actor.enterprise_id:
        raise Forbidden(_("Only an enterprise user may do this."))
    return actor.enterprise


def _get_own(actor, application_id: int, *, lock: bool = False) -> Application:
    qs = Application.objects.filter(pk=application_id, enterprise_id=_enterprise_of(actor).pk)
    if lock:
        qs = qs.select_for_update()
    app = qs.first()
    if app is None:
        raise NotFound(_("Not found."))
    return app


# --- drafts -----------------------------------------------------------------------------


def application_create(
    *,
    actor,
    categories: list[str],
    coverage: list[str],
    registered_capital: Decimal,
    staff_count: int,
    premises: str,
    security_measures: str,
    foreign_invested: bool = False,
    issuer: str | None = None,
    renew_licence_number: str | None = None,
    change_licence_number: str | None = None,
) -> Application:
    """A draft: a new licence, a renewal of ``renew_licence_number`` (§1.5) or a
    prior-approval change of services or coverage of ``change_licence_number`` (§1.5)."""
    enterprise = _enterprise_of(actor)
    if renew_licence_number and change_licence_number:
        raise ApplicationError(
            _("An application renews or changes one licence, not both."),
            errors={"change_licence_number": [_("Give one of the two.")]},
        )
    kind = (
        AppKind.RENEWAL if renew_licence_number else AppKind.CHANGE if change_licence_number else AppKind.NEW
    )
    with transaction.atomic():
        # One enterprise's creations are serialised so the duplicate check cannot race.
        enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        v = _validate(
            enterprise=enterprise,
            categories=categories,
            coverage=coverage,
            registered_capital=registered_capital,
            issuer=issuer,
        )
        licence = None
        if kind == AppKind.RENEWAL:
            licence = _check_renewable(enterprise, renew_licence_number, v)
        elif kind == AppKind.CHANGE:
            licence = _check_changeable(enterprise, change_licence_number, v)
        _check_may_apply(enterprise, kind)
        _check_no_duplicate(enterprise, v["categories"])
        app = Application.objects.create(
            enterprise=enterprise,
            kind=kind,
            licence=licence,
            coverage=v["coverage"],
            issuer_id=v["issuer"],
            foreign_invested=foreign_invested,
            registered_capital=registered_capital,
            staff_count=staff_count,
            premises=premises.strip(),
            security_measures=security_measures.strip(),
            created_by=actor,
        )
        app.categories.set(v["categories"])
        ApplicationEvent.objects.create(
            application=app,
            from_status="",
            to_status=S.DRAFT,
            actor_label=actor_label(actor),
            at=timezone.now(),
        )
        audit.record(actor=actor, action="licensing.application.created", obj=app, after=snapshot(app))
    return app


def _own_licence(enterprise: Enterprise, number: str | None, field: str) -> Licence:
    try:
        number = numbers.validate(number or "")
    except numbers.LicenceNumberError as exc:
        raise ApplicationError(_("Not a licence number."), errors={field: [str(exc)]})
    licence = Licence.objects.filter(number=number, enterprise=enterprise).first()
    if licence is None:
        raise ApplicationError(_("Unknown licence."), errors={field: [_("Not your licence.")]})
    return licence


def _check_changeable(enterprise: Enterprise, number: str | None, v: dict) -> Licence:
    """§1.5: a change of services or coverage needs prior approval; it stays with the
    licence's issuer (a change that moves the licence to another authority is a new
    application there)."""
    licence = _own_licence(enterprise, number, "change_licence_number")
    if licence.status not in (LicenceStatus.VALID, LicenceStatus.EXPIRING, LicenceStatus.RENEWAL_PENDING):
        raise ApplicationError(
            _("Only a licence in force can be changed."), errors={"change_licence_number": [licence.status]}
        )
    if v["issuer"] != licence.issuer_id:
        raise ApplicationError(
            _("This change would move the licence to another issuing authority."),
            errors={"coverage": [_("Apply for a new licence with %s.") % v["issuer"]]},
        )
    if {c.code for c in v["categories"]} == set(licence.categories) and v["coverage"] == sorted(
        licence.coverage
    ):
        raise ApplicationError(
            _("The change changes nothing."), errors={"categories": [_("Same services and coverage.")]}
        )
    return licence


def renewal_last_day(licence: Licence):
    """§1.5 [F S8]: the last day a renewal may be filed (RENEWAL_LEAD_DAYS before expiry)."""
    return add_days(licence.valid_until, -int(conf.get("RENEWAL_LEAD_DAYS")))


def _check_renewable(enterprise: Enterprise, number: str | None, v: dict) -> Licence:
    licence = _own_licence(enterprise, number, "renew_licence_number")
    if licence is None:
        raise ApplicationError(
            _("Unknown licence."), errors={"renew_licence_number": [_("Not your licence.")]}
        )
    if licence.status not in (LicenceStatus.VALID, LicenceStatus.EXPIRING):
        raise ApplicationError(
            _("Only a valid licence can be renewed."), errors={"renew_licence_number": [licence.status]}
        )
    last_day = renewal_last_day(licence)
    if today() > last_day:
        raise ApplicationError(
            _("Renewal must be applied for at least %s days before expiry.") % conf.get("RENEWAL_LEAD_DAYS"),
            errors={"renew_licence_number": [_("The last day to apply was %s.") % last_day.isoformat()]},
        )
    # §1.5: only services the licence already holds are renewed, within its coverage.
    extra = {c.code for c in v["categories"]} - set(licence.categories)
    if extra or set(v["coverage"]) - set(licence.coverage):
        raise ApplicationError(
            _("A renewal covers only the licence's own services and coverage."),
            errors={"categories": [_("Not on the licence: %s") % ", ".join(sorted(extra))] if extra else []},
        )
    return licence


def application_update(*, actor, application_id: int, **changes: Any) -> Application:
    allowed = {
        "categories",
        "coverage",
        "registered_capital",
        "staff_count",
        "premises",
        "security_measures",
        "foreign_invested",
    }
    bad = set(changes) - allowed
    if bad:
        raise ApplicationError(_("These fields cannot change."), errors={f: [_("Read-only.")] for f in bad})
    with transaction.atomic():
        app = _get_own(actor, application_id, lock=True)
        if app.status not in EDITABLE:
            raise Conflict(_("Only a draft or an application awaiting correction can be edited."))
        before = snapshot(app)
        cats = changes.get("categories", app.category_codes)
        v = _validate(
            enterprise=app.enterprise,
            categories=cats,
            coverage=changes.get("coverage", app.coverage),
            registered_capital=changes.get("registered_capital", app.registered_capital),
        )
        if app.status == S.NEEDS_CORRECTION and v["issuer"] != app.issuer_id:
            raise ApplicationError(
                _("A correction cannot move the application to another issuer."),
                errors={"coverage": [_("Withdraw and apply again.")]},
            )
        _check_no_duplicate(app.enterprise, v["categories"], exclude_id=app.pk)
        for field in ("registered_capital", "staff_count", "foreign_invested"):
            if field in changes:
                setattr(app, field, changes[field])
        for field in ("premises", "security_measures"):
            if field in changes:
                setattr(app, field, changes[field].strip())
        app.coverage = v["coverage"]
        app.issuer_id = v["issuer"]
        app.save()
        app.categories.set(v["categories"])
        audit.record(
            actor=actor, action="licensing.application.updated", obj=app, before=before, after=snapshot(app)
        )
    return app


# --- submission -------------------------------------------------------------------------


def _squash(text: str) -> str:
    return "".join((text or "").split())


def path_for(app: Application, r=None) -> tuple[str, list[str]]:
    """§1.3: notify-and-commit when every category allows it and credit allows it."""
    reasons: list[str] = []
    if app.kind != AppKind.NEW and conf.get("RENEWAL_STANDARD_PATH"):
        reasons.append(_("Renewals and changes take the standard path."))
    ent = app.enterprise
    # §1.3 pilot conditions, each a switch (off by default since the national roll-out).
    if conf.get("NOTIFY_COMMIT_FTZ_ONLY") and ent.province not in set(
        conf.get("NOTIFY_COMMIT_FTZ_PROVINCES")
    ):
        reasons.append(_("The notify-and-commit pilot is open to free-trade-zone companies only."))
    if conf.get("NOTIFY_COMMIT_SAME_ADDRESS") and _squash(app.premises) != _squash(ent.registered_address):
        reasons.append(_("The main office must be at the registered address."))
    cats = list(app.categories.all())
    refused = [c.code for c in cats if not catalogue.notify_commit_allowed(c)]
    if refused:
        reasons.append(_("Not open to notify-and-commit: %s") % ", ".join(refused))
    r = r or restrictions(app.enterprise)
    if not r.may_notify_commit:
        reasons.extend(list(r.reasons) or [_("The credit restrictions policy does not allow it.")])
    return (Path.STANDARD if reasons else Path.NOTIFY_COMMIT), reasons


def application_submit(*, actor, application_id: int, commitment: dict | None = None) -> Application:
    from licensing import tasks

    with transaction.atomic():
        app = _get_own(actor, application_id, lock=True)
        if app.status not in EDITABLE:
            raise Conflict(
                _("An application in status %s cannot be submitted.") % app.status, code="invalid_transition"
            )
        _validate(
            enterprise=app.enterprise,
            categories=app.category_codes,
            coverage=app.coverage,
            registered_capital=app.registered_capital,
        )
        if app.status == S.NEEDS_CORRECTION:
            # Resubmission after a correction notice stays on the standard path.
            deadlines_close(app)
            app = application_transition(
                application_id=app.pk, to=S.SUBMITTED, actor=actor, reason="corrected"
            )
            deadline_open(app, DeadlineKind.ACCEPTANCE)
            return app
        r = _check_may_apply(app.enterprise, app.kind)
        if app.kind == AppKind.RENEWAL:
            _renewal_filed(actor, app)
        path, reasons = path_for(app, r)
        app.path = path
        app.submitted_at = timezone.now()
        app.save(update_fields=["path", "submitted_at", "updated_at"])
        if path == Path.NOTIFY_COMMIT:
            sign_commitment(actor, app, commitment)
            app = application_transition(
                application_id=app.pk, to=S.SUBMITTED_WITH_COMMITMENT, actor=actor, data={"path": path}
            )
            deadline_open(app, DeadlineKind.COMMIT_DECISION)
            app_id = app.pk
            # robust: a broker outage must not fail the committed submission; the retry
            # sweep (auto_check_retry_sweep) picks the case up.
            transaction.on_commit(lambda: tasks.application_auto_check.delay(app_id), robust=True)
        else:
            app = application_transition(
                application_id=app.pk,
                to=S.SUBMITTED,
                actor=actor,
                data={"path": path, "path_reasons": reasons},
            )
            deadline_open(app, DeadlineKind.CORRECTION)
            if app.kind == AppKind.RENEWAL:
                # §1.5 [F S9]: a renewal has its own acceptance reply time.
                deadline_open(app, DeadlineKind.RENEWAL_ACCEPTANCE)
            else:
                deadline_open(app, DeadlineKind.ACCEPTANCE)
    return app


def _renewal_filed(actor, app: Application) -> None:
    """§1.5: the lead time is checked when the renewal is *filed*; a renewal filed in time
    keeps the licence in force (renewal_pending) until it is decided."""
    from licensing.services.licences import licence_transition

    licence = Licence.objects.select_for_update().get(pk=app.licence_id)
    last_day = renewal_last_day(licence)
    if today() > last_day:
        raise ApplicationError(
            _("Renewal must be applied for at least %s days before expiry.") % conf.get("RENEWAL_LEAD_DAYS"),
            errors={"renew_licence_number": [_("The last day to apply was %s.") % last_day.isoformat()]},
            code="renewal_too_late",
        )
    if licence.status not in (LicenceStatus.VALID, LicenceStatus.EXPIRING):
        raise ApplicationError(
            _("Only a valid licence can be renewed."), errors={"renew_licence_number": [licence.status]}
        )
    licence_transition(
        licence_id=licence.pk,
        to=LicenceStatus.RENEWAL_PENDING,
        actor=actor,
        reason=f"renewal application {app.pk}",
    )


def release_renewal(actor, app: Application) -> None:
    """A renewal that ends without being granted (withdrawn, not accepted, refused) lets
    the licence run out on its own dates: back to what the dates say, expired if past."""
    from licensing.services.licences import licence_transition

    if app.kind != AppKind.RENEWAL or app.licence_id is None:
        return
    status = Licence.objects.filter(pk=app.licence_id).values_list("status", flat=True).first()
    if status == LicenceStatus.RENEWAL_PENDING:
        licence_transition(
            licence_id=app.licence_id,
            to=LicenceStatus.VALID,
            actor=actor,
            reason=f"renewal application {app.pk} ended: {app.status}",
        )


def application_withdraw(*, actor, application_id: int, reason: str = "") -> Application:
    with transaction.atomic():
        app = _get_own(actor, application_id, lock=True)
        app = application_transition(application_id=app.pk, to=S.WITHDRAWN, actor=actor, reason=reason)
        deadlines_close(app)
        release_renewal(actor, app)
    return app
