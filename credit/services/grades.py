"""The yearly grade (§2.4, Fujian model [F S18]): each January (CREDIT_GRADE_SWEEP_DATE) the
sweep records every enterprise's score and grade with the entries that made them; after a
publicity period of at least 10 working days, in which the enterprise may object, the
record is fixed. A fixed C grade bars applications for 3 years as a dated sanction; a
fixed B grade calls for an admonition talk (a task for a supervisor). The live score goes
on moving; the year's decisions cite the fixed record."""

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from credit import access, conf
from credit import transitions as tr
from credit.models import (
    Account,
    AdmonitionTask,
    EntryKind,
    GradeEvent,
    GradeRecord,
    GradeStatus,
    LedgerEntry,
)
from credit.services.automatic import clean_years_sweep
from credit.services.common import grade_of
from credit.services.sanctions import sanction_impose
from regulator import audit, calendar
from regulator.dates import add_years
from regulator.models import Enterprise, Role

SWEEP = "sweep"
G = GradeStatus


def sweep_date(year: int) -> dt.date:
    month, day = conf.get("CREDIT_GRADE_SWEEP_DATE")
    return dt.date(year, month, day)


def grade_sweep(*, today: dt.date | None = None) -> dict[str, int]:
    """From the sweep date on, record the year's grade of every enterprise registered before
    it (one per enterprise and year: a second run, or the next day's, adds nothing). The
    clean-years bonus is posted first, so the record includes it."""
    today = today or timezone.localdate()
    day = sweep_date(today.year)
    if today < day:
        return {"clean_bonus": 0, "recorded": 0}
    cutoff = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    todo = list(
        Enterprise.objects.filter(created_at__lt=cutoff)
        .filter(~Exists(GradeRecord.objects.filter(enterprise_id=OuterRef("pk"), year=today.year)))
        .values_list("pk", flat=True)
    )
    if not todo:
        return {"clean_bonus": 0, "recorded": 0}
    bonus = clean_years_sweep(today=day)
    recorded = 0
    for start in range(0, len(todo), 1000):
        recorded += _record_batch(todo[start : start + 1000], year=today.year, today=today)
    return {"clean_bonus": bonus, "recorded": recorded}


def _record_batch(ent_ids: list[int], *, year: int, today: dt.date) -> int:
    base = conf.get("CREDIT_BASE_SCORE")
    days = max(int(conf.get("CREDIT_GRADE_PUBLICITY_WORKING_DAYS")), 10)  # §2.4: at least 10
    until = calendar.add_working_days(today, days)
    version = calendar.version()
    now = timezone.now()
    accounts = {a.pk: a for a in Account.objects.filter(pk__in=ent_ids)}
    live: dict[int, list[dict]] = {}
    postings = (
        LedgerEntry.objects.filter(enterprise_id__in=ent_ids, kind=EntryKind.POSTING)
        .filter(~Exists(LedgerEntry.objects.filter(reverses_id=OuterRef("pk"))))
        .select_related("rule")
        .order_by("enterprise_id", "id")
    )
    for e in postings:
        live.setdefault(e.enterprise_id, []).append(
            {"id": e.pk, "rule": e.rule.code, "points": e.points, "effective_at": e.effective_at.isoformat()}
        )
    rows = []
    for pk in ent_ids:
        acc = accounts.get(pk)
        score = acc.score if acc else base
        dishonest = bool(acc and acc.on_dishonest_list)
        rows.append(
            GradeRecord(
                enterprise_id=pk,
                year=year,
                score=score,
                grade=acc.grade if acc else grade_of(base, False),
                on_dishonest_list=dishonest,
                entries=live.get(pk, []),
                computed_at=now,
                publicity_until=until,
                calendar_version=version,
            )
        )
    with transaction.atomic():
        # ON CONFLICT DO NOTHING on (enterprise, year): a concurrent sweep cannot double a record.
        GradeRecord.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        fresh = list(
            GradeRecord.objects.filter(enterprise_id__in=ent_ids, year=year, computed_at=now).values_list(
                "pk", "grade", "score"
            )
        )
        GradeEvent.objects.bulk_create(
            [
                GradeEvent(
                    record_id=pk,
                    from_status="",
                    to_status=G.PUBLICITY,
                    action="recorded",
                    actor_label=SWEEP,
                    occurred_at=now,
                )
                for pk, _g, _s in fresh
            ]
        )
        audit.record_many(
            actor=SWEEP,
            events=[
                {
                    "action": "credit.grade_record_recorded",
                    "object_type": "credit.graderecord",
                    "object_id": pk,
                    "after": {"year": year, "grade": g, "score": s, "publicity_until": until},
                }
                for pk, g, s in fresh
            ],
        )
    return len(fresh)


def grade_fix_due(*, today: dt.date | None = None) -> int:
    """Fix the records whose publicity is over with no objection pending, and apply their
    effects. Each record moves once (the transition locks and checks it)."""
    today = today or timezone.localdate()
    ids = list(
        GradeRecord.objects.filter(status=G.PUBLICITY, publicity_until__lt=today).values_list("pk", flat=True)
    )
    done = 0
    for pk in ids:
        try:
            _fix(pk, today)
            done += 1
        except Conflict:
            continue  # objected or fixed meanwhile
    return done


def _fix(pk: int, today: dt.date) -> None:
    with transaction.atomic():
        rec = tr.case_transition(
            GradeRecord, pk=pk, to=G.FIXED, actor=SWEEP, action="fixed", fields={"fixed_on": today}
        )
        rec = GradeRecord.objects.select_related("enterprise").get(pk=pk)
        if rec.grade in conf.get("CREDIT_GRADE_BAN_GRADES"):
            # §2.4 [F S18]: C → no applications for 3 years, counted from the fixed grade.
            years = int(conf.get("CREDIT_GRADE_BAN_YEARS"))
            sanction_impose(
                actor=SWEEP,
                enterprise=rec.enterprise,
                kind=conf.get("CREDIT_GRADE_BAN_KIND"),
                starts_on=today,
                until=add_years(today, years) - dt.timedelta(days=1),
                reason=_("Credit grade %(g)s fixed for %(y)s.") % {"g": rec.grade, "y": rec.year},
                legal_basis="福建省通信管理局2010年电信业务经营者信用积分制度（C级：三年内不受理许可申请）",
                source_ref=f"credit.grade:{rec.pk}",
            )
        if rec.grade in conf.get("CREDIT_ADMONITION_GRADES"):
            # §2.4 [F S18]: B → an admonition talk with the enterprise.
            task = AdmonitionTask.objects.create(
                enterprise=rec.enterprise,
                grade_record=rec,
                province=rec.enterprise.province,
                due_on=calendar.add_working_days(today, int(conf.get("CREDIT_ADMONITION_WORKING_DAYS"))),
            )
            audit.record(actor=SWEEP, action="credit.admonition_due", obj=task, after={"due_on": task.due_on})


def grade_record_object(*, actor, record_id: int, grounds: str) -> GradeRecord:
    """The enterprise objects to its recorded grade during the publicity period."""
    if not (grounds or "").strip():
        raise ApplicationError(_("Give the grounds."), errors={"grounds": [_("Required.")]})
    rec = GradeRecord.objects.filter(pk=record_id).first()
    if rec is None:
        raise NotFound(_("Not found."))
    access.require_own(actor, rec.enterprise_id)
    if timezone.localdate() > rec.publicity_until:
        raise Conflict(_("The publicity period is over."), code="publicity_over")
    return tr.case_transition(
        GradeRecord,
        pk=record_id,
        to=G.OBJECTED,
        actor=actor,
        action="objected",
        reason=grounds,
        fields={"objection_grounds": grounds.strip()},
    )


def grade_record_decide(*, actor, record_id: int, upheld: bool, answer: str, grade: str = "") -> GradeRecord:
    """Answer the objection: upheld corrects the grade (given), rejected confirms it."""
    errors = {}
    if not (answer or "").strip():
        errors["answer"] = [_("Required.")]
    grades = [g for g, _f in conf.get("CREDIT_GRADE_FLOORS")] + [conf.get("CREDIT_LOWEST_GRADE")]
    if upheld and grade not in grades:
        errors["grade"] = [_("Give the corrected grade: %s.") % ", ".join(grades)]
    if errors:
        raise ApplicationError(_("Invalid decision."), errors=errors)
    rec = GradeRecord.objects.select_related("enterprise").filter(pk=record_id).first()
    if rec is None:
        raise NotFound(_("Not found."))
    access.require_on(actor, rec.enterprise, Role.SUPERVISOR)
    fields = {"objection_answer": answer.strip()}
    if upheld and grade != rec.grade:
        fields.update(grade=grade, original_grade=rec.grade)
    return tr.case_transition(
        GradeRecord,
        pk=record_id,
        to=G.PUBLICITY,
        actor=actor,
        action="objection_upheld" if upheld else "objection_rejected",
        reason=answer,
        fields=fields,
    )


def admonition_done(*, actor, task_id: int, note: str) -> AdmonitionTask:
    """Record that the admonition talk took place."""
    if not (note or "").strip():
        raise ApplicationError(_("Record what was said."), errors={"note": [_("Required.")]})
    task = AdmonitionTask.objects.select_related("enterprise").filter(pk=task_id).first()
    if task is None:
        raise NotFound(_("Not found."))
    access.require_on(actor, task.enterprise, Role.SUPERVISOR)
    with transaction.atomic():
        task = AdmonitionTask.objects.select_for_update().get(pk=task_id)
        if task.done_at is not None:
            raise Conflict(_("Already recorded."), code="already_done")
        task.done_at = timezone.now()
        task.done_by_label = audit.actor_fields(actor)[1]
        task.note = note.strip()
        task.save(update_fields=["done_at", "done_by_label", "note"])
        audit.record(
            actor=actor,
            action="credit.admonition_done",
            obj=task,
            after={"done_at": task.done_at},
            reason=note,
        )
    return task
