from django.core.management.base import BaseCommand

from licensing import services


class Command(BaseCommand):
    help = "Run licensing.services.decision_late_sweep once (also a Celery beat entry)."

    def handle(self, *args, **options):
        self.stdout.write(str(services.decision_late_sweep()))
