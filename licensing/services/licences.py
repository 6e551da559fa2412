"""Licences: numbers (§1.4), validity (§1.5), status transitions, renewal, and the signed
e-licence versions (§1.7). Every change to what a licence permits, or to the registered
facts it carries, issues a new signed version; the time-driven statuses (expiring,
expired) are derived from the signed validity dates and change only the row (the sweep),
not the document.

One transition function (``licence_transition``) assigns every status: it locks the row,
checks the edge against ``ALLOWED``, checks the actor's authority, writes the event row
and the audit event. The clock sweep uses compare-and-set updates and writes the same
event row.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import Conflict, NotFound
from licensing import conf, keys, numbers, signing
from licensing.models import (
    MIIT,
    AppKind,
    Application,
    DecisionKind,
    Licence,
    LicenceEvent,
    LicenceStatus,
    LicenceVersion,
    NumberSequence,
    ServiceCategory,
    ServiceKind,
)
from licensing.services.common import (
    actor_label,
    add_days,
    is_system,
    list_holder,
    require_licence_authority,
    require_officer_of,
    require_reason,
    today,
)
from regulator import audit, provinces, scoping
from regulator.dates import add_years
from regulator.models import Authority, Role

L = LicenceStatus
ALLOWED: dict[str, set[str]] = {
    L.VALID: {L.EXPIRING, L.EXPIRED, L.SUSPENDED, L.RENEWAL_PENDING, L.CANCELLED, L.REVOKED, L.WITHDRAWN},
    L.EXPIRING: {L.VALID, L.EXPIRED, L.SUSPENDED, L.RENEWAL_PENDING, L.CANCELLED, L.REVOKED, L.WITHDRAWN},
    # §1.5: in force while the renewal is decided; the decision (or its refusal) ends it.
    L.RENEWAL_PENDING: {L.VALID, L.EXPIRING, L.EXPIRED, L.SUSPENDED, L.CANCELLED, L.REVOKED, L.WITHDRAWN},
    L.SUSPENDED: {L.VALID, L.EXPIRED, L.CANCELLED, L.REVOKED, L.WITHDRAWN},
    L.EXPIRED: {L.CANCELLED, L.WITHDRAWN},
    L.CANCELLED: set(),
    L.REVOKED: set(),
    L.WITHDRAWN: set(),
}
# Status changes that alter what the licence permits are re-signed; the clock-driven
# ones (expiring, expired) and renewal_pending (the document stays good) are not.
RESIGNED = {L.SUSPENDED, L.CANCELLED, L.REVOKED, L.WITHDRAWN}
# The edges an enterprise's own renewal filing moves (never a decision about the licence).
ENTERPRISE_EDGES = {(L.VALID, L.RENEWAL_PENDING), (L.EXPIRING, L.RENEWAL_PENDING)}
DOCUMENT_FORMAT = "telereg.e-licence/2"


def issuer_name(code: str) -> dict[str, str]:
    """The authority's code and names, from the kernel's authority table."""
    auth = Authority.objects.filter(pk=code).first()
    if auth is not None:
        return {"code": auth.pk, "name_zh": auth.name_zh, "name_en": auth.name_en}
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
    """Next free number in the issuer's yearly sequence; the sequence row is locked. A
    number already in the register (imported from before telereg) is skipped, and a year
    that runs past the four-digit sequence is a clear refusal, never a crash."""
    NumberSequence.objects.get_or_create(issuer=issuer, year=year)
    seq = NumberSequence.objects.select_for_update().get(issuer=issuer, year=year)
    abbr = "" if issuer == MIIT else provinces.BY_CODE[issuer].abbr
    while True:
        if seq.last >= 9999:
            raise Conflict(
                _("The %(year)s licence-number sequence of %(issuer)s is exhausted (9999 numbers).")
                % {"year": year, "issuer": issuer},
                errors={"number": [_("No sequence number is left for this year.")]},
                code="sequence_exhausted",
            )
        seq.last += 1
        number = numbers.format_number(
            province_abbr=abbr, classes=classes, year=year, sequence=seq.last, foreign=foreign
        )
        if not Licence.objects.filter(number=number).exists():
            break
    seq.save(update_fields=["last"])
    return number


def build_document(licence: Licence, *, version: int, key_id: str, signed_at, supersedes: str | None) -> dict:
    """The signed e-licence (format ``telereg.e-licence/2``, docs/licensing.md). The holder
    is described by its registered facts (name, USCC, registered address); the legal
    representative's personal name is left out (issue 9 point 9): the licence belongs to
    the enterprise, and the register answers who represents it."""
    cats = {c.code: c for c in ServiceCategory.objects.filter(code__in=licence.categories)}
    ent = licence.enterprise
    return {
        "type": "telereg.e-licence",
        "format": DOCUMENT_FORMAT,
        "schema": 2,
        "number": licence.number,
        "version": version,
        "status": licence.status,
        "holder": {"name": ent.name, "uscc": ent.uscc, "registered_address": ent.registered_address},
        "issuer": issuer_name(licence.issuer_id),
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


def _validity_years(categories) -> int:
    basic = any(c.kind == ServiceKind.BASIC for c in categories)
    return int(conf.get("VALIDITY_YEARS_BASIC" if basic else "VALIDITY_YEARS_VALUE_ADDED"))


def licence_issue_for(*, actor, application: Application) -> Licence:
    """Issue (or, for a renewal or a change, amend) the licence an issued application grants."""
    from licensing.services.decisions import decision_record

    if application.kind == AppKind.RENEWAL:
        return licence_renew(actor=actor, licence_id=application.licence_id, application=application)
    if application.kind == AppKind.CHANGE:
        return licence_change_apply(actor=actor, licence_id=application.licence_id, application=application)
    cats = list(application.categories.all())
    start = today()
    number = allocate_number(
        issuer=application.issuer_id,
        classes=[c.group for c in cats],
        year=start.year,
        foreign=application.foreign_invested,
    )
    licence = Licence.objects.create(
        number=number,
        enterprise=application.enterprise,
        application=application,
        issuer_id=application.issuer_id,
        path=application.path,
        categories=sorted(c.code for c in cats),
        coverage=sorted(application.coverage),
        valid_from=start,
        valid_until=add_days(add_years(start, _validity_years(cats)), -1),
        status=L.VALID,
        issued_at=timezone.now(),
    )
    LicenceEvent.objects.create(
        licence=licence, from_status="", to_status=L.VALID, actor_label=actor_label(actor), at=timezone.now()
    )
    audit.record(
        actor=actor,
        action="licensing.licence.issued",
        obj=licence,
        after={"number": number, "application": application.pk, "valid_until": licence.valid_until},
    )
    sign_version(actor=actor, licence=licence, change="issued")
    decision_record(
        actor=actor,
        kind=DecisionKind.GRANT,
        licence=licence,
        source_ref=f"licensing.application:{application.pk}",
    )
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
    """Enter a licence issued before telereg whose number is not known (demo data): it
    gets a number in that year's sequence and a signed e-licence. Licences with their real
    numbers come in through ``import_licences`` (licensing.services.register)."""
    from licensing.services import catalogue

    cats = catalogue.resolve_categories(categories)
    cov = catalogue.resolve_coverage(coverage)
    issuer = catalogue.issuer_for(cats, cov)
    with transaction.atomic():
        number = allocate_number(
            issuer=issuer, classes=[c.group for c in cats], year=issued_on.year, foreign=foreign_invested
        )
        valid_until = add_days(add_years(issued_on, _validity_years(cats)), -1)
        licence = Licence.objects.create(
            number=number,
            enterprise=enterprise,
            issuer_id=issuer,
            path=path,
            categories=sorted(c.code for c in cats),
            coverage=cov,
            valid_from=issued_on,
            valid_until=valid_until,
            status=time_status(valid_until),
            issued_at=timezone.now(),
        )
        LicenceEvent.objects.create(
            licence=licence,
            from_status="",
            to_status=licence.status,
            actor_label=actor_label(actor),
            reason="registered",
            at=timezone.now(),
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
    """§1.5: extend the validity by one term from the old expiry date (no gap, no overlap)
    and keep only the services renewed. A renewal decided after the old expiry date still
    finds the licence in force (renewal_pending), so nothing lapsed in between."""
    from licensing.services.decisions import decision_record

    with transaction.atomic():
        licence = Licence.objects.select_for_update().get(pk=licence_id)
        if licence.status not in (L.VALID, L.EXPIRING, L.RENEWAL_PENDING):
            raise Conflict(_("Only a licence in force can be renewed."), code="invalid_transition")
        before = {
            "valid_until": licence.valid_until,
            "categories": licence.categories,
            "status": licence.status,
        }
        cats = list(application.categories.all())
        licence.valid_until = add_years(licence.valid_until, _validity_years(cats))
        # §1.5: only the services renewed (those actually operated) stay on the licence.
        licence.categories = application.category_codes
        licence.coverage = sorted(application.coverage)
        licence.save(update_fields=["valid_until", "categories", "coverage", "updated_at"])
        new_status = time_status(licence.valid_until)
        if licence.status != new_status:
            licence = licence_transition(
                licence_id=licence.pk, to=new_status, actor=actor, reason="renewed", resign=False
            )
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
        decision_record(
            actor=actor,
            kind=DecisionKind.RENEWAL,
            licence=licence,
            source_ref=f"licensing.application:{application.pk}",
        )
    return licence


def licence_change_apply(*, actor, licence_id: int, application: Application) -> Licence:
    """§1.5 prior-approval change (services or coverage): the approved change becomes a new
    signed version of the same licence, same number and validity."""
    from licensing.services.decisions import decision_record

    with transaction.atomic():
        licence = Licence.objects.select_for_update().get(pk=licence_id)
        if licence.status not in (L.VALID, L.EXPIRING, L.RENEWAL_PENDING):
            raise Conflict(_("Only a licence in force can be changed."), code="invalid_transition")
        before = {"categories": licence.categories, "coverage": licence.coverage}
        licence.categories = application.category_codes
        licence.coverage = sorted(application.coverage)
        licence.save(update_fields=["categories", "coverage", "updated_at"])
        audit.record(
            actor=actor,
            action="licensing.licence.changed",
            obj=licence,
            before=before,
            after={"categories": licence.categories, "coverage": licence.coverage},
        )
        sign_version(actor=actor, licence=licence, change="changed")
        decision_record(
            actor=actor,
            kind=DecisionKind.CHANGE,
            licence=licence,
            source_ref=f"licensing.application:{application.pk}",
        )
    return licence


def _check_actor(actor, licence: Licence, src: str, to: str) -> None:
    if is_system(actor):
        return
    if scoping.role_of(actor) == Role.ENTERPRISE:
        if actor.enterprise_id != licence.enterprise_id or (src, to) not in ENTERPRISE_EDGES:
            raise NotFound(_("Not found."))
        return
    require_licence_authority(actor, licence.issuer_id)


def licence_transition(
    *,
    licence_id: int,
    to: str,
    actor,
    reason: str = "",
    legal_basis: str = "",
    source_ref: str = "",
    resign: bool | None = None,
) -> Licence:
    """Move one licence along an allowed edge (409 otherwise), as an actor of the issuing
    authority (404 otherwise)."""
    with transaction.atomic():
        licence = Licence.objects.select_for_update().filter(pk=licence_id).first()
        if licence is None:
            raise NotFound(_("Not found."))
        src = licence.status
        _check_actor(actor, licence, src, to)
        if to not in ALLOWED.get(src, set()):
            raise Conflict(
                _("A licence in status %(src)s cannot move to %(to)s.") % {"src": src, "to": to},
                code="invalid_transition",
            )
        if to == L.VALID and src in (L.SUSPENDED, L.RENEWAL_PENDING):
            to = time_status(licence.valid_until)  # back into what the dates say
        licence.status = to
        licence.status_reason = reason
        licence.status_legal_basis = legal_basis
        licence.save(update_fields=["status", "status_reason", "status_legal_basis", "updated_at"])
        LicenceEvent.objects.create(
            licence=licence,
            from_status=src,
            to_status=to,
            actor_label=actor_label(actor),
            reason=reason,
            legal_basis=legal_basis,
            source_ref=source_ref,
            at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action=f"licensing.licence.{to}",
            obj=licence,
            before={"status": src},
            after={"status": to, "legal_basis": legal_basis, "source_ref": source_ref},
            reason=reason,
        )
        _notify_holder(licence, to, reason)
        if resign is None:
            resign = to in RESIGNED or src == L.SUSPENDED
        if resign:
            sign_version(actor=actor, licence=licence, change=to, reason=reason)
    return licence


def _notify_holder(licence: Licence, to: str, reason: str) -> None:
    from licensing.services.notifications import enterprise_users, notify

    subject = _("Licence %(number)s: %(status)s") % {"number": licence.number, "status": L(to).label}
    body = "\n".join(x for x in (subject, reason) if x)
    notify(
        users=enterprise_users(licence.enterprise_id),
        subject=subject,
        body=body,
        obj=licence,
        event=f"status:{to}:{licence.updated_at.isoformat()}",
    )


def _officer_licence(actor, licence_id: int) -> None:
    lic = Licence.objects.filter(pk=licence_id).values_list("issuer_id", flat=True).first()
    if lic is None:
        raise NotFound(_("Not found."))
    require_officer_of(actor, lic)


def licence_suspend(*, actor, licence_id: int, reason: str) -> Licence:
    _officer_licence(actor, licence_id)
    return licence_transition(
        licence_id=licence_id, to=L.SUSPENDED, actor=actor, reason=require_reason(reason)
    )


def licence_reinstate(*, actor, licence_id: int, reason: str) -> Licence:
    _officer_licence(actor, licence_id)
    return licence_transition(licence_id=licence_id, to=L.VALID, actor=actor, reason=require_reason(reason))


def licence_cancel(*, actor, licence_id: int, reason: str, source_ref: str = "") -> Licence:
    """注销 (§1.5): the licence ends at the holder's request; a new signed version says so."""
    from licensing.services.decisions import decision_record

    _officer_licence(actor, licence_id)
    with transaction.atomic():
        licence = licence_transition(
            licence_id=licence_id,
            to=L.CANCELLED,
            actor=actor,
            reason=require_reason(reason),
            source_ref=source_ref,
        )
        decision_record(
            actor=actor,
            kind=DecisionKind.CANCELLATION,
            licence=licence,
            source_ref=source_ref or f"licensing.licence:{licence.number}:cancelled",
        )
    return licence


def _end_and_list(
    *,
    actor,
    licence_id: int,
    to: str,
    reason: str,
    legal_basis: str,
    source_ref: str,
    rule_code: str,
    kind: str,
) -> Licence:
    from licensing.services.decisions import decision_record

    reason = require_reason(reason)
    legal_basis = (legal_basis or "").strip() or str(conf.get("DEFAULT_LEGAL_BASIS"))
    with transaction.atomic():
        current = Licence.objects.filter(pk=licence_id).values_list("issuer_id", flat=True).first()
        if current is None:
            raise NotFound(_("Not found."))
        require_licence_authority(actor, current)
        licence = licence_transition(
            licence_id=licence_id,
            to=to,
            actor=actor,
            reason=reason,
            legal_basis=legal_basis,
            source_ref=source_ref,
        )
        ref = source_ref or f"licensing.licence:{licence.number}:{to}"
        # §2.2: a revoked licence, and one obtained by fraud or a false commitment, both list
        # the holder as dishonest; the credit rule catalogue decides how (directly).
        list_holder(
            actor=actor,
            enterprise=licence.enterprise,
            list_kind="dishonest",
            rule_code=rule_code,
            reason=reason,
            authority=licence.issuer_id,
            source_ref=ref,
            licence_numbers=[licence.number],
        )
        decision_record(actor=actor, kind=kind, licence=licence, source_ref=ref, detail=legal_basis)
    return licence


def licence_revoke(
    *, actor, licence_id: int, reason: str, legal_basis: str = "", source_ref: str = ""
) -> Licence:
    """吊销: a penalty for conduct after the grant (the enforcement app calls this with
    ``source_ref=f"penalty:{decision_id}"``). Terminal; the holder is listed as dishonest."""
    return _end_and_list(
        actor=actor,
        licence_id=licence_id,
        to=L.REVOKED,
        reason=reason,
        legal_basis=legal_basis,
        source_ref=source_ref,
        rule_code=str(conf.get("REVOCATION_LIST_RULE")),
        kind=DecisionKind.REVOCATION,
    )


def licence_withdraw(
    *, actor, licence_id: int, reason: str, legal_basis: str = "", source_ref: str = ""
) -> Licence:
    """撤销: the grant itself is undone (obtained by fraud or a false commitment). Terminal;
    the holder is listed as dishonest."""
    return _end_and_list(
        actor=actor,
        licence_id=licence_id,
        to=L.WITHDRAWN,
        reason=reason,
        legal_basis=legal_basis,
        source_ref=source_ref,
        rule_code=str(conf.get("WITHDRAWAL_LIST_RULE")),
        kind=DecisionKind.WITHDRAWAL,
    )


def licence_resign_for_enterprise(*, actor, enterprise, reason: str) -> int:
    """§1.7: the registered facts on every live licence of ``enterprise`` changed; each gets
    a new signed version and the old one then verifies as ``superseded``."""
    done = 0
    live = Licence.objects.filter(enterprise=enterprise).exclude(
        status__in=[L.CANCELLED, L.REVOKED, L.WITHDRAWN]
    )
    for pk in list(live.order_by("pk").values_list("pk", flat=True)):
        licence = Licence.objects.select_for_update().select_related("enterprise").get(pk=pk)
        sign_version(actor=actor, licence=licence, change="holder_changed", reason=reason)
        done += 1
    return done
