"""The applicant's written commitment on the notify-and-commit path (§1.3): who signed,
to which version of the conditions statement, and the SHA-256 of the canonical JSON of
everything committed to (the application as filed, its materials' hashes)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from config.api import ApplicationError
from licensing.models import Application, Commitment
from licensing.services import catalogue
from regulator import audit, canonical


def commitment_payload(
    app: Application, statement, signatory_name: str, signatory_title: str, signed_at
) -> dict:
    return canonical.plain(
        {
            "statement": {"version": statement.version, "text_sha256": statement.text_sha256},
            "application": {
                "id": app.pk,
                "uscc": app.enterprise.uscc,
                "enterprise": app.enterprise.name,
                "categories": app.category_codes,
                "coverage": app.coverage,
                "issuer": app.issuer_id,
                "registered_capital": str(app.registered_capital),
                "staff_count": app.staff_count,
                "premises": app.premises,
                "security_measures": app.security_measures,
                "materials": sorted(m.sha256 for m in app.materials.all()),
            },
            "signatory": {"name": signatory_name, "title": signatory_title},
            "signed_at": signed_at,
        }
    )


def sign_commitment(actor, app: Application, commitment: dict | None) -> Commitment:
    statement = catalogue.statement_current()
    if statement is None:
        raise ApplicationError(
            _("No conditions statement is published."), errors={"commitment": [_("Unavailable.")]}
        )
    c = commitment or {}
    errors: dict[str, list[str]] = {}
    if not c:
        errors["commitment"] = [_("This application takes the notify-and-commit path: sign the commitment.")]
    else:
        if not str(c.get("signatory_name", "")).strip():
            errors["commitment.signatory_name"] = [_("Required.")]
        if not str(c.get("signatory_title", "")).strip():
            errors["commitment.signatory_title"] = [_("Required.")]
        if c.get("statement_version") != statement.version:
            errors["commitment.statement_version"] = [
                _("Commit to the current conditions statement, version %s.") % statement.version
            ]
        if c.get("accept") is not True:
            errors["commitment.accept"] = [
                _("You must accept the conditions and the consequences of breach.")
            ]
    if errors:
        raise ApplicationError(_("The commitment is incomplete."), errors=errors)
    signed_at = timezone.now()
    payload = commitment_payload(
        app, statement, c["signatory_name"].strip(), c["signatory_title"].strip(), signed_at
    )
    obj = Commitment.objects.create(
        application=app,
        statement=statement,
        signatory_name=c["signatory_name"].strip(),
        signatory_title=c["signatory_title"].strip(),
        signed_by=actor,
        signed_at=signed_at,
        committed=payload,
        committed_sha256=canonical.sha256_hex(payload),
    )
    audit.record(
        actor=actor,
        action="licensing.commitment.signed",
        obj=obj,
        after={"application": app.pk, "statement_version": statement.version, "sha256": obj.committed_sha256},
    )
    return obj
