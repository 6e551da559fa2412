from django.core.management.base import BaseCommand

from credit.services.sweeps import requeue_expiries


class Command(BaseCommand):
    help = (
        "Queue the expiry of every uncompensated posting that has none queued (idempotent). Run once "
        "after a rolling deploy of migration credit 0011, when processes on the earlier code may have "
        "posted without queue rows (docs/operations.md)."
    )

    def handle(self, *args, **opts):
        added = requeue_expiries(actor="operator")
        self.stdout.write(f"{added} postings queued for expiry")
