#!/usr/bin/env bash
# make restore FILE=var/backups/....dump: restore a dump made by make backup into
# DATABASE_URL's database, which must be empty (a fresh `createdb`) unless RESTORE_CLEAN=1,
# which drops the existing objects first. Then checks the restored data: the audit hash
# chain (verify_audit_chain --no-seal) and every credit score against its ledger
# (credit_verify); a failure of either exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
FILE="${1:-${FILE:-}}"
[ -n "${FILE}" ] && [ -f "${FILE}" ] || { echo "restore: give the dump: make restore FILE=path" >&2; exit 2; }
if [ -f "${ENV_FILE:-.env}" ] && [ -z "${DATABASE_URL:-}" ]; then set -a; source "${ENV_FILE:-.env}"; set +a; fi
if [ -z "${DATABASE_URL:-}" ] && [ -f var/pg/data/postmaster.pid ]; then
  DATABASE_URL="postgres://postgres@127.0.0.1:${PG_PORT:-54329}/telereg"
fi
[ -n "${DATABASE_URL:-}" ] || { echo "restore: DATABASE_URL is not set" >&2; exit 2; }
export DATABASE_URL
# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh
PGBIN="$(pg_find_bin)"
CLEAN=()
[ "${RESTORE_CLEAN:-0}" = 1 ] && CLEAN=(--clean --if-exists)
# One transaction: a restore that fails half-way leaves the database as it was.
"${PGBIN}/pg_restore" --no-owner --no-acl --exit-on-error --single-transaction "${CLEAN[@]}" \
  --dbname="${DATABASE_URL}" "${FILE}"
MEDIA="${FILE%.dump}.media.tar.gz"
if [ -f "${MEDIA}" ] && [ -n "${MEDIA_ROOT:-}" ]; then
  mkdir -p "${MEDIA_ROOT}"
  tar -C "${MEDIA_ROOT}" -xzf "${MEDIA}"
fi
export SECRET_KEY="${SECRET_KEY:-restore-check}" DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-memory://}"
.venv/bin/python manage.py verify_audit_chain --no-seal
.venv/bin/python manage.py credit_verify
echo "restore: ${FILE} restored and verified."
