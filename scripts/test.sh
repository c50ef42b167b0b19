#!/usr/bin/env bash
# Installs everything (Python packages, Debian's Chromium) and runs lint plus the whole suite on
# SQLite, then on PostgreSQL (started here if it is installed but down; skipped, and said so,
# when no PostgreSQL can be reached).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv "[test]"

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  echo "== Installation de Chromium (paquet Debian) pour les tests navigateur"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

echo "== ruff"
.venv/bin/ruff check .

echo "== Tests sur SQLite"
.venv/bin/pytest -q "$@"

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
if pg_reachable; then
  # The browser tests (marker e2e) ran on SQLite above: what they check is the pages and the
  # till's JavaScript; everything the database does is tested again here, on PostgreSQL.
  echo "== Tests sur PostgreSQL ($PG_URL) — tests navigateur déjà passés sur SQLite"
  CAISSE_TEST_DATABASE_URL="$PG_URL" .venv/bin/pytest -q -m "not e2e" "$@"
else
  echo "!! PostgreSQL injoignable à $PG_URL : la suite PostgreSQL a été IGNORÉE (SQLite seule)."
fi
