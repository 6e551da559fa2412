#!/usr/bin/env bash
# make demo: embedded SQLite, demo data, a Celery worker with beat on the filesystem
# broker (no external service), and the web server on http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DEBUG="${DEBUG:-1}"
mkdir -p var
$PY manage.py migrate --noinput
$PY manage.py seed_demo
$PY manage.py demo_logins
.venv/bin/celery -A config worker -B --pool=solo --loglevel=INFO \
  --schedule var/celerybeat-schedule >var/celery.log 2>&1 &
WORKER=$!
trap 'kill ${WORKER} 2>/dev/null || true' EXIT INT TERM
echo "Background worker + beat running (log: var/celery.log)."
echo "Serving on http://127.0.0.1:8000  (API docs: /api/docs/, admin: /admin/)"
$PY manage.py runserver 127.0.0.1:8000 --noreload
