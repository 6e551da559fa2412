"""Production settings (``make up``, the load test): config.settings plus checks that refuse
to start a production process on a development value. Every value still comes from the
environment (documented in .env.example); this module only adds what production demands.
Transport security (secure cookies, HSTS, SSL redirect) is configured in config.settings.
"""

import os

from django.core.exceptions import ImproperlyConfigured

# Production never falls back to a development default for these (config.env fails loudly).
for _required in ("SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "ALLOWED_HOSTS"):
    if not os.environ.get(_required) and not os.environ.get(f"{_required}_FILE"):
        raise ImproperlyConfigured(f"Missing environment variable {_required} (see .env.example)")
os.environ.setdefault("LOG_FORMAT", "json")
os.environ.setdefault("STATIC_MANIFEST", "true")

from config.settings import *  # noqa: E402,F403
from config.settings import CELERY_BROKER_URL, DATABASES, DEBUG, SECRET_KEY  # noqa: E402

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production")
if len(SECRET_KEY) < 32 or SECRET_KEY.startswith(("insecure", "change-me")):
    raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 32 characters")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production")
if not CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("CELERY_BROKER_URL must be a redis:// URL in production")
