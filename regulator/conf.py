"""Kernel policy defaults; override with TELEREG_<NAME> settings (JSON in the environment)."""

DEFAULTS = {
    # How long a creating POST's Idempotency-Key is remembered [D] (Stripe keeps 24 h).
    "IDEMPOTENCY_RETENTION_DAYS": 7,
    # How often committed audit events are chained [D]: the window in which an event is
    # guarded by the database trigger alone.
    "AUDIT_SEAL_INTERVAL_SECONDS": 5,
}


def get(name: str):
    from django.conf import settings

    return getattr(settings, f"TELEREG_{name}", DEFAULTS[name])
