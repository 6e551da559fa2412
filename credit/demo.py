"""Credit demo data: ledger history, scores in every grade, active and removed entries on
both lists. Idempotent: every write carries a source reference or idempotency key, and a
marker entry stops reruns from adding anything."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from credit import services
from credit import transitions as tr
from credit.models import LedgerEntry, ListStatus, RemovalReason
from credit.services.lists import _publish
from regulator import provinces
from regulator.demo import demo_codes
from regulator.models import Enterprise

ACTOR = "demo loader"


def _authority(ent) -> str:
    """The provincial communications administration where the enterprise is registered."""
    return ent.province


def _published(**kw):
    """A listing whose objection window the demo history has already seen pass: proposed,
    notified, then published through the same transition as the daily sweep."""
    e = services.list_entry_propose(actor=ACTOR, **kw)
    if e.status == ListStatus.NOTIFIED:
        e = _publish(actor=ACTOR, entry_id=e.pk, reason="异议期届满")
    return e


def _post(ent, rule, key, days_ago=30):
    return services.ledger_post(
        actor=ACTOR,
        enterprise=ent,
        rule_code=rule,
        source_ref=f"demo:{key}",
        idempotency_key=f"demo:{key}",
        effective_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def load() -> str:
    codes = [c for c, _p, _c in demo_codes()]
    ents = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=codes)}
    ents = [ents[c] for c in codes if c in ents]
    if len(ents) < 60:
        return "skipped: kernel demo enterprises missing"
    if LedgerEntry.objects.filter(idempotency_key__startswith="demo:").exists():
        return "already loaded"
    before = LedgerEntry.objects.count()
    with transaction.atomic():
        for i, ent in enumerate(ents[2:120], start=2):
            # A spread of bonuses so that grades AA, A, B and C all occur.
            if i % 3 == 0:
                _post(ent, "BONUS_ANNUAL_REPORT", f"{i}:ar", 60)
            if i % 7 == 0:
                _post(ent, "BONUS_CLEAN_INSPECTION", f"{i}:insp", 90)
            if i % 11 == 0:
                _post(ent, "COMPLAINT_TIMELINESS", f"{i}:cmp", 45)
            if i % 13 == 0:
                _post(ent, "BONUS_EXEMPLARY", f"{i}:ex", 120)
            if i % 17 == 0:  # an old posting that the expiry sweep compensates
                _post(ent, "BONUS_THREE_YEARS_CLEAN", f"{i}:old", 400)
        # Bad list: published annual-report entries, some later removed when filed.
        for i, ent in enumerate(ents[20:40]):
            e = _published(
                enterprise=ent,
                list_kind="bad",
                rule_code="BAD_ANNUAL_REPORT",
                reason="未按期报送2025年度年报",
                authority=_authority(ent),
                source_ref=f"demo:ar2025:{ent.uscc}",
            )
            if i % 4 == 0 and e.status == ListStatus.PUBLISHED:
                services.list_entry_remove_for_source(
                    actor=ACTOR, enterprise=ent, source_ref=e.source_ref, reason="年报已补报并经确认"
                )
        # Penalty-based bad entries: proposed and notified (inside the objection window).
        for i, ent in enumerate(ents[40:50]):
            e = services.list_entry_propose(
                actor=ACTOR,
                enterprise=ent,
                list_kind="bad",
                rule_code="BAD_PENALTY",
                reason=f"行政处罚决定书 {provinces.BY_CODE[ent.province].abbr}通管罚〔2026〕{i + 1}号",
                authority=_authority(ent),
                source_ref=f"demo:pen:{ent.uscc}",
                notify=False,
            )
            if e.status == ListStatus.PROPOSED:
                services.list_entry_notify(actor=ACTOR, entry_id=e.pk, reason="书面告知")
        # Dishonest list: revoked licences (C grade), one withdrawn after review.
        for ent in ents[50:58]:
            services.list_entry_propose(
                actor=ACTOR,
                enterprise=ent,
                list_kind="dishonest",
                rule_code="DISHONEST_REVOKED",
                reason="吊销增值电信业务经营许可证",
                authority=_authority(ent),
                source_ref=f"demo:rev:{ent.uscc}",
            )
        for ent in ents[58:60]:
            e = services.list_entry_propose(
                actor=ACTOR,
                enterprise=ent,
                list_kind="dishonest",
                rule_code="DISHONEST_PENALTY_UNFULFILLED",
                reason="逾期未履行行政处罚决定",
                authority=_authority(ent),
                source_ref=f"demo:unf:{ent.uscc}",
                notify=False,
            )
            if e.status == ListStatus.PROPOSED:
                services.list_entry_withdraw(actor=ACTOR, entry_id=e.pk, reason="已在期限内履行")
        # A dishonest entry repaired (the demo stands in for one published over a year ago).
        ent = ents[61]
        e = _published(
            enterprise=ent,
            list_kind="dishonest",
            rule_code="DISHONEST_PENALTY_UNFULFILLED",
            reason="逾期未履行行政处罚决定",
            authority=_authority(ent),
            source_ref=f"demo:rep:{ent.uscc}",
        )
        tr.transition(
            entry_id=e.pk,
            to=ListStatus.REMOVED,
            actor=ACTOR,
            action="removed",
            reason="信用修复已完成",
            removal_reason=RemovalReason.REPAIRED,
        )
        # Escalation: a second published penalty entry within 3 years → dishonest proposal.
        ent = ents[60]
        for n in (1, 2):
            _published(
                enterprise=ent,
                list_kind="bad",
                rule_code="BAD_PENALTY",
                reason=f"行政处罚决定书 第{n}号",
                authority=_authority(ent),
                source_ref=f"demo:esc{n}:{ent.uscc}",
            )
    expired = services.sweep_expire_points()
    return f"{LedgerEntry.objects.count() - before} ledger entries added ({expired} expiries)"
