"""Celery beat entries for inspection sweeps (merged by config.settings). Idempotent."""

from celery.schedules import crontab

BEAT = {
    # §3 [R]: results published within 20 working days; flag the late ones daily.
    "inspections.late_sweep": {
        "task": "inspections.tasks.late_sweep",
        "schedule": crontab(hour=0, minute=45),
    },
}
