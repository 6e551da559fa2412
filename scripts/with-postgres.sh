#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL 15 cluster, then stop and remove it,
# whether the command passes or fails. Installs Debian's postgresql if missing.
# PostgreSQL refuses to run as root, so as root the cluster belongs to `postgres`.
set -euo pipefail

PG_VERSION="${PG_VERSION:-15}"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

find_bin() {
  if [ -x "/usr/lib/postgresql/${PG_VERSION}/bin/initdb" ]; then
    echo "/usr/lib/postgresql/${PG_VERSION}/bin"
  else
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
  fi
}

PGBIN="$(find_bin || true)"
if [ -z "${PGBIN}" ] || [ ! -x "${PGBIN}/initdb" ]; then
  echo "with-postgres: installing Debian's postgresql package" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  PGBIN="$(find_bin)"
fi

WORK="$(mktemp -d /tmp/telereg-pg.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
RUN=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "${WORK}" --shell /bin/sh postgres
  chown postgres "${WORK}"
  chmod 700 "${WORK}"
  RUN=(runuser -u postgres --)
fi

cleanup() {
  "${RUN[@]}" "${PGBIN}/pg_ctl" -D "${WORK}/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "${WORK}"
}
trap cleanup EXIT INT TERM

"${RUN[@]}" "${PGBIN}/initdb" -D "${WORK}/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# Durability settings are relaxed for the throwaway test cluster only; `make bench`
# sets PG_DURABLE=1 so measured write rates reflect a real fsync.
EXTRA="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${PG_DURABLE:-0}" = 1 ] && EXTRA=""
"${RUN[@]}" "${PGBIN}/pg_ctl" -D "${WORK}/data" -l "${WORK}/pg.log" -w -t 60 \
  -o "-p ${PORT} -k ${WORK} -c listen_addresses=127.0.0.1 -c max_connections=200 ${EXTRA}" start >/dev/null
"${RUN[@]}" "${PGBIN}/createdb" -h 127.0.0.1 -p "${PORT}" -U postgres telereg

# Two roles, as in production: the owner (here the cluster's superuser) runs migrations and
# creates test databases; the application role owns nothing and gets row access only
# (regulator.dbroles), so it cannot TRUNCATE, disable a trigger or set
# session_replication_role. Set PG_SINGLE_ROLE=1 to connect as the owner throughout.
APP_ROLE="telereg_app"
"${RUN[@]}" "${PGBIN}/psql" -q -h 127.0.0.1 -p "${PORT}" -U postgres -d telereg -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS" >/dev/null
export DATABASE_OWNER_URL="postgres://postgres@127.0.0.1:${PORT}/telereg"
export DATABASE_URL="postgres://${APP_ROLE}@127.0.0.1:${PORT}/telereg"
if [ "${PG_SINGLE_ROLE:-0}" = 1 ]; then
  export DATABASE_URL="${DATABASE_OWNER_URL}"
  unset DATABASE_OWNER_URL
fi
echo "with-postgres: PostgreSQL $("${PGBIN}/postgres" --version | awk '{print $3}') on port ${PORT}" >&2
set +e
"$@"
status=$?
set -e
exit "${status}"
