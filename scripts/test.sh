#!/usr/bin/env bash
# Installs everything (Python packages, Debian's Chromium) and runs lint (ruff, import-linter)
# plus the whole suite on SQLite and on PostgreSQL at once, then the browser tests (PostgreSQL is
# started here if it is installed but down; skipped, and said so, when none can be reached).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv "test"

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  echo "== Installation de Chromium (paquet Debian) pour les tests navigateur"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# pytest exits 5 when a selection holds no test (a path without browser tests, say): not a failure.
run_pytest() { .venv/bin/pytest "$@" || { local status=$?; [ "$status" -eq 5 ] || return "$status"; }; }

echo "== ruff (règles et mise en forme)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== import-linter (le tableau des dépendances de DESIGN.md)"
.venv/bin/lint-imports

if ! command -v node >/dev/null 2>&1; then
  echo "== Installation de Node.js (paquet Debian) pour les tests JavaScript"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs >/dev/null
fi
echo "== Tests JavaScript (node --test : la file d'envoi de la caisse)"
node --test tests/pos/js/

PG_URL="${CAISSE_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}"
pg_reachable() {
  .venv/bin/python - "$PG_URL" <<'PY' >/dev/null 2>&1
import sys, psycopg
psycopg.connect(sys.argv[1], connect_timeout=3).close()
PY
}
if ! pg_reachable && command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  echo "== Démarrage de PostgreSQL"
  for version in /etc/postgresql/*; do
    pg_ctlcluster --skip-systemctl-redirect "$(basename "$version")" main start || true
  done
  for _ in $(seq 1 20); do pg_reachable && break; sleep 1; done
fi

if ! pg_reachable; then
  echo "== Tests sur SQLite (tests navigateur compris)"
  run_pytest -q "$@"
  echo "!! PostgreSQL injoignable à $PG_URL : la suite PostgreSQL a été IGNORÉE (SQLite seule)."
  exit 0
fi

# Both databases at once (two processes, one per core): the suite on PostgreSQL runs in the
# background while the same tests run on SQLite; then the browser tests (marker e2e), alone
# because they time key presses, on SQLite: what they check is the pages and the till's
# JavaScript; everything the database does has been tested on both.
mkdir -p test-artifacts
pg_log="test-artifacts/postgresql.log"
echo "== Tests sur PostgreSQL ($PG_URL), en parallèle (journal : $pg_log)"
CAISSE_TEST_DATABASE_URL="$PG_URL" run_pytest -q -p no:cacheprovider -m "not e2e" "$@" \
  >"$pg_log" 2>&1 &
pg_pid=$!
trap 'kill "$pg_pid" 2>/dev/null || true' EXIT
echo "== Tests sur SQLite"
sqlite_status=0
run_pytest -q -m "not e2e" "$@" || sqlite_status=$?
pg_status=0
wait "$pg_pid" || pg_status=$?
trap - EXIT
echo "== Résultat sur PostgreSQL"
tail -n 25 "$pg_log"
if [ "$sqlite_status" -ne 0 ] || [ "$pg_status" -ne 0 ]; then
  [ "$pg_status" -ne 0 ] && echo "!! Échecs sur PostgreSQL : voir $pg_log"
  exit 1
fi
echo "== Tests navigateur (Chromium, sur SQLite)"
run_pytest -q -m e2e "$@"
