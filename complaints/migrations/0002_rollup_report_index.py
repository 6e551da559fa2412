"""A covering index for the report per month and enterprise (index-only scan, summed in order)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0001_initial"),
        ("regulator", "0006_audit_indexes_without_like"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="rollup",
            index=models.Index(
                fields=["period", "enterprise"],
                include=(
                    "records",
                    "closed",
                    "fast_known",
                    "fast",
                    "timely_known",
                    "timely",
                    "rated",
                    "rating_sum",
                ),
                name="complaint_rollup_report",
            ),
        ),
    ]
