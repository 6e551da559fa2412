"""Thin Celery tasks: one service call."""

from celery import shared_task

from inspections import services


@shared_task
def late_sweep() -> int:
    return services.sweep_late()
