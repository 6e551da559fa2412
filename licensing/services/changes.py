"""Changes to a licence's holder or services after the grant (§1.5, §1.7).

- ``enterprise_change_file``: a change of name, address or legal representative in the
  business register is filed here within CHANGE_FILING days (late filings are flagged).
  Licensing writes the register through the kernel's ``enterprise_update`` and re-signs
  every live licence in the same transaction, so the e-licence never shows stale holder
  facts (the old version then verifies as ``superseded``). Why here and not in the kernel:
  the kernel may import no app (dependency rule), so the register change that must re-sign
  licences goes through licensing, which may import the kernel.
- Cancellation (注销): the holder stops some or all services, having settled its users and
  given CANCELLATION_NOTICE_DAYS' notice; an officer of the issuing authority confirms.
  Stopping everything ends the licence as ``cancelled``; stopping some services issues a
  new signed version without them. Either way a 双公示 decision is recorded.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from licensing import conf
from licensing.models import (
    IN_FORCE_STATUSES,
    Cancellation,
    CancellationEvent,
    CancellationStatus,
    ChangeFiling,
    DecisionKind,
    Licence,
)
from licensing.services.common import (
    actor_label,
    add_days,
    is_system,
    require_enterprise_user,
    require_officer_of,
    require_reason,
    require_role_of,
    resolve_deadline,
    today,
)
from regulator import audit, scoping
from regulator import services as regulator_services
from regulator.models import Enterprise, Role

REGISTERED_FACTS = ("name", "registered_address", "legal_representative")
C = CancellationStatus
ALLOWED: dict[str, set[str]] = {
    C.FILED: {C.CONFIRMED, C.REFUSED, C.WITHDRAWN},
    C.CONFIRMED: set(),
    C.REFUSED: set(),
    C.WITHDRAWN: set(),
}


def enterprise_change_file(*, actor, changed_on: dt.date, **changes) -> ChangeFiling:
    """The enterprise files its business-registration change (§1.5). Contact details are
    not registered facts and change elsewhere; the USCC and province never change."""
    if scoping.role_of(actor) != Role.ENTERPRISE or not actor.enterprise_id:
        raise NotFound(_("Not found."))
    bad = set(changes) - set(REGISTERED_FACTS)
    if bad:
        raise ApplicationError(
            _("Only registered facts are filed here."), errors={f: [_("Not filed here.")] for f in bad}
        )
    changes = {k: str(v).strip() for k, v in changes.items() if str(v or "").strip()}
    if not changes:
        raise ApplicationError(_("Nothing changed."), errors={"name": [_("Give at least one changed fact.")]})
    if changed_on > today():
        raise ApplicationError(
            _("The change cannot be in the future."), errors={"changed_on": [_("In the future.")]}
        )
    with transaction.atomic():
        ent = Enterprise.objects.select_for_update().get(pk=actor.enterprise_id)
        before = {f: getattr(ent, f) for f in REGISTERED_FACTS}
        if all(before[k] == v for k, v in changes.items()):
            raise ApplicationError(_("Nothing changed."), errors={"name": [_("Same as the register.")]})
        ent = regulator_services.enterprise_update(
            actor=actor, enterprise=ent, change_filing=f"change filing of {changed_on}", **changes
        )
        due = resolve_deadline(changed_on, "change_filing")[0]
        filing = ChangeFiling.objects.create(
            enterprise=ent,
            changed_on=changed_on,
            due_on=due,
            before=before,
            after={f: getattr(ent, f) for f in REGISTERED_FACTS},
            filed_by=actor,
            filed_at=timezone.now(),
            late=today() > due,
        )
        from licensing.services.licences import licence_resign_for_enterprise

        filing.licences_resigned = licence_resign_for_enterprise(
            actor=actor, enterprise=ent, reason=_("Registered facts changed on %s.") % changed_on.isoformat()
        )
        filing.save(update_fields=["licences_resigned"])
        audit.record(
            actor=actor,
            action="licensing.change_filing.filed",
            obj=filing,
            before=before,
            after={**filing.after, "late": filing.late, "resigned": filing.licences_resigned},
        )
    return filing


# --- cancellation (注销) -----------------------------------------------------------------


def cancellation_transition(*, cancellation_id: int, to: str, actor, reason: str = "") -> Cancellation:
    with transaction.atomic():
        c = (
            Cancellation.objects.select_for_update()
            .select_related("licence")
            .filter(pk=cancellation_id)
            .first()
        )
        if c is None:
            raise NotFound(_("Not found."))
        if not is_system(actor):
            if scoping.role_of(actor) == Role.ENTERPRISE:
                require_enterprise_user(actor, c.licence.enterprise_id)
            else:
                require_officer_of(actor, c.licence.issuer_id)
        src = c.status
        if to not in ALLOWED.get(src, set()):
            raise Conflict(
                _("A cancellation in status %(src)s cannot move to %(to)s.") % {"src": src, "to": to},
                code="invalid_transition",
            )
        c.status = to
        c.decided_at = timezone.now()
        c.decision_reason = reason
        c.save(update_fields=["status", "decided_at", "decision_reason"])
        CancellationEvent.objects.create(
            cancellation=c,
            from_status=src,
            to_status=to,
            actor_label=actor_label(actor),
            reason=reason,
            at=c.decided_at,
        )
        audit.record(
            actor=actor,
            action=f"licensing.cancellation.{to}",
            obj=c,
            before={"status": src},
            after={"status": to},
            reason=reason,
        )
    return c


def cancellation_file(
    *,
    actor,
    licence_number: str,
    categories: list[str],
    users_settled: bool,
    users_statement: str,
    stop_on: dt.date,
) -> Cancellation:
    """§1.5: the holder applies to stop services, states its users are settled and gives
    the notice period before it stops."""
    from licensing import numbers

    errors: dict[str, list[str]] = {}
    if users_settled is not True:
        errors["users_settled"] = [_("Users must be settled before a service stops.")]
    if not (users_statement or "").strip():
        errors["users_statement"] = [_("Say how the users were settled.")]
    notice = int(conf.get("CANCELLATION_NOTICE_DAYS"))
    if stop_on < add_days(today(), notice):
        errors["stop_on"] = [_("At least %s days' notice.") % notice]
    if errors:
        raise ApplicationError(_("The cancellation is incomplete."), errors=errors)
    try:
        number = numbers.validate(licence_number)
    except numbers.LicenceNumberError as exc:
        raise ApplicationError(_("Not a licence number."), errors={"licence_number": [str(exc)]})
    with transaction.atomic():
        lic = (
            Licence.objects.select_for_update()
            .filter(number=number, enterprise_id=actor.enterprise_id)
            .first()
        )
        if lic is None or scoping.role_of(actor) != Role.ENTERPRISE:
            raise NotFound(_("Not found."))
        if lic.status not in IN_FORCE_STATUSES:
            raise Conflict(_("Only a licence in force can be cancelled."), code="invalid_transition")
        stop = sorted({str(c).strip().upper() for c in categories or []})
        unknown = set(stop) - set(lic.categories)
        if not stop or unknown:
            raise ApplicationError(
                _("Choose services the licence holds."),
                errors={
                    "categories": [_("Not on the licence: %s") % ", ".join(sorted(unknown))]
                    if unknown
                    else [_("Required.")]
                },
            )
        if lic.cancellations.filter(status=C.FILED).exists():
            raise Conflict(_("A cancellation of this licence is already pending."), code="duplicate_pending")
        c = Cancellation.objects.create(
            licence=lic,
            categories=stop,
            users_settled=True,
            users_statement=users_statement.strip(),
            stop_on=stop_on,
            filed_by=actor,
            filed_at=timezone.now(),
        )
        CancellationEvent.objects.create(
            cancellation=c, from_status="", to_status=C.FILED, actor_label=actor_label(actor), at=c.filed_at
        )
        audit.record(
            actor=actor,
            action="licensing.cancellation.filed",
            obj=c,
            after={"licence": lic.number, "categories": stop},
        )
    return c


def cancellation_confirm(*, actor, cancellation_id: int, reason: str = "") -> Cancellation:
    from licensing.services.decisions import decision_record
    from licensing.services.licences import licence_cancel, sign_version

    require_role_of(actor, Role.OFFICER)
    with transaction.atomic():
        c = cancellation_transition(
            cancellation_id=cancellation_id, to=C.CONFIRMED, actor=actor, reason=reason
        )
        lic = Licence.objects.select_for_update().get(pk=c.licence_id)
        ref = f"licensing.cancellation:{c.pk}"
        remaining = [code for code in lic.categories if code not in c.categories]
        if not remaining:
            licence_cancel(
                actor=actor,
                licence_id=lic.pk,
                reason=reason or _("Cancelled at the holder's request."),
                source_ref=ref,
            )
        else:
            before = list(lic.categories)
            lic.categories = remaining
            lic.save(update_fields=["categories", "updated_at"])
            audit.record(
                actor=actor,
                action="licensing.licence.services_cancelled",
                obj=lic,
                before={"categories": before},
                after={"categories": remaining},
            )
            sign_version(actor=actor, licence=lic, change="services_cancelled", reason=reason)
            decision_record(
                actor=actor,
                kind=DecisionKind.CANCELLATION,
                licence=lic,
                source_ref=ref,
                detail="注销业务：" + "、".join(c.categories),
            )
    return c


def cancellation_refuse(*, actor, cancellation_id: int, reason: str) -> Cancellation:
    require_role_of(actor, Role.OFFICER)
    return cancellation_transition(
        cancellation_id=cancellation_id, to=C.REFUSED, actor=actor, reason=require_reason(reason)
    )


def cancellation_withdraw(*, actor, cancellation_id: int, reason: str = "") -> Cancellation:
    require_role_of(actor, Role.ENTERPRISE)
    return cancellation_transition(
        cancellation_id=cancellation_id, to=C.WITHDRAWN, actor=actor, reason=reason
    )


def enterprise_contacts_update(*, actor, **contacts) -> Enterprise:
    """An enterprise keeps its own contact details current (issue 11 point 12); registered
    facts stay with the business register and reach telereg as change filings."""
    if scoping.role_of(actor) != Role.ENTERPRISE or not actor.enterprise_id:
        raise NotFound(_("Not found."))
    bad = set(contacts) - {"contact_phone", "contact_email"}
    if bad:
        raise ApplicationError(
            _("Only contact details change here."), errors={f: [_("Read-only.")] for f in bad}
        )
    with transaction.atomic():
        ent = Enterprise.objects.select_for_update().get(pk=actor.enterprise_id)
        return regulator_services.enterprise_update(actor=actor, enterprise=ent, **contacts)
