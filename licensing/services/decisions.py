"""双公示 for licensing (REGULATION.md §7 [F S31]): every licensing decision (grant, change,
renewal, cancellation, withdrawal, revocation) is recorded when it is taken and published
online within the publication deadline (7 working days, a setting) with its decision
document number, item, category, content, the holder's USCC and the deciding authority.

Recording happens inside the deciding transaction, so a decision never exists without its
publication row. Publication is a separate step: the publication sweep publishes what is
due unless an officer holds a row back (trade secrets or personal data in the content,
§7 "personal data, state and trade secrets excepted"); the late sweep flags every row still
unpublished after its deadline. The enforcement app copies this pattern for penalties.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import Conflict, NotFound
from licensing import conf
from licensing.models import DecisionKind, DecisionSequence, Licence, LicensingDecision, ServiceKind
from licensing.services.common import require_officer_of, require_reason, resolve_deadline, today
from regulator import audit, calendar, provinces
from regulator.models import NATIONAL, Authority

K = DecisionKind


def _document_number(authority: Authority, year: int) -> str:
    """``京通许〔2026〕0001号`` (provincial) / ``工信通许〔2026〕0001号`` (MIIT): one sequence
    per authority per year, the row locked so two deciders never share a number. The
    format is ours [D]; the regulation only asks that each decision carry its number."""
    DecisionSequence.objects.get_or_create(authority=authority, year=year)
    seq = DecisionSequence.objects.select_for_update().get(authority=authority, year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    prefix = "工信" if authority.pk == NATIONAL else provinces.BY_CODE[authority.pk].abbr
    return f"{prefix}通许〔{year}〕{seq.last:04d}号"


def item_for(licence: Licence) -> str:
    """The licensing item (事项名称) the decision belongs to (§1.1)."""
    from licensing.models import ServiceCategory

    kinds = set(ServiceCategory.objects.filter(code__in=licence.categories).values_list("kind", flat=True))
    if ServiceKind.BASIC in kinds:
        return "基础电信业务经营许可"
    if licence.issuer_id == NATIONAL:
        return "跨地区增值电信业务经营许可"
    return "增值电信业务经营许可"


def _content(kind: str, licence: Licence, detail: str) -> str:
    services_text = "、".join(sorted(licence.categories))
    coverage = "、".join(provinces.BY_CODE[p].name_zh for p in sorted(licence.coverage))
    head = {
        K.GRANT: "准予许可",
        K.CHANGE: "准予变更",
        K.RENEWAL: "准予延续",
        K.CANCELLATION: "注销许可",
        K.WITHDRAWAL: "撤销许可",
        K.REVOCATION: "吊销许可",
    }[kind]
    text = (
        f"{head}：许可证编号{licence.number}；业务种类{services_text}；覆盖范围{coverage}；"
        f"有效期{licence.valid_from.isoformat()}至{licence.valid_until.isoformat()}"
    )
    return f"{text}；{detail}" if detail else text


def decision_record(
    *, actor, kind: str, licence: Licence, source_ref: str, detail: str = ""
) -> LicensingDecision:
    """Record one decision for publication (caller's transaction). Idempotent by source_ref."""
    existing = LicensingDecision.objects.filter(source_ref=source_ref).first()
    if existing is not None:
        return existing
    now = timezone.now()
    day = timezone.localdate(now)
    due, _n, _unit = resolve_deadline(day, "publication")
    ent = licence.enterprise
    dec = LicensingDecision.objects.create(
        authority_id=licence.issuer_id,
        document_number=_document_number(licence.issuer, day.year),
        kind=kind,
        item=item_for(licence),
        category=str(conf.get("DECISION_CATEGORY")),
        content=_content(kind, licence, detail),
        holder_name=ent.name,
        holder_uscc=ent.uscc,
        enterprise=ent,
        licence=licence,
        licence_number=licence.number,
        decided_at=now,
        decided_on=day,
        publish_due=due,
        calendar_version=calendar.version(),
        source_ref=source_ref,
    )
    audit.record(
        actor=actor,
        action="licensing.decision.recorded",
        obj=dec,
        after={"document_number": dec.document_number, "kind": kind, "publish_due": due},
    )
    return dec


def _publish(actor, dec: LicensingDecision, reason: str = "") -> LicensingDecision:
    dec.published_at = timezone.now()
    dec.held_reason = ""
    dec.save(update_fields=["published_at", "held_reason"])
    audit.record(
        actor=actor,
        action="licensing.decision.published",
        obj=dec,
        after={"document_number": dec.document_number, "late": dec.published_at.date() > dec.publish_due},
        reason=reason,
    )
    return dec


def _locked(decision_id: int) -> LicensingDecision:
    dec = LicensingDecision.objects.select_for_update().filter(pk=decision_id).first()
    if dec is None:
        raise NotFound(_("Not found."))
    return dec


def decision_publish(*, actor, decision_id: int, reason: str = "") -> LicensingDecision:
    """An officer of the deciding authority publishes a decision (e.g. one held back)."""
    with transaction.atomic():
        dec = _locked(decision_id)
        require_officer_of(actor, dec.authority_id)
        if dec.published_at is not None:
            raise Conflict(_("This decision is already published."), code="invalid_transition")
        return _publish(actor, dec, reason)


def decision_hold(*, actor, decision_id: int, reason: str) -> LicensingDecision:
    """Hold a decision back from automatic publication while its content is reviewed for
    secrets or personal data; the deadline still runs and the late sweep still flags it."""
    reason = require_reason(reason)
    with transaction.atomic():
        dec = _locked(decision_id)
        require_officer_of(actor, dec.authority_id)
        if dec.published_at is not None:
            raise Conflict(_("This decision is already published."), code="invalid_transition")
        dec.held_reason = reason
        dec.save(update_fields=["held_reason"])
        audit.record(actor=actor, action="licensing.decision.held", obj=dec, reason=reason)
    return dec


def decision_publish_sweep(*, now: dt.datetime | None = None) -> int:
    """Publish every recorded, unheld decision (compare-and-set per row). Idempotent."""
    if not conf.get("DECISION_AUTO_PUBLISH"):
        return 0
    now = now or timezone.now()
    done = 0
    ids = LicensingDecision.objects.filter(published_at__isnull=True, held_reason="").values_list(
        "pk", flat=True
    )
    for pk in list(ids):
        with transaction.atomic():
            if (
                LicensingDecision.objects.filter(pk=pk, published_at__isnull=True, held_reason="").update(
                    published_at=now
                )
                != 1
            ):
                continue
            audit.record(
                actor="sweep",
                action="licensing.decision.published",
                object_type="licensing.licensingdecision",
                object_id=pk,
            )
            done += 1
    return done


def decision_late_sweep(*, day: dt.date | None = None) -> int:
    """Flag each decision still unpublished after its publication deadline (§7). Flags
    only, once per row."""
    day = day or today()
    flagged = 0
    qs = LicensingDecision.objects.filter(
        published_at__isnull=True, late_flagged_at__isnull=True, publish_due__lt=day
    )
    for pk, authority, due in list(qs.values_list("pk", "authority_id", "publish_due")):
        with transaction.atomic():
            if (
                LicensingDecision.objects.filter(pk=pk, late_flagged_at__isnull=True).update(
                    late_flagged_at=timezone.now()
                )
                != 1
            ):
                continue
            audit.record(
                actor="sweep",
                action="licensing.decision.publication_late",
                object_type="licensing.licensingdecision",
                object_id=pk,
                after={"authority": authority, "publish_due": due},
            )
            flagged += 1
    return flagged
