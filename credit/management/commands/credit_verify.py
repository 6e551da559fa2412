from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Sum

from credit import conf
from credit.models import Account, LedgerEntry
from credit.services.common import grade_of


class Command(BaseCommand):
    help = "Recompute every score from the ledger (base + sum of entries) and report differences."

    def handle(self, *args, **opts):
        base = conf.get("CREDIT_BASE_SCORE")
        sums = {
            row["enterprise_id"]: (row["total"], row["n"])
            for row in LedgerEntry.objects.values("enterprise_id").annotate(
                total=Sum("points"), n=Count("id")
            )
        }
        problems = 0
        checked = 0
        for acc in Account.objects.all().iterator(chunk_size=5000):
            checked += 1
            total, n = sums.pop(acc.pk, (0, 0))
            expected = base + total
            grade = grade_of(expected, acc.on_dishonest_list)
            if (acc.score, acc.grade, acc.entry_count) != (expected, grade, n):
                problems += 1
                self.stdout.write(
                    f"enterprise {acc.pk}: account {acc.score}/{acc.grade}/{acc.entry_count} "
                    f"!= ledger {expected}/{grade}/{n}"
                )
        for ent_id in sums:
            problems += 1
            self.stdout.write(f"enterprise {ent_id}: ledger entries but no account")
        self.stdout.write(f"{checked} accounts checked, {problems} differences")
        if problems:
            raise CommandError(f"{problems} accounts differ from the ledger")
