"""Enforcement reads. Staff reads are scoped to the actor (services.common.case_scope);
missing and forbidden both raise NotFound. Public reads return published penalty decisions
only, and only their public fields (no personal data, no evidence)."""

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from config.api import NotFound
from enforcement.models import Case, Decision, DecisionStatus, Evidence, Outcome
from enforcement.services.common import case_scope
from regulator import scoping
from regulator import uscc as uscc_mod
from regulator.models import Role

# The party sees decisions once delivered (a decision not yet delivered is not in force).
# Annulled and superseded ones stay visible to the party: they were served on it.
PARTY_DECISIONS = [DecisionStatus.DELIVERED, DecisionStatus.SUPERSEDED, DecisionStatus.ANNULLED]


def case_list(*, actor) -> QuerySet[Case]:
    qs = Case.objects.select_related("enterprise", "authority", "licence")
    return case_scope(actor, qs).order_by("-opened_on", "-id")


def _decisions_for(actor) -> QuerySet[Decision]:
    qs = Decision.objects.select_related("authority", "supersedes")
    if scoping.role_of(actor) == Role.ENTERPRISE:
        qs = qs.filter(status__in=PARTY_DECISIONS, delivered_on__isnull=False)
    return qs.order_by("id")


def case_get(*, actor, case_id: int) -> Case:
    qs = case_list(actor=actor).prefetch_related(
        "events",
        "extensions",
        "defences",
        "assignments__user",
        Prefetch("decisions", queryset=_decisions_for(actor)),
    )
    staff = scoping.role_of(actor) != Role.ENTERPRISE
    if staff:
        qs = qs.prefetch_related("evidence")
    case = qs.filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("Not found."))
    return case


def decision_list(*, actor) -> QuerySet[Decision]:
    cases = case_scope(actor, Case.objects.all()).values("pk")
    qs = Decision.objects.select_related("authority", "case", "supersedes").filter(case_id__in=cases)
    if scoping.role_of(actor) == Role.ENTERPRISE:
        qs = qs.filter(status__in=PARTY_DECISIONS, delivered_on__isnull=False)
    return qs.order_by("-decided_on", "-id")


def decision_get(*, actor, decision_id: int) -> Decision:
    dec = decision_list(actor=actor).prefetch_related("events", "effects").filter(pk=decision_id).first()
    if dec is None:
        raise NotFound(_("Not found."))
    return dec


def evidence_get(*, actor, case_id: int, evidence_id: int) -> Evidence:
    """Evidence is for the handling staff and auditors, never the public or the party."""
    if scoping.role_of(actor) == Role.ENTERPRISE:
        # Evidence may name informants or hold third parties' data: staff only.
        raise NotFound(_("Not found."))
    cases = case_scope(actor, Case.objects.filter(pk=case_id)).values("pk")
    ev = Evidence.objects.filter(case_id__in=cases, pk=evidence_id).first()
    if ev is None:
        raise NotFound(_("Not found."))
    return ev


# --- public (双公示) ------------------------------------------------------------------------


def _published() -> QuerySet[Decision]:
    return Decision.objects.filter(outcome=Outcome.PENALTY, published_at__isnull=False).select_related(
        "authority", "supersedes", "superseded_by"
    )


# Everything public reads these two querysets: published penalty decisions only, whatever
# their later fate (annulled and superseded ones stay, marked).
def public_penalties(
    *,
    q: str = "",
    authority: str = "",
    kind: str = "",
    province: str = "",
    year: int | None = None,
    annulled: bool | None = None,
    decided_from: dt.date | None = None,
    decided_to: dt.date | None = None,
) -> QuerySet[Decision]:
    qs = _published()
    if authority:
        qs = qs.filter(authority_id=authority.upper())
    if kind:
        qs = qs.filter(kind=kind)
    if province:
        qs = qs.filter(province=province)
    if year:
        qs = qs.filter(year=year)
    if annulled is not None:
        qs = (
            qs.filter(status=DecisionStatus.ANNULLED)
            if annulled
            else qs.exclude(status=DecisionStatus.ANNULLED)
        )
    if decided_from:
        qs = qs.filter(decided_on__gte=decided_from)
    if decided_to:
        qs = qs.filter(decided_on__lte=decided_to)
    q = (q or "").strip()
    if q:
        code = uscc_mod.normalise(q)
        # A whole USCC is an exact, indexed match; anything else is a fragment search.
        if len(code) == 18 and code.isalnum() and code.isascii():
            qs = qs.filter(enterprise_uscc=code)
        else:
            qs = qs.filter(Q(enterprise_name__icontains=q) | Q(number__icontains=q) | Q(title__icontains=q))
    return qs.order_by("-decided_on", "-id")


def public_result(dec: Decision) -> str:
    """The penalty imposed as published (处罚结果): the decision's own wording if given,
    else its kind with the amount (CNY 30,000.00) or the period."""
    if dec.content:
        return dec.content
    text = str(dec.get_kind_display())
    if dec.amount is not None:
        text = f"{text} CNY {dec.amount:,.2f}"
    if dec.suspension_days:
        text = f"{text} ({dec.suspension_days} d)"
    return text


def public_penalty_changes(*, since: dt.datetime) -> QuerySet[Decision]:
    return _published().filter(public_updated_at__gt=since).order_by("public_updated_at", "id")
