"""Officer review on the standard path (§1.2, renewals §1.5) and the notify-and-commit
automatic check (§1.3). Every officer service locks the application and checks that the
actor is an officer of its issuing authority before anything else (issue 8: a Guangdong
officer cannot accept an application that MIIT issues), and ``application_transition``
checks it again, so a caller that skips the first check still cannot move the case.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from licensing.models import AppKind, Application, AppStatus, DeadlineKind, Path, ServiceKind
from licensing.services.applications import _validate, application_transition, release_renewal
from licensing.services.common import (
    deadline_open,
    deadlines_close,
    require_officer_of,
    require_reason,
    restrictions,
)
from regulator import canonical

S = AppStatus
OPENING_DEADLINES = (DeadlineKind.CORRECTION, DeadlineKind.ACCEPTANCE, DeadlineKind.RENEWAL_ACCEPTANCE)


def _officer_app(actor, application_id: int, *, standard_only: bool = False) -> Application:
    """Lock the case and check the officer's authority. Officers decide standard cases; a
    notify-and-commit case is decided on the commitment by the automatic check (§1.3),
    so an officer's approve/reject/issue there is a 409."""
    app = Application.objects.select_for_update().filter(pk=application_id).first()
    if app is None:
        raise NotFound(_("Not found."))
    require_officer_of(actor, app.issuer_id)
    if standard_only and app.path == Path.NOTIFY_COMMIT:
        raise Conflict(
            _("A notify-and-commit application is decided by the automatic check."), code="invalid_transition"
        )
    return app


def application_request_correction(
    *, actor, application_id: int, reason: str, items: list[str]
) -> Application:
    reason = require_reason(reason)
    items = [str(i).strip() for i in (items or []) if str(i).strip()]
    if not items:
        # §1.2: one notice listing every correction.
        raise ApplicationError(_("List every correction needed."), errors={"items": [_("Required.")]})
    with transaction.atomic():
        _officer_app(actor, application_id)
        app = application_transition(
            application_id=application_id,
            to=S.NEEDS_CORRECTION,
            actor=actor,
            reason=reason,
            data={"items": items},
        )
        app.correction_items = items
        app.save(update_fields=["correction_items", "updated_at"])
        deadlines_close(app, *OPENING_DEADLINES)
    return app


def application_accept(*, actor, application_id: int, reason: str = "") -> Application:
    with transaction.atomic():
        _officer_app(actor, application_id)
        app = application_transition(application_id=application_id, to=S.ACCEPTED, actor=actor, reason=reason)
        deadlines_close(app, *OPENING_DEADLINES)
        if app.kind == AppKind.RENEWAL:
            # §1.5 [F S9]: the renewal review takes at most 60 days.
            deadline_open(app, DeadlineKind.RENEWAL_DECISION)
        else:
            # §1.2: value-added 60 日, basic 180 日 from acceptance (calendar days).
            basic = app.categories.filter(kind=ServiceKind.BASIC).exists()
            deadline_open(
                app, DeadlineKind.DECISION, rule="decision_basic" if basic else "decision_value_added"
            )
    return app


def _decided(app: Application, reason: str) -> None:
    app.decision_reason = reason
    app.decided_at = timezone.now()
    app.save(update_fields=["decision_reason", "decided_at", "updated_at"])


def application_not_accept(*, actor, application_id: int, reason: str) -> Application:
    reason = require_reason(reason)
    with transaction.atomic():
        _officer_app(actor, application_id)
        app = application_transition(
            application_id=application_id, to=S.NOT_ACCEPTED, actor=actor, reason=reason
        )
        _decided(app, reason)
        deadlines_close(app)
        release_renewal(actor, app)
    return app


def application_start_review(*, actor, application_id: int, reason: str = "") -> Application:
    with transaction.atomic():
        _officer_app(actor, application_id)
        return application_transition(
            application_id=application_id, to=S.UNDER_REVIEW, actor=actor, reason=reason
        )


def application_approve(*, actor, application_id: int, reason: str = "") -> Application:
    with transaction.atomic():
        _officer_app(actor, application_id, standard_only=True)
        app = application_transition(application_id=application_id, to=S.APPROVED, actor=actor, reason=reason)
        _decided(app, reason)
        deadlines_close(app, DeadlineKind.DECISION, DeadlineKind.RENEWAL_DECISION)
        deadline_open(app, DeadlineKind.ISSUE)
    return app


def application_reject(*, actor, application_id: int, reason: str) -> Application:
    reason = require_reason(reason)  # §1.2: a refusal is written and gives reasons
    with transaction.atomic():
        _officer_app(actor, application_id, standard_only=True)
        app = application_transition(application_id=application_id, to=S.REJECTED, actor=actor, reason=reason)
        _decided(app, reason)
        deadlines_close(app)
        # §1.5: only a refused (or withdrawn) renewal lets the licence expire.
        release_renewal(actor, app)
    return app


def application_issue(*, actor, application_id: int, reason: str = "") -> Application:
    from licensing.services.licences import licence_issue_for

    with transaction.atomic():
        _officer_app(actor, application_id, standard_only=True)
        app = application_transition(application_id=application_id, to=S.ISSUED, actor=actor, reason=reason)
        deadlines_close(app, DeadlineKind.ISSUE)
        licence_issue_for(actor=actor, application=app)
    return app


def application_auto_check(*, application_id: int, actor: Any = "auto-check") -> Application:
    """§1.3: the authority decides directly on the commitment after automatic checks
    (USCC, capital against the threshold, credit restrictions); no officer in the loop.
    Safe to run twice: anything not awaiting the check is left alone."""
    from licensing.services.licences import licence_issue_for
    from licensing.services.postchecks import postcheck_open

    with transaction.atomic():
        app = Application.objects.select_for_update().filter(pk=application_id).first()
        if app is None or app.status != S.SUBMITTED_WITH_COMMITMENT:
            return app
        failures: list[str] = []
        try:
            _validate(
                enterprise=app.enterprise,
                categories=app.category_codes,
                coverage=app.coverage,
                registered_capital=app.registered_capital,
            )
        except ApplicationError as exc:
            failures.append(exc.message)
            failures.extend(m for msgs in exc.errors.values() for m in msgs)
        r = restrictions(app.enterprise)
        if not (r.may_notify_commit and r.may_apply_licence):
            failures.extend(list(r.reasons) or [_("Barred by the credit restrictions policy.")])
        c = getattr(app, "commitment", None)
        if c is None or canonical.sha256_hex(c.committed) != c.committed_sha256:
            failures.append(_("The commitment record does not match its hash."))
        app.auto_check_result = {
            "passed": not failures,
            "failures": failures,
            "at": timezone.now().isoformat(),
        }
        app.decided_at = timezone.now()
        app.save(update_fields=["auto_check_result", "decided_at", "updated_at"])
        deadlines_close(app, DeadlineKind.COMMIT_DECISION)
        if failures:
            app.decision_reason = "; ".join(failures)
            app.save(update_fields=["decision_reason"])
            return application_transition(
                application_id=app.pk, to=S.REJECTED, actor=actor, reason=app.decision_reason
            )
        application_transition(
            application_id=app.pk, to=S.APPROVED, actor=actor, reason="automatic checks passed"
        )
        app = application_transition(application_id=app.pk, to=S.ISSUED, actor=actor)
        licence = licence_issue_for(actor=actor, application=app)
        postcheck_open(actor=actor, licence=licence, application=app)
    return app
