"""Complaint demo data: twelve months of complaints against the kernel's demo enterprises,
with a realistic spread (most handled fast, some late, some paused for material, some
reopened, withdrawn or rejected, ratings), so that a few enterprises miss the 95% timely
line. Idempotent: demo complaints carry public ids starting with "D", and a rerun adds none.

History cannot be replayed through the services (they act on today's date), so this loader
builds each complaint's history with the same pure clock functions (complaints.sla) the
services use, writes its event rows, and adds its contribution to the rollups through the
same function (transitions.apply_rollup), so the statistics recompute from the records.
"""

import datetime as dt
import random
import secrets

from django.db import transaction
from django.utils import timezone

from complaints import sla
from complaints.models import Complaint, ComplaintEvent, ComplaintPause, Outcome, RejectReason, Status
from complaints.services import common
from complaints.services.intake import hash_code
from complaints.transitions import ROLLUP_FIELDS, apply_rollup, bucket, contribution
from regulator import audit, calendar
from regulator.demo import demo_codes
from regulator.models import Enterprise, Role, User

ACTOR = "demo loader"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
CATEGORIES = [
    ("billing", 30),
    ("network", 20),
    ("unsolicited", 15),
    ("personal_info", 12),
    ("app_rights", 15),
    ("other", 8),
]
CHANNELS = [("web", 55), ("phone", 35), ("letter", 4), ("visit", 3), ("email", 3)]


def _pick(rng: random.Random, weighted):
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(8, 19), rng.randint(0, 59))))


def _history(rng, ent, quality, received_on, today, cal, definition, handler, n):
    """One complaint's rows: (Complaint, [(to_status, action, day, reason)], [Pause])."""
    kind = "telecom" if rng.random() < 0.45 else "internet"
    clocks = common.clocks_for(kind)
    c = Complaint(
        public_id=f"D{received_on:%y%m}{n:06d}",
        tracking_hash=hash_code(secrets.token_urlsafe(16)),
        kind=kind,
        category=_pick(rng, CATEGORIES),
        channel=_pick(rng, CHANNELS),
        service="移动通信" if kind == "telecom" else "移动应用",
        description="演示数据：用户反映的问题描述",
        enterprise=ent,
        province=ent.province,
        complainant_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
        complainant_phone=f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}",
        received_at=_at(received_on, rng),
        received_on=received_on,
        first_raised_on=received_on - dt.timedelta(days=rng.randint(16, 40)) if kind == "telecom" else None,
        disputed_on=received_on - dt.timedelta(days=rng.randint(20, 90)),
        handler=handler,
        period=received_on.replace(day=1),
    )
    steps = [(Status.RECEIVED, "received", received_on, "")]
    pauses: list[sla.Pause] = []
    # About 4% refused, mostly time-barred (§4.1).
    if rng.random() < 0.04:  # §4.1 grounds for refusal, one code each
        c.disputed_on = received_on - dt.timedelta(days=400 if c.category == "billing" else 800)
        c.reject_reason = RejectReason.TIME_BARRED if rng.random() < 0.6 else RejectReason.ALREADY_HANDLED
        day = cal.add_working_days(received_on, rng.randint(1, 4))
        if day <= today:
            c.status = Status.REJECTED
            steps.append((Status.REJECTED, "rejected", day, c.reject_reason))
        return c, steps, pauses
    accepted = cal.add_working_days(received_on, rng.randint(0, 3))
    if accepted > today:
        return c, steps, pauses
    c.accepted_on, c.status = accepted, Status.ACCEPTED
    steps.append((Status.ACCEPTED, "accepted", accepted, ""))
    # About one complaint in eight waits for material from the complainant.
    if rng.random() < 0.12:  # material requested, arriving 1-5 working days later
        p0 = cal.add_working_days(accepted, rng.randint(0, 2))
        p1 = cal.add_working_days(p0, rng.randint(1, 5))
        if p0 <= today:
            pauses.append(sla.Pause(p0, p1 if p1 <= today else None))
    # How long handling takes, in working days on the clock: most fast, a share of this
    # enterprise's complaints late (quality is its chance of handling in time).
    r = rng.random()
    on_clock = rng.randint(1, 5) if r < 0.88 else (rng.randint(6, 10) if r < quality else rng.randint(11, 22))
    closed = sla.deadline(cal, accepted, sla.Span(on_clock), pauses) or today + dt.timedelta(days=1)
    pauses = [p for p in pauses if p.paused_on < closed]
    forwarded = cal.add_working_days(accepted, 0 if on_clock < 3 else 1)
    if forwarded <= today and forwarded < closed:
        c.forwarded_on, c.status = forwarded, Status.FORWARDED
        steps.append((Status.FORWARDED, "forwarded", forwarded, ""))
        responded = cal.add_working_days(forwarded, max(1, on_clock // 2))
        if responded < closed and responded <= today:
            c.responded_on, c.status = responded, Status.RESPONDED
            c.enterprise_response = "已与用户联系并处理"
            steps.append((Status.RESPONDED, "responded", responded, ""))
            if rng.random() < 0.3:
                c.status = Status.MEDIATING
                steps.append((Status.MEDIATING, "mediating", responded, ""))
    # A few complainants withdraw once the enterprise has contacted them.
    withdrawn = rng.random() < 0.03
    if closed <= today:
        c.status, c.closed_on = Status.CLOSED, closed
        if withdrawn:
            c.outcome = Outcome.WITHDRAWN
            steps.append((Status.CLOSED, "withdrawn", closed, "用户撤诉"))
        else:
            c.outcome = Outcome.RESOLVED if rng.random() < 0.85 else Outcome.UNRESOLVED
            reopen = rng.random() < 0.03 and cal.add_working_days(closed, 3) <= today
            if reopen:  # reopened once, closed again three working days later
                steps.append((Status.CLOSED, "closed", closed, ""))
                steps.append((Status.MEDIATING, "reopened", cal.add_working_days(closed, 1), "用户不满意"))
                c.reopen_count, c.closed_on = 1, cal.add_working_days(closed, 3)
            steps.append((Status.CLOSED, "closed", c.closed_on, ""))
            out = sla.judge(
                cal,
                definition,
                accepted_on=accepted,
                closed_on=c.closed_on,
                pauses=pauses,
                reopened=bool(c.reopen_count),
            )
            c.fast, c.timely, c.handling_days, c.definition_version = (
                out.fast,
                out.timely,
                out.handling_days,
                out.version,
            )
            if rng.random() < 0.7:  # most complainants rate; slow or unresolved ones lower
                base = 5 if c.fast else (4 if c.timely else 2)
                if c.outcome == Outcome.UNRESOLVED:
                    base -= 2
                c.rating = max(1, min(5, base + rng.choice([-1, 0, 0, 0, 1])))
                c.rated_at = timezone.make_aware(dt.datetime.combine(c.closed_on, dt.time(20)))
        c.public_on = c.closed_on
    c.paused = any(p.resumed_on is None for p in pauses)
    common_deadlines(c, clocks, pauses, cal)
    if c.status != Status.CLOSED:
        timely_due = sla.deadline(cal, accepted, definition.timely, pauses)
        if timely_due is not None and today > timely_due:
            c.timely, c.definition_version = False, definition.version
        if c.answer_due_on is not None and today > c.answer_due_on:
            c.public_on = c.answer_due_on + dt.timedelta(days=1)
    return c, steps, pauses


def common_deadlines(c, clocks, pauses, cal) -> None:
    starts = {"received": c.received_on, "accepted": c.accepted_on, "forwarded": c.forwarded_on}
    for name in ("accept", "respond", "answer"):
        start = starts[clocks[name]["start"]]
        due = None if start is None else sla.deadline(cal, start, common.span(clocks[name]["span"]), pauses)
        setattr(c, f"{name}_due_on", due)
    c.clock_version, c.calendar_version = clocks["version"], cal.version


def load() -> str:
    if Complaint.objects.filter(public_id__startswith="D").exists():
        return "already loaded"
    codes = [code for code, _p, _c in demo_codes()]
    ents = list(Enterprise.objects.filter(uscc__in=codes[:48]).order_by("uscc"))
    if len(ents) < 10:
        return "skipped: kernel demo enterprises missing"
    handler = User.objects.filter(username="handler", role=Role.HANDLER).first()
    rng = random.Random(14)
    cal = calendar.current()
    definition = common.definition()
    today = timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    # A few enterprises handle slowly: their timely rate falls below 95% (§4.2).
    # Seeded: the same enterprises are slow on every run.
    quality = {e.pk: (0.80 if i % 9 == 4 else 0.995) for i, e in enumerate(ents)}
    made, n = [], 0
    day = first
    while day <= today:
        for ent in ents:
            for _ in range(rng.randint(0, 3)):
                n += 1
                made.append(_history(rng, ent, quality[ent.pk], day, today, cal, definition, handler, n))
        day += dt.timedelta(days=rng.randint(2, 4))
    with transaction.atomic():
        Complaint.objects.bulk_create([c for c, _s, _p in made], batch_size=1000)
        events, pauses, sums = [], [], {}
        for c, steps, ps in made:
            frm = ""
            for to, action, when, reason in steps:
                at = timezone.make_aware(dt.datetime.combine(when, dt.time(12)))
                events.append(
                    ComplaintEvent(
                        complaint=c,
                        from_status=frm,
                        to_status=to,
                        action=action,
                        actor_label=ACTOR,
                        reason=reason,
                        occurred_at=at,
                    )
                )
                frm = to
            pauses += [
                ComplaintPause(
                    complaint=c, paused_on=p.paused_on, resumed_on=p.resumed_on, request="请补充账单截图"
                )
                for p in ps
            ]
            acc = sums.setdefault(bucket(c), dict.fromkeys(ROLLUP_FIELDS, 0))
            for f, v in contribution(c).items():
                acc[f] += v
        ComplaintEvent.objects.bulk_create(events, batch_size=2000)
        ComplaintPause.objects.bulk_create(pauses, batch_size=1000)
        for key, delta in sums.items():
            apply_rollup(key, delta)
        audit.record(
            actor=ACTOR,
            action="complaints.demo_loaded",
            object_type="complaints.complaint",
            object_id="demo",
            after={"complaints": len(made), "from": first, "to": today},
        )
    public = sum(1 for c, _s, _p in made if c.public_on)
    return f"{len(made)} complaints over 12 months ({public} in the public record)"
