"""Thin Celery tasks: ids in, one service call (enforcement/schedule.py runs the sweeps)."""

from celery import shared_task


# Services are imported inside the tasks: enforcement.services imports this module lazily
# too, and a task module must stay importable by a worker before Django apps are ready.
@shared_task
def effect_run(effect_id: int) -> str:
    from enforcement import services

    eff = services.effect_run(effect_id=effect_id)
    return eff.status if eff else "missing"


@shared_task
def sweep_daily() -> dict:
    from enforcement import services

    return services.sweep_daily()


@shared_task
def sweep_effects() -> int:
    from enforcement import services

    return services.sweep_effects()
