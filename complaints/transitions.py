"""The complaint state machine (REGULATION.md §4.1; issue 14 §3). Only ``transition``
assigns a status.

received → accepted | rejected → forwarded → responded → mediating → closed, with the
shortcuts a handler needs (close from accepted after a direct settlement; mediate without
an enterprise answer), withdrawal from any open state, and one reopening of a closed
complaint within a set period. Every change writes a ComplaintEvent and an audit event,
and moves the complaint's contribution to the public rollups in the same transaction.
"""

from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import Complaint, ComplaintEvent, Outcome, Rollup, Status
from config.api import Conflict, NotFound
from regulator import audit
from regulator.audit import actor_fields

# Statuses in which clocks run and the complainant may still act.
S = Status
OPEN = frozenset({S.RECEIVED, S.ACCEPTED, S.FORWARDED, S.RESPONDED, S.MEDIATING})
ALLOWED: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.ACCEPTED, S.REJECTED, S.CLOSED}),
    S.ACCEPTED: frozenset({S.FORWARDED, S.MEDIATING, S.CLOSED}),
    S.FORWARDED: frozenset({S.RESPONDED, S.MEDIATING, S.CLOSED}),
    S.RESPONDED: frozenset({S.MEDIATING, S.CLOSED}),
    S.MEDIATING: frozenset({S.CLOSED}),
    # Reopening takes a closed complaint back to mediation.
    S.CLOSED: frozenset({S.MEDIATING}),  # reopening (once, within the period: services)
    S.REJECTED: frozenset(),
}
# Which outcomes may close from which state: before acceptance only a withdrawal ends a
# complaint (otherwise it is accepted or rejected, §4.1).
CLOSE_FROM: dict[str, frozenset[str]] = {
    Outcome.WITHDRAWN: OPEN,
    Outcome.RESOLVED: OPEN - {S.RECEIVED},
    Outcome.UNRESOLVED: OPEN - {S.RECEIVED},
}

ROLLUP_FIELDS = ("records", "closed", "fast_known", "fast", "timely_known", "timely", "rated", "rating_sum")


def contribution(c: Complaint) -> dict[str, int]:
    """What this complaint adds to its rollup bucket: exactly what the public record
    (selectors.public) shows about it, so the statistics recompute from the records."""
    # Only accepted complaints enter the public record (a rejected one was never
    # handled), and only once published (closed, or answer time passed).
    if c.public_on is None or c.accepted_on is None:
        return dict.fromkeys(ROLLUP_FIELDS, 0)
    return {
        "records": 1,
        # closed_on and status move together (check constraint), so this equals the
        # record's "closed_on is not empty".
        "closed": int(c.status == S.CLOSED),
        "fast_known": int(c.fast is not None),
        "fast": int(bool(c.fast)),
        "timely_known": int(c.timely is not None),
        "timely": int(bool(c.timely)),
        "rated": int(c.rating is not None),
        "rating_sum": c.rating or 0,
    }


def bucket(c: Complaint) -> tuple:
    return (c.period, c.enterprise_id, c.category, c.province, c.kind)


def apply_rollup(key: tuple, delta: dict[str, int]) -> None:
    """Add ``delta`` to one rollup row, creating it if needed, in one statement (INSERT ...
    ON CONFLICT DO UPDATE, on PostgreSQL and SQLite): concurrent closures of complaints in
    the same bucket add up instead of overwriting each other."""
    # Most steps (forward, respond, mediate) change nothing public: no write at all.
    if not any(delta.values()):
        return
    table = Rollup._meta.db_table
    cols = ", ".join(ROLLUP_FIELDS)
    marks = ", ".join(["%s"] * len(ROLLUP_FIELDS))
    sets = ", ".join(f"{f} = {table}.{f} + excluded.{f}" for f in ROLLUP_FIELDS)
    # Only our own table and column names are interpolated; every value is a parameter.
    keys = "period, enterprise_id, category, province, kind"
    sql = f"INSERT INTO {table} ({keys}, {cols}) VALUES (%s, %s, %s, %s, %s, {marks}) "  # noqa: S608
    sql += f"ON CONFLICT ({keys}) DO UPDATE SET {sets}"
    with connection.cursor() as cur:
        cur.execute(sql, [*key, *(delta[f] for f in ROLLUP_FIELDS)])


def move_rollup(before: tuple[tuple, dict], after: tuple[tuple, dict]) -> None:
    (k0, c0), (k1, c1) = before, after
    # The bucket only changes if a complaint's month, enterprise, category, province
    # or kind changes; none of the services does that today, but the delta stays right.
    if k0 == k1:
        apply_rollup(k0, {f: c1[f] - c0[f] for f in ROLLUP_FIELDS})
    else:
        apply_rollup(k0, {f: -c0[f] for f in ROLLUP_FIELDS})
        apply_rollup(k1, c1)


def snapshot(c: Complaint) -> dict:
    return {
        "status": c.status,
        "outcome": c.outcome,
        "reject_reason": c.reject_reason,
        "handler": c.handler_id,
        "accepted_on": c.accepted_on,
        "forwarded_on": c.forwarded_on,
        "responded_on": c.responded_on,
        "closed_on": c.closed_on,
        "paused": c.paused,
        "fast": c.fast,
        "timely": c.timely,
        "definition_version": c.definition_version,
        "rating": c.rating,
        "public_on": c.public_on,
        "reopen_count": c.reopen_count,
    }


def record_event(*, c: Complaint, actor, frm: str, to: str, action: str, reason: str = "", data=None):
    user, label = actor_fields(actor)
    return ComplaintEvent.objects.create(
        complaint=c,
        from_status=frm,
        to_status=to,
        action=action,
        actor=user,
        actor_label=label,
        reason=reason or "",
        data=data or {},
        occurred_at=timezone.now(),
    )


def lock(complaint_id: int) -> Complaint:
    c = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
    if c is None:
        raise NotFound(_("Not found."))
    return c


def change(
    *,
    complaint_id: int,
    actor,
    action: str,
    apply: Callable[[Complaint], None],
    to: str | None = None,
    reason: str = "",
    data: dict | None = None,
    check: Callable[[Complaint], None] | None = None,
) -> Complaint:
    """Lock the row, run ``check``, check the edge (when ``to`` is given), ``apply``
    under the lock, save, write the event (for a status change or any named step), the
    audit event and the rollup delta. Must be the only path that writes a complaint."""
    with transaction.atomic():
        # SELECT ... FOR UPDATE: two concurrent steps on one complaint serialise here, and
        # the second sees the first's status (exactly one of two closers wins).
        c = lock(complaint_id)
        frm = c.status
        if check is not None:
            check(c)  # access first: one who may not act learns nothing of the state
        if to is not None and to not in ALLOWED[frm]:
            raise Conflict(
                _("A complaint cannot go from %(frm)s to %(to)s.") % {"frm": frm, "to": to},
                code="invalid_transition",
            )
        # Contribution before and after, so the rollup moves by exactly this change.
        before, key0, con0 = snapshot(c), bucket(c), contribution(c)
        apply(c)
        if to is not None:
            c.status = to
        c.save()
        move_rollup((key0, con0), (bucket(c), contribution(c)))
        record_event(c=c, actor=actor, frm=frm, to=c.status, action=action, reason=reason, data=data)
        audit.record(
            actor=actor,
            action=f"complaints.{action}",
            obj=c,
            before=before,
            after=snapshot(c),
            reason=reason,
        )
    return c


def transition(*, complaint_id: int, to: str, actor, action: str, **kw) -> Complaint:
    return change(complaint_id=complaint_id, to=to, actor=actor, action=action, **kw)
