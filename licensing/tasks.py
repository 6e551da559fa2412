"""Thin Celery tasks: ids in, one service call."""

from celery import shared_task

from licensing import services


@shared_task
def application_auto_check(application_id: int) -> str:
    app = services.application_auto_check(application_id=application_id)
    return app.status if app else "missing"


@shared_task
def deadline_overdue_sweep() -> int:
    return services.deadline_overdue_sweep()


@shared_task
def auto_check_retry_sweep() -> int:
    return services.auto_check_retry_sweep()


@shared_task
def licence_status_sweep() -> dict:
    return services.licence_status_sweep()


@shared_task
def postcheck_overdue_sweep() -> int:
    return services.postcheck_overdue_sweep()


@shared_task
def annual_report_sweep() -> int:
    return services.annual_report_sweep()


@shared_task
def material_orphans_sweep() -> int:
    return services.material_orphans_sweep()


@shared_task
def decision_publish_sweep() -> int:
    return services.decision_publish_sweep()


@shared_task
def decision_late_sweep() -> int:
    return services.decision_late_sweep()
