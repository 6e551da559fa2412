"""Kernel background work: thin tasks calling the kernel's services."""

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task
def audit_seal() -> int:
    """Every few seconds: chain the audit events committed since the last run."""
    from regulator.audit import seal_all

    return seal_all()


@shared_task
def audit_chain_verify() -> int:
    """Nightly: recompute the audit hash chain; log loudly on any break."""
    from regulator.audit import seal_all, verify_chain

    seal_all()
    checked, breaks = verify_chain()
    for b in breaks:
        log.error("audit chain break at event %s: %s", b.event_id, b.problem)
    log.info("audit chain checked: %s events, %s breaks", checked, len(breaks))
    return len(breaks)


@shared_task
def idempotency_prune() -> int:
    from regulator.idempotency import prune

    return prune()
