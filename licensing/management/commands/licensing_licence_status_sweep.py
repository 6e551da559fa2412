from django.core.management.base import BaseCommand

from licensing import services


class Command(BaseCommand):
    help = "Run the licensing licence_status_sweep once (idempotent; also a Celery beat entry)."

    def handle(self, *args, **opts):
        self.stdout.write(f"licence_status_sweep: {services.licence_status_sweep()}")
