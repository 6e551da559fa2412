"""Celery beat entries for licensing sweeps (merged by config.settings). Each is idempotent."""

from celery.schedules import crontab

BEAT = {
    "licensing.deadline_overdue_sweep": {
        "task": "licensing.tasks.deadline_overdue_sweep",
        "schedule": crontab(minute=5),
    },
    "licensing.auto_check_retry_sweep": {
        "task": "licensing.tasks.auto_check_retry_sweep",
        "schedule": crontab(minute="*/10"),
    },
    "licensing.licence_status_sweep": {
        "task": "licensing.tasks.licence_status_sweep",
        "schedule": crontab(hour=0, minute=15),
    },
    "licensing.postcheck_overdue_sweep": {
        "task": "licensing.tasks.postcheck_overdue_sweep",
        "schedule": crontab(hour=0, minute=25),
    },
    "licensing.material_orphans_sweep": {
        "task": "licensing.tasks.material_orphans_sweep",
        "schedule": crontab(hour=3, minute=30),
    },
    # §7 双公示: publish recorded decisions, then flag any past its deadline.
    "licensing.decision_publish_sweep": {
        "task": "licensing.tasks.decision_publish_sweep",
        "schedule": crontab(minute="*/15"),
    },
    "licensing.decision_late_sweep": {
        "task": "licensing.tasks.decision_late_sweep",
        "schedule": crontab(hour=0, minute=35),
    },
    "licensing.annual_report_sweep": {
        "task": "licensing.tasks.annual_report_sweep",
        "schedule": crontab(hour=1, minute=0),
    },
}
