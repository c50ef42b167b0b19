# Sourced by the other scripts: a virtualenv in .venv with the project installed at the versions
# of requirements.lock (re-done only when pyproject.toml or the lock changes).
# Usage: ensure_venv "" (the application) | ensure_venv "test" (and the test tools' group)
ensure_venv() {
  local group="$1"
  local python="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    echo "== Création de l'environnement Python (.venv)"
    "$python" -m venv .venv
  fi
  local stamp=".venv/.installed${group:+-$group}"
  local wanted
  wanted="$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "== Installation des dépendances${group:+ (groupe $group)}"
    local log=".venv/install.log"
    if ! { .venv/bin/python -m pip install --disable-pip-version-check --upgrade "pip>=25.1" &&
           .venv/bin/python -m pip install --disable-pip-version-check -c requirements.lock \
             -e . ${group:+--group "$group"}; } >"$log" 2>&1; then
      tail -n 40 "$log"
      echo "!! L'installation a échoué (journal complet : $log)."
      return 1
    fi
    echo "$wanted" > "$stamp"
  fi
}
