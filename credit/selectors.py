"""Credit reads. Other apps call ``restrictions_for`` (a policy answer about one enterprise,
for the services that decide on it). Every other read takes the actor and is scoped by it
through regulator.scoping (issue 8): enterprise users see their own rows, staff their
authority's jurisdiction (the enterprise's province; national staff everywhere), auditors
read; missing and forbidden are the same 404."""

import datetime as dt
import json
from dataclasses import dataclass, field
from types import SimpleNamespace

import psycopg
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import NotFound
from credit import conf, scoring
from credit.models import (
    Account,
    AdmonitionTask,
    EntryKind,
    GradeRecord,
    GradeStatus,
    LedgerEntry,
    ListEntry,
    ListStatus,
    Objection,
    RepairRequest,
    Rule,
    Sanction,
)
from credit.search import PUBLIC_STATUSES, public_list_entries  # noqa: F401 (re-exported)
from credit.services.common import grade_of
from regulator import scoping
from regulator import uscc as uscc_mod
from regulator.models import Enterprise, Role

PENDING = (ListStatus.PROPOSED, ListStatus.NOTIFIED, ListStatus.OBJECTED)


def account_get(enterprise) -> Account:
    """The account row; an enterprise with none reads as the base score (nothing is created)."""
    acc = Account.objects.filter(pk=enterprise.pk).first()
    if acc is None:
        base = conf.get("CREDIT_BASE_SCORE")
        acc = Account(enterprise_id=enterprise.pk, score=base, grade=grade_of(base, False))
    return acc


@dataclass(frozen=True)
class Restrictions:
    score: int
    grade: str
    on_bad_list: bool
    on_dishonest_list: bool
    may_notify_commit: bool
    may_apply_licence: bool
    may_renew_licence: bool
    reasons: list[str] = field(default_factory=list)
    stratum: str = ""
    sampling_multiplier: float = 1.0
    # Strata sampled at a fixed rate (dishonest and C: always; bad: 20%, §3) instead of
    # base rate × multiplier; None for the grade-multiplied strata.
    fixed_sampling_rate: float | None = None
    active_sanctions: list[str] = field(default_factory=list)

    @property
    def always_include(self) -> bool:
        return self.fixed_sampling_rate is not None and self.fixed_sampling_rate >= 1.0

    def sampling_rate(self, base_rate: float) -> float:
        if self.fixed_sampling_rate is not None:
            return self.fixed_sampling_rate
        return min(1.0, base_rate * self.sampling_multiplier)


def active_sanctions(enterprise, on: dt.date | None = None) -> list[Sanction]:
    on = on or timezone.localdate()
    return list(
        Sanction.objects.filter(
            enterprise_id=enterprise.pk, starts_on__lte=on, until__gte=on, lifted_at__isnull=True
        )
    )


def restrictions_for(enterprise) -> Restrictions:
    """One policy answer for other apps (issue 3 §6): what this enterprise may do now."""
    acc = account_get(enterprise)
    reasons: list[str] = []
    blocked: set[str] = set()
    if acc.on_dishonest_list:
        blocked |= {"apply", "renew", "notify_commit"}
        reasons.append(_("On the dishonest list: no licence or renewal (REGULATION §2.2)."))
    if acc.on_bad_list and conf.get("CREDIT_NOTIFY_COMMIT_BLOCKED_BY_BAD_LIST"):
        blocked.add("notify_commit")
        reasons.append(_("On the bad-operation list: no notify-and-commit; use the standard path."))
    if acc.grade in conf.get("CREDIT_APPLY_BLOCKED_GRADES"):
        blocked.add("apply")
        reasons.append(_("Credit grade %(g)s: no new applications (REGULATION §2.4).") % {"g": acc.grade})
    if acc.grade in conf.get("CREDIT_NOTIFY_COMMIT_BLOCKED_GRADES"):
        blocked.add("notify_commit")
        reasons.append(_("Credit grade %(g)s: no notify-and-commit.") % {"g": acc.grade})
    # §2.3: a proposal inside its objection window is not yet decided for good; what it
    # blocks meanwhile is a setting (default nothing: the firm keeps its rights until
    # publication, and its score moves only then).
    pending_blocks = set(conf.get("CREDIT_PENDING_PROPOSAL_BLOCKS"))
    if pending_blocks and ListEntry.objects.filter(enterprise_id=enterprise.pk, status__in=PENDING).exists():
        blocked |= pending_blocks
        reasons.append(_("A listing is proposed and awaiting publication (REGULATION §2.3)."))
    blocks = conf.get("CREDIT_SANCTION_BLOCKS")
    sanctions = active_sanctions(enterprise)
    for s in sanctions:
        what = set(blocks.get(s.kind, []))
        if what:
            blocked |= what
            reasons.append(
                _("%(kind)s until %(until)s: %(reason)s")
                % {"kind": s.kind, "until": s.until.isoformat(), "reason": s.reason}
            )
    stratum = scoring.stratum_for(
        grade=acc.grade, on_bad_list=acc.on_bad_list, on_dishonest_list=acc.on_dishonest_list
    )
    fixed = conf.get("CREDIT_SAMPLING_FIXED_RATES").get(stratum)
    multiplier = float(conf.get("CREDIT_SAMPLING_MULTIPLIERS").get(stratum, 1.0))
    return Restrictions(
        score=acc.score,
        grade=acc.grade,
        on_bad_list=acc.on_bad_list,
        on_dishonest_list=acc.on_dishonest_list,
        may_notify_commit="notify_commit" not in blocked,
        may_apply_licence="apply" not in blocked,
        may_renew_licence="renew" not in blocked,
        reasons=list(dict.fromkeys(reasons)),
        stratum=stratum,
        sampling_multiplier=multiplier,
        fixed_sampling_rate=float(fixed) if fixed is not None else None,
        active_sanctions=[s.kind for s in sanctions],
    )


# --- scoped reads for the API -------------------------------------------------------------


def _scope(actor, qs: QuerySet, enterprise: str = "enterprise") -> QuerySet:
    return scoping.scope(actor, qs, enterprise=enterprise, province=f"{enterprise}__province")


def enterprise_for(*, actor, code: str) -> Enterprise:
    qs = scoping.scope(actor, Enterprise.objects.all(), enterprise="", province="province")
    ent = qs.filter(uscc=uscc_mod.normalise(code)).first()
    if ent is None:
        raise NotFound(_("Not found."))
    return ent


def rule_list(*, actor) -> QuerySet[Rule]:
    """The catalogue is public policy: every signed-in role reads it."""
    if not scoping.role_of(actor):
        return Rule.objects.none()
    return Rule.objects.all()


def rule_get(*, actor, code: str) -> Rule:
    rule = rule_list(actor=actor).prefetch_related("versions").filter(code=code).first()
    if rule is None:
        raise NotFound(_("Not found."))
    return rule


def ledger_list(*, actor) -> QuerySet[LedgerEntry]:
    return _scope(actor, LedgerEntry.objects.select_related("rule", "enterprise")).order_by("-id")


def account_list(*, actor) -> QuerySet[Account]:
    return _scope(actor, Account.objects.select_related("enterprise")).order_by("enterprise__uscc")


def account_breakdown(*, actor, code: str) -> dict:
    """Which entries make the score: base + every posting not yet reversed or expired.

    Compensated pairs sum to zero, so this equals base + the sum of all entries.
    """
    enterprise = enterprise_for(actor=actor, code=code)
    acc = account_get(enterprise)
    live = (
        LedgerEntry.objects.filter(enterprise_id=enterprise.pk, kind=EntryKind.POSTING)
        .filter(~Exists(LedgerEntry.objects.filter(reverses_id=OuterRef("pk"))))
        .select_related("rule")
        .order_by("effective_at", "id")
    )
    base = conf.get("CREDIT_BASE_SCORE")
    items = list(live)
    return {
        "enterprise": enterprise,
        "account": acc,
        "base": base,
        "entries": items,
        "computed_score": scoring.score_of(base, (e.points for e in items)),
    }


def restrictions_get(*, actor, code: str):
    return restrictions_for(enterprise_for(actor=actor, code=code))


def list_entry_list(*, actor) -> QuerySet[ListEntry]:
    return _scope(actor, ListEntry.objects.select_related("rule"))


def list_entry_get(*, actor, pk: int) -> ListEntry:
    entry = list_entry_list(actor=actor).prefetch_related("events").filter(pk=pk).first()
    if entry is None:
        raise NotFound(_("Not found."))
    return entry


def objection_list(*, actor) -> QuerySet[Objection]:
    return _scope(actor, Objection.objects.select_related("entry"))


def repair_list(*, actor) -> QuerySet[RepairRequest]:
    return _scope(actor, RepairRequest.objects.select_related("entry"))


def sanction_list(*, actor) -> QuerySet[Sanction]:
    return _scope(actor, Sanction.objects.select_related("enterprise"))


def grade_record_list(*, actor) -> QuerySet[GradeRecord]:
    return _scope(actor, GradeRecord.objects.select_related("enterprise"))


def admonition_list(*, actor) -> QuerySet[AdmonitionTask]:
    """Admonition talks are supervisors' tasks (and auditors' to read)."""
    qs = AdmonitionTask.objects.select_related("enterprise", "grade_record")
    return scoping.scope(actor, qs, enterprise=None, roles=frozenset({Role.SUPERVISOR, Role.AUDITOR}))


# --- public reads (published data only, no personal data) ----------------------------------


def public_list_changes(*, since: dt.datetime) -> QuerySet[ListEntry]:
    return ListEntry.objects.filter(published_on__isnull=False, updated_at__gt=since).order_by(
        "updated_at", "id"
    )


def public_credit(code: str) -> dict:
    """Score and grade (one indexed row) plus active and historic published listings, as
    model instances for the portal's page; the API reads ``public_credit_document``."""
    norm = uscc_mod.normalise(code)
    acc = Account.objects.select_related("enterprise").filter(enterprise__uscc=norm).first()
    if acc is None:
        ent = Enterprise.objects.filter(uscc=norm).first()
        if ent is None:
            raise NotFound(_("Not found."))
        acc = account_get(ent)
        acc.enterprise = ent
    listings = list(
        ListEntry.objects.filter(enterprise_id=acc.enterprise_id, published_on__isnull=False).order_by(
            "-published_on", "-id"
        )
    )
    # §2.4: the fixed yearly grade beside the live one (the latest record; one still in
    # publicity is public too: publicity is the point of that period).
    yearly = (
        GradeRecord.objects.filter(enterprise_id=acc.enterprise_id)
        .exclude(status=GradeStatus.OBJECTED)
        .order_by("-year")
        .first()
    )
    return {
        "enterprise": acc.enterprise,
        "account": acc,
        "yearly": yearly,
        "active": [e for e in listings if e.status == ListStatus.PUBLISHED],
        "history": [e for e in listings if e.status != ListStatus.PUBLISHED],
    }


# --- the public credit lookup as one statement ----------------------------------------------
# The busiest public read (DESIGN.md: ≥ 0.5× a constant Django view under load). Three ORM
# queries plus a model serializer cost ~6 ms a request, most of it compiling queries and
# building serializer fields; this reads the same answer in one statement PostgreSQL turns
# into JSON, built once per process and prepared on each connection's first run, from one
# snapshot (the account, listings and yearly grade cannot disagree). No cache: a score is
# public the moment its posting commits (DESIGN.md, "scores queryable in real time").

# The public listing fields (credit.search.PUBLIC_LIST_FIELDS, the response contract)
# as SQL; "status" is the public word, not the workflow state.
_LISTING_SQL = {"status": "CASE WHEN l.status = 'published' THEN 'active' ELSE 'removed' END"}
_public_credit_sql: str | None = None


def _public_credit_statement() -> str:
    global _public_credit_sql
    if _public_credit_sql is None:
        from credit.search import PUBLIC_LIST_FIELDS  # the contract's field list

        listing = ", ".join(f"'{f}', {_LISTING_SQL.get(f, 'l.' + f)}" for f in PUBLIC_LIST_FIELDS)

        def listings(condition: str) -> str:
            return (
                f"coalesce((SELECT json_agg(json_build_object({listing}) ORDER BY l.published_on DESC, l.id DESC)"  # noqa: S608 (names from the models and the field list, values bound)
                f" FROM {ListEntry._meta.db_table} l WHERE l.enterprise_id = e.id"
                f" AND l.published_on IS NOT NULL AND {condition}), '[]'::json)"
            )

        # §2.4: the fixed yearly grade beside the live one (the latest record not under
        # objection; one still in publicity is public too: publicity is the point of it).
        yearly = (
            "(SELECT json_build_object('year', g.year, 'grade', g.grade, 'score', g.score,"  # noqa: S608 (as above)
            " 'status', g.status, 'publicity_until', g.publicity_until, 'fixed_on', g.fixed_on)"
            f" FROM {GradeRecord._meta.db_table} g WHERE g.enterprise_id = e.id AND g.status <> %s"
            " ORDER BY g.year DESC LIMIT 1)"
        )
        _public_credit_sql = (
            "SELECT a.enterprise_id IS NOT NULL, json_build_object("  # noqa: S608 (as above)
            "'uscc', e.uscc, 'name', e.name, 'score', a.score, 'grade', a.grade,"
            f" 'yearly_grade', {yearly},"
            " 'on_bad_list', coalesce(a.on_bad_list, false),"
            " 'on_dishonest_list', coalesce(a.on_dishonest_list, false),"
            f" 'active_listings', {listings('l.status = %s')},"
            f" 'listing_history', {listings('l.status <> %s')})::text"
            f" FROM {Enterprise._meta.db_table} e"
            f" LEFT JOIN {Account._meta.db_table} a ON a.enterprise_id = e.id"
            " WHERE e.uscc = %s"
        )
    return _public_credit_sql


class _PreparedCursor(psycopg.Cursor):
    """Server-side binding, the statement prepared: PostgreSQL plans the lookup once per
    connection (planning took ~0.2 ms of its ~0.3 ms). As credit.services.ledger_pg does."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        super().execute(query, params, prepare=True, binary=binary)
        # psycopg leaves _query unset for a prepared run; Django's query log reads it.
        self._query = SimpleNamespace(query=query.encode(), params=None)
        return self


def _lookup_cursor():
    """Django's cursor (query log, error translation) around a preparing psycopg cursor when
    the connection allows prepared statements (DB_PREPARED_STATEMENTS, PgBouncer)."""
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        return connection.cursor()
    return connection._prepare_cursor(_PreparedCursor(connection.connection))


def public_credit_text(code: str) -> str | None:
    """The public credit lookup's answer as JSON text (PublicCreditOutput's shape), or None
    when no enterprise has the code: the text PostgreSQL built, passed on as it is unless
    the enterprise has no account yet. PostgreSQL only."""
    with _lookup_cursor() as cur:
        cur.execute(
            _public_credit_statement(),
            [GradeStatus.OBJECTED, ListStatus.PUBLISHED, ListStatus.PUBLISHED, uscc_mod.normalise(code)],
        )
        row = cur.fetchone()
    if row is None:
        return None
    has_account, text = row
    if has_account:
        return text
    doc = json.loads(text)
    # No posting yet: the base score (account_get), nothing is created.
    base = conf.get("CREDIT_BASE_SCORE")
    doc["score"], doc["grade"] = base, grade_of(base, False)
    return json.dumps(doc, ensure_ascii=False)


def public_credit_document(code: str) -> dict:
    """The public credit lookup's answer (credit.api.serializers.PublicCreditOutput's shape),
    the same as ``public_credit`` serialised, in one statement. PostgreSQL only (the SQLite
    demo serialises ``public_credit``: credit.api.public.PublicCreditApi)."""
    text = public_credit_text(code)
    if text is None:
        raise NotFound(_("Not found."))
    return json.loads(text)
