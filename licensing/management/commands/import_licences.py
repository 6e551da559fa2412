"""``python manage.py import_licences FILE.csv [--skip-bad]``: load licences issued before
telereg into the register (licensing.services.register). Columns: number, uscc,
categories (``B11;B12``), coverage (province codes, ``11;31``), valid_from, valid_until
(YYYY-MM-DD), and optionally path. A file with any bad row imports nothing unless
``--skip-bad``; every bad row is reported with its line number."""

import csv

from django.core.management.base import BaseCommand, CommandError

from licensing import services


class Command(BaseCommand):
    help = "Import the register of licences issued before telereg from a CSV file."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--skip-bad", action="store_true", help="import the good rows of a file with bad ones"
        )

    def handle(self, *args, **opts):
        try:
            with open(opts["file"], encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                # Line numbers as an editor shows them: the header is line 1.
                rows = [
                    (reader.line_num, {k.strip(): (v or "") for k, v in row.items() if k}) for row in reader
                ]
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(f"cannot read {opts['file']}: {exc}")
        report = services.licence_import_rows(actor="import_licences", rows=rows, skip_bad=opts["skip_bad"])
        for line, message in report.errors:
            self.stderr.write(f"line {line}: {message}")
        if report.errors and not opts["skip_bad"]:
            raise CommandError(
                f"{len(report.errors)} bad row(s); nothing imported (use --skip-bad to import the rest)"
            )
        self.stdout.write(
            f"imported {len(report.imported)}, already registered {len(report.unchanged)}, skipped {len(report.errors)}"
        )
