"""The expiry sweep's work queue (``credit.ExpiryDue``).

The sweep used to find due postings in the ledger itself: every posting whose
``expires_at`` had passed (index ``credit_ledger_expiring``), less those already compensated
(an anti-join). The index keeps every posting that ever expired, so each batch walked the
whole expired history (about 1.5 s at 11M rows) and grew with the ledger's age. The ledger
is append-only, so a posting cannot be marked done in place; the queue holds the postings
whose expiry is still to be posted, and loses a row when its posting is compensated.
``credit_ledger_expiring`` has no reader left and goes (one index insert less per posting).

The fill queues every posting that has an expiry and no compensating entry yet. It is one
INSERT ... SELECT (PostgreSQL, and SQLite 3.24+ for ON CONFLICT), idempotent (a posting
already queued is skipped), so it can be run again (``fill_expiry_queue(apps, schema_editor)``) if
processes running the code from before this migration kept posting after it ran: their
postings carry no queue row.
"""

import django.db.models.deletion
from django.db import migrations, models


def fill_expiry_queue(apps, schema_editor):
    entry = apps.get_model("credit", "LedgerEntry")._meta.db_table
    due = apps.get_model("credit", "ExpiryDue")._meta.db_table
    q = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {q(due)} (expires_at, entry_id, enterprise_id)"  # noqa: S608 (model tables)
            " SELECT p.expires_at, p.id, p.enterprise_id"
            f" FROM {q(entry)} p"
            " WHERE p.kind = %s AND p.expires_at IS NOT NULL"
            f" AND NOT EXISTS (SELECT 1 FROM {q(entry)} c WHERE c.reverses_id = p.id)"
            # Not a NOT EXISTS on the queue itself: probing the table being filled can be
            # planned as a scan of it per row (quadratic: 213 s for 2.2M rows once).
            " ON CONFLICT DO NOTHING",
            ["posting"],
        )
        return cur.rowcount  # postings queued (credit.services.sweeps.requeue_expiries)


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0010_search_month_grams"),
        ("regulator", "0006_audit_indexes_without_like"),
    ]

    operations = [
        migrations.CreateModel(
            name="ExpiryDue",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "expires_at", "entry", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("expires_at", models.DateTimeField()),
                (
                    "entry",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="credit.ledgerentry",
                    ),
                ),
                (
                    "enterprise",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="regulator.enterprise",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "expiries due",
            },
        ),
        migrations.RunPython(fill_expiry_queue, migrations.RunPython.noop, elidable=True),
        # Last: DROP INDEX locks the ledger against every post until the migration commits,
        # so it comes after the fill (a few seconds at millions of rows), not before it.
        migrations.RemoveIndex(
            model_name="ledgerentry",
            name="credit_ledger_expiring",
        ),
    ]
