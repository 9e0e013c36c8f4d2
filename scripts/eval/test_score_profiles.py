#!/usr/bin/env python3
"""Tests for score_profiles.py on small synthetic gold and predictions (python3 -m unittest, stdlib only)."""
import contextlib
import io
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import score_profiles as sp  # noqa: E402


def gold_tsv(rows):
    lines = ["# schema_version: 1", "\t".join(["note_id"] + sp.RISK_FACTORS)]
    for pid, overrides in rows:
        lines.append("\t".join([pid] + [overrides.get(rf, "not_mentioned") for rf in sp.RISK_FACTORS]))
    return "\n".join(lines) + "\n"


def profile(pid, overrides, drop=()):
    return {"patient_id": pid, "risk_factors": {rf: {"status": overrides.get(rf, "not_mentioned"), "mentions": 1}
                                                for rf in sp.RISK_FACTORS if rf not in drop}}


class ScoreProfilesTests(unittest.TestCase):
    def run_scorer(self, gold_rows, profiles, *flags):
        with tempfile.TemporaryDirectory() as d:
            g = os.path.join(d, "gold.tsv")
            p = os.path.join(d, "profiles.jsonl")
            with open(g, "w") as f:
                f.write(gold_rows if isinstance(gold_rows, str) else gold_tsv(gold_rows))
            with open(p, "w") as f:
                for obj in profiles:
                    f.write((obj if isinstance(obj, str) else json.dumps(obj)) + "\n")
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                rc = sp.main([g, p, *flags])
            return rc, (json.loads(out.getvalue()) if out.getvalue() else None), err.getvalue()

    GOLD = [("a", {"hypertension": "present", "smoking": "absent"}),
            ("b", {"diabetes": "present", "cancer": "family_only", "alcohol_use": "absent"})]

    def test_perfect_predictions_pass(self):
        rc, out, _ = self.run_scorer(self.GOLD, [profile(p, o) for p, o in self.GOLD])
        self.assertEqual(rc, 0)
        self.assertEqual(out["present"]["f1"], 1.0)
        self.assertEqual(out["absent"]["precision"], 1.0)
        self.assertEqual(out["pairs"], 2 * len(sp.RISK_FACTORS))

    def test_missing_patient_counts_as_errors(self):
        rc, out, _ = self.run_scorer(self.GOLD, [profile("a", self.GOLD[0][1])])
        self.assertEqual(rc, 1)
        self.assertEqual(out["patients_missing"], ["b"])
        self.assertEqual(out["present"]["fn"], 1)
        self.assertEqual(out["present"]["f1"], round(2 / 3, 4))
        self.assertEqual(out["per_factor"]["diabetes"]["confusion"]["present"], {"missing": 1})

    def test_wrong_absent_lowers_precision_and_floors_are_flags(self):
        wrong = dict(self.GOLD[1][1], copd="absent", asthma="absent")
        preds = [profile("a", self.GOLD[0][1]), profile("b", wrong)]
        rc, out, _ = self.run_scorer(self.GOLD, preds)
        self.assertEqual(out["absent"]["precision"], 0.5)
        self.assertEqual(rc, 1)
        rc, out, _ = self.run_scorer(self.GOLD, preds, "--min-absent-precision", "0.5")
        self.assertEqual(rc, 0)

    def test_never_negating_cannot_pass(self):
        preds = [profile(p, {k: v for k, v in o.items() if v != "absent"}) for p, o in self.GOLD]
        rc, out, _ = self.run_scorer(self.GOLD, preds)
        self.assertIsNone(out["absent"]["precision"])
        self.assertFalse(out["checks"]["absent_precision"]["ok"])
        self.assertEqual(rc, 1)

    def test_missing_risk_factor_key_is_an_error_not_a_default(self):
        preds = [profile("a", self.GOLD[0][1], drop=("hypertension",)), profile("b", self.GOLD[1][1])]
        rc, out, _ = self.run_scorer(self.GOLD, preds)
        self.assertEqual(out["present"]["fn"], 1)
        self.assertEqual(out["per_factor"]["hypertension"]["confusion"]["present"], {"missing": 1})

    def test_malformed_inputs_exit_2_with_location(self):
        rc, _, err = self.run_scorer(self.GOLD, [profile("a", {}), "{not json"])
        self.assertEqual(rc, 2)
        self.assertIn("profiles.jsonl:2", err)
        rc, _, err = self.run_scorer(self.GOLD, [profile("a", {"smoking": "yes"})])
        self.assertEqual(rc, 2)
        bad_gold = gold_tsv(self.GOLD).replace("present", "maybe", 1)
        rc, _, err = self.run_scorer(bad_gold, [])
        self.assertEqual(rc, 2)
        self.assertIn("gold.tsv:3", err)

    def test_project_gold_file_is_well_formed(self):
        path = os.path.join(os.path.dirname(__file__), "..", "..", "Corpora", "gold", "aci_profiles_gold.tsv")
        gold = sp.load_gold(path)
        self.assertGreaterEqual(len(gold), 30)


if __name__ == "__main__":
    unittest.main()
