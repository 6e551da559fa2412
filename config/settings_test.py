import os

os.environ.setdefault("SECRET_KEY", "test-only-secret")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://"
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
LANGUAGE_CODE = "en"
TELEREG_LICENCE_DEV_KEY = True  # tests of any app may issue licences
