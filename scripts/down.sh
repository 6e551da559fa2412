#!/usr/bin/env bash
# make down: stop exactly what `make up` started (the pids it recorded under var/run/up/).
# The supervisor stops its children in order; if it is gone (killed with SIGKILL), each
# recorded process group is stopped here, and the PostgreSQL cluster under var/pg.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_DIR=var/run/up
LOG_DIR=var/log
if [ -f "${RUN_DIR}/up.pid" ] && kill -0 "$(cat "${RUN_DIR}/up.pid")" 2>/dev/null; then
  pid="$(cat "${RUN_DIR}/up.pid")"
  echo "Stopping make up (pid ${pid})..."
  kill -TERM "${pid}"
  for _ in $(seq 1 600); do
    kill -0 "${pid}" 2>/dev/null || break
    sleep 0.1
  done
fi
# Leftovers of a supervisor that could not clean up.
# shellcheck source=lib/supervise.sh
source scripts/lib/supervise.sh
for pidfile in "${RUN_DIR}"/*.pid; do
  [ -e "${pidfile}" ] || continue
  name="$(basename "${pidfile}" .pid)"
  [ "${name}" = up ] && { rm -f "${pidfile}"; continue; }
  stop_pid_group "$(cat "${pidfile}")" "${name}"
done
if [ -f var/pg/data/postmaster.pid ]; then
  # shellcheck source=lib/postgres.sh
  source scripts/lib/postgres.sh
  pg_ensure_installed
  PG_DIR="$(pwd)/var/pg"
  pg_local_stop
fi
echo "make down: nothing of make up is running."
