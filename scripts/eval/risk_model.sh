#!/usr/bin/env bash
# Fits the example risk model (examples/risk_model.py) on a features.csv written by `noteminer run`, joined to a
# synthetic outcome. Python packages go into a private venv under .build/venv-eval (created once).
# Usage: scripts/eval/risk_model.sh FEATURES.csv [OUTCOMES.csv] [extra risk_model.py flags...]
# Without OUTCOMES.csv the synthetic outcome is generated next to FEATURES.csv as synthetic_outcomes.csv.
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 FEATURES.csv [OUTCOMES.csv] [risk_model.py flags]" >&2
  exit 2
fi
FEATURES=$1; shift
if [ ! -f "$FEATURES" ]; then
  echo "$0: $FEATURES: no such file" >&2
  exit 2
fi
OUTCOMES="$(dirname "$FEATURES")/synthetic_outcomes.csv"
if [ $# -gt 0 ] && [[ "$1" != --* ]]; then OUTCOMES=$1; shift; fi

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
VENV="$ROOT/.build/venv-eval"
if ! "$VENV/bin/python" -c 'import pandas, sklearn' 2>/dev/null; then
  echo "== creating $VENV (pandas, scikit-learn)" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check 'pandas>=2.0' 'scikit-learn>=1.3'
fi
exec "$VENV/bin/python" "$ROOT/examples/risk_model.py" "$FEATURES" --outcomes "$OUTCOMES" "$@"
