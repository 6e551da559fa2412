"""E-licence signing keys from settings (production) or a derived dev key (DEBUG, tests).

Production sets ``TELEREG_LICENCE_SIGNING_KEYS`` = {kid: base64 raw Ed25519 private key}
and ``TELEREG_LICENCE_ACTIVE_KEY_ID``; retired keys stay listed (or move their public half
to ``TELEREG_LICENCE_RETIRED_PUBLIC_KEYS``) so documents they signed still verify.
Without configured keys, DEBUG or ``TELEREG_LICENCE_DEV_KEY`` derives a deterministic dev
key from SECRET_KEY; such a key proves nothing and must never sign real licences.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from licensing import conf, signing


def _dev_key():
    key = signing.private_key_from_seed(b"telereg-dev-licence-key|" + settings.SECRET_KEY.encode())
    return signing.key_id_for(signing.public_key_b64(key)).replace("ed25519-", "dev-"), key


def _configured() -> dict:
    raw = conf.get("LICENCE_SIGNING_KEYS") or {}
    try:
        return {kid: signing.private_key_from_b64(b64) for kid, b64 in raw.items()}
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"TELEREG_LICENCE_SIGNING_KEYS holds a bad key: {exc}")


def active_key():
    """(key id, private key) that signs new e-licence versions."""
    keys = _configured()
    if keys:
        kid = conf.get("LICENCE_ACTIVE_KEY_ID") or (next(iter(keys)) if len(keys) == 1 else "")
        if kid not in keys:
            raise ImproperlyConfigured(
                "TELEREG_LICENCE_ACTIVE_KEY_ID must name one of TELEREG_LICENCE_SIGNING_KEYS"
            )
        return kid, keys[kid]
    if settings.DEBUG or conf.get("LICENCE_DEV_KEY"):
        return _dev_key()
    raise ImproperlyConfigured(
        "Set TELEREG_LICENCE_SIGNING_KEYS (and TELEREG_LICENCE_ACTIVE_KEY_ID) to sign e-licences."
    )


def public_keys() -> dict[str, str]:
    """Every key id that may have signed a licence → base64 raw public key."""
    out: dict[str, str] = {}
    for kid, b64 in (conf.get("LICENCE_RETIRED_PUBLIC_KEYS") or {}).items():
        out[kid] = b64
    for kid, key in _configured().items():
        out[kid] = signing.public_key_b64(key)
    if not out and (settings.DEBUG or conf.get("LICENCE_DEV_KEY")):
        kid, key = _dev_key()
        out[kid] = signing.public_key_b64(key)
    return out


def public_key(kid: str) -> str | None:
    return public_keys().get(kid)
