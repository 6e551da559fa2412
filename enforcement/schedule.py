"""Enforcement sweeps (Asia/Shanghai), merged into CELERY_BEAT_SCHEDULE by config.settings."""

from celery.schedules import crontab

BEAT = {
    "enforcement-sweep-daily": {
        "task": "enforcement.tasks.sweep_daily",
        "schedule": crontab(hour=1, minute=20),
    },
    # Effects left pending by a worker that was down, or by a failing call.
    "enforcement-sweep-effects": {
        "task": "enforcement.tasks.sweep_effects",
        "schedule": crontab(minute="*/10"),
    },
}
