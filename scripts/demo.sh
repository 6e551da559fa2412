#!/usr/bin/env bash
# make demo: embedded SQLite, demo data, a Celery worker with beat on the filesystem
# broker (no external service), and the web server on http://127.0.0.1:8000.
# Ctrl-C, TERM or a hang-up stops the web server and the worker (scripts/lib/supervise.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DEBUG="${DEBUG:-1}"
mkdir -p var
RUN_DIR=var/run/demo
LOG_DIR=var/log
# shellcheck source=lib/supervise.sh
source scripts/lib/supervise.sh
install_traps
$PY manage.py migrate --noinput
$PY manage.py seed_demo
$PY manage.py demo_logins
spawn celery .venv/bin/celery -A config worker -B --pool=solo --loglevel=INFO \
  --schedule var/celerybeat-schedule
spawn_console web $PY manage.py runserver 127.0.0.1:8000 --noreload
echo "Background worker + beat running (log: var/log/celery.log)."
echo "Serving on http://127.0.0.1:8000  (API docs: /api/docs/, admin: /admin/); Ctrl-C stops."
supervise
