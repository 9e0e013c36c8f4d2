#!/usr/bin/env bash
# Runs every fuzz target (or those named) for FUZZ_SECONDS each (default 60), with a corpus kept in
# .build-fuzz/corpus/<target> (seeded from Fuzz/Seeds) so time adds up across runs. Crashes are written to
# .build-fuzz/crashes/<target>/; turn each into a regression test in the normal suite.
# Prints, per target, executions, coverage (cov = edges, ft = features) and corpus size.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${FUZZ_BUILD:-.build-fuzz}
SECONDS_EACH=${FUZZ_SECONDS:-60}
Fuzz/build.sh "$@" || exit 1
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    for f in "$OUT"/bin/fuzz-*; do targets+=("$(basename "$f" | sed 's/^fuzz-//')"); done
fi
status=0
for t in "${targets[@]}"; do
    corpus="$OUT/corpus/$t"; crashes="$OUT/crashes/$t"; log="$OUT/logs/$t-$(date -u +%Y%m%dT%H%M%S).log"
    mkdir -p "$corpus" "$crashes" "$OUT/logs"
    [[ -n "$(ls -A "$corpus")" ]] || cp Fuzz/Seeds/* "$corpus/"
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$OUT/bin/fuzz-$t" "$corpus" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=20 \
        -rss_limit_mb=3072 -print_final_stats=1 -artifact_prefix="$crashes/" >"$log" 2>&1
    rc=$?
    execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}')
    cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+')
    printf 'fuzz %-10s %ss exit %d executions %s %s (log %s)\n' "$t" "$SECONDS_EACH" "$rc" "${execs:-?}" "${cov:-}" "$log"
    [[ $rc -eq 0 ]] || status=1
done
exit $status
