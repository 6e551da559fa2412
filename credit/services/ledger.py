"""The points ledger (issue 3 §2–3): append-only postings, compensating entries, and the
account kept current in the same transaction under the account's row lock."""

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.sql import InsertQuery
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from credit import access, conf, scoring
from credit.models import Account, EntryKind, LedgerEntry, ListEffect, Rule, RuleVersion
from credit.services.common import account_snapshot, create_account, grade_of, lock_account
from regulator import audit, canonical, context, scoping
from regulator.audit import actor_fields
from regulator.models import AuditEvent, Enterprise


def rule_by_code(code: str) -> Rule:
    rule = Rule.objects.filter(code=code).first()
    if rule is None:
        raise ApplicationError(
            _("Unknown credit rule."), errors={"rule": [_("No rule with code %s.") % code]}
        )
    if not rule.active:
        raise ApplicationError(_("This credit rule is retired."), errors={"rule": [_("Retired rule.")]})
    return rule


def postable_rule(code: str) -> Rule:
    rule = rule_by_code(code)
    if rule.list_effect != ListEffect.NONE:
        raise ApplicationError(
            _("This rule leads to a list; propose a list entry instead."),
            errors={"rule": [_("Rule %s is posted by its list entry at publication.") % code]},
        )
    return rule


def _content_hash(rule_code: str, source_ref: str, note: str, effective_at: dt.datetime | None) -> str:
    body = {
        "rule": rule_code,
        "source_ref": source_ref,
        "note": note,
        "effective_at": effective_at.isoformat() if effective_at else None,
    }
    return hashlib.sha256(canonical.dumps(body).encode()).hexdigest()


def _entry_record(entry: LedgerEntry) -> dict:
    return {
        "enterprise": entry.enterprise_id,
        "rule": entry.rule.code,
        "rule_version": entry.rule_version,
        "kind": entry.kind,
        "points": entry.points,
        "effective_at": entry.effective_at,
        "expires_at": entry.expires_at,
        "reverses": entry.reverses_id,
        "source_ref": entry.source_ref,
    }


def append_entry(
    *,
    account: Account,
    actor,
    rule: Rule,
    rule_version: int,
    kind: str,
    points: int,
    effective_at: dt.datetime,
    expires_at: dt.datetime | None = None,
    reverses: LedgerEntry | None = None,
    source_ref: str = "",
    note: str = "",
    idempotency_key: str | None = None,
    content_hash: str = "",
) -> LedgerEntry:
    """Insert one entry and move the (already locked) account by its points."""
    user, label = actor_fields(actor)
    before = account_snapshot(account)
    entry = LedgerEntry(
        enterprise_id=account.pk,
        rule=rule,
        rule_version=rule_version,
        kind=kind,
        points=points,
        effective_at=effective_at,
        recorded_at=timezone.now(),
        expires_at=expires_at,
        reverses=reverses,
        source_ref=source_ref,
        actor=user,
        actor_label=label,
        note=note,
        idempotency_key=idempotency_key,
        content_hash=content_hash,
    )
    entry.save(force_insert=True)
    account.score += points
    account.entry_count += 1
    account.last_entry_id = entry.pk
    account.grade = grade_of(account.score, account.on_dishonest_list)
    account.save(update_fields=["score", "entry_count", "last_entry_id", "grade", "updated_at"])
    audit.record(
        actor=actor,
        action=f"credit.ledger_{kind}",
        obj=entry,
        before=before,
        after={**_entry_record(entry), **account_snapshot(account)},
        reason=note,
    )
    return entry


def post_locked(
    *,
    account: Account,
    actor,
    rule: Rule,
    source_ref: str = "",
    note: str = "",
    effective_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
    content_hash: str = "",
    version: RuleVersion | None = None,
) -> LedgerEntry:
    """Post ``rule``'s points, or those of an earlier ``version`` of it (a listing is posted
    at publication under the version it was decided under)."""
    effective = effective_at or timezone.now()
    terms = version or rule
    return append_entry(
        account=account,
        actor=actor,
        rule=rule,
        rule_version=terms.version,
        kind=EntryKind.POSTING,
        points=terms.points,
        effective_at=effective,
        expires_at=scoring.expires_at(effective, terms.validity_months),
        source_ref=source_ref,
        note=note,
        idempotency_key=idempotency_key,
        content_hash=content_hash,
    )


def ledger_post(
    *,
    actor,
    enterprise,
    rule_code: str,
    source_ref: str = "",
    note: str = "",
    effective_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> LedgerEntry:
    """Post the rule's current points for an enterprise. A rule with a list effect is
    refused: its points are posted by its list entry at publication, after the notice and
    the objection window (§2.3), never directly.

    With an idempotency key already used for this enterprise: same content → the existing
    entry; different content → Conflict. The key is checked after taking the account lock,
    so two concurrent retries cannot both insert.
    """
    if effective_at is not None and timezone.is_naive(effective_at):
        raise ApplicationError(
            _("Times must carry a time zone."), errors={"effective_at": [_("Naive time.")]}
        )
    if effective_at is not None and effective_at > timezone.now() + dt.timedelta(minutes=5):
        raise ApplicationError(
            _("Credit events cannot take effect in the future."),
            errors={"effective_at": [_("In the future.")]},
        )
    if idempotency_key is not None and not (0 < len(idempotency_key) <= 255):
        raise ApplicationError(
            _("Idempotency key must be 1 to 255 characters."), errors={"idempotency_key": [_("Bad length.")]}
        )
    access.require_on(actor, enterprise, *access.POSTERS)
    digest = _content_hash(rule_code, source_ref, note, effective_at)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            return _post_pg(
                actor=actor,
                enterprise=enterprise,
                rule_code=rule_code,
                source_ref=source_ref,
                note=note,
                effective_at=effective_at,
                idempotency_key=idempotency_key,
                digest=digest,
            )
        # SQLite (``make demo``): the same steps, one ORM statement each.
        account = lock_account(enterprise.pk)
        if idempotency_key:
            existing = LedgerEntry.objects.filter(
                enterprise_id=enterprise.pk, idempotency_key=idempotency_key
            ).first()
            if existing is not None:
                if existing.content_hash != digest:
                    raise Conflict(
                        _("This idempotency key was already used with different content."),
                        code="idempotency_key_reused",
                    )
                return existing
        rule = postable_rule(rule_code)
        return post_locked(
            account=account,
            actor=actor,
            rule=rule,
            source_ref=source_ref,
            note=note,
            effective_at=effective_at,
            idempotency_key=idempotency_key,
            content_hash=digest,
        )


# Issue 17 §2: the PostgreSQL path of ``ledger_post`` in two statements between BEGIN and
# COMMIT (was five). Statement 1 locks the account row and, in the same round trip, reads
# the rule by code and draws the new entry's id from its sequence. The rule is read, not
# cached: a per-process cache cleared when a rule changes would be cleared only in the
# process that changed it, and every other gunicorn/Celery worker would keep posting the
# old points. Statement 2 is one data-modifying CTE: entry insert, account update, audit
# event insert. What the rows contain (points, expiry, grade, the audit snapshots and
# content hash) is still decided in Python, exactly as ``append_entry`` does.
_LOCK_SQL = """
SELECT a.score, a.grade, a.on_bad_list, a.on_dishonest_list, a.entry_count, a.last_entry_id,
       nextval(pg_get_serial_sequence('credit_ledgerentry', 'id')),
       r.id, r.code, r.version, r.points, r.validity_months, r.list_effect, r.active,
       r.description_en, r.description_zh, r.legal_basis, r.direct_listing, r.annual_report, r.updated_at
FROM credit_account a LEFT JOIN credit_rule r ON r.code = %s
WHERE a.enterprise_id = %s
FOR UPDATE OF a
"""


def _insert_sql(obj) -> tuple[str, tuple]:
    """The ORM's own INSERT for ``obj`` (values prepared by the model fields), unsent."""
    fields = [
        f for f in obj._meta.local_concrete_fields if not (f.primary_key and getattr(obj, f.attname) is None)
    ]
    query = InsertQuery(type(obj))
    query.insert_values(fields, [obj])
    sql, params = query.get_compiler(connection=connection).as_sql()[0]
    return sql, tuple(params)


def _post_pg(
    *, actor, enterprise, rule_code, source_ref, note, effective_at, idempotency_key, digest
) -> LedgerEntry:
    with connection.cursor() as cur:
        cur.execute(_LOCK_SQL, [rule_code, enterprise.pk])
        row = cur.fetchone()
        if row is None:
            # First post for this enterprise: create the account (ON CONFLICT DO NOTHING),
            # then take the same lock and read as every later post does.
            create_account(enterprise.pk)
            cur.execute(_LOCK_SQL, [rule_code, enterprise.pk])
            row = cur.fetchone()
    score, grade, on_bad, on_dishonest, count, last_id, entry_id, *rule_row = row
    # As before: the key is checked after the account lock is held (a separate statement,
    # so it sees an entry committed by the writer we waited for), and two concurrent
    # retries cannot both insert.
    if idempotency_key:
        existing = LedgerEntry.objects.filter(
            enterprise_id=enterprise.pk, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            if existing.content_hash != digest:
                raise Conflict(
                    _("This idempotency key was already used with different content."),
                    code="idempotency_key_reused",
                )
            return existing
    rule_id, code, version, points, validity, list_effect, active, *described = rule_row
    if rule_id is None or not active or list_effect != ListEffect.NONE:
        postable_rule(rule_code)  # raises the same 400 as the ORM path
    desc_en, desc_zh, legal_basis, direct, annual, rule_updated = described
    rule = Rule(
        id=rule_id,
        code=code,
        version=version,
        points=points,
        validity_months=validity,
        list_effect=list_effect,
        active=active,
        description_en=desc_en,
        description_zh=desc_zh,
        legal_basis=legal_basis,
        direct_listing=direct,
        annual_report=annual,
        updated_at=rule_updated,
    )
    rule._state.adding = False
    account = Account(
        enterprise_id=enterprise.pk,
        score=score,
        grade=grade,
        on_bad_list=on_bad,
        on_dishonest_list=on_dishonest,
        entry_count=count,
        last_entry_id=last_id,
    )
    before = account_snapshot(account)
    now = timezone.now()
    effective = effective_at or now
    user, label = actor_fields(actor)
    entry = LedgerEntry(
        id=entry_id,
        enterprise_id=enterprise.pk,
        rule=rule,
        rule_version=version,
        kind=EntryKind.POSTING,
        points=points,
        effective_at=effective,
        recorded_at=now,
        expires_at=scoring.expires_at(effective, validity),
        reverses=None,
        source_ref=source_ref,
        actor=user,
        actor_label=label,
        note=note,
        idempotency_key=idempotency_key,
        content_hash=digest,
    )
    account.score += points
    account.entry_count += 1
    account.last_entry_id = entry_id
    account.grade = grade_of(account.score, account.on_dishonest_list)
    # The event ``audit.record`` would write for ``append_entry`` (same fields, same
    # content hash); a registered enterprise's province never changes (§5).
    event = AuditEvent(
        occurred_at=now,
        actor=user,
        actor_label=label,
        action=f"credit.ledger_{EntryKind.POSTING}",
        object_type="credit.ledgerentry",
        object_id=str(entry_id),
        before=canonical.plain(before),
        after=canonical.plain({**_entry_record(entry), **account_snapshot(account)}),
        reason=note or "",
        request_id=context.request_id.get(),
        enterprise_id=enterprise.pk,
        province=enterprise.province or "",
    )
    event.content_hash = audit.content_hash(event)
    entry_sql, entry_params = _insert_sql(entry)
    event_sql, event_params = _insert_sql(event)
    with connection.cursor() as cur:
        cur.execute(
            f"WITH e AS ({entry_sql}), a AS ("  # noqa: S608 - SQL built by the ORM, values bound
            "UPDATE credit_account SET score = %s, entry_count = %s, last_entry_id = %s, grade = %s,"
            f" updated_at = %s WHERE enterprise_id = %s) {event_sql}",
            entry_params
            + (account.score, account.entry_count, entry_id, account.grade, now, enterprise.pk)
            + event_params,
        )
    entry._state.adding = False
    entry._state.db = connection.alias
    return entry


def compensate_locked(*, account: Account, actor, original: LedgerEntry, kind: str, note: str) -> LedgerEntry:
    """Post the entry that cancels ``original`` (a correction or an expiry)."""
    if original.kind != EntryKind.POSTING:
        raise Conflict(_("Only postings can be reversed or expired."))
    if LedgerEntry.objects.filter(reverses=original).exists():
        raise Conflict(_("This entry has already been reversed or has expired."), code="already_compensated")
    effective = original.expires_at if kind == EntryKind.EXPIRY else original.effective_at
    return append_entry(
        account=account,
        actor=actor,
        rule=original.rule,
        rule_version=original.rule_version,
        kind=kind,
        points=-original.points,
        effective_at=effective or timezone.now(),
        reverses=original,
        source_ref=original.source_ref,
        note=note,
    )


def ledger_reverse(*, actor, entry_id: int, reason: str) -> LedgerEntry:
    """A correction: a compensating entry pointing at the posting it reverses."""
    if not reason.strip():
        raise ApplicationError(_("A reason is required."), errors={"reason": [_("Required.")]})
    found = LedgerEntry.objects.select_related("enterprise").filter(pk=entry_id).first()
    if found is None:
        raise NotFound(_("Not found."))
    access.require_on(actor, found.enterprise, access.Role.SUPERVISOR)
    with transaction.atomic():
        account = lock_account(found.enterprise_id)
        original = LedgerEntry.objects.select_related("rule").get(pk=entry_id)
        return compensate_locked(
            account=account, actor=actor, original=original, kind=EntryKind.REVERSAL, note=reason
        )


@dataclass(frozen=True)
class Posting:
    """One line of a batch for ``ledger_post_batch``."""

    enterprise_id: int
    rule_code: str
    source_ref: str = ""
    note: str = ""
    effective_at: dt.datetime | None = None
    idempotency_key: str | None = None


def ledger_post_batch(*, actor, postings: Sequence[Posting]) -> list[LedgerEntry]:
    """Post many entries in one transaction: all or nothing (sweeps, quarterly complaint
    deductions, imports). Same rules as ``ledger_post``, per line.

    Accounts are locked in primary-key order, so two batches (or a batch and single posts,
    which hold one account at a time) can never deadlock; every account moves by the sum
    of its lines, under its lock, exactly as if the lines had been posted one by one.
    Lines whose idempotency key was already used with the same content return the existing
    entry and post nothing; a key reused with other content fails the whole batch (409).
    """
    if not postings:
        return []
    now = timezone.now()
    for i, p in enumerate(postings):
        if p.effective_at is not None and timezone.is_naive(p.effective_at):
            raise ApplicationError(
                _("Times must carry a time zone."), errors={f"{i}.effective_at": [_("Naive time.")]}
            )
        if p.idempotency_key is not None and not (0 < len(p.idempotency_key) <= 255):
            raise ApplicationError(
                _("Idempotency key must be 1 to 255 characters."),
                errors={f"{i}.idempotency_key": [_("Bad length.")]},
            )
    keys = [(p.enterprise_id, p.idempotency_key) for p in postings if p.idempotency_key]
    if len(keys) != len(set(keys)):
        raise ApplicationError(_("An idempotency key appears twice in the batch."), code="duplicate_key")
    rules = {code: postable_rule(code) for code in {p.rule_code for p in postings}}
    ent_ids = sorted({p.enterprise_id for p in postings})
    if not access.is_system(actor):
        access.require_staff(actor, *access.POSTERS)
        provinces = set(Enterprise.objects.filter(pk__in=ent_ids).values_list("province", flat=True))
        for province in provinces:
            scoping.require_jurisdiction(actor, province)
    with transaction.atomic():
        base = conf.get("CREDIT_BASE_SCORE")
        Account.objects.bulk_create(
            [
                Account(enterprise_id=e, score=base, grade=grade_of(base, False), updated_at=now)
                for e in ent_ids
            ],
            ignore_conflicts=True,
        )
        accounts = {
            a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ent_ids).order_by("pk")
        }
        existing: dict[tuple[int, str], LedgerEntry] = {}
        if keys:
            q = Q()
            for ent_id, key in keys:
                q |= Q(enterprise_id=ent_id, idempotency_key=key)
            existing = {(e.enterprise_id, e.idempotency_key): e for e in LedgerEntry.objects.filter(q)}
        out: list[LedgerEntry | None] = []
        fresh: list[LedgerEntry] = []
        user, label = actor_fields(actor)
        for p in postings:
            digest = _content_hash(p.rule_code, p.source_ref, p.note, p.effective_at)
            found = existing.get((p.enterprise_id, p.idempotency_key)) if p.idempotency_key else None
            if found is not None:
                if found.content_hash != digest:
                    raise Conflict(
                        _("This idempotency key was already used with different content."),
                        code="idempotency_key_reused",
                    )
                out.append(found)
                continue
            rule = rules[p.rule_code]
            effective = p.effective_at or now
            entry = LedgerEntry(
                enterprise_id=p.enterprise_id,
                rule=rule,
                rule_version=rule.version,
                kind=EntryKind.POSTING,
                points=rule.points,
                effective_at=effective,
                recorded_at=now,
                expires_at=scoring.expires_at(effective, rule.validity_months),
                source_ref=p.source_ref,
                actor=user,
                actor_label=label,
                note=p.note,
                idempotency_key=p.idempotency_key,
                content_hash=digest,
            )
            fresh.append(entry)
            out.append(entry)
        LedgerEntry.objects.bulk_create(fresh, batch_size=500)
        touched: dict[int, dict] = {}
        for entry in fresh:
            acc = accounts[entry.enterprise_id]
            touched.setdefault(acc.pk, account_snapshot(acc))
            acc.score += entry.points
            acc.entry_count += 1
            acc.last_entry_id = max(acc.last_entry_id or 0, entry.pk)
        for acc in accounts.values():
            acc.grade = grade_of(acc.score, acc.on_dishonest_list)
            acc.updated_at = now
        Account.objects.bulk_update(
            [accounts[pk] for pk in touched], ["score", "entry_count", "last_entry_id", "grade", "updated_at"]
        )
        audit.record_many(
            actor=actor,
            events=[
                {
                    "action": f"credit.ledger_{EntryKind.POSTING}",
                    "object_type": "credit.ledgerentry",
                    "object_id": e.pk,
                    "after": _entry_record(e),
                    "reason": e.note,
                }
                for e in fresh
            ],
        )
    return out  # type: ignore[return-value]
