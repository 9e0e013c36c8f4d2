#!/usr/bin/env bash
# make spark-test: the PySpark job (examples/spark/noteminer_job.py) in local[2] mode over >= 1,000 notes gives the
# same per-note results, quarantine and patient profiles as a single-machine `noteminer run`, byte for byte.
# Installs pyspark, pandas and pyarrow from PyPI into .build/venv-spark (Java 17 must be on the machine).
set -euo pipefail
BIN=${1:-.build/release/noteminer}
NOTES=${SPARK_TEST_NOTES:-1200}
VENV=.build/venv-spark
WORK=.build/spark-test
PY_PACKAGES=("pyspark==4.3.0" "pandas==3.1.1" "pyarrow==26.0.1")

now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f} s')" "$1" "$(now)"; }
fail() { echo "spark-test: FAIL: $*" >&2; exit 1; }
T0=$(now)

[ -x "$BIN" ] || fail "no noteminer binary at $BIN (make release)"
java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])' || fail "Spark 4 needs Java 17 or newer on PATH"

t=$(now)
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
# Pinned; a no-op without network access once they are installed.
"$VENV/bin/pip" install --quiet --disable-pip-version-check "${PY_PACKAGES[@]}"
echo "spark-test: python environment ($("$VENV/bin/python" -c 'import pyspark; print("pyspark", pyspark.__version__)')): $(since "$t")"

rm -rf "$WORK"
mkdir -p "$WORK/bundle"
# The shipped bundle is self-contained: with its lib/ first on the search path, every library the binary loads
# is either in the bundle or part of glibc, so executors need neither Swift nor this machine's ICU.
"$VENV/bin/python" examples/spark/noteminer_job.py --make-bundle "$WORK/bundle.tar.gz" --noteminer "$BIN" --lexicons Lexicons > /dev/null
tar xzf "$WORK/bundle.tar.gz" -C "$WORK/bundle"
outside=$(LD_LIBRARY_PATH="$WORK/bundle/lib" ldd "$WORK/bundle/bin/noteminer" | awk '$2 == "=>" && $3 !~ /\/bundle\/lib\// {print $1}' \
  | grep -vE '^(libc|libm|libdl|librt|libpthread|ld-linux-x86-64)\.so' || true)
[ -z "$outside" ] || fail "bundle does not carry: $outside"
echo "spark-test: bundle $(du -m "$WORK/bundle.tar.gz" | cut -f1) MB, self-contained apart from glibc"
python3 examples/spark/make_notes.py Corpora "$NOTES" > "$WORK/notes.jsonl"
echo "spark-test: $(wc -l < "$WORK/notes.jsonl") note lines, $(du -k "$WORK/notes.jsonl" | cut -f1) kB, from Corpora/"

t=$(now)
status=0
"$BIN" run "$WORK/notes.jsonl" --out "$WORK/single" --jobs 2 2> "$WORK/single.log" || status=$?
[ "$status" = 0 ] || [ "$status" = 3 ] || { cat "$WORK/single.log" >&2; fail "noteminer run exited $status"; }
echo "spark-test: single-machine noteminer run: $(since "$t")"

t=$(now)
"$VENV/bin/python" examples/spark/noteminer_job.py "$WORK/notes.jsonl" --out "$WORK/spark" --master 'local[2]' \
  --partitions 7 --noteminer "$BIN" --lexicons Lexicons > "$WORK/spark.log" 2>&1 || { tail -40 "$WORK/spark.log" >&2; fail "spark job failed"; }
echo "spark-test: spark job, local[2]: $(since "$t") $(tail -n 1 "$WORK/spark.log")"

# Per-note results: the part files in partition order are the single-machine notes.jsonl.
cat "$WORK"/spark/notes_jsonl/part-* > "$WORK/spark-notes.jsonl"
cmp "$WORK/spark-notes.jsonl" "$WORK/single/notes.jsonl" || fail "per-note results differ"
# Quarantine: the same notes refused, for the same reasons.
q() { python3 -c 'import json,sys; [print(r.get("note_id"), (r.get("error") or r)["reason"]) for r in map(json.loads, open(sys.argv[1]))]' "$1" | sort; }
diff <(q "$WORK/spark/quarantine/part-00000") <(q "$WORK/single/quarantine.jsonl") || fail "quarantined notes differ"
[ -s "$WORK/single/quarantine.jsonl" ] || fail "expected the generated bad lines to be quarantined"
# Parquet: one row per result.
rows=$("$VENV/bin/python" -c 'import sys, pyarrow.parquet as pq; print(pq.read_table(sys.argv[1]).num_rows)' "$WORK/spark/notes_parquet")
[ "$rows" = "$(wc -l < "$WORK/single/notes.jsonl")" ] || fail "parquet has $rows rows"
for f in profiles.jsonl features.csv; do
  [ -s "$WORK/single/$f" ] || fail "single-machine $f is empty"
  cmp "$WORK/spark/profiles/$f" "$WORK/single/$f" || fail "$f differs between Spark and the single-machine run"
done
echo "spark-test: OK: $(wc -l < "$WORK/single/notes.jsonl") results, $(wc -l < "$WORK/single/quarantine.jsonl") quarantined, $rows parquet rows, $(wc -l < "$WORK/single/profiles.jsonl") patients; notes.jsonl, quarantine, profiles.jsonl and features.csv equal; total $(since "$T0")"
