from django.core.management.base import BaseCommand

from credit import services


class Command(BaseCommand):
    help = (
        "Run the daily credit sweeps (points expiry, publication, list expiry, overdue flags, "
        "yearly grades). Idempotent."
    )

    def handle(self, *args, **opts):
        for name, result in services.sweep_daily().items():
            self.stdout.write(f"{name}: {result}")
