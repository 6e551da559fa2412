"""Deadline sweeps over applications: overdue deadlines raise an alert and are flagged,
never auto-approved (§1.2 [D]); notify-and-commit cases whose automatic check did not
run are retried."""

import datetime as dt

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from licensing import conf
from licensing.models import Application, AppStatus, Deadline, Licence, LicenceEvent, LicenceStatus, Material
from licensing.services.common import add_days, today
from licensing.services.review import application_auto_check
from regulator import audit

L = LicenceStatus


def deadline_overdue_sweep(*, day: dt.date | None = None) -> int:
    day = day or today()
    flagged = 0
    for pk, app_id, kind, due in list(
        Deadline.objects.filter(met_at__isnull=True, overdue_at__isnull=True, due_on__lt=day).values_list(
            "pk", "application_id", "kind", "due_on"
        )
    ):
        with transaction.atomic():
            if Deadline.objects.filter(pk=pk, overdue_at__isnull=True).update(overdue_at=timezone.now()) != 1:
                continue
            audit.record(
                actor="sweep",
                action="licensing.deadline.overdue",
                object_type="licensing.application",
                object_id=app_id,
                after={"deadline": kind, "due_on": due},
            )
            _notify_overdue(pk, app_id, kind, due)
            flagged += 1
    return flagged


def _notify_overdue(pk: int, app_id: int, kind: str, due) -> None:
    """An overdue case raises an alert to the issuing authority's officers (§1.2 [D])."""
    from licensing.services.notifications import notify, officers_of

    app = Application.objects.get(pk=app_id)
    subject = _("Overdue: %(kind)s deadline of application #%(id)s (due %(due)s)") % {
        "kind": kind,
        "id": app_id,
        "due": due.isoformat(),
    }
    notify(users=officers_of(app.issuer_id), subject=subject, body=subject, obj=app, event=f"overdue:{pk}")


def auto_check_retry_sweep() -> int:
    cutoff = timezone.now() - dt.timedelta(minutes=int(conf.get("AUTO_CHECK_RETRY_MINUTES")))
    ids = Application.objects.filter(
        status=AppStatus.SUBMITTED_WITH_COMMITMENT, submitted_at__lt=cutoff
    ).values_list("pk", flat=True)
    done = 0
    for pk in list(ids):
        app = application_auto_check(application_id=pk, actor="sweep")
        done += int(app is not None and app.status != AppStatus.SUBMITTED_WITH_COMMITMENT)
    return done


MATERIALS_DIR = "licensing/materials"


def _stored_files(folder: str):
    dirs, files = default_storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for sub in dirs:
        yield from _stored_files(f"{folder}/{sub}")


def material_orphans_sweep(*, now: dt.datetime | None = None) -> int:
    """Delete uploaded files that no Material row names. An upload is written to storage
    before its row commits, and storage does not roll back with the database, so a
    transaction that fails after the write leaves the file behind. Files younger than the
    grace period may belong to a transaction still running and are left alone."""
    now = now or timezone.now()
    grace = dt.timedelta(hours=int(conf.get("MATERIAL_ORPHAN_GRACE_HOURS")))
    if not default_storage.exists(MATERIALS_DIR):
        return 0
    known = set(Material.objects.values_list("file", flat=True))
    removed = 0
    for name in list(_stored_files(MATERIALS_DIR)):
        if name in known or now - default_storage.get_modified_time(name) < grace:
            continue
        default_storage.delete(name)
        removed += 1
    return removed


# --- the licence clock -------------------------------------------------------------------


def licence_status_sweep(*, day=None) -> dict[str, int]:
    """valid → expiring (≤ EXPIRING_DAYS left) → expired, by compare-and-set per row. A
    licence whose renewal is pending is left in force (§1.5)."""
    day = day or today()
    lead = int(conf.get("EXPIRING_DAYS"))
    moved = {"expiring": 0, "expired": 0}
    plan = [
        (
            L.EXPIRED,
            Licence.objects.filter(status__in=[L.VALID, L.EXPIRING, L.SUSPENDED], valid_until__lt=day),
        ),
        (
            L.EXPIRING,
            Licence.objects.filter(
                status=L.VALID, valid_until__gte=day, valid_until__lte=add_days(day, lead)
            ),
        ),
    ]
    for to, qs in plan:
        for pk, src in list(qs.values_list("pk", "status")):
            with transaction.atomic():
                # Compare-and-set: a concurrent sweep or officer action wins cleanly.
                if (
                    Licence.objects.filter(pk=pk, status=src).update(status=to, updated_at=timezone.now())
                    != 1
                ):
                    continue
                LicenceEvent.objects.create(
                    licence_id=pk, from_status=src, to_status=to, actor_label="sweep", at=timezone.now()
                )
                audit.record(
                    actor="sweep",
                    action=f"licensing.licence.{to}",
                    object_type="licensing.licence",
                    object_id=pk,
                    before={"status": src},
                    after={"status": to},
                )
                moved[to] += 1
    return moved
