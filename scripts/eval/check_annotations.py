#!/usr/bin/env python3
"""Parses NoteMiner's annotation exports with third-party readers and checks them against the note text.

Usage: check_annotations.py BRAT_DIR BIOC_XML JSONL

- BioC: `bioc` (biocxml.load); every annotation's location must cut its <text> out of the passage text with
  Python string indices (code points), every relation node must name an annotation.
- brat: `pybrat` (BratParser) for entities and relations, and `bioc.brat` for attributes and AnnotatorNotes;
  every fragment must cut its text out of the .txt (read without newline translation), the entity text must be
  the fragments joined by a space, attributes must be NoteMiner's five, relation arguments must exist.
- The three exports must hold the same spans: brat (first start, last end, type) = BioC = JSON Lines.
Prints one summary line per format and exits 1 on any mismatch.
"""
import json
import os
import sys

import bioc
from bioc import brat as biocbrat
from pybrat.parser import BratParser

ATTRIBUTES = {"Negated", "Possible", "Historical", "Hypothetical", "Family"}
TYPES = {"Condition", "Drug", "AdverseEffect"}
problems = []


def problem(msg):
    if len(problems) < 30:
        print("  PROBLEM:", msg, file=sys.stderr)
    problems.append(msg)


def read_text(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def check_bioc(path):
    with open(path, encoding="utf-8") as f:
        collection = bioc.biocxml.load(f)
    if collection.infons.get("offset_unit") != "unicode_code_point":
        problem("BioC collection does not state offset_unit=unicode_code_point")
    spans, n_ann, n_rel = {}, 0, 0
    for doc in collection.documents:
        spans[doc.id] = set()
        for passage in doc.passages:
            ids = set()
            for ann in passage.annotations:
                n_ann += 1
                ids.add(ann.id)
                if ann.infons.get("type") not in TYPES:
                    problem(f"BioC {doc.id} {ann.id}: type {ann.infons.get('type')!r}")
                for key in ("negated", "possible", "historical", "hypothetical", "family"):
                    if ann.infons.get(key) not in ("true", "false"):
                        problem(f"BioC {doc.id} {ann.id}: infon {key}={ann.infons.get(key)!r}")
                for loc in ann.locations:
                    start = loc.offset - passage.offset
                    cut = passage.text[start:start + loc.length]
                    if cut != ann.text:
                        problem(f"BioC {doc.id} {ann.id}: text {ann.text!r} but offsets cut {cut!r}")
                    spans[doc.id].add((loc.offset, loc.offset + loc.length, ann.infons["type"]))
            for rel in passage.relations:
                n_rel += 1
                if rel.infons.get("type") != "ADR" or {n.role for n in rel.nodes} != {"drug", "effect"}:
                    problem(f"BioC {doc.id} {rel.id}: relation {rel.infons} {[n.role for n in rel.nodes]}")
                for node in rel.nodes:
                    if node.refid not in ids:
                        problem(f"BioC {doc.id} {rel.id}: node {node.refid} names no annotation")
    print(f"bioc {bioc.__name__}: {len(collection.documents)} documents, {n_ann} annotations, {n_rel} relations parsed")
    return spans


def check_brat(folder):
    examples = BratParser(error="raise").parse(folder)
    spans, n_ent, n_rel = {}, 0, 0
    for ex in examples:
        text = read_text(os.path.join(folder, ex.id + ".txt"))
        spans[ex.id] = set()
        for ent in ex.entities:
            n_ent += 1
            cuts = [text[s.start:s.end] for s in ent.spans]
            if " ".join(cuts) != ent.mention:
                problem(f"brat {ex.id} {ent.id}: text {ent.mention!r} but fragments cut {cuts!r}")
            if ent.type not in TYPES:
                problem(f"brat {ex.id} {ent.id}: type {ent.type!r}")
            if any("\n" in c or "\r" in c for c in cuts):
                problem(f"brat {ex.id} {ent.id}: a fragment crosses a line break")
            spans[ex.id].add((ent.spans[0].start, ent.spans[-1].end, ent.type))
        for rel in ex.relations:
            n_rel += 1
            if rel.type != "ADR" or rel.arg1.type != "Drug":
                problem(f"brat {ex.id} {rel.id}: {rel.type} from {rel.arg1.type}")
    # Attributes and notes through the second reader.
    n_att = n_note = 0
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".ann"):
            continue
        stem = name[:-4]
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            doc = biocbrat.loads(read_text(os.path.join(folder, stem + ".txt")), f.read())
        entity_ids = {e.id for e in doc.entities}
        for ann in doc.annotations:
            if isinstance(ann, biocbrat.datastructure.BratAttribute):
                n_att += 1
                if ann.type not in ATTRIBUTES or ann.refid not in entity_ids:
                    problem(f"brat {stem} {ann.id}: attribute {ann.type} on {ann.refid}")
            elif isinstance(ann, biocbrat.datastructure.BratNote):
                n_note += 1
                if ann.refid not in entity_ids or not ann.text.startswith("concept_id="):
                    problem(f"brat {stem} {ann.id}: note {ann.text!r} on {ann.refid}")
    with open(os.path.join(folder, "annotation.conf"), encoding="utf-8") as f:
        conf = f.read()
    for needed in ["[entities]", "[relations]", "[attributes]", "ADR\tArg1:Drug"] + sorted(TYPES | ATTRIBUTES):
        if needed not in conf:
            problem(f"annotation.conf lacks {needed!r}")
    print(f"brat pybrat + bioc.brat: {len(examples)} documents, {n_ent} entities, {n_rel} relations, {n_att} attributes, {n_note} notes parsed")
    return spans


def check_jsonl(path):
    spans, n = {}, 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            spans[doc["id"]] = set()
            for s in doc["spans"]:
                n += 1
                if doc["text"][s["start"]:s["end"]] != s["text"]:
                    problem(f"jsonl {doc['id']}: span {s['start']}-{s['end']} text {s['text']!r}")
                spans[doc["id"]].add((s["start"], s["end"], s["label"]))
            for r in doc["relations"]:
                if doc["spans"][r["head"]]["label"] != "Drug":
                    problem(f"jsonl {doc['id']}: relation head is not a drug")
    print(f"jsonl: {len(spans)} documents, {n} spans parsed")
    return spans


def main():
    brat_dir, bioc_xml, jsonl = sys.argv[1:4]
    b = check_brat(brat_dir)
    c = check_bioc(bioc_xml)
    j = check_jsonl(jsonl)
    if not b:
        problem("no brat documents")
    if b != c:
        problem("brat and BioC spans differ: " + ", ".join(sorted(k for k in set(b) | set(c) if b.get(k) != c.get(k))))
    if c != j:
        problem("BioC and JSON Lines spans differ")
    print("annotations:", "PASS" if not problems else f"FAIL ({len(problems)} problems)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
