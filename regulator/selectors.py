"""Reads from the kernel, scoped to the actor. Missing and forbidden both raise NotFound."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from config.api import NotFound
from regulator import scoping, uscc
from regulator.models import AuditEvent, Enterprise


def enterprise_scope(actor, qs: QuerySet) -> QuerySet:
    """Filter any queryset with an ``enterprise`` path down to what ``actor`` may see:
    enterprise users their own, staff their authority's jurisdiction (regulator.scoping)."""
    if qs.model is Enterprise:
        return scoping.scope(actor, qs, enterprise="", province="province")
    return scoping.scope(actor, qs)


def enterprise_list(*, actor) -> QuerySet[Enterprise]:
    return enterprise_scope(actor, Enterprise.objects.all())


def enterprise_get(*, actor, code: str) -> Enterprise:
    ent = enterprise_list(actor=actor).filter(uscc=uscc.normalise(code)).first()
    if ent is None:
        raise NotFound(_("Not found."))
    return ent


def audit_chain_link(seq: int | None = None) -> dict:
    """The sealed chain's head (or the link at ``seq``): position, hash and predecessor.

    Published so that anyone can keep a copy: a head recorded today must still be in the
    chain, with the same hash, tomorrow. That exposes a rewritten or truncated history,
    which the chain alone cannot (a truncated tail re-links cleanly)."""
    sealed = AuditEvent.objects.filter(seq__isnull=False)
    row = (
        (sealed.filter(seq=seq) if seq is not None else sealed.order_by("-seq"))
        .values("seq", "hash", "prev_hash", "occurred_at")
        .first()
    )
    if row is None:
        raise NotFound(_("Not found."))
    return row


def audit_event_list() -> QuerySet[AuditEvent]:
    return AuditEvent.objects.select_related("actor").order_by("-id")
