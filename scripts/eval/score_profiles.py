#!/usr/bin/env python3
"""Score patient risk-factor statuses in a profiles.jsonl against patient-level gold.

Usage: score_profiles.py GOLD.tsv PROFILES.jsonl [--min-present-f1 0.90] [--min-absent-precision 0.85]
                         [--list-errors]

Each (gold patient, risk factor) pair counts once. A gold patient that has no profile line, or a profile without
that risk factor, is scored as the prediction "missing", which matches no gold status: a missed `present` is a
false negative, and the pair is an error in accuracy and the confusion tables. Profiles for patients not in the gold
are ignored (their number is reported).

Prints one JSON object. Exit status: 0 when both floors are met, 1 when a floor is missed, 2 on unreadable or
malformed input (the message names file:line). When nothing is predicted `absent`, its precision is undefined
(null); that fails the floor only if the gold has `absent` pairs, so a system cannot pass by never negating.

Gold format (Corpora/gold/aci_profiles_gold.tsv): `#` comment lines, then a header `note_id` + the 18 risk-factor
ids in the fixed order below, then one row per patient (patient_id = note id for ACI-Bench notes).
"""
import argparse
import json
import sys

RISK_FACTORS = [
    "hypertension", "diabetes", "hyperlipidemia", "obesity", "coronary_artery_disease", "heart_failure",
    "atrial_fibrillation", "cerebrovascular_disease", "chronic_kidney_disease", "copd", "asthma", "cancer",
    "depression", "anxiety", "smoking", "alcohol_use", "obstructive_sleep_apnea", "hypothyroidism",
]
STATUSES = ["present", "possible", "absent", "family_only", "not_mentioned"]
MISSING = "missing"


class InputError(Exception):
    pass


def load_gold(path):
    gold = {}
    header = None
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror}")
    with f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n").rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if header is None:
                expected = ["note_id"] + RISK_FACTORS
                if cols != expected:
                    raise InputError(f"{path}:{lineno}: header must be the {len(expected)} columns "
                                     f"note_id, {', '.join(RISK_FACTORS)} (tab-separated, in this order)")
                header = cols
                continue
            if len(cols) != len(header):
                raise InputError(f"{path}:{lineno}: {len(cols)} columns, expected {len(header)}")
            pid = cols[0]
            if not pid:
                raise InputError(f"{path}:{lineno}: empty note_id")
            if pid in gold:
                raise InputError(f"{path}:{lineno}: duplicate note_id {pid!r}")
            row = {}
            for rf, value in zip(RISK_FACTORS, cols[1:]):
                if value not in STATUSES:
                    raise InputError(f"{path}:{lineno}: {rf} = {value!r} is not one of {', '.join(STATUSES)}")
                row[rf] = value
            gold[pid] = row
    if header is None:
        raise InputError(f"{path}: no header line")
    if not gold:
        raise InputError(f"{path}: no gold rows")
    return gold


def load_predictions(path, wanted):
    """Statuses per patient for the patients in `wanted`; also the number of other patients seen."""
    preds = {}
    seen = set()
    others = 0
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror}")
    with f:
        for lineno, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as e:
                raise InputError(f"{path}:{lineno}: not JSON: {e.msg}")
            if not isinstance(obj, dict):
                raise InputError(f"{path}:{lineno}: expected a JSON object")
            pid = obj.get("patient_id")
            if not isinstance(pid, str) or not pid:
                raise InputError(f"{path}:{lineno}: missing or non-string patient_id")
            if pid in seen:
                raise InputError(f"{path}:{lineno}: duplicate patient_id {pid!r}")
            seen.add(pid)
            rfs = obj.get("risk_factors")
            if not isinstance(rfs, dict):
                raise InputError(f"{path}:{lineno}: risk_factors must be an object keyed by risk-factor id")
            for key, val in rfs.items():
                if key not in RISK_FACTORS:
                    raise InputError(f"{path}:{lineno}: unknown risk-factor id {key!r}")
                if not isinstance(val, dict) or val.get("status") not in STATUSES:
                    raise InputError(f"{path}:{lineno}: risk_factors.{key}.status must be one of "
                                     f"{', '.join(STATUSES)}")
            if pid not in wanted:
                others += 1
                continue
            preds[pid] = {rf: rfs[rf]["status"] if rf in rfs else MISSING for rf in RISK_FACTORS}
    return preds, others


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else None
    return {"tp": tp, "fp": fp, "fn": fn, "precision": rnd(p), "recall": rnd(r), "f1": rnd(f1)}


def rnd(x):
    return None if x is None else round(x, 4)


def score(gold, preds):
    pairs = []  # (patient, rf, gold, pred)
    for pid in sorted(gold):
        prow = preds.get(pid)
        for rf in RISK_FACTORS:
            pairs.append((pid, rf, gold[pid][rf], prow[rf] if prow else MISSING))

    def counts(status, subset):
        tp = sum(1 for _, _, g, p in subset if g == status and p == status)
        fp = sum(1 for _, _, g, p in subset if g != status and p == status)
        fn = sum(1 for _, _, g, p in subset if g == status and p != status)
        return tp, fp, fn

    by_status = {s: prf(*counts(s, pairs)) for s in STATUSES}
    per_factor = {}
    for rf in RISK_FACTORS:
        subset = [x for x in pairs if x[1] == rf]
        confusion = {}
        for _, _, g, p in subset:
            confusion.setdefault(g, {}).setdefault(p, 0)
            confusion[g][p] += 1
        per_factor[rf] = {
            "gold": {s: sum(1 for x in subset if x[2] == s) for s in STATUSES if any(x[2] == s for x in subset)},
            "present": prf(*counts("present", subset)),
            "absent_precision": prf(*counts("absent", subset))["precision"],
            "accuracy": rnd(sum(1 for x in subset if x[2] == x[3]) / len(subset)),
            "confusion": {g: dict(sorted(row.items())) for g, row in sorted(confusion.items())},
        }
    accuracy = sum(1 for x in pairs if x[2] == x[3]) / len(pairs)
    errors = [{"patient_id": pid, "risk_factor": rf, "gold": g, "predicted": p}
              for pid, rf, g, p in pairs if g != p]
    return pairs, by_status, per_factor, accuracy, errors


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gold")
    ap.add_argument("profiles")
    ap.add_argument("--min-present-f1", type=float, default=0.90)
    ap.add_argument("--min-absent-precision", type=float, default=0.85)
    ap.add_argument("--list-errors", action="store_true", help="include every mismatched pair in the output")
    args = ap.parse_args(argv)
    try:
        gold = load_gold(args.gold)
        preds, others = load_predictions(args.profiles, set(gold))
    except InputError as e:
        print(f"score_profiles: {e}", file=sys.stderr)
        return 2

    pairs, by_status, per_factor, accuracy, errors = score(gold, preds)
    missing = sorted(set(gold) - set(preds))
    present_f1 = by_status["present"]["f1"]
    absent_p = by_status["absent"]["precision"]
    gold_has_absent = any(g == "absent" for _, _, g, _ in pairs)
    checks = {
        "present_f1": {"value": present_f1, "floor": args.min_present_f1,
                       "ok": present_f1 is not None and present_f1 >= args.min_present_f1},
        "absent_precision": {"value": absent_p, "floor": args.min_absent_precision,
                             "ok": (absent_p >= args.min_absent_precision) if absent_p is not None
                             else not gold_has_absent},
    }
    out = {
        "schema_version": 1,
        "gold": args.gold,
        "profiles": args.profiles,
        "patients_gold": len(gold),
        "patients_scored": len(preds),
        "patients_missing": missing,
        "patients_not_in_gold": others,
        "pairs": len(pairs),
        "accuracy": rnd(accuracy),
        "present": by_status["present"],
        "absent": by_status["absent"],
        "possible": by_status["possible"],
        "family_only": by_status["family_only"],
        "per_factor": per_factor,
        "checks": checks,
        "pass": all(c["ok"] for c in checks.values()),
    }
    if args.list_errors:
        out["errors"] = errors
    print(json.dumps(out, indent=1))
    return 0 if out["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
