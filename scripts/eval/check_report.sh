#!/usr/bin/env bash
# Loads a NoteMiner report.html in headless Chromium and fails on any console message, uncaught error, failed
# resource load or Content-Security-Policy violation; also checks that the page rendered (summary tiles, prevalence
# bars, patient cards) and that clicking the ADR table's Probability heading sorts it. Saves a screenshot.
#
# Usage: scripts/eval/check_report.sh <report.html> [screenshot.png]   (default screenshot: .build/eval/report.png)
#
# Installs Debian's `chromium` with apt-get when it is missing (needs root, as on CI and the dev machines).
# How errors are seen: Chromium's --enable-logging=stderr prints every console message of the page as an
# INFO:CONSOLE line whatever its level, and report.html itself logs nothing, so any such line fails the check.
# A second load of a copy with a small probe script injected first in <head> records window errors (scripts and
# resources), unhandled rejections, CSP violations and console.error calls into an attribute that --dump-dom
# shows, and exercises the table sort. Before all that, a canary page with a known error must be caught, so a
# Chromium that stopped reporting errors fails the check instead of passing it.
set -euo pipefail

REPORT=${1:?usage: check_report.sh <report.html> [screenshot.png]}
SHOT=${2:-.build/eval/report.png}
[ -f "$REPORT" ] || { echo "check_report: $REPORT not found" >&2; exit 2; }

if ! command -v chromium >/dev/null 2>&1; then
  echo "check_report: installing Debian's chromium" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends chromium >/dev/null
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/noteminer-check-report.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$(dirname "$SHOT")"

chrome() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-extensions \
    --disable-default-apps --user-data-dir="$WORK/profile" --enable-logging=stderr --v=0 \
    --virtual-time-budget=5000 "$@"
}

# The probe: errors and CSP violations go into <html data-nm-errors>, and after load it clicks the numeric
# column of the sortable table twice and records whether the rows came out ascending, then descending.
PROBE='<script>(function(){var errs=[];var root=document.documentElement;function add(m){errs.push(String(m));root.setAttribute("data-nm-errors",JSON.stringify(errs));}
root.setAttribute("data-nm-errors","[]");
window.addEventListener("error",function(e){var t=e.target;add("error: "+(e.message||(t&&(t.src||t.href||t.tagName))||"unknown"));},true);
window.addEventListener("unhandledrejection",function(e){add("unhandled rejection: "+e.reason);});
document.addEventListener("securitypolicyviolation",function(e){add("CSP "+e.violatedDirective+" blocked "+e.blockedURI);});
var ce=console.error;console.error=function(){add("console.error: "+Array.prototype.join.call(arguments," "));return ce.apply(console,arguments);};
window.addEventListener("load",function(){try{var r="none";var th=document.querySelector("table.sortable th[data-type=num]");
if(th){var col=Array.prototype.indexOf.call(th.parentNode.cells,th);var tb=th.closest("table").tBodies[0];
function vals(){return Array.prototype.map.call(tb.rows,function(x){return parseFloat(x.cells[col].textContent);});}
function sorted(v,d){for(var i=1;i<v.length;i++){if(d*(v[i]-v[i-1])<0)return false;}return true;}
th.click();var a=sorted(vals(),1);th.click();var d=sorted(vals(),-1);r=(a&&d)?"ok":"unsorted";}
root.setAttribute("data-nm-sort",r);root.setAttribute("data-nm-cards",String(document.querySelectorAll("article.card").length));
root.setAttribute("data-nm-bars",String(document.querySelectorAll(".bar-row").length));}catch(x){add("probe: "+x);}});})();</script>'

probe_copy() {  # $1 source html, $2 destination
  python3 - "$1" "$2" "$PROBE" <<'PY'
import sys
src, dst, probe = sys.argv[1], sys.argv[2], sys.argv[3]
html = open(src, encoding="utf-8").read()
i = html.find("<head>")
if i < 0:
    sys.exit("check_report: no <head> in " + src)
i += len("<head>")
open(dst, "w", encoding="utf-8").write(html[:i] + probe + html[i:])
PY
}

attr() {  # $1 dom file, $2 attribute name
  python3 - "$1" "$2" <<'PY'
import re, sys, html
dom = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<html[^>]*\s' + re.escape(sys.argv[2]) + r'="([^"]*)"', dom)
print(html.unescape(m.group(1)) if m else "")
PY
}

# 1. Canary: the check must see a known console error and an uncaught exception.
cat > "$WORK/canary.html" <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>canary</title></head>
<body><script>console.error("canary-console-error"); noSuchFunction();</script></body></html>
HTML
probe_copy "$WORK/canary.html" "$WORK/canary-probe.html"
chrome --dump-dom "file://$WORK/canary-probe.html" >"$WORK/canary.dom" 2>"$WORK/canary.err" || true
if ! grep -q 'CONSOLE.*canary-console-error' "$WORK/canary.err" || [ "$(attr "$WORK/canary.dom" data-nm-errors)" = "[]" ] \
   || ! attr "$WORK/canary.dom" data-nm-errors | grep -q noSuchFunction; then
  echo "check_report: Chromium did not report the canary page's errors; cannot check the report" >&2
  exit 2
fi

ABS=$(cd "$(dirname "$REPORT")" && pwd)/$(basename "$REPORT")
FAIL=0

# 2. The page as shipped: any console output fails.
chrome --dump-dom "file://$ABS" >"$WORK/report.dom" 2>"$WORK/report.err" || { echo "check_report: chromium failed" >&2; cat "$WORK/report.err" >&2; exit 1; }
if grep -q 'CONSOLE' "$WORK/report.err"; then
  echo "check_report: console messages from $REPORT:" >&2
  grep 'CONSOLE' "$WORK/report.err" >&2
  FAIL=1
fi
grep -q '<article class="card"' "$WORK/report.dom" || { echo "check_report: no patient cards in the rendered page" >&2; FAIL=1; }

# 3. The probed copy: errors, CSP violations, rendering and the sort.
probe_copy "$ABS" "$WORK/report-probe.html"
chrome --dump-dom "file://$WORK/report-probe.html" >"$WORK/probe.dom" 2>"$WORK/probe.err" || true
ERRS=$(attr "$WORK/probe.dom" data-nm-errors)
SORT=$(attr "$WORK/probe.dom" data-nm-sort)
CARDS=$(attr "$WORK/probe.dom" data-nm-cards)
BARS=$(attr "$WORK/probe.dom" data-nm-bars)
if [ "$ERRS" != "[]" ]; then echo "check_report: page errors: $ERRS" >&2; FAIL=1; fi
if [ "$SORT" != "ok" ] && [ "$SORT" != "none" ]; then echo "check_report: ADR table sort did not order rows ($SORT)" >&2; FAIL=1; fi
if [ -z "$BARS" ] || [ "$BARS" -lt 18 ]; then echo "check_report: expected 18 prevalence bars, saw '${BARS}'" >&2; FAIL=1; fi

# 4. Screenshot (the page as shipped) for a person to look at.
chrome --window-size=1280,2200 --screenshot="$(cd "$(dirname "$SHOT")" && pwd)/$(basename "$SHOT")" "file://$ABS" >/dev/null 2>&1 || true
[ -s "$SHOT" ] || { echo "check_report: no screenshot written" >&2; FAIL=1; }

echo "check_report: $REPORT: cards=$CARDS bars=$BARS sort=$SORT errors=$ERRS screenshot=$SHOT"
if [ "$FAIL" -eq 0 ]; then echo "report: 1 passed, 0 failed"; else echo "report: 0 passed, 1 failed"; fi
exit "$FAIL"
