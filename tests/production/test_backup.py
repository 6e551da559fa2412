"""make backup / make restore: a dump restored into a fresh database keeps every row, its
audit hash chain verifies and every credit score still equals base + its ledger."""

import os
import subprocess
import uuid
from urllib.parse import urlparse, urlunparse

import psycopg
import pytest

from credit import services
from regulator.audit import seal_all
from tests.production.conftest import ROOT, database_url

pytestmark = pytest.mark.slow


def table_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def audit_digest(url: str) -> str:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(
            "SELECT md5(string_agg(concat_ws('|', id, seq, prev_hash, hash), ',' ORDER BY id))"
            " FROM regulator_auditevent"
        ).fetchone()[0]


@pytest.fixture
def fresh_database():
    source = database_url()
    name = f"telereg_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield urlunparse(urlparse(source)._replace(path=f"/{name}"))
    with psycopg.connect(source, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_restores_into_a_fresh_database_with_every_row_and_verifies(
    transactional_db, ent_a, ent_b, supervisor, deduction, published, fresh_database, tmp_path
):
    for i in range(3):
        services.ledger_post(
            actor=supervisor, enterprise=ent_a, rule_code="TEST_DEDUCTION", source_ref=f"b{i}"
        )
    published(ent_b)
    seal_all()
    # One event left unsealed: a dump taken between a write and the next seal keeps it too.
    services.ledger_post(actor=supervisor, enterprise=ent_b, rule_code="TEST_DEDUCTION", source_ref="late")
    source = database_url()
    env = {
        **os.environ,
        "DATABASE_URL": source,
        "BACKUP_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "backup-test",
        "ENV_FILE": "/nonexistent",
    }
    dump = subprocess.run(
        [str(ROOT / "scripts" / "backup.sh")], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert dump.endswith(".dump") and os.path.getsize(dump) > 0

    restored = subprocess.run(
        [str(ROOT / "scripts" / "restore.sh"), dump],
        env={**env, "DATABASE_URL": fresh_database},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "audit chain intact" in restored.stdout
    assert "0 differences" in restored.stdout
    counts = table_counts(source)
    assert counts["credit_ledgerentry"] >= 3 and counts["regulator_auditevent"] > 0
    assert table_counts(fresh_database) == counts
    assert audit_digest(fresh_database) == audit_digest(source)


def test_restore_refuses_a_missing_dump(tmp_path):
    result = subprocess.run(
        [str(ROOT / "scripts" / "restore.sh"), str(tmp_path / "nope.dump")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "ENV_FILE": "/nonexistent"},
    )
    assert result.returncode == 2 and "give the dump" in result.stderr
