#!/usr/bin/env bash
# Worst-case time and memory on pathological notes (issue: bounded time and memory). For each shape the note is
# generated at 1x, 2x and 4x size and run alone through `noteminer run --max-note-bytes 0 --jobs 1`; time should
# grow linearly (the x2 ratios near 2) and peak memory stay under 1 GB. Not part of `make test` (slow).
# Usage: scripts/bench-reliability.sh [binary]
set -euo pipefail
BIN=${1:-.build/release/noteminer}
WORK=${WORK:-.build/bench-reliability}
rm -rf "$WORK"; mkdir -p "$WORK"
python3 - "$WORK" <<'PY'
import os, sys
work = sys.argv[1]
# The single-line note has the mention density of the sample notes (Corpora/*.txt, line breaks made spaces).
corpora = sorted(f for f in os.listdir("Corpora") if f.endswith(".txt"))
unit = " ".join(" ".join(open(os.path.join("Corpora", f), encoding="utf-8").read().split()) for f in corpora) + " "
unit = unit.encode("ascii", "ignore").decode()
def write(name, data):
    with open(os.path.join(work, name + ".txt"), "w", encoding="utf-8") as f: f.write(data)
for k, mb in ((1, 12.5), (2, 25), (4, 50)):
    n = int(mb * 1024 * 1024)
    write(f"single_line_{k}x", (unit * (n // len(unit) + 1))[:n])
# The torture corpus's big note: one run-on "sentence" with a mention every ~10 bytes (no punctuation at all).
for k, mb in ((1, 1), (2, 2), (4, 4)):
    n = mb * 1024 * 1024
    unit2 = "fever cough dyspnea lisinopril denies "
    write(f"run_on_mentions_{k}x", (unit2 * (n // len(unit2) + 1))[:n])
for k, lines in ((1, 50_000), (2, 100_000), (4, 200_000)):
    write(f"short_lines_{k}x", "".join("No fever.\n" if i % 7 == 0 else "BP 120/80\n" if i % 3 == 0 else "cough\n" for i in range(lines)))
for k, chars in ((1, 250_000), (2, 500_000), (4, 1_000_000)):
    write(f"long_word_{k}x", "Word: " + "x" * chars + " end.\n")
for k, count in ((1, 5_000), (2, 10_000), (4, 20_000)):
    write(f"repeated_no_{k}x", "Patient reports " + " ".join(["no"] * count) + " chest pain.\n")
for k, count in ((1, 20_000), (2, 40_000), (4, 80_000)):
    write(f"no_and_conditions_{k}x", " ".join(["no", "fever", "or", "chest", "pain", "denies", "diabetes,"] * (count // 7)) + ".\n")
PY
printf '%-22s %9s %9s %9s %9s %7s\n' note MB seconds MB/s peak_MB ratio
for shape in ${SHAPES:-single_line run_on_mentions short_lines long_word repeated_no no_and_conditions}; do
  prev=""
  for k in 1x 2x 4x; do
    f="$WORK/${shape}_$k.txt"
    out="$WORK/out-${shape}_$k"
    timeout "${LIMIT:-600}" /usr/bin/time -f "%e %M" -o "$WORK/time" "$BIN" run "$f" --out "$out" --max-note-bytes 0 --jobs 1 --no-resume 2>/dev/null || true
    read -r secs kb < <(grep -E '^[0-9.]+ [0-9]+$' "$WORK/time" || echo "timeout 0")
    mb=$(python3 -c "import os; print(f'{os.path.getsize(\"$f\")/1e6:.2f}')")
    ratio=$([ -n "$prev" ] && python3 -c "print(f'{$secs/max($prev,0.01):.2f}')" || echo "-")
    printf '%-22s %9s %9s %9s %9s %7s\n' "${shape}_$k" "$mb" "$secs" "$(python3 -c "print(f'{$mb/max($secs,0.01):.1f}')")" "$((kb / 1024))" "$ratio"
    prev=$secs
    rm -rf "$out"
  done
done
