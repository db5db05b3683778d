# Sourced by scripts/test and scripts/console: create or refresh the project's own .venv.
# The venv is rebuilt only when pyproject.toml changes (its hash is kept in a stamp file),
# so the second run of either command starts at once.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${HOTLINE_PYTHON:-}"
if [ -z "$PY" ]; then
  for cand in python3.11 python3.12 python3.13 python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(0 if (3,11) <= sys.version_info[:2] < (3,14) else 1)'; then
      PY="$cand"; break
    fi
  done
fi
[ -n "$PY" ] || { echo "hotline needs Python 3.11, 3.12 or 3.13 on PATH" >&2; exit 1; }
want="$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)"
have="$(cat "$VENV/.hotline-stamp" 2>/dev/null || true)"
if [ ! -x "$VENV/bin/python" ] || [ "$want" != "$have" ]; then
  echo "Setting up $VENV (one time; takes about a minute)..." >&2
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT[dev]" >&2
  echo "$want" > "$VENV/.hotline-stamp"
fi
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
