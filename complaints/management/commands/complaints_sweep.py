import datetime as dt

from django.core.management.base import BaseCommand

from complaints import services


class Command(BaseCommand):
    help = "Run the complaint SLA sweep and the quarterly credit feed. Idempotent: safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--today", type=dt.date.fromisoformat, default=None, help="as of this date (YYYY-MM-DD)"
        )
        parser.add_argument("--quarter", default=None, help="post the credit feed for this quarter (YYYY-Qn)")

    def handle(self, *args, today=None, quarter=None, **opts):
        self.stdout.write(f"sla: {services.sweep_sla(today=today)}")
        self.stdout.write(f"credit feed: {services.sweep_credit_feed(today=today, period=quarter)}")
