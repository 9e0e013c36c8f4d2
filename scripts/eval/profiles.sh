#!/usr/bin/env bash
# Patient profiles on the ACI-Bench notes scored against Corpora/gold (present micro-F1 >= 0.90, absent precision
# >= 0.85), then the risk-model hand-off on the same run's features.csv (synthetic outcome).
# Usage: scripts/eval/profiles.sh [BIN] [SHARED] [WORKDIR]. Exits non-zero when a floor is missed.
set -euo pipefail
BIN=${1:-.build/release/noteminer}
SHARED=${2:-../shared/corpora}
WORK=${3:-.build/eval/profiles}
GOLD=Corpora/gold/aci_profiles_gold.tsv
NOTES="$SHARED/aci-bench/notes"
if [ ! -d "$NOTES" ]; then
  echo "$0: ACI-Bench notes not found at $NOTES" >&2
  exit 2
fi
mkdir -p "$WORK"
echo "== patient profiles on ACI-Bench notes vs $GOLD (ACI-Bench: Yim et al., Scientific Data 2023, CC BY 4.0)"
"$BIN" run "$NOTES" --out "$WORK/run" --no-resume
status=0
python3 scripts/eval/score_profiles.py "$GOLD" "$WORK/run/profiles.jsonl" --list-errors > "$WORK/score.json" || status=$?
if [ "$status" -ge 2 ]; then exit "$status"; fi
python3 - "$WORK/score.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p, a = d["present"], d["absent"]
print(f"patients {d['patients_scored']}/{d['patients_gold']}, pairs {d['pairs']}, accuracy {d['accuracy']}")
print(f"present: P {p['precision']} R {p['recall']} F1 {p['f1']} (floor {d['checks']['present_f1']['floor']})")
print(f"absent:  P {a['precision']} R {a['recall']} (floor {d['checks']['absent_precision']['floor']})")
for rf, f in d["per_factor"].items():
    if f["accuracy"] < 1:
        print(f"  {rf:26s} acc {f['accuracy']:.3f} confusion {json.dumps(f['confusion'])}")
print("full report:", sys.argv[1], "PASS" if d["pass"] else "FAIL")
PY
echo "== risk-model hand-off on $WORK/run/features.csv (synthetic outcome)"
rm -f "$WORK/synthetic_outcomes.csv"
scripts/eval/risk_model.sh "$WORK/run/features.csv" "$WORK/synthetic_outcomes.csv" || status=$((status > 0 ? status : $?))
exit "$status"
