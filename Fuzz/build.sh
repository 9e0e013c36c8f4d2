#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/Targets with swiftc -sanitize=fuzzer,address, outside SwiftPM so the main
# Package.swift stays free of fuzzing flags. The library modules are compiled from Sources/ with coverage
# instrumentation and -enable-testing (targets may reach internal entry points through @testable import).
# Usage: Fuzz/build.sh [target ...]    (default: every Fuzz/Targets/*.swift except the shared Support*.swift)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${FUZZ_BUILD:-.build-fuzz}
SAN=${FUZZ_SANITIZERS:-fuzzer,address}
mkdir -p "$OUT/modules" "$OUT/bin"
SWIFTFLAGS=(-O -g -parse-as-library -enable-testing -sanitize="$SAN" -I "$OUT/modules")

# The C targets (CICUShim, CSHA256), each with a module map like the one SwiftPM generates.
c_target() {  # name source header
    clang -c -O2 -g -fsanitize=fuzzer-no-link,address -I "Sources/$1/include" "Sources/$1/$2.c" -o "$OUT/modules/$2.o"
    mkdir -p "$OUT/modules/$1"
    printf 'module %s {\n    header "%s"\n    export *\n}\n' "$1" "$PWD/Sources/$1/include/$3" > "$OUT/modules/$1/module.modulemap"
}
c_target CICUShim nm_icu nm_icu.h
c_target CSHA256 nm_sha256 nm_sha256.h

module() {  # name [source folder]
    local name=$1
    local dir=${2:-Sources/$name}
    local lib="$OUT/modules/lib$name.a"
    local newest
    newest=$(ls -t $dir/*.swift "$0" | head -1)
    if [[ -f "$lib" && "$lib" -nt "$newest" ]]; then return; fi
    echo "fuzz: compiling $name" >&2
    swiftc -swift-version "${VERSION:-6}" "${SWIFTFLAGS[@]}" -I "$OUT/modules/CICUShim" -I "$OUT/modules/CSHA256" -module-name "$name" -emit-module \
        -emit-module-path "$OUT/modules/$name.swiftmodule" -emit-library -static -o "$lib" $dir/*.swift
}
# Package dependencies of the modules below, from the checkouts SwiftPM made (run `swift build` once first).
CSV_SOURCES=.build/checkouts/CSV.swift/Sources/CSV
[[ -d $CSV_SOURCES ]] || { echo "fuzz: $CSV_SOURCES missing: run 'swift package resolve' first" >&2; exit 1; }
VERSION=5 module CSV "$CSV_SOURCES"
module NoteMinerModel
module NoteMinerText
module NoteMinerIO
module NoteMinerLexicon
module NoteMinerContext
module NoteMinerADR

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    targets=()
    for f in Fuzz/Targets/*.swift; do
        n=$(basename "$f" .swift)
        [[ $n == Support* ]] || targets+=("$n")
    done
fi
for t in "${targets[@]}"; do
    echo "fuzz: linking fuzz-$t" >&2
    swiftc -swift-version 6 "${SWIFTFLAGS[@]}" -I "$OUT/modules/CICUShim" -I "$OUT/modules/CSHA256" -module-name "Fuzz$t" "Fuzz/Targets/$t.swift" Fuzz/Targets/Support*.swift \
        "$OUT/modules/libNoteMinerADR.a" "$OUT/modules/libNoteMinerContext.a" "$OUT/modules/libNoteMinerLexicon.a" "$OUT/modules/libNoteMinerIO.a" "$OUT/modules/libCSV.a" "$OUT/modules/libNoteMinerText.a" "$OUT/modules/libNoteMinerModel.a" "$OUT/modules/nm_icu.o" "$OUT/modules/nm_sha256.o" \
        -licui18n -licuuc -licudata -o "$OUT/bin/fuzz-$t" 2>&1 | { grep -v "Cannot export local symbol" >&2 || true; }
done
