"""Thin Celery tasks: one service call each (complaints/schedule.py runs them)."""

from celery import shared_task

from complaints import services


@shared_task
def sla_sweep() -> dict:
    return services.sweep_sla()


@shared_task
def credit_feed() -> int:
    return services.sweep_credit_feed()
