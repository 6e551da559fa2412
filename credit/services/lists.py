"""List entries (REGULATION.md §2.1–§2.3): proposal, written notice and its delivery,
publication (which posts the points), removal, withdrawal on annulment, escalation."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from credit import access, conf
from credit import transitions as tr
from credit.models import ListEntry, ListKind, ListStatus, NoticeMethod, RemovalReason
from credit.services.common import lock_account
from credit.services.ledger import rule_by_code
from regulator import audit, calendar
from regulator.dates import add_years
from regulator.models import Authority, Role

S = ListStatus
OPEN = frozenset({S.PROPOSED, S.NOTIFIED, S.OBJECTED, S.PUBLISHED})
SUPERVISORS = (Role.SUPERVISOR,)


def _clean_licences(numbers: list[str] | None) -> str:
    cleaned = [n.strip() for n in (numbers or []) if n and n.strip()]
    text = ", ".join(dict.fromkeys(cleaned))
    if len(text) > 500:
        raise ApplicationError(_("Too many licence numbers."), errors={"licence_numbers": [_("Too long.")]})
    return text


def _required(**fields: str) -> None:
    missing = {k: [_("Required.")] for k, v in fields.items() if not (v or "").strip()}
    if missing:
        raise ApplicationError(_("Some required fields are empty."), errors=missing)


def _entry_in_reach(actor, entry_id: int, *roles: str) -> ListEntry:
    entry = ListEntry.objects.select_related("enterprise", "rule").filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("Not found."))
    access.require_on(actor, entry.enterprise, *roles)
    return entry


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
    notify: bool | None = None,
    requires_fulfilment: bool = False,
) -> ListEntry:
    """Decide a listing. Nothing moves the score until publication (§2.3, issue 10).

    A rule flagged ``direct_listing`` in the catalogue (licence revoked, §2.2) is published
    at once; the firm may still object within the window that runs from the notice.
    Otherwise the written notice goes out at once (``notify``; default
    CREDIT_NOTIFY_ON_PROPOSE). ``authority`` is an Authority code. Idempotent per
    (enterprise, list_kind, source_ref) when source_ref is given."""
    if list_kind not in ListKind.values:
        raise ApplicationError(_("Unknown list."), errors={"list_kind": [_("Choose bad or dishonest.")]})
    _required(reason=reason)
    access.require_on(actor, enterprise, *access.DECIDERS)
    auth = access.deciding_authority(actor, authority)
    licences = _clean_licences(licence_numbers)
    with transaction.atomic():
        lock_account(enterprise.pk)  # serialises proposals per enterprise: the source check holds
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
            deciding_authority=auth,
            authority=auth.name_zh,
            source_ref=source_ref,
            requires_fulfilment=requires_fulfilment,
            status=S.PROPOSED,
            decided_on=timezone.localdate(),
        )
        tr.record_event(entry=entry, actor=actor, frm="", to=S.PROPOSED, action="proposed", reason=reason)
        audit.record(
            actor=actor,
            action="credit.list_entry_proposed",
            obj=entry,
            after=tr.snapshot(entry),
            reason=reason,
        )
        if rule.direct_listing:
            _notify(
                actor=actor,
                entry_id=entry.pk,
                method=NoticeMethod.PLATFORM,
                reason=_("Listed directly by law."),
            )
            entry = _publish(actor=actor, entry_id=entry.pk, reason=_("Listed directly by law (§2.2)."))
        elif conf.get("CREDIT_NOTIFY_ON_PROPOSE") if notify is None else notify:
            entry = _notify(
                actor=actor,
                entry_id=entry.pk,
                method=NoticeMethod.PLATFORM,
                reason=_("Notice of intended listing."),
            )
    return entry


def notice_text_for(entry: ListEntry) -> str:
    """The written notice (告知书) as stored and shown to the enterprise. Chinese on purpose:
    it is the legal document served, kept verbatim with the entry."""
    days = conf.get("CREDIT_OBJECTION_WINDOW_WORKING_DAYS")
    return (
        f"{entry.enterprise_name}（统一社会信用代码 {entry.enterprise_uscc}）：\n"
        f"{entry.authority}拟将你单位列入{entry.get_list_kind_display()}。\n"
        f"事由：{entry.reason}\n依据：{entry.legal_basis}\n"
        f"你单位可自本告知书送达之日起{days}个工作日内提出异议。"
    )


def _window(delivered_on: dt.date) -> dict:
    days = conf.get("CREDIT_OBJECTION_WINDOW_WORKING_DAYS")
    return {
        "notice_delivered_on": delivered_on,
        "objection_due_on": calendar.add_working_days(delivered_on, days),
        "calendar_version": calendar.version(),
    }


def _notify(*, actor, entry_id: int, method: str, reason: str, text: str = "") -> ListEntry:
    entry = ListEntry.objects.get(pk=entry_id)
    today = timezone.localdate()
    fields = {
        "notified_on": today,
        "notice_method": method,
        "notice_text": text.strip() or notice_text_for(entry),
    }
    # §2.3 送达: display on the platform counts as delivery when the setting says so; any
    # other way of serving waits for the recorded delivery date.
    if method == NoticeMethod.PLATFORM and conf.get("CREDIT_PLATFORM_DISPLAY_IS_DELIVERY"):
        fields.update(_window(today))
    return tr.transition(
        entry_id=entry_id,
        to=S.NOTIFIED,
        actor=actor,
        action="notified",
        reason=reason,
        expect_from=frozenset({S.PROPOSED}),
        fields=fields,
    )


def list_entry_notify(
    *, actor, entry_id: int, reason: str = "", method: str = NoticeMethod.PLATFORM, notice_text: str = ""
) -> ListEntry:
    """Serve the written notice of an intended listing; its text is stored."""
    if method not in NoticeMethod.values:
        raise ApplicationError(_("Unknown way of serving."), errors={"method": [_("Unknown.")]})
    _entry_in_reach(actor, entry_id, *SUPERVISORS)
    return _notify(actor=actor, entry_id=entry_id, method=method, reason=reason, text=notice_text)


def list_entry_notice_delivered(
    *, actor, entry_id: int, delivered_on: dt.date, reason: str = ""
) -> ListEntry:
    """Record when the notice reached the enterprise; the objection window runs from then."""
    entry = _entry_in_reach(actor, entry_id, *SUPERVISORS)
    today = timezone.localdate()
    if delivered_on > today or (entry.notified_on and delivered_on < entry.notified_on):
        raise ApplicationError(
            _("Invalid delivery date."), errors={"delivered_on": [_("Between the notice and today.")]}
        )
    if entry.notice_delivered_on is not None:
        raise Conflict(_("Delivery is already recorded."), code="already_delivered")
    # A direct listing is published before its notice is served; its window runs from delivery too.
    states = frozenset({S.NOTIFIED, S.PUBLISHED}) if entry.rule.direct_listing else frozenset({S.NOTIFIED})
    return tr.amend(
        entry_id=entry_id,
        actor=actor,
        action="notice_delivered",
        reason=reason,
        fields=_window(delivered_on),
        allowed_in=states,
    )


def list_entry_publish(*, actor, entry_id: int, reason: str = "") -> ListEntry:
    """Publish once the notice was delivered and the objection window is over."""
    entry = _entry_in_reach(actor, entry_id, *SUPERVISORS)
    if entry.status == S.NOTIFIED and entry.notice_delivered_on is None:
        raise Conflict(_("The notice has not been delivered yet."), code="notice_not_delivered")
    if entry.objection_due_on and timezone.localdate() <= entry.objection_due_on:
        raise Conflict(
            _("The objection window is open until %(day)s.") % {"day": entry.objection_due_on},
            code="objection_window_open",
        )
    return _publish(actor=actor, entry_id=entry_id, reason=reason)


def _publish(*, actor, entry_id: int, reason: str) -> ListEntry:
    with transaction.atomic():
        entry = tr.transition(
            entry_id=entry_id, to=S.PUBLISHED, actor=actor, action="published", reason=reason
        )
        _maybe_escalate(actor=actor, entry=entry)
    return entry


def _maybe_escalate(*, actor, entry: ListEntry) -> ListEntry | None:
    """§2.3 [D]: a second penalty-based bad-list entry within N years → one dishonest entry.
    Once: while an escalation entry is open, a third penalty proposes nothing more."""
    rules = conf.get("CREDIT_ESCALATION_SOURCE_RULES")
    if entry.list_kind != ListKind.BAD or entry.rule.code not in rules:
        return None
    esc_rule = conf.get("CREDIT_ESCALATION_RULE")
    if (
        ListEntry.objects.filter(enterprise_id=entry.enterprise_id, rule__code=esc_rule)
        .exclude(status=S.REMOVED)
        .exists()
    ):
        return None
    since = add_years(entry.decided_on, -conf.get("CREDIT_ESCALATION_YEARS"))
    prior = list(
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
    if not prior:
        return None
    authority = entry.deciding_authority_id or _home_authority(entry.enterprise)
    esc = list_entry_propose(
        actor=actor if access.is_system(actor) else "system",
        enterprise=entry.enterprise,
        list_kind=ListKind.DISHONEST,
        rule_code=esc_rule,
        reason=_("Second penalty-based bad-list entry within %(n)s years (entry %(id)s).")
        % {"n": conf.get("CREDIT_ESCALATION_YEARS"), "id": entry.pk},
        authority=authority,
        source_ref=f"escalation:{entry.pk}",
        licence_numbers=[n for n in entry.licence_numbers.split(", ") if n],
    )
    esc.escalation_basis.add(entry, *prior)
    return esc


def _home_authority(enterprise) -> str:
    return enterprise.province if Authority.objects.filter(code=enterprise.province).exists() else "MIIT"


def list_entry_remove(*, actor, entry_id: int, removal_reason: str, reason: str) -> ListEntry:
    """Remove an entry for a reason the state machine allows (the rule decides report_filed)."""
    # The other reasons end an entry only through their own process: the expiry sweep, a
    # granted repair, an upheld objection.
    if removal_reason not in (RemovalReason.REPORT_FILED, RemovalReason.WITHDRAWN):
        raise ApplicationError(
            _("Unknown removal reason."), errors={"removal_reason": [_("Choose report_filed or withdrawn.")]}
        )
    if removal_reason == RemovalReason.WITHDRAWN:
        return list_entry_withdraw(actor=actor, entry_id=entry_id, reason=reason)
    _required(reason=reason)
    _entry_in_reach(actor, entry_id, *SUPERVISORS)
    return tr.transition(
        entry_id=entry_id,
        to=S.REMOVED,
        actor=actor,
        action="removed",
        reason=reason,
        removal_reason=removal_reason,
    )


def _withdraw_cascade(*, actor, entries: list[ListEntry], reason: str) -> int:
    """Withdraw ``entries`` and every open escalation entry they were a basis of: annulling
    a decision takes off everything it caused (§2.3). Published points are reversed."""
    done = 0
    with transaction.atomic():
        for entry in entries:
            if entry.status != S.REMOVED:
                tr.transition(
                    entry_id=entry.pk,
                    to=S.REMOVED,
                    actor=actor,
                    action="withdrawn",
                    reason=reason,
                    removal_reason=RemovalReason.WITHDRAWN,
                )
                done += 1
        caused = (
            ListEntry.objects.filter(escalation_basis__in=[e.pk for e in entries])
            .exclude(status=S.REMOVED)
            .distinct()
        )
        recheck = set()
        for esc in caused:
            tr.transition(
                entry_id=esc.pk,
                to=S.REMOVED,
                actor=actor,
                action="withdrawn",
                reason=_("Its basis was withdrawn: %(reason)s") % {"reason": reason},
                removal_reason=RemovalReason.WITHDRAWN,
            )
            recheck.add(esc.enterprise_id)
            done += 1
        # The penalties that remain may still be two within the period: escalate on them.
        for ent_id in recheck:
            latest = (
                ListEntry.objects.filter(
                    enterprise_id=ent_id,
                    status=S.PUBLISHED,
                    list_kind=ListKind.BAD,
                    rule__code__in=conf.get("CREDIT_ESCALATION_SOURCE_RULES"),
                )
                .select_related("rule", "enterprise")
                .order_by("-decided_on", "-id")
                .first()
            )
            if latest is not None:
                _maybe_escalate(actor=actor, entry=latest)
    return done


def list_entry_withdraw(*, actor, entry_id: int, reason: str) -> ListEntry:
    """Withdraw an entry from any open status, published included (basis annulled by
    reconsideration or a court); reverses any posted points."""
    _required(reason=reason)
    entry = _entry_in_reach(actor, entry_id, *access.DECIDERS)
    if entry.status == S.REMOVED:
        raise tr.refuse(entry.status, S.REMOVED)
    _withdraw_cascade(actor=actor, entries=[entry], reason=reason)
    return ListEntry.objects.get(pk=entry_id)


def list_entry_withdraw_for_source(*, actor, source_ref: str, reason: str) -> int:
    """Withdraw every open entry with ``source_ref`` and the escalations any entry with
    that source caused. Returns how many were withdrawn; a second call returns 0."""
    _required(source_ref=source_ref, reason=reason)
    access.require_staff(actor, *access.DECIDERS)
    entries = list(ListEntry.objects.select_related("enterprise").filter(source_ref=source_ref))
    for entry in entries:
        access.require_on(actor, entry.enterprise, *access.DECIDERS)
    return _withdraw_cascade(actor=actor, entries=entries, reason=reason)


def list_entry_remove_for_source(*, actor, enterprise, source_ref: str, reason: str) -> int:
    """Remove every open entry of ``enterprise`` with ``source_ref`` because the annual report
    was filed and confirmed (§1.6/§2.3 [F S4]). Returns how many were removed."""
    _required(source_ref=source_ref, reason=reason)
    access.require_on(actor, enterprise, *access.DECIDERS)
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


def list_entry_mark_fulfilled(*, actor, source_ref: str, fulfilled_on: dt.date) -> int:
    """Record that the penalty behind the entries with ``source_ref`` was carried out: the
    condition for repairing an entry proposed with ``requires_fulfilment`` (§2.3 [F S19])."""
    _required(source_ref=source_ref)
    if fulfilled_on > timezone.localdate():
        raise ApplicationError(_("Invalid date."), errors={"fulfilled_on": [_("In the future.")]})
    access.require_staff(actor, *access.DECIDERS)
    entries = list(
        ListEntry.objects.select_related("enterprise")
        .filter(source_ref=source_ref, fulfilled_on__isnull=True)
        .exclude(status=S.REMOVED)
    )
    with transaction.atomic():
        for entry in entries:
            access.require_on(actor, entry.enterprise, *access.DECIDERS)
            tr.amend(
                entry_id=entry.pk,
                actor=actor,
                action="fulfilled",
                reason=_("Penalty carried out on %(day)s.") % {"day": fulfilled_on},
                fields={"fulfilled_on": fulfilled_on},
                allowed_in=OPEN,
            )
    return len(entries)
