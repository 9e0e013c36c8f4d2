#!/usr/bin/env python3
"""Check `noteminer tokenize <folder> --format jsonl` output against the notes, independently of the Swift code.

Usage: check_text.py NOTES_DIR OUTPUT.jsonl|- [--min-rate 0.98] [--show N]

For every note (NOTES_DIR/<note_id>.txt) it checks, with Python string slicing on code points:
  - every token's text == note[begin:end]; tokens are in order and do not overlap;
  - every token lies inside a sentence; every sentence lies inside a section;
  - sections tile the note (in order, contiguous, covering every code point) and have known categories;
  - a section's header text occurs on the section's first line.
It also measures section header detection: a line (or the part before a colon) written in ALL CAPS with at most
six words is a header candidate; a keyword map gives its expected category (candidates it does not know, such as
"MSK", are left out); the header counts as detected when a section of that category starts at the line's start.

Prints one JSON summary line; exits 1 on any violation or a detection rate below --min-rate, 2 on bad usage.
Python 3 standard library only.
"""

import argparse
import bisect
import json
import os
import sys

CATEGORIES = {
    "chief_complaint", "history_of_present_illness", "past_medical_history", "past_surgical_history",
    "medications", "allergies", "family_history", "social_history", "review_of_systems", "physical_exam",
    "vitals", "results", "assessment", "plan", "assessment_and_plan", "impression", "hospital_course",
    "discharge_diagnoses", "discharge_medications", "discharge_instructions", "instructions", "procedures",
    "subjective", "objective", "other",
}
HEADER_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ &/")


def header_candidate(line):
    """The ALL-CAPS header candidate of a line, or None."""
    s = line.strip()
    if ":" in s:
        s = s.split(":", 1)[0].strip()
    if not s or not set(s) <= HEADER_CHARS or not any("A" <= c <= "Z" for c in s):
        return None
    if len(s.split()) > 6:
        return None
    return s


def expected_category(h):
    """Expected category of an ALL-CAPS header by keywords; None when the keywords do not say."""
    if "DISCHARGE" in h:
        if "DIAGNOS" in h:
            return "discharge_diagnoses"
        if "MEDICATION" in h:
            return "discharge_medications"
        if "INSTRUCTION" in h:
            return "discharge_instructions"
    if "CHIEF COMPLAINT" in h or h == "CC":
        return "chief_complaint"
    if "PRESENT ILLNESS" in h or h == "HPI":
        return "history_of_present_illness"
    if "REVIEW OF SYSTEMS" in h or h == "ROS":
        return "review_of_systems"
    if "FAMILY" in h:
        return "family_history"
    if "SOCIAL" in h:
        return "social_history"
    if ("MEDICAL" in h and "HISTORY" in h) or "PAST HISTORY" in h or h == "PMH":
        return "past_medical_history"
    if "SURGICAL" in h:
        return "past_surgical_history"
    if "ALLERG" in h:
        return "allergies"
    if "MEDICATION" in h or h == "MEDS":
        return "medications"
    if "VITAL" in h:
        return "vitals"
    if "EXAM" in h:
        return "physical_exam"
    if (("ASSESSMENT" in h or "IMPRESSION" in h) and ("PLAN" in h or "RECOMMENDATION" in h)) or h == "A/P":
        return "assessment_and_plan"
    if "ASSESSMENT" in h:
        return "assessment"
    if "PLAN" in h:
        return "plan"
    if "IMPRESSION" in h:
        return "impression"
    if "RESULT" in h or "LAB" in h or "IMAGING" in h:
        return "results"
    if "INSTRUCTION" in h:
        return "instructions"
    if "HOSPITAL COURSE" in h:
        return "hospital_course"
    if "PROCEDURE" in h:
        return "procedures"
    return None


class Checker:
    def __init__(self, show):
        self.violations = 0
        self.examples = []
        self.show = show
        self.header_total = 0
        self.header_hit = 0
        self.header_misses = []
        self.counts = {"tokens": 0, "sentences": 0, "sections": 0}

    def fail(self, note_id, msg):
        self.violations += 1
        if len(self.examples) < self.show:
            self.examples.append(f"{note_id}: {msg}")

    def span(self, note_id, what, i, item, n):
        b, e = item.get("begin"), item.get("end")
        if not isinstance(b, int) or not isinstance(e, int) or not (0 <= b <= e <= n):
            self.fail(note_id, f"{what} {i} has bad offsets {b!r}..{e!r} (note length {n})")
            return None
        return b, e

    def check_note(self, note_id, text, rec):
        n = len(text)
        # Sections tile the note.
        sections = []
        for i, s in enumerate(rec.get("sections", [])):
            sp = self.span(note_id, "section", i, s, n)
            if sp is None:
                return
            if s.get("category") not in CATEGORIES:
                self.fail(note_id, f"section {i} has unknown category {s.get('category')!r}")
            header = s.get("header", "")
            if header:
                first_line = text[sp[0]:sp[1]].split("\n", 1)[0]
                if header not in first_line:
                    self.fail(note_id, f"section {i} header {header!r} not on its first line {first_line[:60]!r}")
            sections.append(sp)
        self.counts["sections"] += len(sections)
        if n == 0:
            if any(b != e for b, e in sections):
                self.fail(note_id, "empty note has a non-empty section")
        else:
            if not sections:
                self.fail(note_id, "no sections")
                return
            if sections[0][0] != 0:
                self.fail(note_id, f"first section starts at {sections[0][0]}, not 0")
            if sections[-1][1] != n:
                self.fail(note_id, f"last section ends at {sections[-1][1]}, not {n}")
            for i in range(1, len(sections)):
                if sections[i][0] != sections[i - 1][1]:
                    self.fail(note_id, f"sections {i - 1} and {i} are not contiguous: {sections[i - 1]} {sections[i]}")
            for i, (b, e) in enumerate(sections):
                if b == e:
                    self.fail(note_id, f"section {i} is empty")
        section_starts = [b for b, _ in sections]

        # Sentences lie inside sections, in order, without overlap.
        sentences = []
        for i, s in enumerate(rec.get("sentences", [])):
            sp = self.span(note_id, "sentence", i, s, n)
            if sp is None:
                continue
            b, e = sp
            if b == e:
                self.fail(note_id, f"sentence {i} is empty")
            if sentences and b < sentences[-1][1]:
                self.fail(note_id, f"sentence {i} {sp} overlaps or precedes sentence {i - 1} {sentences[-1]}")
            k = bisect.bisect_right(section_starts, b) - 1
            if k < 0 or e > sections[k][1]:
                self.fail(note_id, f"sentence {i} {sp} is not inside one section")
            sentences.append(sp)
        self.counts["sentences"] += len(sentences)
        sentence_starts = [b for b, _ in sentences]

        # Tokens slice back, are ordered and disjoint, and lie inside a sentence.
        prev_end = 0
        for i, t in enumerate(rec.get("tokens", [])):
            sp = self.span(note_id, "token", i, t, n)
            if sp is None:
                continue
            b, e = sp
            self.counts["tokens"] += 1
            if b == e:
                self.fail(note_id, f"token {i} is empty")
            if text[b:e] != t.get("text"):
                self.fail(note_id, f"token {i} text {t.get('text')!r} != note[{b}:{e}] {text[b:e]!r}")
            if b < prev_end:
                self.fail(note_id, f"token {i} at {b} overlaps or precedes the previous token ending at {prev_end}")
            prev_end = max(prev_end, e)
            k = bisect.bisect_right(sentence_starts, b) - 1
            if k < 0 or e > sentences[k][1]:
                self.fail(note_id, f"token {i} {t.get('text')!r} {sp} is not inside a sentence")

        # Header detection rate.
        starts = {}
        for (b, _), s in zip(sections, rec.get("sections", [])):
            starts.setdefault(b, s.get("category"))
        offset = 0
        for line in text.split("\n"):
            cand = header_candidate(line)
            if cand is not None:
                exp = expected_category(cand)
                if exp is not None:
                    self.header_total += 1
                    got = starts.get(offset)
                    if got == exp:
                        self.header_hit += 1
                    elif len(self.header_misses) < self.show:
                        self.header_misses.append(f"{note_id}: {cand!r} got {got}, expected {exp}")
            offset += len(line) + 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("notes_dir")
    ap.add_argument("output", help="JSON Lines from noteminer tokenize --format jsonl, or - for stdin")
    ap.add_argument("--min-rate", type=float, default=0.98)
    ap.add_argument("--show", type=int, default=10, help="how many example violations and misses to print")
    args = ap.parse_args()

    if not os.path.isdir(args.notes_dir):
        print(f"check_text: {args.notes_dir}: not a folder", file=sys.stderr)
        return 2
    note_files = sorted(f for f in os.listdir(args.notes_dir) if f.endswith(".txt"))
    note_ids = {f[:-4] for f in note_files}
    checker = Checker(args.show)
    seen = set()
    stream = sys.stdin if args.output == "-" else open(args.output, encoding="utf-8")
    with stream:
        for lineno, raw in enumerate(stream, 1):
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw)
            except json.JSONDecodeError as exc:
                checker.fail(f"line {lineno}", f"invalid JSON: {exc}")
                continue
            note_id = rec.get("note_id")
            if note_id not in note_ids:
                checker.fail(f"line {lineno}", f"note_id {note_id!r} has no file in {args.notes_dir}")
                continue
            if note_id in seen:
                checker.fail(note_id, "appears twice in the output")
                continue
            seen.add(note_id)
            with open(os.path.join(args.notes_dir, note_id + ".txt"), encoding="utf-8", errors="replace", newline="") as f:
                text = f.read()
            checker.check_note(note_id, text, rec)
    for missing in sorted(note_ids - seen):
        checker.fail(missing, "note missing from the output")

    rate = checker.header_hit / checker.header_total if checker.header_total else 1.0
    ok = checker.violations == 0 and rate >= args.min_rate
    summary = {
        "ok": ok,
        "notes": len(note_files),
        "notes_checked": len(seen),
        **checker.counts,
        "violations": checker.violations,
        "header_lines": checker.header_total,
        "headers_detected": checker.header_hit,
        "header_rate": round(rate, 4),
        "min_rate": args.min_rate,
    }
    if checker.examples:
        summary["violation_examples"] = checker.examples
    if checker.header_misses:
        summary["header_misses"] = checker.header_misses
    print(json.dumps(summary))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
