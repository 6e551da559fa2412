from django.core.management.base import BaseCommand

from licensing import services


class Command(BaseCommand):
    help = "Run the licensing auto_check_retry_sweep once (idempotent; also a Celery beat entry)."

    def handle(self, *args, **opts):
        self.stdout.write(f"auto_check_retry_sweep: {services.auto_check_retry_sweep()}")
