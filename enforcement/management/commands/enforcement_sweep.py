from django.core.management.base import BaseCommand

from enforcement import services


class Command(BaseCommand):
    help = (
        "Run the enforcement sweeps once: unperformed decisions (dishonest proposal, surcharge), "
        "late listing, late publication, overdue decisions, pending effects. Idempotent."
    )

    def handle(self, *args, **opts):
        for name, result in services.sweep_daily().items():
            self.stdout.write(f"{name}: {result}")
