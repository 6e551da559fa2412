"""Reads from the kernel, scoped to the actor. Missing and forbidden both raise NotFound."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from config.api import Conflict, NotFound
from regulator import audit, conf, inputs, scoping
from regulator.models import AuditEvent, Enterprise, Role


def enterprise_scope(actor, qs: QuerySet) -> QuerySet:
    """Filter any queryset with an ``enterprise`` path down to what ``actor`` may see:
    enterprise users their own, staff their authority's jurisdiction (regulator.scoping)."""
    if qs.model is Enterprise:
        return scoping.scope(actor, qs, enterprise="", province="province")
    return scoping.scope(actor, qs)


def enterprise_list(*, actor) -> QuerySet[Enterprise]:
    return enterprise_scope(actor, Enterprise.objects.all())


def enterprise_get(*, actor, code: str) -> Enterprise:
    # A code with a wrong check character is a 400 naming it (inputs.uscc_param), not a 404.
    ent = enterprise_list(actor=actor).filter(uscc=inputs.uscc_param(code)).first()
    if ent is None:
        raise NotFound(_("Not found."))
    return ent


def audit_chain_link(seq: int | None = None) -> dict:
    """The sealed chain's head (or the link at ``seq``): position, hash and predecessor.

    Published so that anyone can keep a copy: a head recorded today must still be in the
    chain, with the same hash, tomorrow. That exposes a rewritten or truncated history,
    which the chain alone cannot (a truncated tail re-links cleanly). Only a link that
    verifies (its content, its hash, its predecessor's hash) is served: a forged head is
    refused with a 409 rather than handed out for people to pin."""
    sealed = AuditEvent.objects.filter(seq__isnull=False)
    ev = (sealed.filter(seq=seq) if seq is not None else sealed.order_by("-seq")).first()
    if ev is None:
        raise NotFound(_("Not found."))
    if not audit.link_verifies(ev):
        raise Conflict(
            _("This link of the audit chain does not verify; it is not published."),
            code="audit_chain_broken",
        )
    return {"seq": ev.seq, "hash": ev.hash, "prev_hash": ev.prev_hash, "occurred_at": ev.occurred_at}


def audit_event_list(*, actor) -> QuerySet[AuditEvent]:
    """The audit trail, newest first, within the reader's jurisdiction: national staff see
    every event, provincial staff the events concerning their province (an event carries the
    province of the enterprise or staff member it concerns); events that concern no province
    (reference data, national rules) only national staff."""
    qs = AuditEvent.objects.select_related("enterprise").order_by("-id")
    where = scoping.jurisdiction(actor)
    return qs if where is None else qs.filter(province=where)


def audit_unmasked(actor) -> bool:
    """Auditors read personal fields of audit snapshots in full; everyone else masked."""
    return scoping.role_of(actor) == Role.AUDITOR


def audit_personal_keys() -> set[str]:
    return set(conf.get("AUDIT_PERSONAL_KEYS"))
