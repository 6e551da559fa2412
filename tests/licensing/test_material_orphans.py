"""Uploads left behind by a rolled-back transaction are swept after a grace period."""

import os
import time

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from licensing import services
from licensing.models import Material
from tests.licensing.conftest import new_app


def _age(name: str, hours: float) -> None:
    path = default_storage.path(name)
    old = time.time() - hours * 3600
    os.utime(path, (old, old))


def test_only_old_unreferenced_files_go(settings, tmp_path, enterprise_a):
    settings.MEDIA_ROOT = str(tmp_path)
    app = new_app(enterprise_a)
    png = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n0000", content_type="image/png")
    kept = services.material_add(actor=enterprise_a, application_id=app.pk, kind="premises", upload=png)
    old_orphan = default_storage.save(f"licensing/materials/{app.pk}/deadbeef", ContentFile(b"x"))
    young_orphan = default_storage.save(f"licensing/materials/{app.pk}/cafebabe", ContentFile(b"y"))
    _age(kept.file.name, 48)
    _age(old_orphan, 48)
    _age(young_orphan, 1)

    assert services.material_orphans_sweep() == 1
    assert not default_storage.exists(old_orphan)
    assert default_storage.exists(young_orphan) and default_storage.exists(kept.file.name)
    assert services.material_orphans_sweep() == 0
    assert Material.objects.count() == 1


def test_no_materials_folder_is_fine(settings, tmp_path, db):
    settings.MEDIA_ROOT = str(tmp_path)
    assert services.material_orphans_sweep() == 0
