"""Daily credit sweeps (Asia/Shanghai), merged into CELERY_BEAT_SCHEDULE by config.settings."""

from celery.schedules import crontab

BEAT = {
    "credit-expire-points": {"task": "credit.tasks.expire_points", "schedule": crontab(hour=0, minute=15)},
    "credit-expire-listings": {
        "task": "credit.tasks.expire_listings",
        "schedule": crontab(hour=0, minute=30),
    },
    "credit-publish-due": {"task": "credit.tasks.publish_due", "schedule": crontab(hour=0, minute=45)},
    "credit-flag-overdue": {"task": "credit.tasks.flag_overdue", "schedule": crontab(hour=1, minute=0)},
    # Daily: the service acts from CREDIT_GRADE_SWEEP_DATE on (a missed day catches up) and
    # records each enterprise's grade once a year; fixing follows the publicity period.
    "credit-grade-sweep": {"task": "credit.tasks.grade_sweep", "schedule": crontab(hour=1, minute=15)},
    "credit-grade-fix": {"task": "credit.tasks.grade_fix_due", "schedule": crontab(hour=1, minute=30)},
}
