"""Application materials: upload by the applicant (checked by content, stored before the
row commits, orphans swept), and download by whoever may see the application: the
applicant and the officers of the issuing authority (issue 11 point 12), streamed and
audited."""

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from config.api import ApplicationError, Conflict, NotFound
from licensing import conf
from licensing.models import Material
from licensing.services.applications import EDITABLE, _get_own
from licensing.services.common import is_system, require_enterprise_user, require_officer_of
from regulator import audit, scoping, uploads
from regulator.models import Role


def material_add(*, actor, application_id: int, kind: str, upload) -> Material:
    max_bytes = int(conf.get("MATERIAL_MAX_BYTES"))
    types = set(conf.get("MATERIAL_CONTENT_TYPES"))
    if upload is None:
        raise ApplicationError(_("No file."), errors={"file": [_("Required.")]})
    if upload.size > max_bytes:
        raise ApplicationError(
            _("The file is too large."),
            errors={"file": [_("At most %s bytes.") % max_bytes]},
            code="too_large",
        )
    if upload.size == 0:
        raise ApplicationError(_("The file is empty."), errors={"file": [_("Empty file.")]})
    ctype = (upload.content_type or "").split(";")[0].strip().lower()
    data = upload.read()
    # Trust the bytes, not the declared type (signature, no hidden archive or program).
    uploads.check_content(data, ctype, types)
    with transaction.atomic():
        app = _get_own(actor, application_id, lock=True)
        if app.status not in EDITABLE:
            raise Conflict(_("Materials can be added only to a draft or an application awaiting correction."))
        if app.materials.count() >= int(conf.get("MATERIALS_PER_APPLICATION")):
            raise ApplicationError(_("Too many materials."), errors={"file": [_("Limit reached.")]})
        digest = hashlib.sha256(data).hexdigest()
        name = default_storage.save(f"licensing/materials/{app.pk}/{digest[:16]}", ContentFile(data))
        try:
            mat = Material.objects.create(
                application=app,
                kind=(kind or "other")[:40],
                file=name,
                original_name=(getattr(upload, "name", "") or "upload").replace("\x00", "")[:255],
                content_type=ctype,
                size=len(data),
                sha256=digest,
                uploaded_by=actor,
            )
            audit.record(
                actor=actor,
                action="licensing.material.added",
                obj=mat,
                after={"application": app.pk, "kind": mat.kind, "sha256": digest, "size": mat.size},
            )
        except Exception:
            default_storage.delete(name)
            raise
    return mat


def material_open(*, actor, material_id: int):
    """(material, open file) for a download: the applicant, or an officer of the issuing
    authority (others are answered 404). Each download is an audit event, since the
    materials hold business secrets and personal data."""
    mat = Material.objects.select_related("application").filter(pk=material_id).first()
    if mat is None:
        raise NotFound(_("Not found."))
    app = mat.application
    if not is_system(actor):
        if scoping.role_of(actor) == Role.ENTERPRISE:
            require_enterprise_user(actor, app.enterprise_id)
        else:
            require_officer_of(actor, app.issuer_id)
    try:
        handle = default_storage.open(mat.file.name, "rb")
    except FileNotFoundError:
        # The row outlived its file (storage restored without it): say so, never a 500.
        raise NotFound(_("The stored file of this material is missing."))
    audit.record(
        actor=actor,
        action="licensing.material.downloaded",
        obj=mat,
        after={"application": app.pk, "sha256": mat.sha256},
    )
    return mat, handle
