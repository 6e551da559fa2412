from django.core.management.base import BaseCommand

from inspections import services


class Command(BaseCommand):
    help = "Flag inspections whose result is not published by its due date (REGULATION.md §3). Idempotent."

    def handle(self, *args, **opts):
        self.stdout.write(f"late: {services.sweep_late()}")
