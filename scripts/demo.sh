#!/usr/bin/env bash
# Installs everything, creates the SQLite database with demo data, and serves on 127.0.0.1:5000.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv ""
.venv/bin/caisse db upgrade
.venv/bin/caisse demo
# The demo's tills print to a simulated receipt printer: each ticket lands in instance/tickets/.
.venv/bin/caisse printer-sim --port "${CAISSE_PRINTER_SIM_PORT:-9100}" &
SIMULATOR=$!
trap 'kill $SIMULATOR 2>/dev/null' EXIT
.venv/bin/caisse serve --host "${CAISSE_HOST:-127.0.0.1}" --port "${CAISSE_PORT:-5000}"
