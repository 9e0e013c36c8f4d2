#!/usr/bin/env bash
# Checks (and, as root with apt-get, installs) what building NoteMiner needs on Debian/Ubuntu.
# Says clearly what is missing otherwise.
set -euo pipefail
missing=()
command -v swift >/dev/null 2>&1 || { echo "error: Swift 6 toolchain not found on PATH (install from swift.org, then re-run)" >&2; exit 1; }
swift_major=$(swift --version 2>/dev/null | sed -n 's/.*Swift version \([0-9]*\).*/\1/p' | head -n1)
if [ -n "$swift_major" ] && [ "$swift_major" -lt 6 ]; then echo "error: Swift $swift_major found; NoteMiner needs Swift 6 or later" >&2; exit 1; fi
need_pkg() { dpkg -s "$1" >/dev/null 2>&1 || missing+=("$1"); }
if command -v dpkg >/dev/null 2>&1; then
  need_pkg libicu-dev
  need_pkg libsqlite3-dev
  need_pkg pkg-config
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "installing ${missing[*]} with apt-get" >&2
      (apt-get install -y -q "${missing[@]}" >/dev/null 2>&1) || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
    else
      echo "error: missing Debian packages: ${missing[*]}; install them with: sudo apt-get install ${missing[*]}" >&2
      exit 1
    fi
  fi
else
  # Not Debian: check for the headers directly.
  for h in unicode/ubrk.h sqlite3.h; do
    found=0
    for d in /usr/include /usr/local/include /opt/homebrew/include; do [ -f "$d/$h" ] && found=1; done
    [ $found = 1 ] || { echo "error: header $h not found: install ICU and SQLite development files" >&2; exit 1; }
  done
fi
