"""Deploy check (``manage.py check --deploy``): production must configure e-licence keys."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from licensing import conf


@register(Tags.security, deploy=True)
def signing_keys_configured(app_configs, **kwargs):
    if settings.DEBUG or conf.get("LICENCE_SIGNING_KEYS"):
        return []
    return [
        Error(
            "No e-licence signing key is configured.",
            hint="Set TELEREG_LICENCE_SIGNING_KEYS (JSON {kid: base64 Ed25519 private key}) "
            "and TELEREG_LICENCE_ACTIVE_KEY_ID.",
            id="licensing.E001",
        )
    ]
