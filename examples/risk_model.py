#!/usr/bin/env python3
"""Hand-off to a downstream risk model: NoteMiner's features.csv -> pandas -> scikit-learn.

Usage: risk_model.py FEATURES.csv [--outcomes PATH] [--seed 7] [--folds 5] [--min-auc X] [--json]

1. Loads `features.csv` as written by `noteminer run` (one row per patient; columns `patient_id, n_notes`, then for
   each of the 18 risk factors `<id>` (1 = present) and `<id>_status`, then `charlson_index, n_adverse_events`)
   and checks the column order.
2. Joins it on `patient_id` to an outcome table with a 0/1 column `synthetic_event`. When the outcome file does not
   exist it is generated from the features with a fixed seed and marked SYNTHETIC in its first line: the outcome
   is drawn from a logistic model of the risk factors, so it only demonstrates the plumbing. It says nothing about
   any real patient or real risk.
3. Fits a logistic regression (standardised inputs) and reports stratified cross-validated ROC AUC, accuracy and
   Brier score, then the coefficients of a fit on all patients.

Exit status: 0 on success, 1 if `--min-auc` is given and the cross-validated AUC is below it, 2 on bad input.
"""
import argparse
import json
import os
import sys

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

RISK_FACTORS = [
    "hypertension", "diabetes", "hyperlipidemia", "obesity", "coronary_artery_disease", "heart_failure",
    "atrial_fibrillation", "cerebrovascular_disease", "chronic_kidney_disease", "copd", "asthma", "cancer",
    "depression", "anxiety", "smoking", "alcohol_use", "obstructive_sleep_apnea", "hypothyroidism",
]
STATUSES = ["present", "possible", "absent", "family_only", "not_mentioned"]
COLUMNS = (["patient_id", "n_notes"] + [c for rf in RISK_FACTORS for c in (rf, rf + "_status")]
           + ["charlson_index", "n_adverse_events"])
OUTCOME = "synthetic_event"
HERE = os.path.dirname(os.path.abspath(__file__))

# Log-odds used only to draw the synthetic outcome; loosely shaped like a cardiovascular-event model.
SYNTHETIC_WEIGHTS = {
    "hypertension": 0.9, "diabetes": 0.8, "hyperlipidemia": 0.6, "obesity": 0.5, "coronary_artery_disease": 1.2,
    "heart_failure": 1.2, "atrial_fibrillation": 0.7, "cerebrovascular_disease": 1.0, "chronic_kidney_disease": 0.8,
    "copd": 0.6, "smoking": 0.7, "charlson_index": 0.25,
}
SYNTHETIC_INTERCEPT = -1.6


class InputError(Exception):
    pass


def load_features(path):
    try:
        df = pd.read_csv(path, dtype={"patient_id": str}, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise InputError(f"{path}: cannot load as CSV: {e}")
    if list(df.columns) != COLUMNS:
        missing = [c for c in COLUMNS if c not in df.columns]
        extra = [c for c in df.columns if c not in COLUMNS]
        raise InputError(f"{path}: columns are not the features.csv layout"
                         + (f"; missing: {', '.join(missing)}" if missing else "")
                         + (f"; unexpected: {', '.join(extra)}" if extra else "")
                         + ("; same columns in another order" if not missing and not extra else ""))
    if df.empty:
        raise InputError(f"{path}: no patients")
    if df["patient_id"].duplicated().any():
        dup = df.loc[df["patient_id"].duplicated(), "patient_id"].iloc[0]
        raise InputError(f"{path}: duplicate patient_id {dup!r}")
    numeric = ["n_notes", "charlson_index", "n_adverse_events"] + RISK_FACTORS
    for col in numeric:
        values = pd.to_numeric(df[col], errors="coerce")
        if values.isna().any():
            row = int(values.isna().idxmax()) + 2  # header is line 1
            raise InputError(f"{path}:{row}: {col} must be a number, got {df[col].iloc[row - 2]!r}")
        df[col] = values.astype(int)
    for rf in RISK_FACTORS:
        bad = ~df[rf + "_status"].isin(STATUSES)
        if bad.any():
            row = int(bad.idxmax()) + 2
            raise InputError(f"{path}:{row}: {rf}_status {df[rf + '_status'].iloc[row - 2]!r} is not a status")
        inconsistent = (df[rf] == 1) != (df[rf + "_status"] == "present")
        if inconsistent.any():
            row = int(inconsistent.idxmax()) + 2
            raise InputError(f"{path}:{row}: {rf} is 1 exactly when {rf}_status is present")
    return df


def make_synthetic_outcomes(features, seed):
    """One synthetic 0/1 outcome per patient, drawn in patient_id order so row order does not matter."""
    df = features.sort_values("patient_id", kind="mergesort").reset_index(drop=True)
    logit = np.full(len(df), SYNTHETIC_INTERCEPT)
    for col, w in SYNTHETIC_WEIGHTS.items():
        logit += w * df[col].to_numpy(dtype=float)
    rng = np.random.RandomState(seed)
    p = 1.0 / (1.0 + np.exp(-logit))
    event = (rng.uniform(size=len(df)) < p).astype(int)
    return pd.DataFrame({"patient_id": df["patient_id"], OUTCOME: event})


def write_outcomes(outcomes, path, features_path, seed):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(f"# SYNTHETIC outcome, not real data: drawn by examples/risk_model.py from "
                f"{os.path.basename(features_path)} with seed {seed} (logistic model of the risk factors)\n")
        outcomes.to_csv(f, index=False, lineterminator="\n")


def load_outcomes(path):
    try:
        df = pd.read_csv(path, comment="#", dtype={"patient_id": str}, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise InputError(f"{path}: cannot load as CSV: {e}")
    if "patient_id" not in df.columns or OUTCOME not in df.columns:
        raise InputError(f"{path}: needs columns patient_id and {OUTCOME}")
    if not df[OUTCOME].isin([0, 1]).all():
        raise InputError(f"{path}: {OUTCOME} must be 0 or 1")
    if df["patient_id"].duplicated().any():
        raise InputError(f"{path}: duplicate patient_id")
    return df[["patient_id", OUTCOME]]


def design_matrix(df):
    """Present flags, counts and scores, plus one-hot smoking status to show how the *_status columns are used."""
    X = df[["n_notes"] + RISK_FACTORS + ["charlson_index", "n_adverse_events"]].astype(float)
    smoking = pd.Categorical(df["smoking_status"], categories=STATUSES)
    dummies = pd.get_dummies(smoking, prefix="smoking_status", dtype=float).drop(columns="smoking_status_present")
    dummies.index = df.index
    X = pd.concat([X, dummies], axis=1)
    return X.loc[:, X.nunique() > 1]  # constant columns carry no information


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("features")
    ap.add_argument("--outcomes", default=os.path.join(HERE, "synthetic_outcomes.csv"),
                    help="outcome CSV (patient_id, synthetic_event); generated here when it does not exist")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--min-auc", type=float, default=None)
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of the text report")
    args = ap.parse_args(argv)
    try:
        features = load_features(args.features)
        generated = False
        if not os.path.exists(args.outcomes):
            write_outcomes(make_synthetic_outcomes(features, args.seed), args.outcomes, args.features, args.seed)
            generated = True
        outcomes = load_outcomes(args.outcomes)
        data = features.merge(outcomes, on="patient_id", how="left", validate="one_to_one")
        unmatched = data[OUTCOME].isna()
        if unmatched.any():
            raise InputError(f"{args.outcomes}: no outcome for {int(unmatched.sum())} of {len(data)} patients "
                             f"(first: {data.loc[unmatched, 'patient_id'].iloc[0]!r}); pass --outcomes with a new "
                             "path to generate a synthetic table for these features")
        y = data[OUTCOME].astype(int).to_numpy()
        minority = int(min(y.sum(), len(y) - y.sum()))
        if minority < 2:
            raise InputError(f"{args.outcomes}: need at least 2 patients in each outcome class, have {minority}")
    except InputError as e:
        print(f"risk_model: {e}", file=sys.stderr)
        return 2

    X = design_matrix(data)
    if X.shape[1] == 0:
        print(f"risk_model: {args.features}: every predictor has the same value for all patients; nothing to fit",
              file=sys.stderr)
        return 2
    folds = max(2, min(args.folds, minority))
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, C=0.3))
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=args.seed)
    prob = cross_val_predict(model, X, y, cv=cv, method="predict_proba")[:, 1]
    model.fit(X, y)
    coefs = dict(zip(X.columns, model.named_steps["logisticregression"].coef_[0]))
    report = {
        "features": args.features,
        "outcomes": args.outcomes,
        "outcomes_generated": generated,
        "outcome_is_synthetic": True,
        "patients": int(len(y)),
        "events": int(y.sum()),
        "predictors": list(X.columns),
        "cv_folds": folds,
        "cv_roc_auc": round(float(roc_auc_score(y, prob)), 4),
        "cv_accuracy": round(float(accuracy_score(y, prob >= 0.5)), 4),
        "cv_brier": round(float(brier_score_loss(y, prob)), 4),
        "base_rate_brier": round(float(brier_score_loss(y, np.full(len(y), y.mean()))), 4),
        "coefficients": {k: round(float(v), 4) for k, v in sorted(coefs.items(), key=lambda kv: -abs(kv[1]))},
    }
    ok = args.min_auc is None or report["cv_roc_auc"] >= args.min_auc
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(f"features: {args.features} ({report['patients']} patients, {len(X.columns)} predictors)")
        print(f"outcome:  {args.outcomes} -- SYNTHETIC{' (generated now)' if generated else ''}, "
              f"{report['events']} events")
        print(f"logistic regression, {folds}-fold stratified CV: ROC AUC {report['cv_roc_auc']:.3f}, "
              f"accuracy {report['cv_accuracy']:.3f}, Brier {report['cv_brier']:.3f} "
              f"(base rate {report['base_rate_brier']:.3f})")
        print("coefficients on standardised inputs (fit on all patients), largest first:")
        for name, value in list(report["coefficients"].items())[:10]:
            print(f"  {name:32s} {value:+.3f}")
    if not ok:
        print(f"risk_model: cross-validated ROC AUC {report['cv_roc_auc']} is below --min-auc {args.min_auc}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
