"""Service catalogue rules (§1.1, §1.8) and the versioned conditions statement (§1.3)."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Forbidden
from licensing import conf
from licensing.models import MIIT, ConditionsStatement, ServiceCategory, ServiceKind
from regulator import audit, canonical, provinces, scoping
from regulator.models import Role


def notify_commit_allowed(category: ServiceCategory) -> bool:
    return category.code in set(conf.get("NOTIFY_COMMIT_CATEGORIES"))


def resolve_categories(codes: list[str]) -> list[ServiceCategory]:
    wanted = sorted({str(c).strip().upper() for c in codes})
    if not wanted:
        raise ApplicationError(
            _("Choose at least one service category."), errors={"categories": [_("Required.")]}
        )
    found = {c.code: c for c in ServiceCategory.objects.filter(code__in=wanted, active=True)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        raise ApplicationError(
            _("Unknown service category."),
            errors={"categories": [_("Not in the catalogue: %s") % ", ".join(unknown)]},
        )
    return [found[c] for c in wanted]


def resolve_coverage(codes: list[str]) -> list[str]:
    wanted = sorted({str(c).strip() for c in codes})
    if not wanted:
        raise ApplicationError(_("Choose the provinces covered."), errors={"coverage": [_("Required.")]})
    unknown = [c for c in wanted if c not in provinces.BY_CODE]
    if unknown:
        raise ApplicationError(
            _("Unknown province."),
            errors={"coverage": [_("Unknown province codes: %s") % ", ".join(unknown)]},
        )
    return wanted


def issuer_for(categories: list[ServiceCategory], coverage: list[str]) -> str:
    """§1.1: basic services and coverage of two or more provinces → MIIT; else the CA."""
    if any(c.kind == ServiceKind.BASIC for c in categories) or len(coverage) >= 2:
        return MIIT
    return coverage[0]


def capital_threshold(categories: list[ServiceCategory], coverage: list[str]) -> Decimal:
    cross = len(coverage) >= 2
    best = Decimal(0)
    for cat in categories:
        one_default, cross_default = conf.capital_thresholds(cat.kind)
        own = cat.min_capital_cross_region if cross else cat.min_capital_one_province
        value = own if own is not None else (cross_default if cross else one_default)
        best = max(best, Decimal(value))
    return best


def category_thresholds_update(
    *,
    actor,
    code: str,
    min_capital_one_province=None,
    min_capital_cross_region=None,
    active=None,
    reason: str = "",
) -> ServiceCategory:
    """Change a category's capital thresholds (blank = the setting's default, §1.1) or
    whether it is open. These values decide applications, so the change is audited and
    needs a reason (issue 8 point 4: the admin writes through here, never directly)."""
    from licensing.services.common import require_reason

    reason = require_reason(reason)
    errors = {}
    values = {
        "min_capital_one_province": min_capital_one_province,
        "min_capital_cross_region": min_capital_cross_region,
    }
    for field, value in values.items():
        if value is not None and Decimal(value) < 0:
            errors[field] = [_("Must not be negative.")]
    if errors:
        raise ApplicationError(_("Invalid thresholds."), errors=errors)
    with transaction.atomic():
        row = ServiceCategory.objects.select_for_update().filter(code=code).first()
        if row is None:
            raise ApplicationError(
                _("Unknown service category."), errors={"code": [_("Not in the catalogue.")]}
            )
        before = {
            "min_capital_one_province": row.min_capital_one_province,
            "min_capital_cross_region": row.min_capital_cross_region,
            "active": row.active,
        }
        row.min_capital_one_province = min_capital_one_province
        row.min_capital_cross_region = min_capital_cross_region
        if active is not None:
            row.active = bool(active)
        row.save()
        audit.record(
            actor=actor,
            action="licensing.catalogue.thresholds_updated",
            obj=row,
            before=before,
            after={
                "min_capital_one_province": row.min_capital_one_province,
                "min_capital_cross_region": row.min_capital_cross_region,
                "active": row.active,
            },
            reason=reason,
        )
    return row


def statement_current() -> ConditionsStatement | None:
    return ConditionsStatement.objects.order_by("-version").first()


def statement_publish(*, actor, text: str) -> ConditionsStatement:
    """A new version of the notify-and-commit conditions statement (§1.3). It binds every
    authority's applicants, so only MIIT's officers publish it (issue 8)."""
    if not isinstance(actor, str) and not (
        scoping.role_of(actor) == Role.OFFICER and scoping.is_national(actor)
    ):
        raise Forbidden(_("Only an MIIT licensing officer may publish the conditions statement."))
    text = (text or "").strip()
    if len(text) < 20:
        raise ApplicationError(
            _("The statement is too short."), errors={"text": [_("At least 20 characters.")]}
        )
    with transaction.atomic():
        # Lock the head so two publishers cannot both take the same next version.
        head = ConditionsStatement.objects.select_for_update().order_by("-version").first()
        st = ConditionsStatement.objects.create(
            version=(head.version + 1) if head else 1,
            text=text,
            text_sha256=canonical.sha256_hex(text),
            published_at=timezone.now(),
            published_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record(
            actor=actor,
            action="licensing.conditions.published",
            obj=st,
            before={"version": head.version} if head else None,
            after={"version": st.version, "text_sha256": st.text_sha256},
        )
    return st


def catalogue_sync(*, actor) -> int:
    """Make the catalogue rows match ``licensing.catalogue`` (names and kinds; thresholds
    edited by staff are kept) and make sure a conditions statement exists. Idempotent;
    migration 0002 does the same on a fresh database."""
    from licensing.catalogue import CATALOGUE, DEFAULT_CONDITIONS_STATEMENT

    changed = 0
    with transaction.atomic():
        for code, name_zh, name_en, kind in CATALOGUE:
            row, created = ServiceCategory.objects.get_or_create(
                code=code, defaults={"name_zh": name_zh, "name_en": name_en, "kind": kind}
            )
            if created or (row.name_zh, row.name_en, row.kind) != (name_zh, name_en, kind):
                before = (
                    None if created else {"name_zh": row.name_zh, "name_en": row.name_en, "kind": row.kind}
                )
                row.name_zh, row.name_en, row.kind = name_zh, name_en, kind
                row.save()
                audit.record(
                    actor=actor,
                    action="licensing.catalogue.synced",
                    obj=row,
                    before=before,
                    after={"name_zh": name_zh, "name_en": name_en, "kind": kind},
                )
                changed += 1
    if statement_current() is None:
        statement_publish(actor=actor, text=DEFAULT_CONDITIONS_STATEMENT.strip())
        changed += 1
    return changed
