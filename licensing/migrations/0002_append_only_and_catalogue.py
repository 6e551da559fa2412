import hashlib
import json

from django.db import migrations
from django.utils import timezone

from licensing.catalogue import CATALOGUE, DEFAULT_CONDITIONS_STATEMENT
from regulator.db import append_only


def load_catalogue(apps, schema_editor):
    ServiceCategory = apps.get_model("licensing", "ServiceCategory")
    ConditionsStatement = apps.get_model("licensing", "ConditionsStatement")
    for code, name_zh, name_en, kind in CATALOGUE:
        ServiceCategory.objects.update_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en, "kind": kind}
        )
    if not ConditionsStatement.objects.exists():
        text = DEFAULT_CONDITIONS_STATEMENT.strip()
        # sha256 of the canonical JSON of the text, as regulator.canonical.sha256_hex computes it.
        digest = hashlib.sha256(json.dumps(text, ensure_ascii=False).encode("utf-8")).hexdigest()
        ConditionsStatement.objects.create(version=1, text=text, text_sha256=digest, published_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("licensing", "0001_initial"), ("regulator", "0002_append_only_audit")]

    operations = [
        *append_only("licensing_applicationevent"),
        *append_only("licensing_licenceversion"),
        *append_only("licensing_postcheckevent"),
        migrations.RunPython(load_catalogue, migrations.RunPython.noop),
    ]
