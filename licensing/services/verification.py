"""Checking a presented e-licence (§1.7): the signature under a published key, and what
the licence's status is now. Tampering, supersession, suspension, expiry, cancellation,
withdrawal and revocation are told apart; a licence whose renewal is pending is in force."""

from typing import Any

from django.utils.translation import gettext as _

from config.api import ApplicationError
from licensing import keys, signing
from licensing.models import Licence, LicenceStatus

L = LicenceStatus


def licence_verify(*, document: Any, signature: str, key_id: str | None = None) -> dict[str, Any]:
    """Check a presented e-licence: is the signature good under a published key, and
    what is the licence's status now? Tampering, revocation and validity are told apart."""
    result: dict[str, Any] = {
        "signature_valid": False,
        "key_id": None,
        "licence_number": None,
        "document_version": None,
        "current_version": None,
        "is_current_version": False,
        "licence_status": None,
        "verdict": "invalid_signature",
    }
    if not isinstance(document, dict):
        raise ApplicationError(
            _("The document must be a JSON object."), errors={"document": [_("Not an object.")]}
        )
    kid = key_id or document.get("key_id")
    pub = keys.public_key(str(kid)) if kid else None
    result["key_id"] = kid
    if pub is None:
        result["verdict"] = "unknown_key"
        return result
    if not signing.verify(pub, document, signature or ""):
        return result
    result["signature_valid"] = True
    result["licence_number"] = document.get("number")
    result["document_version"] = document.get("version")
    licence = Licence.objects.filter(number=str(document.get("number", ""))).first()
    if licence is None:
        result["verdict"] = "unknown_licence"
        return result
    result["current_version"] = licence.version
    result["is_current_version"] = document.get("version") == licence.version
    result["licence_status"] = licence.status
    if licence.status in (L.REVOKED, L.WITHDRAWN, L.CANCELLED, L.SUSPENDED, L.EXPIRED):
        result["verdict"] = licence.status
    elif not result["is_current_version"]:
        result["verdict"] = "superseded"
    else:
        # valid, expiring and renewal_pending are all in force (§1.5).
        result["verdict"] = "valid"
    return result
