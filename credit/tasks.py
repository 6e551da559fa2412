"""Thin Celery tasks: one service call each (credit/schedule.py runs them daily)."""

from celery import shared_task

from credit import services


@shared_task
def expire_points() -> int:
    return services.sweep_expire_points()


@shared_task
def publish_due() -> int:
    return services.sweep_publish_due()


@shared_task
def expire_listings() -> int:
    return services.sweep_expire_listings()


@shared_task
def flag_overdue() -> dict:
    return services.sweep_flag_overdue()


@shared_task
def grade_sweep() -> dict:
    return services.grade_sweep()


@shared_task
def grade_fix_due() -> int:
    return services.grade_fix_due()
