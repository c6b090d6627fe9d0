#!/usr/bin/env bash
# Installs what Palisade needs on a fresh Debian machine: Python venv, the widget build,
# and (with --test) the test-only system packages (chromium, redis-server).
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_install() {
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

command -v node >/dev/null || apt_install nodejs npm
if [ $want_test = 1 ]; then
  [ -x /usr/bin/chromium ] || apt_install chromium
  command -v redis-server >/dev/null || apt_install redis-server
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# Pinned (scripts/constraints.txt): the versions the tests last passed with.
if [ $want_test = 1 ]; then
  .venv/bin/python -m pip install -q -c scripts/constraints.txt -e '.[dev]'
else
  .venv/bin/python -m pip install -q -c scripts/constraints.txt -e '.[fast]'
fi

if [ -f sdk_js/package.json ]; then
  (cd sdk_js && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
fi
if [ $want_test = 1 ] && [ ! -d scoring/botgen/node_modules/ghost-cursor ]; then
  # Real bot tooling for the scoring tests (training only; not shipped).
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix scoring/botgen ghost-cursor@1.4.2
fi
if [ -f sdk_js/dashboard/package.json ]; then
  (cd sdk_js/dashboard && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build)
fi
