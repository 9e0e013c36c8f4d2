#!/usr/bin/env bash
# Evaluations on the public corpora in ../shared/corpora (cite them where results are reported; see README).
# Each step fails the run when a figure falls below its floor.
set -euo pipefail
BIN=${1:-.build/release/noteminer}
SHARED=${2:-../shared/corpora}
if [ ! -d "$SHARED" ]; then
  echo "make eval needs the public corpora at $SHARED (ConText kit dev part, ADE Corpus V2 train part, ACI-Bench notes); not found" >&2
  exit 2
fi
WORK=.build/eval
mkdir -p "$WORK"
echo "== text stage on ACI-Bench notes: offsets slice back, nesting invariants, header detection"
"$BIN" tokenize "$SHARED/aci-bench/notes" --format jsonl > "$WORK/aci-tokens.jsonl"
python3 scripts/eval/check_text.py "$SHARED/aci-bench/notes" "$WORK/aci-tokens.jsonl"

echo
echo "== ConText on the NegEx/ConText test kit, dev part (Chapman et al.; Harkema et al., J Biomed Inform 2009)"
scripts/eval/context_floors.sh "$BIN" "$SHARED/context-kit/dev.tsv"

echo
echo "== scorer self-test"
python3 -m unittest -q scripts/eval/test_score_profiles.py
