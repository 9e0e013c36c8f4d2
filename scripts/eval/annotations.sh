#!/usr/bin/env bash
# Annotation exports read by third-party parsers: exports Corpora/ to brat, BioC and JSON Lines, checks that
# importing and re-exporting gives the same bytes, parses the files with the `bioc` and `pybrat` packages from
# PyPI (installed once into .build/venv-eval), and scores the export against itself with eval mentions and agree.
# Usage: scripts/eval/annotations.sh [BIN] [WORKDIR]. Exits non-zero on any failure.
set -euo pipefail
BIN=${1:-.build/release/noteminer}
WORK=${2:-.build/eval/annotations}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VENV="$ROOT/.build/venv-eval"
rm -rf "$WORK"
mkdir -p "$WORK"
echo "== annotation exports of Corpora/ (brat, BioC, JSON Lines) parsed by bioc and pybrat"
for f in brat bioc jsonl; do
  "$BIN" export "$ROOT/Corpora" --format "$f" --out "$WORK/$f"
  "$BIN" import "$WORK/$f" --to "$f" --out "$WORK/again-$f" 2>/dev/null
  diff -r "$WORK/$f" "$WORK/again-$f" > /dev/null || { echo "$f: export -> import -> export is not byte-identical" >&2; exit 1; }
done
echo "round trip: byte-identical for brat, bioc, jsonl"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c "import bioc, pybrat" 2>/dev/null; then
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "bioc==2.1" "pybrat==0.1.7"
fi
"$VENV/bin/python" "$ROOT/scripts/eval/check_annotations.py" "$WORK/brat" "$WORK/bioc/annotations.bioc.xml" "$WORK/jsonl/annotations.jsonl"
# A hand-made note with what the sample notes may lack: ADR relations, CR LF inside a span, a character outside
# the BMP before the spans, XML specials. Written as JSON Lines, imported into brat and BioC, parsed again.
python3 - "$WORK/fixture.jsonl" <<'PY'
import json, sys
text = "Pt \U0001F469\u200d\u2695\ufe0f on warfarin & <aspirin>.\r\nDeveloped GI\r\nbleed; denies chest pain.\nMother: diabetes."
def span(s, label, **attrs):
    b = text.index(s)
    return {"start": b, "end": b + len(s), "label": label, "text": s,
            "attributes": {k: attrs.get(k, False) for k in ("negated", "possible", "historical", "hypothetical", "family")}}
spans = [span("warfarin", "Drug"), span("aspirin", "Drug", possible=True), span("GI\r\nbleed", "AdverseEffect"),
         span("chest pain", "Condition", negated=True), span("diabetes", "Condition", family=True)]
doc = {"id": "fixture", "text": text, "spans": spans, "relations": [{"head": 0, "child": 2, "label": "ADR"}, {"head": 1, "child": 2, "label": "ADR"}]}
open(sys.argv[1], "w", encoding="utf-8", newline="").write(json.dumps(doc) + "\n")
PY
for f in brat bioc jsonl; do "$BIN" import "$WORK/fixture.jsonl" --to "$f" --out "$WORK/fixture-$f" 2>/dev/null; done
"$VENV/bin/python" "$ROOT/scripts/eval/check_annotations.py" "$WORK/fixture-brat" "$WORK/fixture-bioc/annotations.bioc.xml" "$WORK/fixture-jsonl/annotations.jsonl"
# The same annotations in two formats must agree perfectly.
"$BIN" eval mentions --gold "$WORK/brat" --pred "$WORK/bioc" > "$WORK/self-eval.json"
"$BIN" agree "$WORK/jsonl" "$WORK/brat" > "$WORK/self-agree.json"
python3 - "$WORK/self-eval.json" "$WORK/self-agree.json" <<'PY'
import json, sys
e, a = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
f1 = (e["strict"]["overall"]["f1"], e["lenient"]["overall"]["f1"], a["strict"]["overall"]["f1"])
print(f"eval mentions brat vs bioc: strict F1 {f1[0]}, lenient F1 {f1[1]}; agree jsonl vs brat: strict F1 {f1[2]}")
sys.exit(0 if f1 == (1, 1, 1) else 1)
PY
