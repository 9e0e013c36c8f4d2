#!/usr/bin/env bash
# The main job on the sample corpus: prints what a user would look at first.
set -euo pipefail
BIN=${1:-.build/release/noteminer}
OUT=${2:-demo-out}
mkdir -p "$OUT"
echo "== NoteMiner demo on Corpora/ (synthetic notes) =="
echo
echo "-- Sections, sentences and tokens of Corpora/ed_note.txt (first 40 lines):"
"$BIN" tokenize Corpora/ed_note.txt --format text | head -n 40
echo
"$BIN" tokenize Corpora/ --format jsonl > "$OUT/tokens.jsonl"
echo "-- Wrote $OUT/tokens.jsonl ($(wc -l < "$OUT/tokens.jsonl") notes). Throughput on this corpus:"
"$BIN" tokenize Corpora/ --stats --jobs 1
