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
"""

from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from regulator import canonical, context
from regulator.models import AuditEvent

GENESIS = "0" * 64
_SEAL_LOCK = 0x7E1E_0A0D  # arbitrary constant naming the sealer's advisory lock


def _payload(ev: AuditEvent) -> dict[str, Any]:
    return {
        "seq": ev.seq,
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
        "prev_hash": ev.prev_hash,
    }


def compute_hash(ev: AuditEvent) -> str:
    return canonical.sha256_hex(_payload(ev))


def actor_fields(actor: Any) -> tuple[Any, str]:
    """(user or None, label) for an actor that is a User or a string such as "sweep"."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor, actor.get_username()
    return None, str(actor) if actor else "system"


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
) -> AuditEvent:
    """Append one (unsealed) audit event. Must run inside the service's transaction, so
    the event commits or rolls back with the change it records."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must be called inside transaction.atomic()")
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = obj.pk if object_id is None else object_id
    user, label = actor_fields(actor)
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
    )
    ev.save(force_insert=True)
    return ev


def record_many(*, actor: Any, events: list[dict[str, Any]]) -> list[AuditEvent]:
    """``record`` for a batch (one INSERT): each dict has action, object_type, object_id and
    optionally before, after, reason."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record_many must be called inside transaction.atomic()")
    user, label = actor_fields(actor)
    now, rid = timezone.now(), context.request_id.get()
    rows = [
        AuditEvent(
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
        )
        for e in events
    ]
    return AuditEvent.objects.bulk_create(rows, batch_size=500)


def seal(limit: int = 2000) -> int:
    """Chain up to ``limit`` committed unsealed events; 0 when another sealer holds the lock."""
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
        rows = list(AuditEvent.objects.filter(seq__isnull=True).order_by("id")[:limit])
        for ev in rows:
            seq += 1
            ev.seq, ev.prev_hash = seq, prev
            ev.hash = compute_hash(ev)
            prev = ev.hash
        AuditEvent.objects.bulk_update(rows, ["seq", "prev_hash", "hash"], batch_size=500)
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
                if compute_hash(ev) != ev.hash:
                    breaks.append(ChainBreak(ev.id, "content does not match its hash"))
                prev, expected_seq = ev.hash, ev.seq + 1
    return checked, breaks


def unsealed_count() -> int:
    return AuditEvent.objects.filter(seq__isnull=True).count()
