"""The audit trail: one helper (`record`) every service calls, and chain verification.

Chain order is id order. To make id order equal chain order, the writer takes a
transaction-scoped lock before reading the chain head, so two writers can never both
link to the same predecessor; the lock is released at commit. On SQLite the whole
database is already locked by the write transaction (IMMEDIATE mode).
"""

from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from regulator import canonical, context
from regulator.models import AuditEvent

GENESIS = "0" * 64
_LOCK_KEY = 0x7E1E_0A0D  # arbitrary constant naming the audit-chain advisory lock


def _payload(ev: AuditEvent) -> dict[str, Any]:
    return {
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
    """Append one audit event. Must run inside the service's transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record must be called inside transaction.atomic()")
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = obj.pk if object_id is None else object_id
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    head = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    ev = AuditEvent(
        occurred_at=timezone.now(),
        actor=actor if is_user else None,
        actor_label=(actor.get_username() if is_user else (str(actor) if actor else "system")),
        action=action,
        object_type=object_type or "",
        object_id=str(object_id if object_id is not None else ""),
        before=canonical.plain(before),
        after=canonical.plain(after),
        reason=reason or "",
        request_id=context.request_id.get(),
        prev_hash=head or GENESIS,
    )
    ev.hash = compute_hash(ev)
    ev.save(force_insert=True)
    return ev


@dataclass
class ChainBreak:
    event_id: int
    problem: str


def verify_chain(batch: int = 5000) -> tuple[int, list[ChainBreak]]:
    """Walk the chain in id order; return (events checked, breaks found)."""
    breaks: list[ChainBreak] = []
    prev = GENESIS
    checked = 0
    last_id = 0
    with transaction.atomic():
        while True:
            rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
            if not rows:
                break
            for ev in rows:
                checked += 1
                if ev.prev_hash != prev:
                    breaks.append(ChainBreak(ev.id, "prev_hash does not match the preceding event"))
                if compute_hash(ev) != ev.hash:
                    breaks.append(ChainBreak(ev.id, "content does not match its hash"))
                prev = ev.hash
                last_id = ev.id
    return checked, breaks
