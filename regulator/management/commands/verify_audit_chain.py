from django.core.management.base import BaseCommand, CommandError

from regulator.audit import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit hash chain and report every break."

    def handle(self, *args, **opts):
        checked, breaks = verify_chain()
        for b in breaks:
            self.stdout.write(f"event {b.event_id}: {b.problem}")
        if breaks:
            raise CommandError(f"audit chain broken: {len(breaks)} problem(s) in {checked} events")
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {checked} events"))
