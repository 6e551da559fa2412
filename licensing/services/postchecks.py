"""Post-issuance checks of notify-and-commit licences (§1.3): due within 60 days; passed,
rectify within 30 days, or a false commitment found (the licence is withdrawn, 撤销, the
holder goes onto the dishonest list, one-year application ban). Officers act only on
checks of licences their own authority issued (issue 8)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import Conflict, NotFound
from credit import services as credit
from licensing import conf
from licensing.models import Application, Licence, PostCheck, PostCheckEvent, PostCheckStatus
from licensing.services.common import (
    actor_label,
    require_officer_of,
    require_reason,
    resolve_deadline,
    today,
)
from licensing.services.licences import licence_withdraw
from regulator import audit, calendar
from regulator.dates import add_years

P = PostCheckStatus
ALLOWED: dict[str, set[str]] = {
    P.DUE: {P.PASSED, P.RECTIFYING, P.REVOKED},
    P.RECTIFYING: {P.RECTIFIED, P.REVOKED},
    P.PASSED: set(),
    P.RECTIFIED: set(),
    P.REVOKED: set(),
}


def postcheck_open(*, actor, licence: Licence, application: Application) -> PostCheck:
    due, _n, _unit = resolve_deadline(today(), "postcheck")
    pc = PostCheck.objects.create(
        licence=licence, application=application, due_on=due, calendar_version=calendar.version()
    )
    audit.record(
        actor=actor,
        action="licensing.postcheck.opened",
        obj=pc,
        after={"licence": licence.number, "due_on": due},
    )
    return pc


def postcheck_transition(
    *, postcheck_id: int, to: str, actor, reason: str = "", findings: str = ""
) -> PostCheck:
    with transaction.atomic():
        pc = PostCheck.objects.select_for_update().select_related("licence").filter(pk=postcheck_id).first()
        if pc is None:
            raise NotFound(_("Not found."))
        require_officer_of(actor, pc.licence.issuer_id)
        src = pc.status
        if to not in ALLOWED.get(src, set()):
            raise Conflict(
                _("A post-check in status %(src)s cannot move to %(to)s.") % {"src": src, "to": to},
                code="invalid_transition",
            )
        pc.status = to
        pc.decided_by = actor if getattr(actor, "is_authenticated", False) else None
        pc.decided_at = timezone.now()
        if findings:
            pc.findings = findings
        if to == P.RECTIFYING:
            pc.rectify_by = resolve_deadline(today(), "rectification")[0]
        pc.save()
        PostCheckEvent.objects.create(
            postcheck=pc,
            from_status=src,
            to_status=to,
            actor_label=actor_label(actor),
            reason=reason,
            at=pc.decided_at,
        )
        audit.record(
            actor=actor,
            action=f"licensing.postcheck.{to}",
            obj=pc,
            before={"status": src},
            after={"status": to, "rectify_by": pc.rectify_by},
            reason=reason,
        )
    return pc


def postcheck_pass(*, actor, postcheck_id: int, reason: str = "", findings: str = "") -> PostCheck:
    return postcheck_transition(
        postcheck_id=postcheck_id, to=P.PASSED, actor=actor, reason=reason, findings=findings
    )


def postcheck_order_rectification(*, actor, postcheck_id: int, reason: str, findings: str = "") -> PostCheck:
    return postcheck_transition(
        postcheck_id=postcheck_id,
        to=P.RECTIFYING,
        actor=actor,
        reason=require_reason(reason),
        findings=findings,
    )


def postcheck_rectified(*, actor, postcheck_id: int, reason: str = "", findings: str = "") -> PostCheck:
    return postcheck_transition(
        postcheck_id=postcheck_id, to=P.RECTIFIED, actor=actor, reason=reason, findings=findings
    )


def postcheck_revoke(*, actor, postcheck_id: int, reason: str, findings: str = "") -> PostCheck:
    """False commitment (§1.3 [I]): the grant is undone (撤销, ``licence_withdraw``), the
    holder goes onto the dishonest list, and new applications are banned for a year."""
    reason = require_reason(reason)
    with transaction.atomic():
        pc = postcheck_transition(
            postcheck_id=postcheck_id, to=P.REVOKED, actor=actor, reason=reason, findings=findings
        )
        ref = f"licensing.postcheck:{pc.pk}"
        licence = licence_withdraw(actor=actor, licence_id=pc.licence_id, reason=reason, source_ref=ref)
        credit.sanction_impose(
            actor=actor,
            enterprise=licence.enterprise,
            kind="application_ban",
            until=add_years(today(), int(conf.get("APPLICATION_BAN_YEARS"))),
            reason=reason,
            source_ref=ref,
        )
        audit.record(
            actor=actor,
            action="licensing.postcheck.false_commitment",
            obj=pc,
            after={"licence": licence.number, "authority": licence.issuer_id},
            reason=reason,
        )
    return pc


def postcheck_overdue_sweep(*, day=None) -> int:
    """Flag checks (and rectifications) past their date. Flags only; decides nothing."""
    day = day or today()
    flagged = 0
    due = PostCheck.objects.filter(overdue_at__isnull=True, status=P.DUE, due_on__lt=day)
    rect = PostCheck.objects.filter(overdue_at__isnull=True, status=P.RECTIFYING, rectify_by__lt=day)
    for pk in list(due.values_list("pk", flat=True)) + list(rect.values_list("pk", flat=True)):
        with transaction.atomic():
            if (
                PostCheck.objects.filter(pk=pk, overdue_at__isnull=True).update(overdue_at=timezone.now())
                != 1
            ):
                continue
            audit.record(
                actor="sweep",
                action="licensing.postcheck.overdue",
                object_type="licensing.postcheck",
                object_id=pk,
            )
            flagged += 1
    return flagged
