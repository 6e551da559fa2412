#!/usr/bin/env bash
# Print the path of Debian's redis-server, installing the package first if it is missing.
# CI runs this as root with no input on a clean machine; elsewhere it needs passwordless sudo.
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
if ! command -v redis-server >/dev/null 2>&1; then
  echo "ensure-redis: installing Debian's redis-server package" >&2
  # Another apt run (a colleague's, unattended-upgrades) may hold the lock: wait for it.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends redis-server >/dev/null
  # The package may start a system-wide instance; telereg runs its own, so leave that one be.
fi
command -v redis-server
