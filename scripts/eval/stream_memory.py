#!/usr/bin/env python3
"""`noteminer stream` over 100,000 generated notes (one in a thousand lines malformed): exactly one output line per
input line, in order, and peak resident memory below 100 MB. Prints notes/s and MB/s of the run.

  python3 scripts/eval/stream_memory.py .build/release/noteminer [count]
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time

CONDITIONS = ["type 2 diabetes", "hypertension", "atrial fibrillation", "COPD", "asthma", "heart failure", "CKD stage 3"]
DRUGS = ["lisinopril", "metformin", "warfarin", "amiodarone", "atorvastatin", "sertraline"]
EFFECTS = ["cough", "nausea", "rash", "dizziness", "bleeding"]
LIMIT_KB = 100 * 1024


def note(i):
    c1, c2 = CONDITIONS[i % 7], CONDITIONS[(i // 7) % 7]
    d, e = DRUGS[i % 6], EFFECTS[(i // 6) % 5]
    text = (f"HISTORY OF PRESENT ILLNESS:\n{30 + i % 60}-year-old patient with {c1}. Denies chest pain. "
            f"Mother has {c2}.\n\nMEDICATIONS:\n{d} {5 + i % 40} mg daily; developed {e} after starting {d}.\n\n"
            f"ASSESSMENT AND PLAN:\n{c1}, stable. Possible {c2}. Visit {i}.\n")
    return json.dumps({"note_id": f"n{i:07d}", "patient_id": f"p{i % 5000}", "text": text})


def main():
    binary = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    work = tempfile.mkdtemp(prefix="noteminer-stream-")
    src, dst = os.path.join(work, "in.jsonl"), os.path.join(work, "out.jsonl")
    malformed = 0
    with open(src, "w", encoding="utf-8") as fh:
        for i in range(count):
            if i % 1000 == 999:
                fh.write('{"note_id": "broken", "text": \n')
                malformed += 1
            else:
                fh.write(note(i) + "\n")
    size = os.path.getsize(src)
    started = time.monotonic()
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        status = subprocess.run([binary, "stream"], stdin=fin, stdout=fout).returncode
    seconds = time.monotonic() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kilobytes on Linux
    problems = []
    if status != 0:
        problems.append(f"exit status {status}")
    errors = 0
    lines = 0
    with open(src, "rb") as fin, open(dst, "rb") as fout:
        for i, (a, b) in enumerate(zip(fin, fout)):
            lines += 1
            out = json.loads(b)
            if "error" in out:
                errors += 1
            elif out["note_id"] != json.loads(a)["note_id"]:
                problems.append(f"line {i + 1}: result for {out['note_id']}, input {json.loads(a)['note_id']}")
                break
    with open(dst, "rb") as fout:
        out_lines = sum(1 for _ in fout)
    if out_lines != count:
        problems.append(f"{out_lines} output lines for {count} input lines")
    if errors != malformed:
        problems.append(f"{errors} error records for {malformed} malformed lines")
    if peak_kb >= LIMIT_KB:
        problems.append(f"peak RSS {peak_kb / 1024:.1f} MB >= 100 MB")
    print(json.dumps({"notes": count, "malformed": malformed, "error_records": errors, "output_lines": out_lines,
                      "peak_rss_mb": round(peak_kb / 1024, 1), "seconds": round(seconds, 2),
                      "notes_per_s": round(count / seconds), "mb_per_s": round(size / 1e6 / seconds, 2)}))
    for f in (src, dst):
        os.remove(f)
    os.rmdir(work)
    if problems:
        print("stream_memory: FAIL: " + "; ".join(problems), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
