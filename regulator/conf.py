"""Kernel policy defaults; override with TELEREG_<NAME> settings (JSON in the environment)."""

from django.conf import settings

DEFAULTS = {
    # How long a creating POST's Idempotency-Key is remembered [D] (Stripe keeps 24 h).
    "IDEMPOTENCY_RETENTION_DAYS": 7,
}


def get(name: str):
    return getattr(settings, f"TELEREG_{name}", DEFAULTS[name])
