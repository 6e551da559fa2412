"""Issue 8 point 6: production settings refuse to run unsafe, and `check --deploy` is clean.

Each case starts a fresh interpreter on config.settings (settings are read once per
process), with a minimal environment."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from config import env as config_env

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**over) -> dict:
    from licensing import signing

    key = signing.private_key_from_seed(b"deploy-check-test")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": "postgres://telereg_app@db.internal:5432/telereg",
        "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
        "ALLOWED_HOSTS": "telereg.example.gov.cn",
        "TELEREG_LICENCE_SIGNING_KEYS": json.dumps({"k1": signing.private_key_b64(key)}),
        "TELEREG_LICENCE_ACTIVE_KEY_ID": '"k1"',
    }
    env.update(over)
    return {k: v for k, v in env.items() if v is not None}


def _run(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_under_production_settings_gives_no_warning():
    result = _run(_production_env(), "check", "--deploy")
    assert result.returncode == 0, result.stdout + result.stderr
    # OpenAPI schema warnings (drf_spectacular.W001) are the schema test's to report
    # (tests/regulator/test_surfaces.py); every other check, security ones included, is clean.
    lines = [line for line in (result.stdout + result.stderr).splitlines() if "?: (" in line or ": (" in line]
    assert [line for line in lines if "drf_spectacular.W001" not in line] == []
    if not lines:
        assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    "over,needle",
    [
        ({"DATABASE_URL": None}, "DATABASE_URL is not set"),
        ({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, "names SQLite"),
        ({"CELERY_BROKER_URL": None}, "CELERY_BROKER_URL is not set"),
        ({"TELEREG_OBJECTION_WINDOW_WORKINGDAYS": "12"}, "Unknown TELEREG_* setting"),
    ],
)
def test_production_settings_refuse_to_start_unsafe(over, needle):
    result = _run(_production_env(**over), "check")
    assert result.returncode != 0
    assert needle in result.stderr


def test_a_misspelt_policy_name_is_named_with_the_closest_known_one():
    known = config_env.policy_names(ROOT, ["regulator", "credit"])
    assert "TELEREG_AUDIT_SEAL_INTERVAL_SECONDS" in known and "TELEREG_CREDIT_BASE_SCORE" in known
    with pytest.raises(Exception, match="did you mean TELEREG_AUDIT_SEAL_INTERVAL_SECONDS"):
        config_env.refuse_unknown_policy_names({"TELEREG_AUDIT_SEAL_INTERVAL_SECOND": "5"}, known)
    config_env.refuse_unknown_policy_names({"TELEREG_CREDIT_BASE_SCORE": "90", "PATH": "/bin"}, known)


def test_debug_runs_the_demo_without_services():
    env = _production_env(DEBUG="1", DATABASE_URL=None, CELERY_BROKER_URL=None, SECRET_KEY=None)
    result = _run(
        env,
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
    )
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout


def test_makemigrations_check_runs_anywhere():
    env = _production_env(DATABASE_URL=None, CELERY_BROKER_URL=None)
    result = _run(env, "makemigrations", "--check", "--dry-run", "--skip-checks", "regulator")
    assert "Refusing to start" not in result.stderr


def test_transport_security_comes_from_the_environment():
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    prod = _run(_production_env(), "shell", "-v", "0", "-c", code)
    assert prod.stdout.split() == ["True", "31536000", "True", "None"]
    env = _production_env(
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="60",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
    )
    custom = _run(env, "shell", "-v", "0", "-c", code)
    assert custom.stdout.split()[:3] == ["False", "60", "True"]
    assert "HTTP_X_FORWARDED_PROTO" in custom.stdout


def test_migrate_runs_as_the_owner_and_the_app_role_owns_nothing():
    """The production path end to end, on a fresh database: `manage.py migrate` with
    DATABASE_URL = the application role and DATABASE_OWNER_URL = the owner; then the
    application works (records and seals an audit event) and still cannot TRUNCATE."""
    from django.conf import settings

    if "app" not in settings.DATABASES:
        pytest.skip("needs DATABASE_OWNER_URL (scripts/with-postgres.sh sets it)")
    import psycopg

    owner, app = settings.DATABASES["default"], settings.DATABASES["app"]
    name = f"telereg_roles_{os.getpid()}"

    def url(db, dbname):
        return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{dbname}"

    admin_url = url(owner, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        env = _production_env(DATABASE_URL=url(app, name), DATABASE_OWNER_URL=url(owner, name), DEBUG="0")
        migrated = _run(env, "migrate", "-v", "0")
        assert migrated.returncode == 0, migrated.stderr
        code = (
            "from django.db import connection, transaction; from regulator import audit\n"
            "with connection.cursor() as c:\n"
            "    c.execute(\"select count(*) from pg_tables where schemaname='public' and tableowner=current_user\")\n"
            "    print('owned', c.fetchone()[0])\n"
            "with transaction.atomic():\n"
            "    audit.record(actor='t', action='x', object_type='t', object_id=1)\n"
            "print('sealed', audit.seal_all(), audit.verify_chain()[1])\n"
            "try:\n"
            "    with transaction.atomic(), connection.cursor() as c:\n"
            "        c.execute('TRUNCATE regulator_auditevent')\n"
            "except Exception as e:\n"
            "    print('refused', 'permission denied' in str(e))\n"
        )
        checked = _run(env, "shell", "-v", "0", "-c", code)
        assert checked.stdout.split("\n")[:3] == ["owned 0", "sealed 1 []", "refused True"], checked.stderr
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
