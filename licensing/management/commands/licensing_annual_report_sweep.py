from django.core.management.base import BaseCommand

from licensing import services


class Command(BaseCommand):
    help = "Run the licensing annual_report_sweep once (idempotent; also a Celery beat entry)."

    def handle(self, *args, **opts):
        self.stdout.write(f"annual_report_sweep: {services.annual_report_sweep()}")
