import os

os.environ.setdefault("SECRET_KEY", "test-only-secret")
# Tests run eagerly with an in-memory broker (refuse_unsafe wants the variable set).
os.environ.setdefault("CELERY_BROKER_URL", "memory://")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
LANGUAGE_CODE = "en"
TELEREG_LICENCE_DEV_KEY = True  # tests of any app may issue licences
# The test client speaks plain http.
SECURE_SSL_REDIRECT = False
# Throttling is off in tests (counters would leak from one test into the next); the
# throttle tests switch a real cache back on.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

# With an owner URL (scripts/with-postgres.sh), the test database is created and migrated by
# the owner, as in production; alias "app" is the application role on the same test database
# (its NAME follows "default"), used by the tests that show what that role may not do.
if "owner" in DATABASES:  # noqa: F405
    _app = DATABASES["default"]  # noqa: F405
    DATABASES = {"default": DATABASES.pop("owner"), "app": {**_app, "CONN_MAX_AGE": 0}}  # noqa: F405
    DATABASE_APP_ROLE = _app.get("USER", "")
