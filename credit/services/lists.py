"""List entries (issue 3 §4): proposal, notice, publication, removal and escalation."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from credit import conf
from credit import transitions as tr
from credit.models import ListEntry, ListKind, ListStatus, RemovalReason
from credit.services.common import lock_account
from credit.services.ledger import post_locked, rule_by_code
from regulator import audit
from regulator.dates import add_years

S = ListStatus


def _clean_licences(numbers: list[str] | None) -> str:
    cleaned = [n.strip() for n in (numbers or []) if n and n.strip()]
    text = ", ".join(dict.fromkeys(cleaned))
    if len(text) > 500:
        raise ApplicationError(_("Too many licence numbers."), errors={"licence_numbers": [_("Too long.")]})
    return text


def list_entry_propose(
    *,
    actor,
    enterprise,
    list_kind: str,
    rule_code: str,
    reason: str,
    authority: str,
    source_ref: str = "",
    licence_numbers: list[str] | None = None,
    immediate: bool = False,
    notify: bool | None = None,
) -> ListEntry:
    """Decide a listing and post its points. ``immediate`` publishes at once with no
    objection window, for cases the law lists directly (e.g. licence revoked, §2.2).

    Otherwise the notice goes out at once (``notify``; default CREDIT_NOTIFY_ON_PROPOSE),
    which opens the objection window. Idempotent per (enterprise, list_kind, source_ref)
    when source_ref is given."""
    if list_kind not in ListKind.values:
        raise ApplicationError(_("Unknown list."), errors={"list_kind": [_("Choose bad or dishonest.")]})
    if not reason.strip() or not authority.strip():
        errors = {}
        if not reason.strip():
            errors["reason"] = [_("Required.")]
        if not authority.strip():
            errors["authority"] = [_("Required.")]
        raise ApplicationError(_("Reason and deciding authority are required."), errors=errors)
    licences = _clean_licences(licence_numbers)
    with transaction.atomic():
        account = lock_account(enterprise.pk)
        if source_ref:
            existing = (
                ListEntry.objects.filter(enterprise=enterprise, list_kind=list_kind, source_ref=source_ref)
                .exclude(status=S.REMOVED)
                .first()
            )
            if existing is not None:
                return existing
        rule = rule_by_code(rule_code)
        if rule.list_effect != list_kind:
            raise ApplicationError(
                _("This rule does not lead to that list."),
                errors={
                    "rule": [
                        _("Rule %(code)s has list effect %(effect)s.")
                        % {"code": rule.code, "effect": rule.list_effect}
                    ]
                },
            )
        entry = ListEntry.objects.create(
            enterprise=enterprise,
            enterprise_name=enterprise.name,
            enterprise_uscc=enterprise.uscc,
            province=enterprise.province,
            licence_numbers=licences,
            list_kind=list_kind,
            rule=rule,
            rule_version=rule.version,
            reason=reason.strip(),
            legal_basis=rule.legal_basis,
            authority=authority.strip(),
            source_ref=source_ref,
            status=S.PROPOSED,
            decided_on=timezone.localdate(),
        )
        posting = post_locked(
            account=account, actor=actor, rule=rule, source_ref=f"list-entry:{entry.pk}", note=reason.strip()
        )
        entry.ledger_entry = posting
        entry.save(update_fields=["ledger_entry", "updated_at"])
        tr.record_event(entry=entry, actor=actor, frm="", to=S.PROPOSED, action="proposed", reason=reason)
        audit.record(
            actor=actor,
            action="credit.list_entry_proposed",
            obj=entry,
            after=tr.snapshot(entry),
            reason=reason,
        )
        if immediate:
            tr.transition(
                entry_id=entry.pk,
                to=S.NOTIFIED,
                actor=actor,
                action="notified",
                reason=_("Listed directly by law; no objection window."),
                objection_window=False,
            )
            entry = list_entry_publish(actor=actor, entry_id=entry.pk, reason=reason, force=True)
        elif conf.get("CREDIT_NOTIFY_ON_PROPOSE") if notify is None else notify:
            entry = list_entry_notify(actor=actor, entry_id=entry.pk, reason=_("Notice of intended listing."))
    return entry


def list_entry_notify(*, actor, entry_id: int, reason: str = "") -> ListEntry:
    return tr.transition(
        entry_id=entry_id,
        to=S.NOTIFIED,
        actor=actor,
        action="notified",
        reason=reason,
        expect_from=frozenset({S.PROPOSED}),
    )


def list_entry_publish(*, actor, entry_id: int, reason: str = "", force: bool = False) -> ListEntry:
    """Publish once the objection window is over (``force`` only for direct listings)."""
    with transaction.atomic():
        entry = ListEntry.objects.filter(pk=entry_id).first()
        if entry is None:
            raise NotFound(_("Not found."))
        today = timezone.localdate()
        if not force and entry.objection_due_on and today <= entry.objection_due_on:
            raise Conflict(
                _("The objection window is open until %(day)s.") % {"day": entry.objection_due_on},
                code="objection_window_open",
            )
        entry = tr.transition(
            entry_id=entry_id, to=S.PUBLISHED, actor=actor, action="published", reason=reason
        )
        _maybe_escalate(actor=actor, entry=entry)
    return entry


def _maybe_escalate(*, actor, entry: ListEntry) -> ListEntry | None:
    """§2.3 [D]: a second penalty-based bad-list entry within N years → dishonest list."""
    rules = conf.get("CREDIT_ESCALATION_SOURCE_RULES")
    if entry.list_kind != ListKind.BAD or entry.rule.code not in rules:
        return None
    since = add_years(entry.decided_on, -conf.get("CREDIT_ESCALATION_YEARS"))
    prior = (
        ListEntry.objects.filter(
            enterprise_id=entry.enterprise_id,
            list_kind=ListKind.BAD,
            rule__code__in=rules,
            decided_on__gte=since,
            published_on__isnull=False,
        )
        .exclude(pk=entry.pk)
        .exclude(removal_reason__in=[RemovalReason.OBJECTION_UPHELD, RemovalReason.WITHDRAWN])
    )
    if not prior.exists():
        return None
    return list_entry_propose(
        actor=actor,
        enterprise=entry.enterprise,
        list_kind=ListKind.DISHONEST,
        rule_code=conf.get("CREDIT_ESCALATION_RULE"),
        reason=_("Second penalty-based bad-list entry within %(n)s years (entry %(id)s).")
        % {"n": conf.get("CREDIT_ESCALATION_YEARS"), "id": entry.pk},
        authority=entry.authority,
        source_ref=f"escalation:{entry.pk}",
        licence_numbers=[n for n in entry.licence_numbers.split(", ") if n],
    )


def list_entry_remove(*, actor, entry_id: int, removal_reason: str, reason: str) -> ListEntry:
    if removal_reason not in RemovalReason.values:
        raise ApplicationError(_("Unknown removal reason."), errors={"removal_reason": [_("Unknown.")]})
    return tr.transition(
        entry_id=entry_id,
        to=S.REMOVED,
        actor=actor,
        action="removed",
        reason=reason,
        removal_reason=removal_reason,
    )


def list_entry_withdraw(*, actor, entry_id: int, reason: str) -> ListEntry:
    return list_entry_remove(
        actor=actor, entry_id=entry_id, removal_reason=RemovalReason.WITHDRAWN, reason=reason
    )


def list_entry_remove_for_source(*, actor, enterprise, source_ref: str, reason: str) -> int:
    """Remove every open entry of ``enterprise`` with ``source_ref`` (late annual report
    filed and confirmed, §1.6/§2.3). Returns how many were removed."""
    if not source_ref:
        raise ApplicationError(_("A source reference is required."), errors={"source_ref": [_("Required.")]})
    with transaction.atomic():
        ids = list(
            ListEntry.objects.filter(enterprise=enterprise, source_ref=source_ref)
            .exclude(status=S.REMOVED)
            .values_list("pk", flat=True)
        )
        for pk in ids:
            tr.transition(
                entry_id=pk,
                to=S.REMOVED,
                actor=actor,
                action="removed",
                reason=reason,
                removal_reason=RemovalReason.REPORT_FILED,
            )
    return len(ids)
