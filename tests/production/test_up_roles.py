"""`make up` runs the web, worker and beat as the application role (telereg_app: row access
only) and migrations as the owner, as the tests do (scripts/with-postgres.sh): the URLs it
derives for its own cluster, and the role it creates there (scripts/lib/postgres.sh)."""

import os
import subprocess
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def bash(script: str, **env) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    done = subprocess.run(
        ["bash", "-c", f"set -euo pipefail; source scripts/lib/postgres.sh; {script}"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_local_cluster_urls_name_the_app_role_and_the_owner():
    out = bash('pg_local_urls 54329 telereg; echo "$DATABASE_URL $DATABASE_OWNER_URL"')
    assert out == (
        "postgres://telereg_app@127.0.0.1:54329/telereg postgres://postgres@127.0.0.1:54329/telereg"
    )


def test_a_database_url_given_by_the_operator_wins():
    given = "postgres://someone@db.internal:5432/telereg"
    out = bash(
        'pg_local_urls 54329 telereg; echo "$DATABASE_URL|${DATABASE_OWNER_URL:-}"', DATABASE_URL=given
    )
    assert out == f"{given}|"


def test_the_app_role_is_created_once_without_privileges():
    """Against this test cluster (the owner connects as its superuser, as make up's does)."""
    from django.conf import settings

    owner = settings.DATABASES.get("owner") or settings.DATABASES["default"]
    role = "telereg_up_probe"
    try:
        for _ in range(2):  # idempotent: make up runs it on every start
            bash(f"pg_ensure_installed; PG_LOCAL_PORT={owner['PORT']}; pg_local_ensure_app_role {role}")
        with connection.cursor() as cur:
            cur.execute(
                "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls"
                " FROM pg_roles WHERE rolname = %s",
                [role],
            )
            assert cur.fetchall() == [(True, False, False, False, False)]
    finally:
        bash(
            f'pg_ensure_installed; "${{PG_RUN[@]}}" "$PGBIN/psql" -q -h 127.0.0.1 -p {owner["PORT"]}'
            f' -U postgres -d postgres -c "DROP ROLE IF EXISTS {role}"'
        )


def test_a_bad_role_name_is_refused():
    done = subprocess.run(
        ["bash", "-c", "source scripts/lib/postgres.sh; pg_local_ensure_app_role 'x; drop table y'"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0 and "bad role name" in done.stderr


def test_make_up_uses_the_two_roles():
    """up.sh derives the URLs before checking settings and creates the role before migrate."""
    text = (ROOT / "scripts" / "up.sh").read_text()
    assert text.index("pg_local_urls") < text.index("manage.py check")
    assert text.index("pg_local_ensure_app_role") < text.index("manage.py migrate")
