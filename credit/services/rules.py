"""Rules catalogue (issue 3 §1): create and edit; each edit is a new version."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from credit.models import ListEffect, Rule, RuleVersion
from regulator import audit
from regulator.audit import actor_fields

EDITABLE = (
    "description_en",
    "description_zh",
    "points",
    "list_effect",
    "legal_basis",
    "validity_months",
    "active",
    # Catalogue flags (issue 10): direct listing by law (§2.2), ends on a filed annual report
    # (§2.3). Audited with the rule; they decide how entries move, not their points.
    "direct_listing",
    "annual_report",
)
VERSIONED = ("description_en", "description_zh", "points", "list_effect", "legal_basis", "validity_months")


def _snapshot(rule: Rule) -> dict:
    return {f: getattr(rule, f) for f in (*EDITABLE, "version")}


def _check(values: dict) -> None:
    errors = {}
    if "list_effect" in values and values["list_effect"] not in ListEffect.values:
        errors["list_effect"] = [_("Choose none, bad or dishonest.")]
    if "points" in values and values["points"] == 0:
        errors["points"] = [_("Points must not be zero.")]
    if values.get("direct_listing") and values.get("list_effect", "") == ListEffect.NONE:
        errors["direct_listing"] = [_("Only a listing rule can list directly.")]
    if "validity_months" in values and values["validity_months"] < 0:
        errors["validity_months"] = [_("Must not be negative.")]
    if errors:
        raise ApplicationError(_("Invalid rule."), errors=errors)


def _version_row(rule: Rule, actor) -> RuleVersion:
    return RuleVersion.objects.create(
        rule=rule,
        version=rule.version,
        changed_by=actor_fields(actor)[1],
        **{f: getattr(rule, f) for f in VERSIONED},
    )


def rule_create(*, actor, code: str, **values) -> Rule:
    code = code.strip().upper()
    if not code:
        raise ApplicationError(_("A code is required."), errors={"code": [_("Required.")]})
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ApplicationError(_("Unknown fields."), errors={f: [_("Unknown.")] for f in unknown})
    _check({"list_effect": ListEffect.NONE, **values})
    try:
        with transaction.atomic():
            rule = Rule.objects.create(code=code, version=1, **values)
            _version_row(rule, actor)
            audit.record(actor=actor, action="credit.rule_created", obj=rule, after=_snapshot(rule))
    except IntegrityError:
        raise Conflict(_("A rule with this code exists."), errors={"code": [_("Already exists.")]})
    return rule


def rule_update(*, actor, code: str, **changes) -> Rule:
    """Edit a rule; a change to anything entries depend on makes a new version."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ApplicationError(
            _("These fields cannot change."), errors={f: [_("Read-only.")] for f in unknown}
        )
    _check(changes)
    with transaction.atomic():
        rule = Rule.objects.select_for_update().filter(code=code).first()
        if rule is None:
            raise NotFound(_("Not found."))
        if changes.get("direct_listing") and "list_effect" not in changes:
            _check({"direct_listing": True, "list_effect": rule.list_effect})
        before = _snapshot(rule)
        changed = {k: v for k, v in changes.items() if getattr(rule, k) != v}
        if not changed:
            return rule
        for k, v in changed.items():
            setattr(rule, k, v)
        if set(changed) & set(VERSIONED):
            rule.version += 1
            _version_row(rule, actor)
        rule.save()
        audit.record(
            actor=actor, action="credit.rule_updated", obj=rule, before=before, after=_snapshot(rule)
        )
    return rule
