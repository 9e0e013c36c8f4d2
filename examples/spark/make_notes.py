#!/usr/bin/env python3
"""Many synthetic notes from the few sample notes in Corpora/, for trying the Spark job and for `make spark-test`.

Each generated note is one of the sample notes with seeded, deterministic changes: numbers nudged (ages, doses,
vitals), drugs and conditions swapped for others of the same kind, some affirmed findings negated and some negations
dropped, some lines left out; spread over a few hundred patients with varied dates. A few deliberately bad lines
(not JSON, no text) exercise the quarantine path. Output: JSON Lines on stdout (note_id, patient_id, date,
note_type, text). Standard library only.

  python3 examples/spark/make_notes.py Corpora 1200 > notes.jsonl
"""

import csv
import json
import os
import random
import re
import sys

SWAPS = [  # (word, replacements) — same kind, so notes stay plausible
    ("lisinopril", ["enalapril", "ramipril", "losartan"]),
    ("warfarin", ["apixaban", "rivaroxaban", "warfarin"]),
    ("amoxicillin", ["cephalexin", "azithromycin", "penicillin"]),
    ("metformin", ["glipizide", "sitagliptin", "metformin"]),
    ("ibuprofen", ["naproxen", "aspirin", "ibuprofen"]),
    ("diabetes", ["diabetes", "hypertension", "hyperlipidemia"]),
    ("hypertension", ["hypertension", "atrial fibrillation", "COPD"]),
    ("heart failure", ["heart failure", "chronic kidney disease", "asthma"]),
    ("cough", ["cough", "rash", "dizziness", "nausea"]),
    ("rash", ["rash", "hives", "itching"]),
]
NEGATE = [("reports ", "denies "), ("with ", "without "), ("has ", "has no ")]
NUMBER = re.compile(r"(?<![\w.])(\d{1,3})(?![\w.])")


def load_samples(folder):
    meta = {}
    manifest = os.path.join(folder, "manifest.csv")
    if os.path.exists(manifest):
        with open(manifest, newline="", encoding="utf-8") as fh:
            meta = {row["note_id"]: row for row in csv.DictReader(fh)}
    samples = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".txt"):
            note_id = name[:-4]
            with open(os.path.join(folder, name), encoding="utf-8") as fh:
                samples.append((note_id, meta.get(note_id, {}).get("note_type") or note_id, fh.read()))
    if not samples:
        raise SystemExit(f"no .txt notes in {folder}")
    return samples


def vary(text, rng):
    for word, choices in SWAPS:
        if word in text:
            text = text.replace(word, rng.choice(choices))
    for a, b in NEGATE:
        if rng.random() < 0.3:
            text = text.replace(a, b, 1) if rng.random() < 0.5 else text.replace(b, a, 1)
    text = NUMBER.sub(lambda m: str(max(0, int(m.group(1)) + rng.randint(-3, 3))) if rng.random() < 0.4 else m.group(1), text)
    lines = text.split("\n")
    kept = [l for l in lines if not l.strip() or l.rstrip().endswith(":") or l.isupper() or rng.random() > 0.08]
    return "\n".join(kept)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "Corpora"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 7
    rng = random.Random(seed)
    samples = load_samples(folder)
    patients = max(1, count // 6)
    bad = {count // 10: "{\"note_id\": \"broken-json\", \"text\": ", count // 2: "{\"note_id\": \"no-text\"}",
           (9 * count) // 10: "[\"not\", \"an\", \"object\"]"}
    out = sys.stdout
    for i in range(count):
        if i in bad:
            out.write(bad[i] + "\n")
            continue
        sample_id, note_type, text = samples[i % len(samples)]
        record = {
            "note_id": f"{sample_id}-{i:06d}",
            "patient_id": f"P{rng.randrange(patients):05d}",
            "date": f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "note_type": note_type,
            "text": vary(text, rng),
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
