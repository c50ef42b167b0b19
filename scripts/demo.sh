#!/usr/bin/env bash
# Installs everything, creates the SQLite database with demo data, and serves on 127.0.0.1:5000.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv ""
.venv/bin/caisse db upgrade
.venv/bin/caisse demo
exec .venv/bin/caisse serve --host "${CAISSE_HOST:-127.0.0.1}" --port "${CAISSE_PORT:-5000}"
