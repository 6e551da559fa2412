"""telereg settings: every deployment value comes from the environment (config.env fails loudly).

Policy numbers (REGULATION.md values tagged [D], [R] or [I]) live in each app's ``conf.py``
with a default; any of them can be overridden by an environment variable
``TELEREG_<NAME>`` holding JSON (e.g. ``TELEREG_OBJECTION_WINDOW_WORKING_DAYS=12``).
"""

import json
import os
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "insecure-dev-key-change-me" if DEBUG else None)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The domain apps in dependency order (DESIGN.md: each imports only those before it).
DOMAIN_APPS = ["regulator", "credit", "licensing", "enforcement", "inspections", "complaints"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    *DOMAIN_APPS,
]

MIDDLEWARE = [
    "regulator.middleware.RejectNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "regulator.middleware.RequestIdMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "regulator.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Embedded SQLite by default (make demo); PostgreSQL in production and tests.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'telereg.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent web + worker processes on one file: WAL and a busy timeout.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "media/"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.api.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "telereg API",
    "DESCRIPTION": "Telecom regulator backend: licensing, credit, random inspections, complaints.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status" or "kind"; name each enum after its choices class.
    # Apps other than credit and licensing list theirs in <app>/schema.py (ENUM_NAME_OVERRIDES).
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "regulator.models.accounts.Role",
        "ListKindEnum": "credit.models.ListKind",
        "ListEffectEnum": "credit.models.ListEffect",
        "EntryKindEnum": "credit.models.EntryKind",
        "ListStatusEnum": "credit.models.ListStatus",
        "RemovalReasonEnum": "credit.models.RemovalReason",
        "ObjectionStatusEnum": "credit.models.ObjectionStatus",
        "RepairStatusEnum": "credit.models.RepairStatus",
        "ServiceKindEnum": "licensing.models.ServiceKind",
        "ApplicationPathEnum": "licensing.models.Path",
        "ApplicationKindEnum": "licensing.models.AppKind",
        "ApplicationStatusEnum": "licensing.models.AppStatus",
        "DeadlineKindEnum": "licensing.models.DeadlineKind",
        "LicenceStatusEnum": "licensing.models.LicenceStatus",
        "PostCheckStatusEnum": "licensing.models.PostCheckStatus",
        "AnnualReportStatusEnum": "licensing.models.AnnualReportStatus",
    },
}

# Background work. The demo uses kombu's filesystem transport, so a worker and beat run
# with no external service; production sets CELERY_BROKER_URL to Redis.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = BASE_DIR / "var" / "celery"
    for sub in ("queue", "processed", "control"):
        (_queue_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(BASE_DIR / "var" / "celerybeat-schedule")
# Each app contributes its periodic sweeps through <app>.schedule.BEAT (see below).
CELERY_BEAT_SCHEDULE: dict = {}
# Demo data loaders, run in order by `manage.py seed_demo` (each idempotent): <app>.demo.load.
DEMO_LOADERS: list[str] = []
# Each domain app may contribute <app>.schedule.BEAT, <app>.demo.load and
# <app>.schema.ENUM_NAME_OVERRIDES; apps are visited in dependency order.
for _app in DOMAIN_APPS:
    if find_spec(f"{_app}.schedule"):
        CELERY_BEAT_SCHEDULE.update(__import__(f"{_app}.schedule", fromlist=["BEAT"]).BEAT)
    if find_spec(f"{_app}.demo"):
        DEMO_LOADERS.append(f"{_app}.demo.load")
    if find_spec(f"{_app}.schema"):
        _enums = __import__(f"{_app}.schema", fromlist=["ENUM_NAME_OVERRIDES"]).ENUM_NAME_OVERRIDES
        SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(_enums)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# TELEREG_* policy overrides from the environment, as JSON values (fail loudly).
for _name, _raw in os.environ.items():
    if _name.startswith("TELEREG_"):
        try:
            globals()[_name] = json.loads(_raw)
        except json.JSONDecodeError:
            raise ImproperlyConfigured(f"{_name} must be a JSON value, got {_raw!r}")
