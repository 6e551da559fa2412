"""The ledger's single-column enterprise index goes: (enterprise, id) covers every look-up by
enterprise, and each index is one more insert per posting (issue 17)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0008_public_search_bigrams"),
        ("regulator", "0006_audit_indexes_without_like"),
    ]

    operations = [
        migrations.AlterField(
            model_name="ledgerentry",
            name="enterprise",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="credit_entries",
                to="regulator.enterprise",
            ),
        ),
    ]
