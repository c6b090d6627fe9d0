#!/usr/bin/env bash
# Sets up and runs Palisade in dev mode (embedded store, no Redis), demo at /demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
port=${PORT:-8000}
echo "Open http://127.0.0.1:${port}/demo"
exec .venv/bin/palisade serve --host "${HOST:-127.0.0.1}" --port "$port" "$@"
