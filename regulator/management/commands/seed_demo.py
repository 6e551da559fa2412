from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Load the demo data of every app (idempotent: safe to run again)."

    def handle(self, *args, **opts):
        for dotted in settings.DEMO_LOADERS:
            loader = import_string(dotted)
            summary = loader() or ""
            self.stdout.write(f"{dotted}: {summary}")
