#!/usr/bin/env bash
# Sets up everything and runs every check: ruff, mypy, widget build/size/SSR/unit tests,
# and pytest (which uses a real Redis: 127.0.0.1:6379 if one answers, else it starts one).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test

echo "== ruff"
.venv/bin/ruff check edge_api scoring tests benchmarks loadtests
.venv/bin/ruff format --check edge_api scoring tests benchmarks loadtests
echo "== mypy (strict)"
.venv/bin/mypy

if [ -f sdk_js/package.json ]; then
  echo "== widget"
  (cd sdk_js && npm run --silent size && npm run --silent ssr-check && npm test --silent)
fi

echo "== pytest"
# Playwright's sync API keeps an event loop on the main thread for the session, which
# async tests cannot share: browser tests run in their own pytest process.
.venv/bin/python -m pytest -q -p no:cacheprovider --ignore=tests/browser "$@"
echo "== pytest (browser)"
.venv/bin/python -m pytest -q -p no:cacheprovider tests/browser "$@"
