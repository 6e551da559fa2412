"""telereg settings: every deployment value comes from the environment (config.env fails loudly).

Policy numbers (REGULATION.md values tagged [D], [R] or [I]) live in each app's ``conf.py``
with a default; any of them can be overridden by an environment variable
``TELEREG_<NAME>`` holding JSON (e.g. ``TELEREG_OBJECTION_WINDOW_WORKING_DAYS=12``).
"""

import json
import os
import sys
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_int,
    env_list,
    env_str,
    policy_names,
    refuse_unknown_policy_names,
    refuse_unsafe,
)

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
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files (no CDN)
    *DOMAIN_APPS,
]

MIDDLEWARE = [
    # First: refuse an oversized body from its Content-Length before anything reads it.
    "regulator.middleware.RequestSizeLimitMiddleware",
    # Every 4xx under /api/ in the one JSON error shape (Django's own 404/400 pages are HTML).
    "regulator.middleware.ApiJsonErrorsMiddleware",
    "regulator.middleware.RejectNulMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "regulator.middleware.ContentSecurityPolicyMiddleware",
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

# Embedded SQLite for the DEBUG demo only (make demo); PostgreSQL in production and tests
# (refuse_unsafe at the end of this file stops a production start without it).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'telereg.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    )
}
# The application connects as a role that owns no table (DATABASE_URL), so it cannot
# TRUNCATE, ALTER (disable a trigger) or switch triggers off with session_replication_role;
# migrations run as the owner (DATABASE_OWNER_URL, alias "owner": `manage.py migrate` picks
# it), which grants the application role plain row access after each migrate
# (regulator.dbroles). Without an owner URL one role does both (the demo).
if os.environ.get("DATABASE_OWNER_URL"):
    DATABASES["owner"] = dj_database_url.parse(env_str("DATABASE_OWNER_URL"), conn_max_age=0)
# The role granted row access after migrate ("" = none: the migrating role is the app role).
DATABASE_APP_ROLE = DATABASES["default"].get("USER", "") if "owner" in DATABASES else ""
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent web + worker processes on one file: WAL and a busy timeout.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# Issue 17: allow server-side prepared statements on PostgreSQL connections. Only the hot
# statements that ask for them use them (the ledger's single post, credit/services/ledger_pg.py:
# parsed and planned once per connection, ~30% less PostgreSQL CPU per post; the public credit
# lookup, credit/selectors.py); Django's own queries bind client-side and are never prepared.
# Set DB_PREPARED_STATEMENTS=0 behind a PgBouncer older than 1.21 in transaction mode (it
# cannot follow prepared statements).
if env_bool("DB_PREPARED_STATEMENTS", True):
    for _db in DATABASES.values():
        if _db["ENGINE"] == "django.db.backends.postgresql":
            _db.setdefault("OPTIONS", {})["prepare_threshold"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
# Password login (admin and API token) locks an account after repeated failures
# (regulator.backends; TELEREG_LOGIN_LOCKOUT_* in regulator/conf.py).
AUTHENTICATION_BACKENDS = ["regulator.backends.LockoutModelBackend"]

# Throttle counters and other short-lived state. Per process by default; Redis when
# REDIS_URL / CACHE_URL is set, so that every web process counts the same requests.
_CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
        if _CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "telereg"}
    )
}

# Transport security, from the environment with production defaults (DEBUG relaxes them so
# the demo works over plain http). Behind a TLS-terminating proxy set
# SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https" and NUM_PROXIES to the proxy count.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
_proxy_header = env_list("SECURE_PROXY_SSL_HEADER", [])
SECURE_PROXY_SSL_HEADER = tuple(_proxy_header) if len(_proxy_header) == 2 else None
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Request bodies: Django's own cap for non-file data; the whole-body cap (files included)
# is TELEREG_REQUEST_MAX_BYTES, enforced by RequestSizeLimitMiddleware before any read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)

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
        # Hashed, expiring, revocable tokens (regulator.tokens): "Authorization: Token <t>".
        "regulator.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PARSER_CLASSES": [
        # JSON refused with a 400 when nested too deep or holding lone surrogates.
        "regulator.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Per client and per account, counted in the cache; rates in regulator/conf.py
    # (TELEREG_THROTTLE_RATES), scopes chosen per view or by path (regulator.throttles).
    "DEFAULT_THROTTLE_CLASSES": [
        "regulator.throttles.ClientThrottle",
        "regulator.throttles.AccountThrottle",
    ],
    # The client address for throttling: REMOTE_ADDR unless we sit behind that many proxies
    # (X-Forwarded-For is otherwise the client's to forge).
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
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
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
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

# --- Production topology (issue 16; config/logging.py, metrics.py, health.py, beat.py) ---
# Logs: one line per record on stderr, JSON (LOG_FORMAT=json, production) or text (demo),
# each with the request id (web) or the task's id and its originating request (worker).
from config.logging import build as _build_logging  # noqa: E402

LOGGING = _build_logging(env_str("LOG_LEVEL", "INFO"), env_str("LOG_FORMAT", "text"))
# Static files served by the application itself (WhiteNoise); Swagger UI and ReDoc come
# from drf-spectacular-sidecar (INSTALLED_APPS, SPECTACULAR_SETTINGS above), no CDN.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
# Outermost: fixes the request id for everything inside, times each request by view.
MIDDLEWARE.insert(0, "config.metrics.RequestMetricsMiddleware")
if env_bool("STATIC_MANIFEST", False):  # hashed names, far-future caching; needs collectstatic
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
# Background work survives a dying worker: a task is acknowledged only after it ran, so a
# worker killed mid-task (OOM killer, SIGKILL, power loss) leaves the message to be
# delivered again; every task is idempotent, so a second run changes nothing more.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True  # a pool process killed mid-task: requeue at once
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a dead worker holds back at most one extra message
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # Celery's lines go through LOGGING above
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A message taken by a worker that vanished entirely is handed out again after this
    # long; it must exceed the longest task (CELERY_TASK_TIME_LIMIT) or tasks run twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
    if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= CELERY_TASK_TIME_LIMIT:
        raise ImproperlyConfigured("CELERY_VISIBILITY_TIMEOUT must exceed the task time limit (360 s)")
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", ["127.0.0.1/32", "::1/128"])
METRICS_QUEUES = env_list("METRICS_QUEUES", ["celery"])
try:
    import ipaddress as _ipaddress  # noqa: E402

    [_ipaddress.ip_network(_net) for _net in METRICS_ALLOWED_NETWORKS]
except ValueError as _exc:
    raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {_exc}")
# --- end of production topology block ---

# Complaints name a respondent by licence number through licensing's register; complaints
# may not import licensing (DESIGN.md dependency rule), so config wires the lookup in.
TELEREG_COMPLAINTS_LICENCE_RESOLVER = "licensing.selectors.licence_holder_uscc"

# TELEREG_* policy overrides from the environment, as JSON values (fail loudly); a name that
# no app's conf.py defines is refused below (a typo would leave the default silently in force).
for _name, _raw in os.environ.items():
    if _name.startswith("TELEREG_"):
        try:
            globals()[_name] = json.loads(_raw)
        except json.JSONDecodeError:
            raise ImproperlyConfigured(f"{_name} must be a JSON value, got {_raw!r}")

# Commands that neither serve nor touch the database or the broker may run anywhere
# (`makemigrations --check` in CI, message catalogues).
_OFFLINE_COMMANDS = {"makemigrations", "makemessages", "compilemessages", "help", "version"}
try:
    refuse_unknown_policy_names(os.environ, policy_names(BASE_DIR, DOMAIN_APPS))
    if not (len(sys.argv) > 1 and sys.argv[0].endswith("manage.py") and sys.argv[1] in _OFFLINE_COMMANDS):
        refuse_unsafe(debug=DEBUG, environ=os.environ, database_engine=DATABASES["default"]["ENGINE"])
except ImproperlyConfigured as _exc:
    # Exit with the message alone: manage.py would swallow ImproperlyConfigured raised while
    # settings load, and gunicorn and celery bury it in a traceback.
    sys.exit(f"telereg: {_exc}")

# The covering index of the complaint report (complaints.Rollup) carries INCLUDE columns, which
# SQLite (make demo) ignores; PostgreSQL, where the report's speed matters, builds them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
