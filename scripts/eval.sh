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

echo
scripts/eval/profiles.sh "$BIN" "$SHARED"

echo
echo "== reports of a run on the ACI-Bench notes: FHIR R4 validation (fhir.resources) and report.html in headless Chromium"
rm -rf "$WORK/run-aci"
"$BIN" run "$SHARED/aci-bench/notes" --out "$WORK/run-aci" --no-resume
python3 scripts/eval/validate_fhir.py "$WORK/run-aci/fhir"
scripts/eval/check_report.sh "$WORK/run-aci/report.html" "$WORK/report.png"

# ---------------------------------------------------------------------------------------------------------------
# Beyond one machine (issue 7): `stream` holds flat memory over 100,000 notes with one line out per line in, and
# the PySpark job in local[2] mode equals a single-machine `run` byte for byte (installs pyspark into
# .build/venv-spark; needs Java 17). Needs no corpora; kept last so the corpus evaluations report first.
echo
echo "== stream: 100,000 notes, one line out per line in, peak memory < 100 MB"
python3 scripts/eval/stream_memory.py "$BIN" 100000
echo
echo "== Spark: noteminer_job.py in local[2] equals noteminer run"
scripts/spark_test.sh "$BIN"
