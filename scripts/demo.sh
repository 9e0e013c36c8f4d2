#!/usr/bin/env bash
# The main job on the sample corpus (synthetic notes in Corpora/), then a readable summary of what came out.
set -euo pipefail
BIN=${1:-.build/release/noteminer}
OUT=${2:-demo-out}
echo "== noteminer run Corpora/ --out $OUT   (synthetic notes written for the project)"
"$BIN" run Corpora/ --out "$OUT" --no-resume
# The committed sample report (Reports/sample/report.html) is this run's page; a test checks it is current.
cp "$OUT/report.html" Reports/sample/report.html
echo
python3 - "$OUT" <<'PY'
import json, sys, os
out = sys.argv[1]
notes = [json.loads(l) for l in open(os.path.join(out, "notes.jsonl"))]
profiles = [json.loads(l) for l in open(os.path.join(out, "profiles.jsonl"))]
print(f"{len(notes)} notes, {len(profiles)} patients, "
      f"{sum(len(n['mentions']) for n in notes)} mentions, {sum(len(n['adr_sentences']) for n in notes)} ADR sentences")
print()
print("Patient risk factors (status other than not_mentioned):")
for p in profiles:
    rf = {k: v["status"] for k, v in p["risk_factors"].items() if v["status"] != "not_mentioned"}
    print(f"  {p['patient_id']:<20} age {p['age']}, Charlson {p['scores']['charlson']['index']}")
    for k, s in rf.items():
        ev = p["risk_factors"][k]["evidence"]
        quote = f'  e.g. "{" ".join(ev[0]["text"].split())}" in {ev[0]["section"]}' if ev else ""
        print(f"      {k:<26} {s:<12}{quote}")
print()
print("Negated, family and hypothetical mentions NoteMiner kept away from the patient's conditions (first 8):")
shown = 0
for n in notes:
    for m in n["mentions"]:
        flags = [a for a in ("negated", "possible", "hypothetical", "family") if m[a]]
        if flags and shown < 8:
            trig = m["evidence"][0]["trigger"] if m["evidence"] else "section"
            print(f"  {n['note_id']:<18} {m['text']!r:<28} {','.join(flags):<22} trigger: {trig!r}")
            shown += 1
adr = [(n["note_id"], a) for n in notes for a in n["adr_sentences"]]
if adr:
    print()
    print("Adverse drug reaction sentences:")
    for nid, a in adr[:8]:
        flat = lambda t: " ".join(t.split())
        pairs = ", ".join(f"{flat(p['drug'])} → {flat(p['effect'])}" for p in a["pairs"]) or "(no pair)"
        print(f"  {nid:<18} p={a['probability']:.2f}  {pairs}\n      \"{flat(a['text'])[:110]}\"")
print()
print(f"Outputs in {out}/: " + ", ".join(sorted(os.listdir(out))))
print(f"Open {out}/report.html in a browser for the full report.")
PY
