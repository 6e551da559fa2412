"""The audit trail: one helper (`record`) every service calls; sealing and verification.

Writing and chaining are split. ``record`` inserts the event inside the caller's
transaction and takes no global lock, so writers across the whole system never queue
behind one another's commits. ``seal`` later chains committed, unsealed events in id
order under a transaction-scoped try-lock: it gives each its chain position ``seq``, the
predecessor's hash and its own hash. Events committed late (a long transaction with a
lower id) are simply sealed in a later batch: chain order is seal order, never id order.

The beat schedule seals every few seconds; ``verify_audit_chain`` seals first. Between
insert and seal an event is protected by the PostgreSQL trigger alone (which refuses any
change of content), after sealing also by the chain.

Two hashes. ``content_hash`` is the canonical-JSON digest of what happened, computed when
the event is recorded. The chain hash is ``sha256("<seq>|<prev_hash>|<content_hash>")``: a
formula simple enough that the database trigger recomputes it on sealing and refuses any
seal whose hash, predecessor or position is not the chain's (a caller cannot seal with a
hash of its choosing, nor fork the chain). An event is inserted unsealed or not at all.

Each event names the enterprise and province it concerns (from the object recorded), so the
audit list is scoped like every other list; personal fields of the snapshots are masked for
readers other than auditors (``mask``), while both hashes cover the full record.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from regulator import canonical, context
from regulator.models import AuditEvent, Enterprise

GENESIS = "0" * 64
_SEAL_LOCK = 0x7E1E_0A0D  # arbitrary constant naming the sealer's advisory lock
MASK = "***"
# Enterprise id → province (a registered enterprise's province never changes, §5).
_PROVINCE_OF: dict[int, str] = {}


def _content(ev: AuditEvent) -> dict[str, Any]:
    payload = {
        "occurred_at": ev.occurred_at.isoformat(),
        "actor_id": ev.actor_id,
        "actor_label": ev.actor_label,
        "action": ev.action,
        "object_type": ev.object_type,
        "object_id": ev.object_id,
        "before": ev.before,
        "after": ev.after,
        "reason": ev.reason,
        "request_id": ev.request_id,
    }
    # Present only when set, so that events recorded before these fields existed keep
    # their content hash.
    if ev.enterprise_id is not None:
        payload["enterprise_id"] = ev.enterprise_id
    if ev.province:
        payload["province"] = ev.province
    return payload


def content_hash(ev: AuditEvent) -> str:
    return canonical.sha256_hex(_content(ev))


def link_hash(seq: int, prev_hash: str, content: str) -> str:
    """The chain hash; the database trigger computes the same (regulator.db)."""
    return hashlib.sha256(f"{seq}|{prev_hash}|{content}".encode()).hexdigest()


def compute_hash(ev: AuditEvent) -> str:
    return link_hash(ev.seq, ev.prev_hash, content_hash(ev))


def actor_fields(actor: Any) -> tuple[Any, str]:
    """(user or None, label) for an actor that is a User or a string such as "sweep"."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor, actor.get_username()
    return None, str(actor) if actor else "system"


def _provinces(enterprise_ids: set[int]) -> dict[int, str]:
    missing = {i for i in enterprise_ids if i not in _PROVINCE_OF}
    if missing:
        _PROVINCE_OF.update(Enterprise.objects.filter(pk__in=missing).values_list("pk", "province"))
    return {i: _PROVINCE_OF.get(i, "") for i in enterprise_ids}


def _subject(obj: Any, enterprise: Any, province: str) -> tuple[int | None, str]:
    """(enterprise id, province) an event concerns: given, or read from the object."""
    if enterprise is not None:
        ent_id = getattr(enterprise, "pk", enterprise)
    elif isinstance(obj, Enterprise):
        ent_id = obj.pk
        _PROVINCE_OF[obj.pk] = obj.province
    else:
        ent_id = getattr(obj, "enterprise_id", None) if obj is not None else None
    if not province and obj is not None and not isinstance(obj, Enterprise):
        value = getattr(obj, "province", "")
        province = value if isinstance(value, str) else ""
    if not province and ent_id is not None:
        province = _provinces({ent_id})[ent_id]
    return ent_id, province or ""


def record(
    *,
    actor: Any,
    action: str,
    obj: Any = None,
    object_type: str | None = None,
    object_id: Any = None,
    before: Any = None,
    after: Any = None,
    reason: str = "",
    enterprise: Any = None,
    province: str = "",
) -> AuditEvent:
    """Append one (unsealed) audit event. Must run inside the service's transaction, so
    the event commits or rolls back with the change it records.

    ``enterprise`` (an Enterprise or its id) and ``province`` say whom the event concerns;
    by default they are read from ``obj`` (an Enterprise, anything with ``enterprise_id``,
    anything with a ``province``). Pass them when the object does not carry them (a
    material of an application): the audit list is scoped by them."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must be called inside transaction.atomic()")
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = obj.pk if object_id is None else object_id
    user, label = actor_fields(actor)
    ent_id, prov = _subject(obj, enterprise, province)
    ev = AuditEvent(
        occurred_at=timezone.now(),
        actor=user,
        actor_label=label,
        action=action,
        object_type=object_type or "",
        object_id=str(object_id if object_id is not None else ""),
        before=canonical.plain(before),
        after=canonical.plain(after),
        reason=reason or "",
        request_id=context.request_id.get(),
        enterprise_id=ent_id,
        province=prov,
    )
    ev.content_hash = content_hash(ev)
    ev.save(force_insert=True)
    return ev


def record_many(*, actor: Any, events: list[dict[str, Any]]) -> list[AuditEvent]:
    """``record`` for a batch (one INSERT): each dict has action, object_type, object_id and
    optionally before, after, reason, enterprise_id, province."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record_many must be called inside transaction.atomic()")
    user, label = actor_fields(actor)
    now, rid = timezone.now(), context.request_id.get()
    provinces = _provinces({e["enterprise_id"] for e in events if e.get("enterprise_id") is not None})
    rows = []
    for e in events:
        ent_id = e.get("enterprise_id")
        ev = AuditEvent(
            occurred_at=now,
            actor=user,
            actor_label=label,
            action=e["action"],
            object_type=e["object_type"],
            object_id=str(e["object_id"]),
            before=canonical.plain(e.get("before")),
            after=canonical.plain(e.get("after")),
            reason=e.get("reason", "") or "",
            request_id=rid,
            enterprise_id=ent_id,
            province=e.get("province") or (provinces.get(ent_id, "") if ent_id is not None else ""),
        )
        ev.content_hash = content_hash(ev)
        rows.append(ev)
    return AuditEvent.objects.bulk_create(rows, batch_size=500)


def mask(value: Any, keys: set[str]) -> Any:
    """``value`` with every entry under a personal key replaced by ``MASK`` (nested too)."""
    if isinstance(value, dict):
        return {k: (MASK if k in keys and v not in (None, "") else mask(v, keys)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v, keys) for v in value]
    return value


def seal(limit: int = 2000) -> int:
    """Chain up to ``limit`` committed unsealed events; 0 when another sealer holds the lock.

    Rows are sealed one statement each, in chain order, because the database trigger checks
    every seal against its predecessor's (already sealed) hash."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [_SEAL_LOCK])
                if not cur.fetchone()[0]:
                    return 0
        head = (
            AuditEvent.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "hash").first()
        )
        seq, prev = head or (0, GENESIS)
        rows = list(
            AuditEvent.objects.filter(seq__isnull=True)
            .order_by("id")
            .values_list("id", "content_hash")[:limit]
        )
        params = []
        for pk, content in rows:
            seq += 1
            digest = link_hash(seq, prev, content)
            params.append((seq, prev, digest, pk))
            prev = digest
        if params:
            table = connection.ops.quote_name(AuditEvent._meta.db_table)
            with connection.cursor() as cur:
                cur.executemany(
                    f"UPDATE {table} SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s AND seq IS NULL",  # noqa: S608
                    params,
                )
    return len(rows)


def seal_all() -> int:
    total = 0
    while True:
        n = seal()
        total += n
        if n == 0:
            return total


@dataclass
class ChainBreak:
    event_id: int
    problem: str


def verify_chain(batch: int = 5000) -> tuple[int, list[ChainBreak]]:
    """Walk the sealed chain in seq order; return (events checked, breaks found).

    A deleted event shows as a gap in ``seq`` and a broken ``prev_hash`` link; an edited
    one as content that no longer matches its hash.
    """
    breaks: list[ChainBreak] = []
    prev, expected_seq, checked = GENESIS, 1, 0
    with transaction.atomic():
        while True:
            rows = list(AuditEvent.objects.filter(seq__gte=expected_seq).order_by("seq")[:batch])
            if not rows:
                break
            for ev in rows:
                checked += 1
                if ev.seq != expected_seq:
                    breaks.append(ChainBreak(ev.id, f"chain position {expected_seq} is missing"))
                if ev.prev_hash != prev:
                    breaks.append(ChainBreak(ev.id, "prev_hash does not match the preceding event"))
                if content_hash(ev) != ev.content_hash or compute_hash(ev) != ev.hash:
                    breaks.append(ChainBreak(ev.id, "content does not match its hash"))
                prev, expected_seq = ev.hash, ev.seq + 1
    return checked, breaks


def unsealed_count() -> int:
    return AuditEvent.objects.filter(seq__isnull=True).count()


def link_verifies(ev: AuditEvent) -> bool:
    """One sealed link checks out: its content, its hash, and its predecessor's hash."""
    if ev.seq is None or content_hash(ev) != ev.content_hash or compute_hash(ev) != ev.hash:
        return False
    if ev.seq == 1:
        return ev.prev_hash == GENESIS
    before = AuditEvent.objects.filter(seq=ev.seq - 1).values_list("hash", flat=True).first()
    return before is not None and before == ev.prev_hash
