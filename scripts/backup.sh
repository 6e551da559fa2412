#!/usr/bin/env bash
# make backup: a consistent dump of DATABASE_URL (pg_dump, custom format, one snapshot)
# into $BACKUP_DIR (default var/backups), named by UTC time; prints the file's path.
# Uploaded files under MEDIA_ROOT are copied beside it (they are not in the database).
# Usage: scripts/backup.sh [FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f "${ENV_FILE:-.env}" ] && [ -z "${DATABASE_URL:-}" ]; then set -a; source "${ENV_FILE:-.env}"; set +a; fi
if [ -z "${DATABASE_URL:-}" ] && [ -f var/pg/data/postmaster.pid ]; then
  DATABASE_URL="postgres://postgres@127.0.0.1:${PG_PORT:-54329}/telereg"  # make up's own cluster
fi
[ -n "${DATABASE_URL:-}" ] || { echo "backup: DATABASE_URL is not set" >&2; exit 2; }
# shellcheck source=lib/postgres.sh
source scripts/lib/postgres.sh
PGBIN="$(pg_find_bin)"
BACKUP_DIR="${BACKUP_DIR:-var/backups}"
mkdir -p "${BACKUP_DIR}"
OUT="${1:-${BACKUP_DIR}/telereg-$(date -u +%Y%m%dT%H%M%SZ).dump}"
# --no-owner/--no-acl: the dump restores into any database the restoring role owns.
"${PGBIN}/pg_dump" --format=custom --no-owner --no-acl --file="${OUT}.part" --dbname="${DATABASE_URL}"
mv "${OUT}.part" "${OUT}"
if [ -n "${MEDIA_ROOT:-}" ] && [ -d "${MEDIA_ROOT}" ]; then
  tar -C "${MEDIA_ROOT}" -czf "${OUT%.dump}.media.tar.gz" .
fi
echo "${OUT}"
