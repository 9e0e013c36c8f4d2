#!/usr/bin/env bash
# Runs `noteminer eval context` on a kit TSV and fails when a figure falls below the acceptance floors
# (issue 3): Negated F1 >= 0.95, Historical F1 >= 0.70, hypothetical F1 >= 0.80, experiencer accuracy >= 0.997.
# Usage: scripts/eval/context_floors.sh BIN TSV [extra noteminer options]
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 BIN TSV [options]" >&2; exit 2; fi
bin=$1; tsv=$2; shift 2
if [ ! -f "$tsv" ]; then echo "context_floors: $tsv not found" >&2; exit 2; fi
summary=$("$bin" eval context "$tsv" "$@" | tail -n 1)
echo "$summary"
python3 - "$summary" <<'PY'
import json, sys
s = json.loads(sys.argv[1])
floors = [("negation", "f1", 0.95), ("historical", "f1", 0.70), ("hypothetical", "f1", 0.80), ("experiencer", "accuracy", 0.997)]
failed = False
for block, metric, floor in floors:
    value = s[block][metric]
    ok = value >= floor
    failed |= not ok
    print(f"  {block:<13} {metric:<8} {value:.4f}  floor {floor:.3f}  {'ok' if ok else 'BELOW FLOOR'}")
sys.exit(1 if failed else 0)
PY
