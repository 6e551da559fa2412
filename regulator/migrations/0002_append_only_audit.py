from django.db import migrations

from regulator.db import append_only


class Migration(migrations.Migration):
    dependencies = [("regulator", "0001_initial")]

    operations = [*append_only("regulator_auditevent")]
