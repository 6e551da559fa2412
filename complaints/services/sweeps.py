"""Periodic complaint sweeps (DESIGN.md, Background work): idempotent, safe to run twice.

``sweep_sla`` (every few minutes): recomputes deadlines after a policy or calendar change,
flags clocks at risk and breached and notifies the responsible handler(s) and the centre's
supervisors once per threshold, marks overdue complaints untimely, and moves complaints
whose answer time has passed into the public record.

``sweep_credit_feed`` (daily; acts once per quarter): the §2.4 ledger entry for every
enterprise whose quarterly timely rate is below the target.
"""

import datetime as dt
import logging
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints import conf, sla
from complaints.models import (
    AlertLevel,
    Complaint,
    ComplaintPause,
    CreditFeed,
    Notification,
    Rollup,
    SlaAlert,
    Status,
)
from complaints.services import common
from complaints.transitions import OPEN, change
from regulator import audit, calendar
from regulator.models import Enterprise, Role

log = logging.getLogger(__name__)
SWEEP = "sweep"

# Which clock runs in which state (REGULATION.md §4.1): acceptance until accepted or
# rejected; the enterprise's answer while forwarded; the answer to the complainant from
# acceptance until closing.
RUNS_IN = {
    "accept": frozenset({Status.RECEIVED}),
    "respond": frozenset({Status.FORWARDED}),
    "answer": frozenset({Status.ACCEPTED, Status.FORWARDED, Status.RESPONDED, Status.MEDIATING}),
}
_START = {"received": "received_on", "accepted": "accepted_on", "forwarded": "forwarded_on"}


def _recipients(c: Complaint) -> list:
    """The handler working the case (else every handler of the centre) and the centre's
    supervisors; the 12300 centre's (MIIT) supervisors when the province has none."""
    users = get_user_model().objects.filter(is_active=True)
    # Nobody has the case yet (public intake): the whole centre is responsible.
    handlers = [c.handler] if c.handler_id else list(users.filter(role=Role.HANDLER, authority_id=c.province))
    supervisors = list(users.filter(role=Role.SUPERVISOR, authority_id=c.province)) or list(
        users.filter(role=Role.SUPERVISOR, authority_id="MIIT")
    )
    seen, out = set(), []
    for u in handlers + supervisors:
        if u.pk not in seen:
            seen.add(u.pk)
            out.append(u)
    return out


def _email(notification_ids: list[int]) -> None:
    """After commit: e-mail through Django's mail settings; a failed send leaves
    ``emailed_at`` empty (the in-app notification stands) and is logged."""
    for n in Notification.objects.filter(pk__in=notification_ids).select_related("recipient"):
        # A user without an e-mail address still has the in-app notification.
        if not n.recipient.email:
            continue
        try:
            send_mail(n.subject, n.body, None, [n.recipient.email])
        except Exception:  # noqa: BLE001 - mail is best effort; the notification is in-app too
            log.exception("complaint notification %s not e-mailed", n.pk)
            continue
        Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())


def _alert(c: Complaint, clock: str, level: str, due_on: dt.date | None) -> int | None:
    """Create the alert for this threshold once and notify; None when an earlier (or a
    concurrent) run already did: the unique key decides, not a read before the write."""
    with transaction.atomic():
        # Savepoint: a duplicate alert rolls back alone, not the sweep's transaction.
        try:
            with transaction.atomic():
                alert = SlaAlert.objects.create(
                    complaint=c, clock=clock, level=level, cycle=c.reopen_count, due_on=due_on
                )
        except IntegrityError:
            return None
        label = str(AlertLevel(level).label)
        names = {"id": c.public_id, "clock": clock, "level": label, "kind": c.kind}
        subject = _("Complaint %(id)s: %(clock)s clock %(level)s") % names
        body = _("Complaint %(id)s (%(kind)s): the %(clock)s clock is %(level)s; due %(due)s.") % {
            **names,
            "due": due_on.isoformat() if due_on else "-",
        }
        rows = Notification.objects.bulk_create(
            [
                Notification(recipient=u, alert=alert, complaint=c, subject=subject, body=body)
                for u in _recipients(c)
            ]
        )
        ids = [n.pk for n in rows]
        audit.record(
            actor=SWEEP, action=f"complaints.sla_{level}", obj=c, after={"clock": clock, "due_on": due_on}
        )
        # Mail only after commit: a rolled-back alert never sends mail.
        transaction.on_commit(lambda: _email(ids))
    return len(rows)


def sweep_sla(*, today: dt.date | None = None, batch: int = 2000) -> dict:
    today = today or common.today()
    cal = calendar.current()
    share = common.at_risk_share()
    definition = common.definition()
    counts = {"checked": 0, "recomputed": 0, "alerts": 0, "notified": 0, "late": 0, "published": 0}
    open_qs = (
        Complaint.objects.filter(status__in=OPEN)
        .select_related("handler")
        .prefetch_related(Prefetch("pauses", queryset=ComplaintPause.objects.order_by("id")))
        .order_by("pk")
    )
    last = 0
    # Keyset batches: constant memory however many complaints are open.
    while True:
        rows = list(open_qs.filter(pk__gt=last)[:batch])
        if not rows:
            break
        last = rows[-1].pk
        for c in rows:
            counts["checked"] += 1
            pauses = [sla.Pause(p.paused_on, p.resumed_on) for p in c.pauses.all()]
            policy = common.clocks_for(c.kind)
            if c.clock_version != policy["version"] or c.calendar_version != cal.version:
                # A policy or calendar change: recompute over the same pauses (sla.py).
                common.recompute_deadlines(c, pauses)
                # Compare-and-set on the status: a complaint that moved meanwhile keeps the
                # deadlines its own step computed.
                Complaint.objects.filter(pk=c.pk, status=c.status).update(
                    accept_due_on=c.accept_due_on,
                    respond_due_on=c.respond_due_on,
                    answer_due_on=c.answer_due_on,
                    clock_version=c.clock_version,
                    calendar_version=c.calendar_version,
                )
                counts["recomputed"] += 1
            for name, states in RUNS_IN.items():
                start = getattr(c, _START[policy[name]["start"]])
                if c.status not in states or start is None:
                    continue
                st = sla.clock_status(
                    cal,
                    name=name,
                    start=start,
                    span=common.span(policy[name]["span"]),
                    asof=today,
                    pauses=pauses,
                    at_risk_share=share,
                    version=policy["version"],
                )
                levels = {
                    sla.AT_RISK: [AlertLevel.AT_RISK],
                    sla.BREACHED: [AlertLevel.AT_RISK, AlertLevel.BREACHED],
                }
                for level in levels.get(st.state, []):
                    n = _alert(c, name, level, st.due_on)
                    if n is not None:
                        counts["alerts"] += 1
                        counts["notified"] += n
            _late_and_public(c, pauses, today, cal, definition, counts)
    return counts


def _late_and_public(c, pauses, today, cal, definition, counts) -> None:
    if c.accepted_on is None:
        return
    due = sla.deadline(cal, c.accepted_on, definition.timely, pauses)
    late = c.timely is None and due is not None and today > due
    publish = c.public_on is None and c.answer_due_on is not None and today > c.answer_due_on
    if not (late or publish):
        return

    def apply(x: Complaint) -> None:
        if late and x.timely is None and x.status in OPEN:
            # Not closed by the timely deadline: untimely whatever happens next (§4.2).
            x.timely, x.definition_version = False, definition.version
        if publish and x.public_on is None and x.status in OPEN:
            # CFPB's rule: public once answered or once the response time has passed.
            x.public_on = today

    change(
        complaint_id=c.pk,
        actor=SWEEP,
        action="sla_marked",
        apply=apply,
        data={"late": late, "published": publish},
    )
    counts["late"] += int(late)
    counts["published"] += int(publish)


# --- credit feed (§2.4) -------------------------------------------------------------------


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_months(period: str) -> list[dt.date]:
    year, q = int(period[:4]), int(period[-1])
    return [dt.date(year, 3 * (q - 1) + m, 1) for m in (1, 2, 3)]


def previous_quarter(day: dt.date) -> str:
    first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return quarter_of(first - dt.timedelta(days=1))


def quarter_below_target(period: str) -> list[dict]:
    """Enterprises whose timely rate in the quarter (complaints received in it) is below
    the threshold, with at least the minimum number of timeliness results."""
    threshold = Decimal(str(conf.get("COMPLAINTS_CREDIT_TIMELY_THRESHOLD")))
    minimum = int(conf.get("COMPLAINTS_CREDIT_MIN_COUNT"))
    rows = (
        Rollup.objects.filter(period__in=quarter_months(period))
        .values("enterprise_id")
        .annotate(timely=Sum("timely"), known=Sum("timely_known"))
        .filter(known__gte=max(minimum, 1))
        .order_by("enterprise_id")
    )
    return [r for r in rows if Decimal(r["timely"]) / Decimal(r["known"]) < threshold]


def sweep_credit_feed(*, today: dt.date | None = None, period: str | None = None) -> int:
    """Post the quarterly timeliness deduction once per enterprise and quarter. Runs daily
    and acts on the last finished quarter once its complaints have had time to be
    answered (COMPLAINTS_CREDIT_FEED_DELAY_DAYS); CreditFeed's unique key and credit's
    idempotency (source_ref) make a second run post nothing."""
    from credit import services as credit_services

    today = today or common.today()
    if period is None:
        period = previous_quarter(today)
        q_end = quarter_months(period)[-1].replace(day=28) + dt.timedelta(days=4)
        q_end = q_end - dt.timedelta(days=q_end.day)
        if today < q_end + dt.timedelta(days=int(conf.get("COMPLAINTS_CREDIT_FEED_DELAY_DAYS"))):
            return 0
    # Cheap pre-filter; the unique key below is what guarantees once.
    done = set(CreditFeed.objects.filter(period=period).values_list("enterprise_id", flat=True))
    posted = 0
    for row in quarter_below_target(period):
        if row["enterprise_id"] in done:
            continue
        ent = Enterprise.objects.get(pk=row["enterprise_id"])
        ref = f"complaints.timeliness:{period}:{ent.uscc}"
        with transaction.atomic():
            feed, created = CreditFeed.objects.get_or_create(
                enterprise=ent,
                period=period,
                defaults={"timely": row["timely"], "timely_known": row["known"], "source_ref": ref},
            )
            if not created:
                continue
            # Same transaction as the CreditFeed row: both or neither.
            credit_services.complaint_timeliness_post(
                actor=SWEEP, enterprise=ent, period=period, source_ref=ref
            )
            audit.record(
                actor=SWEEP,
                action="complaints.credit_feed_posted",
                obj=feed,
                after={"period": period, "timely": row["timely"], "known": row["known"]},
            )
        posted += 1
    return posted


def notification_mark_read(*, actor, notification_id: int) -> Notification:
    from config.api import NotFound

    n = Notification.objects.filter(pk=notification_id, recipient=actor).first()
    if n is None:
        raise NotFound(_("Not found."))
    if n.read_at is None:
        Notification.objects.filter(pk=n.pk, read_at__isnull=True).update(read_at=timezone.now())
        n.refresh_from_db()
    return n
