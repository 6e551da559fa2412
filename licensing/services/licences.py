"""Licences: numbers (§1.4), validity (§1.5), status transitions, renewal, and the signed
e-licence versions (§1.7). Every change to a licence issues a new signed version; the
time-driven statuses (expiring, expired) are derived from the signed validity dates and
change only the row (the sweep), not the document.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from credit import services as credit
from licensing import conf, keys, numbers, signing
from licensing.models import (
    MIIT,
    AppKind,
    Application,
    Licence,
    LicenceStatus,
    LicenceVersion,
    NumberSequence,
    ServiceCategory,
    ServiceKind,
)
from licensing.services.common import actor_label, add_days, today
from regulator import audit, provinces
from regulator.dates import add_years

L = LicenceStatus
ALLOWED: dict[str, set[str]] = {
    L.VALID: {L.EXPIRING, L.EXPIRED, L.SUSPENDED, L.CANCELLED, L.REVOKED},
    L.EXPIRING: {L.VALID, L.EXPIRED, L.SUSPENDED, L.CANCELLED, L.REVOKED},
    L.SUSPENDED: {L.VALID, L.EXPIRED, L.CANCELLED, L.REVOKED},
    L.EXPIRED: {L.CANCELLED},
    L.CANCELLED: set(),
    L.REVOKED: set(),
}
# Status changes that alter what the licence permits are re-signed; the clock-driven
# ones (expiring, expired) and the return from expiring are not.
RESIGNED = {L.SUSPENDED, L.CANCELLED, L.REVOKED}


def issuer_name(code: str) -> dict[str, str]:
    if code == MIIT:
        return {
            "code": MIIT,
            "name_zh": "中华人民共和国工业和信息化部",
            "name_en": "Ministry of Industry and IT",
        }
    p = provinces.BY_CODE[code]
    return {
        "code": code,
        "name_zh": f"{p.name_zh}通信管理局",
        "name_en": f"{p.name_en} Communications Administration",
    }


def time_status(valid_until, day=None) -> str:
    day = day or today()
    if day > valid_until:
        return L.EXPIRED
    if (valid_until - day).days <= int(conf.get("EXPIRING_DAYS")):
        return L.EXPIRING
    return L.VALID


def allocate_number(*, issuer: str, classes: list[str], year: int, foreign: bool) -> str:
    """Next number in the issuer's yearly sequence; the sequence row is locked."""
    NumberSequence.objects.get_or_create(issuer=issuer, year=year)
    seq = NumberSequence.objects.select_for_update().get(issuer=issuer, year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    abbr = "" if issuer == MIIT else provinces.BY_CODE[issuer].abbr
    return numbers.format_number(
        province_abbr=abbr, classes=classes, year=year, sequence=seq.last, foreign=foreign
    )


def build_document(licence: Licence, *, version: int, key_id: str, signed_at, supersedes: str | None) -> dict:
    cats = {c.code: c for c in ServiceCategory.objects.filter(code__in=licence.categories)}
    ent = licence.enterprise
    return {
        "type": "telereg.e-licence",
        "schema": 1,
        "number": licence.number,
        "version": version,
        "status": licence.status,
        "holder": {"name": ent.name, "uscc": ent.uscc, "legal_representative": ent.legal_representative},
        "issuer": issuer_name(licence.issuer),
        "services": [
            {
                "code": code,
                "name_zh": cats[code].name_zh if code in cats else "",
                "name_en": cats[code].name_en if code in cats else "",
            }
            for code in sorted(licence.categories)
        ],
        "coverage": [
            {"code": p, "name_zh": provinces.BY_CODE[p].name_zh, "name_en": provinces.BY_CODE[p].name_en}
            for p in sorted(licence.coverage)
        ],
        "path": licence.path,
        "valid_from": licence.valid_from.isoformat(),
        "valid_until": licence.valid_until.isoformat(),
        "signed_at": signed_at.isoformat(),
        "key_id": key_id,
        "supersedes_sha256": supersedes,
    }


def sign_version(*, actor, licence: Licence, change: str, reason: str = "") -> LicenceVersion:
    """Append the next signed version of ``licence`` (caller holds its row lock)."""
    kid, key = keys.active_key()
    prev = licence.versions.order_by("-version").first()
    licence.version = (prev.version if prev else 0) + 1
    now = timezone.now()
    doc = build_document(
        licence,
        version=licence.version,
        key_id=kid,
        signed_at=now,
        supersedes=prev.document_sha256 if prev else None,
    )
    ver = LicenceVersion.objects.create(
        licence=licence,
        version=licence.version,
        document=doc,
        document_sha256=signing.document_hash(doc),
        signature=signing.sign(key, doc),
        key_id=kid,
        change=change,
        reason=reason,
        created_at=now,
    )
    licence.save(update_fields=["version", "updated_at"])
    audit.record(
        actor=actor,
        action="licensing.licence.version_signed",
        obj=licence,
        after={"version": ver.version, "sha256": ver.document_sha256, "key_id": kid, "change": change},
        reason=reason,
    )
    return ver


def licence_issue_for(*, actor, application: Application) -> Licence:
    """Issue (or, for a renewal, extend) the licence an issued application grants."""
    if application.kind == AppKind.RENEWAL:
        return licence_renew(actor=actor, licence_id=application.licence_id, application=application)
    cats = list(application.categories.all())
    years = int(
        conf.get(
            "VALIDITY_YEARS_BASIC"
            if any(c.kind == ServiceKind.BASIC for c in cats)
            else "VALIDITY_YEARS_VALUE_ADDED"
        )
    )
    start = today()
    number = allocate_number(
        issuer=application.issuer,
        classes=[c.group for c in cats],
        year=start.year,
        foreign=application.foreign_invested,
    )
    licence = Licence.objects.create(
        number=number,
        enterprise=application.enterprise,
        application=application,
        issuer=application.issuer,
        path=application.path,
        categories=sorted(c.code for c in cats),
        coverage=sorted(application.coverage),
        valid_from=start,
        valid_until=add_days(add_years(start, years), -1),
        status=L.VALID,
        issued_at=timezone.now(),
    )
    audit.record(
        actor=actor,
        action="licensing.licence.issued",
        obj=licence,
        after={"number": number, "application": application.pk, "valid_until": licence.valid_until},
    )
    sign_version(actor=actor, licence=licence, change="issued")
    return licence


def licence_register_existing(
    *,
    actor,
    enterprise,
    categories: list[str],
    coverage: list[str],
    issued_on,
    path: str = "standard",
    foreign_invested: bool = False,
) -> Licence:
    """Enter a licence issued before telereg (paper era, the old platform) into the register
    with its original date; it gets its number in that year's sequence and a signed e-licence."""
    from licensing.services import catalogue

    cats = catalogue.resolve_categories(categories)
    cov = catalogue.resolve_coverage(coverage)
    issuer = catalogue.issuer_for(cats, cov)
    basic = any(c.kind == ServiceKind.BASIC for c in cats)
    years = int(conf.get("VALIDITY_YEARS_BASIC" if basic else "VALIDITY_YEARS_VALUE_ADDED"))
    with transaction.atomic():
        number = allocate_number(
            issuer=issuer, classes=[c.group for c in cats], year=issued_on.year, foreign=foreign_invested
        )
        valid_until = add_days(add_years(issued_on, years), -1)
        licence = Licence.objects.create(
            number=number,
            enterprise=enterprise,
            issuer=issuer,
            path=path,
            categories=sorted(c.code for c in cats),
            coverage=cov,
            valid_from=issued_on,
            valid_until=valid_until,
            status=time_status(valid_until),
            issued_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action="licensing.licence.registered",
            obj=licence,
            after={"number": number, "valid_from": issued_on, "valid_until": valid_until},
        )
        sign_version(actor=actor, licence=licence, change="registered")
    return licence


def licence_renew(*, actor, licence_id: int, application: Application) -> Licence:
    with transaction.atomic():
        licence = Licence.objects.select_for_update().get(pk=licence_id)
        if licence.status not in (L.VALID, L.EXPIRING):
            raise Conflict(_("Only a valid licence can be renewed."), code="invalid_transition")
        before = {
            "valid_until": licence.valid_until,
            "categories": licence.categories,
            "status": licence.status,
        }
        years = int(conf.get("VALIDITY_YEARS_VALUE_ADDED"))
        if any(c.startswith("A") for c in licence.categories):
            years = int(conf.get("VALIDITY_YEARS_BASIC"))
        licence.valid_until = add_years(licence.valid_until, years)
        # §1.5: only the services renewed (those actually operated) stay on the licence.
        licence.categories = application.category_codes
        licence.coverage = sorted(application.coverage)
        licence.status = time_status(licence.valid_until)
        licence.save()
        audit.record(
            actor=actor,
            action="licensing.licence.renewed",
            obj=licence,
            before=before,
            after={
                "valid_until": licence.valid_until,
                "categories": licence.categories,
                "status": licence.status,
            },
        )
        sign_version(actor=actor, licence=licence, change="renewed")
    return licence


def licence_transition(*, licence_id: int, to: str, actor, reason: str = "") -> Licence:
    with transaction.atomic():
        licence = Licence.objects.select_for_update().filter(pk=licence_id).first()
        if licence is None:
            raise NotFound(_("Not found."))
        src = licence.status
        if to not in ALLOWED.get(src, set()):
            raise Conflict(
                _("A licence in status %(src)s cannot move to %(to)s.") % {"src": src, "to": to},
                code="invalid_transition",
            )
        if to == L.VALID and src == L.SUSPENDED:
            to = time_status(licence.valid_until)  # reinstated into what the dates say
        licence.status = to
        licence.status_reason = reason
        licence.save(update_fields=["status", "status_reason", "updated_at"])
        audit.record(
            actor=actor,
            action=f"licensing.licence.{to}",
            obj=licence,
            before={"status": src},
            after={"status": to, "by": actor_label(actor)},
            reason=reason,
        )
        if to in RESIGNED or src == L.SUSPENDED:
            sign_version(actor=actor, licence=licence, change=to, reason=reason)
    return licence


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Give the reasons."), errors={"reason": [_("Required.")]})
    return reason


def licence_suspend(*, actor, licence_id: int, reason: str) -> Licence:
    return licence_transition(licence_id=licence_id, to=L.SUSPENDED, actor=actor, reason=_reason(reason))


def licence_reinstate(*, actor, licence_id: int, reason: str) -> Licence:
    return licence_transition(licence_id=licence_id, to=L.VALID, actor=actor, reason=_reason(reason))


def licence_cancel(*, actor, licence_id: int, reason: str) -> Licence:
    return licence_transition(licence_id=licence_id, to=L.CANCELLED, actor=actor, reason=_reason(reason))


def licence_revoke(
    *, actor, licence_id: int, reason: str, rule_code: str = "DISHONEST_REVOKED", source_ref: str = ""
) -> Licence:
    """吊销/撤销: the licence is revoked and, per §2.2, the holder goes onto the dishonest list
    at once (the listing posts its ledger points); idempotent by ``source_ref``."""
    reason = _reason(reason)
    with transaction.atomic():
        licence = licence_transition(licence_id=licence_id, to=L.REVOKED, actor=actor, reason=reason)
        ref = source_ref or f"licensing.licence:{licence.number}:revoked"
        # list_entry_propose posts the rule's ledger points itself (once per source_ref);
        # a separate ledger_post would deduct them twice.
        credit.list_entry_propose(
            actor=actor,
            enterprise=licence.enterprise,
            list_kind="dishonest",
            rule_code=rule_code,
            reason=reason,
            authority=issuer_name(licence.issuer)["name_zh"],
            source_ref=ref,
            licence_numbers=[licence.number],
            immediate=True,
        )
    return licence


def licence_status_sweep(*, day=None) -> dict[str, int]:
    """valid → expiring (≤ EXPIRING_DAYS left) → expired, by compare-and-set per row."""
    day = day or today()
    lead = int(conf.get("EXPIRING_DAYS"))
    moved = {"expiring": 0, "expired": 0}
    plan = [
        (
            L.EXPIRED,
            Licence.objects.filter(status__in=[L.VALID, L.EXPIRING, L.SUSPENDED], valid_until__lt=day),
        ),
        (
            L.EXPIRING,
            Licence.objects.filter(
                status=L.VALID, valid_until__gte=day, valid_until__lte=add_days(day, lead)
            ),
        ),
    ]
    for to, qs in plan:
        for pk, src in list(qs.values_list("pk", "status")):
            with transaction.atomic():
                # Compare-and-set: a concurrent sweep or officer action wins cleanly.
                if (
                    Licence.objects.filter(pk=pk, status=src).update(status=to, updated_at=timezone.now())
                    != 1
                ):
                    continue
                audit.record(
                    actor="sweep",
                    action=f"licensing.licence.{to}",
                    object_type="licensing.licence",
                    object_id=pk,
                    before={"status": src},
                    after={"status": to},
                )
                moved[to] += 1
    return moved


def licence_verify(*, document: Any, signature: str, key_id: str | None = None) -> dict[str, Any]:
    """Check a presented e-licence: is the signature good under a published key, and
    what is the licence's status now? Tampering, revocation and validity are told apart."""
    result: dict[str, Any] = {
        "signature_valid": False,
        "key_id": None,
        "licence_number": None,
        "document_version": None,
        "current_version": None,
        "is_current_version": False,
        "licence_status": None,
        "verdict": "invalid_signature",
    }
    if not isinstance(document, dict):
        raise ApplicationError(
            _("The document must be a JSON object."), errors={"document": [_("Not an object.")]}
        )
    kid = key_id or document.get("key_id")
    pub = keys.public_key(str(kid)) if kid else None
    result["key_id"] = kid
    if pub is None:
        result["verdict"] = "unknown_key"
        return result
    if not signing.verify(pub, document, signature or ""):
        return result
    result["signature_valid"] = True
    result["licence_number"] = document.get("number")
    result["document_version"] = document.get("version")
    licence = Licence.objects.filter(number=str(document.get("number", ""))).first()
    if licence is None:
        result["verdict"] = "unknown_licence"
        return result
    result["current_version"] = licence.version
    result["is_current_version"] = document.get("version") == licence.version
    result["licence_status"] = licence.status
    if licence.status in (L.REVOKED, L.CANCELLED, L.SUSPENDED, L.EXPIRED):
        result["verdict"] = licence.status
    elif not result["is_current_version"]:
        result["verdict"] = "superseded"
    else:
        result["verdict"] = "valid"
    return result
