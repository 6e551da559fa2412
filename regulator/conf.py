"""Kernel policy defaults; override with TELEREG_<NAME> settings (JSON in the environment)."""

DEFAULTS = {
    # How long a creating POST's Idempotency-Key is remembered [D] (Stripe keeps 24 h).
    "IDEMPOTENCY_RETENTION_DAYS": 7,
    # How often committed audit events are chained [D]: the window in which an event is
    # guarded by the database trigger alone.
    "AUDIT_SEAL_INTERVAL_SECONDS": 5,
    # Keys of audit snapshots (before/after) holding personal data: shown in full only to
    # auditors and to the enterprise the data belongs to, masked for everyone else
    # (PIPL art. 6 minimum necessary; REGULATION.md §4.4 for complainants).
    "AUDIT_PERSONAL_KEYS": [
        "contact_phone",
        "contact_email",
        "legal_representative",
        "phone",
        "email",
        "mobile",
        "id_number",
        "complainant_name",
        "complainant_phone",
        "complainant_email",
        "complainant_id_number",
        "first_name",
        "last_name",
    ],
    # API tokens [D]: lifetime from issue; a token is refused after it (log in again).
    "API_TOKEN_TTL_HOURS": 12,
    # Tokens one account may hold at once [D]: the oldest are revoked beyond this.
    "API_TOKENS_PER_USER": 10,
    # Account lockout [D]: this many wrong passwords in a row lock the account for the
    # given minutes (OWASP ASVS 2.2.1 anti-automation); the lock is audited.
    "LOGIN_LOCKOUT_THRESHOLD": 10,
    "LOGIN_LOCKOUT_MINUTES": 15,
    # Request rates [D], DRF notation "<n>/<s|m|h|d>". Scopes: "login" per client address and
    # "login_account" per submitted username; public lookups and licence verification per
    # client; complaint intake and tracking (complaints app) per client; "user" per account
    # for everything authenticated.
    "THROTTLE_RATES": {
        "login": "20/m",
        "login_account": "10/m",
        "public_lookup": "120/m",
        "licence_verify": "30/m",
        "complaint_intake": "10/h",
        "complaint_tracking": "60/m",
        "user": "1200/m",
    },
    # Scope by request path when the view names none (regex, scope), first match wins: the
    # kernel throttles other apps' public endpoints without importing them.
    "THROTTLE_PATH_SCOPES": [
        [r"^/api/v1/public/licences/verify/$", "licence_verify"],
        [r"^/api/v1/public/", "public_lookup"],
        [r"^/public/", "public_lookup"],
    ],
    # Largest request body accepted, files included, checked from Content-Length before any
    # byte is read [D]: above the largest upload (licensing MATERIAL_MAX_BYTES, 10 MiB) plus
    # multipart overhead.
    "REQUEST_MAX_BYTES": 12 * 1024 * 1024,
    # JSON bodies nested deeper than this are refused [D] (no legitimate payload nests so).
    "JSON_MAX_DEPTH": 32,
    # Every asset from our own origin; inline styles only (Swagger UI's page has one block).
    "CONTENT_SECURITY_POLICY": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
}


def get(name: str):
    from django.conf import settings

    return getattr(settings, f"TELEREG_{name}", DEFAULTS[name])
