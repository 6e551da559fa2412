from django.core.management.base import BaseCommand, CommandError

from regulator.audit import seal_all, verify_chain


class Command(BaseCommand):
    help = "Seal pending audit events, then recompute the whole hash chain and report every break."

    def add_arguments(self, parser):
        parser.add_argument("--no-seal", action="store_true", help="verify only what is sealed already")

    def handle(self, *args, **opts):
        sealed = 0 if opts["no_seal"] else seal_all()
        checked, breaks = verify_chain()
        for b in breaks:
            self.stdout.write(f"event {b.event_id}: {b.problem}")
        if breaks:
            raise CommandError(f"audit chain broken: {len(breaks)} problem(s) in {checked} events")
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {checked} events ({sealed} newly sealed)"))
