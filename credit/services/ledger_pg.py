"""The PostgreSQL path of ``ledger_post`` (issue 17): two statements between BEGIN and
COMMIT, and as little Python per post as the rules allow.

Every credit write (complaint closures, inspection results, listings, sweeps) goes through
``ledger_post``, from gunicorn and Celery processes that share the machine's cores with
PostgreSQL, so the CPU a post costs on both sides is the rate. What stays exactly as in
``append_entry``: the rule read under the account lock, the points, expiry and grade
decided in Python (``scoring``, ``grade_of``), the idempotency key checked after the lock,
one audit event per post with the content hash ``regulator.audit.content_hash`` computes.
What goes: compiling three ORM INSERT/UPDATE statements and instantiating five models per
post. The statement texts are built once per process from the models' own columns (a
column added to the entry or the audit event is picked up, and a value the path does not
supply fails loudly instead of being left NULL).

Server-side prepared statements: used when the connection allows them, i.e. when
``DATABASES[...]["OPTIONS"]["prepare_threshold"]`` is set (Django disables them by
default for PgBouncer in transaction mode before 1.21); then PostgreSQL parses and plans
the two statements once per connection instead of once per post.
"""

import datetime as dt
import functools
import weakref
from types import SimpleNamespace
from typing import Any

import psycopg
from django.db import connection
from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
from django.db.backends.postgresql.psycopg_any import register_tzloader
from django.db.models import JSONField
from django.utils import timezone
from psycopg.pq import Format

from credit import scoring
from credit.models import EntryKind, ExpiryDue, LedgerEntry, ListEffect, Rule
from credit.services.common import create_account, grade_of, replayed
from regulator import audit, canonical, context
from regulator.audit import actor_fields
from regulator.models import AuditEvent

_ACTION = f"credit.ledger_{EntryKind.POSTING}"
_OBJECT_TYPE = f"{LedgerEntry._meta.app_label}.{LedgerEntry._meta.model_name}"
# Built on first use (the sequence name needs the database): see ``_statements``.
_SQL: dict[str, Any] = {}
# psycopg connection -> its prepared-statement cursor (per thread, as connections are).
_CURSORS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class _PreparedCursor(psycopg.Cursor):
    """Server-side binding, and every statement prepared (parsed and planned once per
    connection). Only the two statements of this module run on it."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        super().execute(query, params, prepare=True, binary=binary)
        # psycopg leaves ``_query`` unset when it runs a prepared statement; Django's query
        # log (DEBUG, CaptureQueriesContext) reads the statement text from it.
        self._query = _logged(query)
        return self


@functools.cache
def _logged(query: str) -> SimpleNamespace:
    return SimpleNamespace(query=query.encode(), params=None)


def _statements() -> dict[str, Any]:
    if _SQL:
        return _SQL
    q = connection.ops.quote_name
    rule_fields = [f.column for f in Rule._meta.concrete_fields]
    with connection.cursor() as cur:
        cur.execute(
            "SELECT pg_get_serial_sequence(%s, %s)",
            [LedgerEntry._meta.db_table, LedgerEntry._meta.pk.column],
        )
        seq = cur.fetchone()[0]
    # Statement 1: the account lock; in the same round trip the rule (all its columns, so
    # the API can show it) and the new entry's id, which the audit event names and hashes.
    # The rule is read, never cached: a cache cleared when a rule changes would be cleared
    # only in the process that changed it (test_rule_change_is_seen_by_the_next_post).
    # Identifiers come from the models and from PostgreSQL itself; every value is bound.
    lock = (
        "SELECT a.score, a.on_bad_list, a.on_dishonest_list, a.entry_count,"  # noqa: S608
        " a.grade, a.last_entry_id,"
        f" nextval('{seq}'::regclass), "  # name read from PostgreSQL itself, not input
        + ", ".join(f"r.{q(c)}" for c in rule_fields)
        + f" FROM credit_account a LEFT JOIN {q(Rule._meta.db_table)} r ON r.code = %s"
        " WHERE a.enterprise_id = %s FOR UPDATE OF a"
    )
    entry_fields = list(LedgerEntry._meta.local_concrete_fields)
    event_fields = [f for f in AuditEvent._meta.local_concrete_fields if not f.primary_key]

    def insert(model, fields) -> str:
        cols = ", ".join(q(f.column) for f in fields)
        marks = ", ".join("%s::jsonb" if isinstance(f, JSONField) else "%s" for f in fields)
        return f"INSERT INTO {q(model._meta.db_table)} ({cols}) VALUES ({marks})"  # noqa: S608

    # The expiry sweep's queue row (models.ExpiryDue), taken from the inserted entry's own
    # columns: a column added to the queue and missing here fails loudly (KeyError).
    from_entry = {"expires_at": "expires_at", "entry_id": "id", "enterprise_id": "enterprise_id"}
    due_cols = [f.column for f in ExpiryDue._meta.local_concrete_fields]
    due = (
        f"INSERT INTO {q(ExpiryDue._meta.db_table)} ({', '.join(q(c) for c in due_cols)})"  # noqa: S608
        f" SELECT {', '.join('e.' + q(from_entry[c]) for c in due_cols)} FROM e WHERE e.expires_at IS NOT NULL"
    )
    # Statement 2: entry, expiry-queue row, account and audit event in one data-modifying
    # CTE. The queue row is in the posting's own statement: no statement more per post, and
    # the two commit together or not at all (so the sweep can never miss a posting).
    returning = ", ".join(map(q, from_entry.values()))
    write = (
        f"WITH e AS ({insert(LedgerEntry, entry_fields)} RETURNING {returning}),"  # noqa: S608
        f" d AS ({due}), a AS ("
        "UPDATE credit_account SET score = %s, entry_count = %s, last_entry_id = %s, grade = %s,"
        f" updated_at = %s WHERE enterprise_id = %s) {insert(AuditEvent, event_fields)}"
    )
    _SQL.update(
        lock=lock,
        write=write,
        entry_attnames=[f.attname for f in entry_fields],
        event_attnames=[f.attname for f in event_fields],
        rule_fields=[f.attname for f in Rule._meta.concrete_fields],
    )
    return _SQL


def _cursor():
    """A Django cursor wrapper (query logging, execute wrappers, error translation) around
    a prepared-statement psycopg cursor when the connection allows preparing. The psycopg
    cursor is made once per database connection and kept (never closed by the wrapper)."""
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        return connection.cursor()
    cur = _CURSORS.get(raw)
    if cur is None or cur.closed:
        cur = _PreparedCursor(raw)
        tzloader = raw.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if connection.timezone != tzloader.timezone:  # as Django's create_cursor does
            register_tzloader(connection.timezone, cur)
        _CURSORS[raw] = cur
    return connection._prepare_cursor(cur)


def post(
    *, actor, enterprise, rule_code, source_ref, note, effective_at, idempotency_key, digest
) -> LedgerEntry:
    """One posting inside the caller's ``transaction.atomic()``."""
    sql = _statements()
    cur = _cursor()
    try:
        cur.execute(sql["lock"], (rule_code, enterprise.pk))
        row = cur.fetchone()
        if row is None:
            # First post for this enterprise: create the account (ON CONFLICT DO NOTHING),
            # then take the same lock and read as every later post does.
            create_account(enterprise.pk)
            cur.execute(sql["lock"], (rule_code, enterprise.pk))
            row = cur.fetchone()
        score, on_bad, on_dishonest, count, grade, last_id, entry_id = row[:7]
        rule_row = row[7:]
        # The key is checked after the account lock is held (a separate statement, so it
        # sees an entry committed by the writer we waited for): two concurrent retries
        # cannot both insert.
        if idempotency_key and (existing := replayed(enterprise.pk, idempotency_key, digest)):
            return existing
        rule = Rule.from_db(connection.alias, sql["rule_fields"], rule_row)
        if rule.id is None or not rule.active or rule.list_effect != ListEffect.NONE:
            from credit.services.ledger import postable_rule

            postable_rule(rule_code)  # raises the same 400 as the ORM path
        points = rule.points
        now = timezone.now()
        effective = effective_at or now
        expires = scoring.expires_at(effective, rule.validity_months)
        user, label = actor_fields(actor)
        actor_id = user.pk if user is not None else None
        new_score = score + points
        new_grade = grade_of(new_score, on_dishonest)
        entry_values = {
            "id": entry_id,
            "enterprise_id": enterprise.pk,
            "rule_id": rule.id,
            "rule_version": rule.version,
            "kind": EntryKind.POSTING.value,
            "points": points,
            "effective_at": effective,
            "recorded_at": now,
            "expires_at": expires,
            "reverses_id": None,
            "source_ref": source_ref,
            "actor_id": actor_id,
            "actor_label": label,
            "note": note,
            "idempotency_key": idempotency_key,
            "content_hash": digest,
        }
        # The event ``audit.record`` writes for ``append_entry``: before/after as they read
        # back from the JSON column (``canonical.plain``: times as ISO strings), hashed by
        # ``audit.content_hash`` itself. A registered enterprise's province never changes (§5).
        before = {"score": score, "grade": grade, "on_bad_list": on_bad, "on_dishonest_list": on_dishonest}
        after = {
            "enterprise": enterprise.pk,
            "rule": rule.code,
            "rule_version": rule.version,
            "kind": EntryKind.POSTING.value,
            "points": points,
            "effective_at": _iso(effective),
            "expires_at": _iso(expires),
            "reverses": None,
            "source_ref": source_ref,
            "score": new_score,
            "grade": new_grade,
            "on_bad_list": on_bad,
            "on_dishonest_list": on_dishonest,
        }
        event = SimpleNamespace(
            occurred_at=now,
            actor_id=actor_id,
            actor_label=label,
            action=_ACTION,
            object_type=_OBJECT_TYPE,
            object_id=str(entry_id),
            before=before,
            after=after,
            reason=note or "",
            request_id=context.request_id.get(),
            enterprise_id=enterprise.pk,
            province=enterprise.province or "",
            seq=None,
            prev_hash=None,
            hash=None,
        )
        event.content_hash = audit.content_hash(event)
        event.before = canonical.dumps(before)
        event.after = canonical.dumps(after)
        ev = event.__dict__
        cur.execute(
            sql["write"],
            (
                *[entry_values[a] for a in sql["entry_attnames"]],
                new_score,
                count + 1,
                entry_id,
                new_grade,
                now,
                enterprise.pk,
                *[ev[a] for a in sql["event_attnames"]],
            ),
        )
    finally:
        if not isinstance(cur.cursor, _PreparedCursor):
            cur.close()  # an ordinary Django cursor (prepared statements off)
    entry = LedgerEntry.from_db(
        connection.alias, sql["entry_attnames"], [entry_values[a] for a in sql["entry_attnames"]]
    )
    LedgerEntry.rule.field.set_cached_value(entry, rule)
    if user is not None:
        LedgerEntry.actor.field.set_cached_value(entry, user)
    return entry


def _iso(value: dt.datetime | None) -> str | None:
    # What ``canonical.plain`` turns a datetime into (canonical._default).
    return value.isoformat() if value is not None else None
