# Sourced by the other scripts: a virtualenv in .venv with the project installed (re-done only
# when pyproject.toml changes). Usage: ensure_venv "" | ensure_venv "[test]"
ensure_venv() {
  local extras="$1"
  local python="${PYTHON:-python3}"
  if [ ! -x .venv/bin/python ]; then
    echo "== Création de l'environnement Python (.venv)"
    "$python" -m venv .venv
  fi
  local stamp=".venv/.installed${extras}"
  local wanted
  wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "== Installation des dépendances${extras:+ $extras}"
    local log=".venv/install.log"
    if ! { .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip &&
           .venv/bin/python -m pip install --disable-pip-version-check -e ".${extras}"; } \
         >"$log" 2>&1; then
      tail -n 40 "$log"
      echo "!! L'installation a échoué (journal complet : $log)."
      return 1
    fi
    echo "$wanted" > "$stamp"
  fi
}
