#!/usr/bin/env bash
# make up: the production topology on this machine, in the foreground until Ctrl-C, TERM,
# a hang-up or `make down`: PostgreSQL 15 (a cluster under var/pg), Redis (Debian's
# redis-server), gunicorn, one Celery worker and one Celery beat. Settings come from the
# environment alone (.env, see .env.example, is read if present); a missing or bad value
# stops everything before anything serves. Every process started is recorded under
# var/run/up/ and stopped on exit (scripts/lib/supervise.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
ENV_FILE="${ENV_FILE:-.env}"
if [ -f "${ENV_FILE}" ]; then
  set -a
  # shellcheck disable=SC1090
  source "${ENV_FILE}"
  set +a
fi

fail() { echo "make up: $*" >&2; exit 2; }
int_var() {  # int_var NAME DEFAULT: the variable, checked to be a positive integer
  local value="${!1:-$2}"
  [[ "${value}" =~ ^[0-9]+$ ]] && [ "${value}" -gt 0 ] || fail "$1=${value} is not a positive integer"
  printf -v "$1" '%s' "${value}"
  export "${1?}"
}
choice_var() {  # choice_var NAME DEFAULT ALLOWED...
  local name="$1" value="${!1:-$2}"
  shift 2
  [[ " $* " == *" ${value} "* ]] || fail "${name}=${value}: choose one of $*"
  printf -v "${name}" '%s' "${value}"
}

[ -n "${SECRET_KEY:-}${SECRET_KEY_FILE:-}" ] || fail "SECRET_KEY is not set: cp .env.example .env and edit it"
choice_var UP_POSTGRES local local external
choice_var UP_REDIS local local external
int_var PG_PORT 54329
int_var REDIS_PORT 63799
int_var WEB_WORKERS 2
int_var CELERY_CONCURRENCY 2
export WEB_BIND="${WEB_BIND:-127.0.0.1:8000}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings_production}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
if [ "${UP_POSTGRES}" = local ]; then
  # The web, worker and beat connect as the application role (telereg_app, row access
  # only); migrate connects as the owner (DATABASE_OWNER_URL), see scripts/lib/postgres.sh.
  # shellcheck source=lib/postgres.sh
  source scripts/lib/postgres.sh
  pg_local_urls "${PG_PORT}" telereg
else
  [ -n "${DATABASE_URL:-}" ] || fail "UP_POSTGRES=external needs DATABASE_URL"
fi
if [ "${UP_REDIS}" = local ]; then
  export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:${REDIS_PORT}/0}"
  # Throttle counters shared by every gunicorn worker (database 1 of the same Redis).
  export CACHE_URL="${CACHE_URL:-redis://127.0.0.1:${REDIS_PORT}/1}"
else
  [ -n "${CELERY_BROKER_URL:-}" ] || fail "UP_REDIS=external needs CELERY_BROKER_URL"
fi

RUN_DIR=var/run/up
LOG_DIR=var/log
[ -f "${RUN_DIR}/up.pid" ] && kill -0 "$(cat "${RUN_DIR}/up.pid")" 2>/dev/null \
  && fail "already running (pid $(cat "${RUN_DIR}/up.pid")); make down first"
# shellcheck source=lib/supervise.sh
source scripts/lib/supervise.sh
echo $$ >"${RUN_DIR}/up.pid"
install_traps
STOP_HOOKS+=(_forget_supervisor)
_forget_supervisor() { rm -f "${RUN_DIR}/up.pid"; }

PY=.venv/bin/python
# Prometheus: every process on this machine writes its counters here; /metrics sums them.
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-${ROOT}/var/run/up/prometheus}"
rm -rf "${PROMETHEUS_MULTIPROC_DIR}"
mkdir -p "${PROMETHEUS_MULTIPROC_DIR}"

# 1. Settings first: a bad value stops here, before any service starts.
echo "Checking settings (${DJANGO_SETTINGS_MODULE})..."
$PY manage.py check --fail-level ERROR >/dev/null

# 2. PostgreSQL 15, a cluster under var/pg kept between runs (scripts/lib/postgres.sh).
if [ "${UP_POSTGRES}" = local ]; then
  pg_local_start "${ROOT}/var/pg" "${PG_PORT}" "${LOG_DIR}/postgres.log"
  STOP_HOOKS+=(pg_local_stop)
  pg_local_createdb telereg
  # The role DATABASE_URL names, when it is not the owner (migrate grants it row access).
  app_role="$($PY -c 'import sys, dj_database_url as d; print(d.parse(sys.argv[1])["USER"])' "${DATABASE_URL}")"
  [ "${app_role}" = postgres ] || pg_local_ensure_app_role "${app_role}"
fi

# 3. Redis, the Celery broker: append-only file, so queued tasks survive a restart.
if [ "${UP_REDIS}" = local ]; then
  REDIS_SERVER="$(scripts/ensure-redis.sh)"
  mkdir -p var/redis
  spawn redis "${REDIS_SERVER}" --bind 127.0.0.1 --port "${REDIS_PORT}" --dir "${ROOT}/var/redis" \
    --appendonly yes --save "" --daemonize no --protected-mode yes
  for _ in $(seq 1 50); do
    redis-cli -p "${REDIS_PORT}" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -p "${REDIS_PORT}" ping >/dev/null || fail "redis did not start (see ${LOG_DIR}/redis.log)"
fi

# 4. Schema and static files, then the application processes.
$PY manage.py migrate --noinput
$PY manage.py collectstatic --noinput -v 0
spawn web .venv/bin/gunicorn -c python:config.gunicorn config.wsgi
spawn worker .venv/bin/celery -A config --quiet worker --loglevel="${LOG_LEVEL:-INFO}" \
  --concurrency="${CELERY_CONCURRENCY}" --hostname="telereg@%h"
spawn beat .venv/bin/celery -A config --quiet beat --loglevel="${LOG_LEVEL:-INFO}" \
  --scheduler config.beat:SingletonScheduler --schedule "${ROOT}/var/celerybeat-schedule-up"

# 5. Ready when /healthz says the database and the broker answer.
for _ in $(seq 1 120); do
  if $PY - "${WEB_BIND}" <<'PYEOF' 2>/dev/null; then break; fi
import sys, urllib.request
urllib.request.urlopen(f"http://{sys.argv[1]}/healthz", timeout=2)
PYEOF
  sleep 0.5
done
$PY - "${WEB_BIND}" <<'PYEOF' || fail "not healthy after 60 s (see ${LOG_DIR}/)"
import sys, urllib.request
urllib.request.urlopen(f"http://{sys.argv[1]}/healthz", timeout=2)
PYEOF
echo "telereg is up on http://${WEB_BIND}/  (API docs /api/docs/, health /healthz, metrics /metrics)"
echo "Logs in ${LOG_DIR}/. Ctrl-C here or 'make down' stops everything."
supervise
