from django.core.management.base import BaseCommand

from licensing import services


class Command(BaseCommand):
    help = "Run the licensing deadline_overdue_sweep once (idempotent; also a Celery beat entry)."

    def handle(self, *args, **opts):
        self.stdout.write(f"deadline_overdue_sweep: {services.deadline_overdue_sweep()}")
