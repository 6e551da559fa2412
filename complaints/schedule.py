"""Complaint sweeps, merged into CELERY_BEAT_SCHEDULE by config.settings: the SLA sweep
every few minutes (COMPLAINTS_SWEEP_MINUTES), the quarterly credit feed checked daily (it
acts once per quarter, after the delay the setting gives)."""

from celery.schedules import crontab

from complaints import conf

BEAT = {
    "complaints-sla-sweep": {
        "task": "complaints.tasks.sla_sweep",
        "schedule": 60.0 * int(conf.get("COMPLAINTS_SWEEP_MINUTES")),
    },
    "complaints-credit-feed": {
        "task": "complaints.tasks.credit_feed",
        "schedule": crontab(hour=2, minute=30),
    },
}
