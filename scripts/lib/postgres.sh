# A PostgreSQL 15 cluster kept under a directory of this checkout (source it, do not run it).
# Installs Debian's postgresql if missing. PostgreSQL refuses to run as root, so as root the
# cluster belongs to the `postgres` user. Listens on 127.0.0.1 only, trust authentication
# for local connections (a single-machine deployment; put a password in DATABASE_URL and
# pg_hba.conf to open it further).

PG_VERSION="${PG_VERSION:-15}"
_pg_as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

pg_find_bin() {
  if [ -x "/usr/lib/postgresql/${PG_VERSION}/bin/initdb" ]; then
    echo "/usr/lib/postgresql/${PG_VERSION}/bin"
  else
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
  fi
}

pg_ensure_installed() {
  PGBIN="$(pg_find_bin || true)"
  if [ -z "${PGBIN}" ] || [ ! -x "${PGBIN}/initdb" ]; then
    echo "installing Debian's postgresql package" >&2
    _pg_as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq
    _pg_as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      postgresql >/dev/null
    PGBIN="$(pg_find_bin)"
  fi
  PG_RUN=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
    PG_RUN=(runuser -u postgres --)
  fi
}

pg_local_start() {  # pg_local_start DIR PORT: initdb once, then start and wait
  PG_DIR="$1"
  PG_LOCAL_PORT="$2"
  pg_ensure_installed
  mkdir -p "${PG_DIR}"
  [ "$(id -u)" = 0 ] && chown postgres "${PG_DIR}" && chmod 700 "${PG_DIR}"
  if [ ! -f "${PG_DIR}/data/PG_VERSION" ]; then
    echo "  creating the PostgreSQL cluster in ${PG_DIR}/data"
    "${PG_RUN[@]}" "${PGBIN}/initdb" -D "${PG_DIR}/data" -U postgres --auth=trust -E UTF8 \
      --locale=C.UTF-8 >/dev/null
  fi
  "${PG_RUN[@]}" "${PGBIN}/pg_ctl" -D "${PG_DIR}/data" -l "${PG_DIR}/postgres.log" -w -t 60 \
    -o "-p ${PG_LOCAL_PORT} -k ${PG_DIR} -c listen_addresses=127.0.0.1 -c max_connections=${PG_MAX_CONNECTIONS:-100}" \
    start >/dev/null || { echo "PostgreSQL did not start (see ${PG_DIR}/postgres.log)" >&2; return 1; }
  echo "  started PostgreSQL $("${PGBIN}/postgres" --version | awk '{print $3}') on port ${PG_LOCAL_PORT} (log ${PG_DIR}/postgres.log)"
}

pg_local_createdb() {  # pg_local_createdb NAME: create the database unless it exists
  local exists
  exists="$("${PG_RUN[@]}" "${PGBIN}/psql" -h 127.0.0.1 -p "${PG_LOCAL_PORT}" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$1'")"
  [ "${exists}" = 1 ] || "${PG_RUN[@]}" "${PGBIN}/createdb" -h 127.0.0.1 -p "${PG_LOCAL_PORT}" -U postgres "$1"
}

pg_local_stop() {
  "${PG_RUN[@]}" "${PGBIN}/pg_ctl" -D "${PG_DIR}/data" -m fast -w stop >/dev/null 2>&1 || true
  echo "  stopped PostgreSQL"
}

# The two roles of a deployment (config/settings.py, regulator.dbroles): the application
# connects as APP_ROLE, which owns nothing and gets row access only (it cannot TRUNCATE,
# disable a trigger or switch triggers off), while migrations run as the owner, here the
# local cluster's superuser. The same split as scripts/with-postgres.sh sets up for tests.
PG_APP_ROLE="${PG_APP_ROLE:-telereg_app}"

pg_local_urls() {  # pg_local_urls PORT DB: default DATABASE_URL (app role) and DATABASE_OWNER_URL
  # A DATABASE_URL given in the environment wins: then the owner URL is whatever was given
  # with it (none: one role does both, as the operator chose).
  if [ -z "${DATABASE_URL:-}" ]; then
    export DATABASE_URL="postgres://${PG_APP_ROLE}@127.0.0.1:$1/$2"
    export DATABASE_OWNER_URL="${DATABASE_OWNER_URL:-postgres://postgres@127.0.0.1:$1/$2}"
  fi
}

pg_local_ensure_app_role() {  # pg_local_ensure_app_role ROLE: a login role without privileges
  [[ "$1" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "bad role name: $1" >&2; return 1; }
  "${PG_RUN[@]}" "${PGBIN}/psql" -q -h 127.0.0.1 -p "${PG_LOCAL_PORT}" -U postgres -d postgres \
    -v ON_ERROR_STOP=1 -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$1') THEN
        CREATE ROLE $1 LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
      END IF; END \$\$" >/dev/null
}
