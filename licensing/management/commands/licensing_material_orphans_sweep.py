from django.core.management.base import BaseCommand

from licensing import services


class Command(BaseCommand):
    help = "Run the licensing material_orphans_sweep once (idempotent; also a Celery beat entry)."

    def handle(self, *args, **opts):
        self.stdout.write(f"material_orphans_sweep: {services.material_orphans_sweep()}")
