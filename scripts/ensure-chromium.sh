#!/bin/sh
# Debian's chromium for the browser tests (tests/portal, `-m browser`) and `make screenshots`,
# and a Simplified Chinese font so that pages render as people see them (not as boxes).
# Playwright drives chromium by executable path; it never downloads a browser of its own
# (the machines reach package registries only), so `playwright install` is never run.
set -eu
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
missing=""
[ -x "$CHROMIUM" ] || missing="chromium"
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  missing="$missing fonts-wqy-microhei"
fi
[ -n "$missing" ] || exit 0
echo "ensure-chromium: installing Debian's$missing" >&2
as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
echo "ensure-chromium: ready" >&2
