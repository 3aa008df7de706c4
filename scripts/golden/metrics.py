#!/usr/bin/env python3
"""Golden fixtures for src-main/common/ml/metrics.ts: scikit-learn and numpy.

Writes test/fixtures/metrics/metrics.json:
  auc          roc_auc_score: binary (y, score) and one-vs-rest macro (multi_class='ovr',
               average='macro') on class probabilities, with the per-class one-vs-rest values
               (roc_auc_score of each binarised column); the confusion matrix from the argmax,
               as counts and row-normalised (confusion_matrix(normalize='true')).
               Cases: synthetic with many tied scores (binary and 4 classes, probabilities on a
               0.1 grid); a class without support (scikit-learn refuses the whole call, so the
               macro here is the mean over the classes that have support, as metrics.ts does);
               UCR Coffee (binary; logistic regression on the first 3 points, fitted on TRAIN, scored on TEST); chemotools
               coffee (3 origins; out-of-fold logistic-regression probabilities, 5-fold).
  regression   mean_squared_error (root), mean_absolute_error, r2_score and, from numpy, bias
               mean(ŷ − y), SEP sqrt(Σ(e − bias)²/(n − 1)), RPD std(y, ddof=1)/SEP. Cases: Tecator
               fat (PLSRegression(8) fitted on rows 1–150, predicted on 151–215), a small synthetic case.
  summarize    per metric mean and std (ddof=1) over folds, non-finite entries dropped per metric
               (stored as the strings "nan", "inf", "-inf" since JSON has no such numbers).

Run with Debian's /usr/bin/python3 (apt-get install -y python3-sklearn python3-scipy python3-numpy):

    /usr/bin/python3 scripts/golden/metrics.py
"""
import csv
import json
import math
import os

import numpy as np
import sklearn
from sklearn.cross_decomposition import PLSRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, mean_absolute_error, mean_squared_error, r2_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.preprocessing import StandardScaler
from sklearn.pipeline import make_pipeline

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("DATASETS_DIR", "/work/shared/datasets")
OUT = os.path.join(ROOT, "test", "fixtures", "metrics")


def auc_case(name, y, proba, classes):
    y = np.asarray(y, dtype=int)
    proba = np.asarray(proba, dtype=float)
    per_class = []
    for c in range(classes):
        col = (y == c).astype(int)
        per_class.append(float(roc_auc_score(col, proba[:, c])) if 0 < col.sum() < len(col) else None)
    present = [v for v in per_class if v is not None]
    case = {"name": name, "classes": classes, "truth": y.tolist(), "probabilities": proba.ravel().tolist(),
            "perClass": per_class, "macro": float(np.mean(present))}
    if len(present) == classes:
        if classes == 2:
            case["binary"] = float(roc_auc_score(y, proba[:, 1]))
        else:
            case["sklearnMacro"] = float(roc_auc_score(y, proba, multi_class="ovr", average="macro", labels=list(range(classes))))
    pred = proba.argmax(axis=1)
    case["confusion"] = confusion_matrix(y, pred, labels=list(range(classes))).tolist()
    case["confusionNormalized"] = confusion_matrix(y, pred, labels=list(range(classes)), normalize="true").tolist()
    return case


def synthetic_auc():
    rng = np.random.default_rng(6)
    cases = []
    # Binary with heavy ties: scores on a 0.1 grid, weakly related to the label.
    y = rng.integers(0, 2, 40)
    s = np.clip(np.round(0.5 + 0.25 * (y - 0.5) + rng.normal(0, 0.25, 40), 1), 0, 1)
    cases.append(auc_case("binary-ties", y, np.column_stack([1 - s, s]), 2))
    # Four classes, probabilities on a 0.1 grid (counts of ten spread over the classes): many ties.
    n, k = 60, 4
    y = rng.integers(0, k, n)
    counts = np.zeros((n, k), dtype=int)
    for i in range(n):
        w = np.ones(k)
        w[y[i]] += 1.5
        counts[i] = rng.multinomial(10, w / w.sum())
    cases.append(auc_case("ovr4-ties", y, counts / 10.0, k))
    # Four classes, class 2 has no support in the truth (the model still gives it probability).
    y = rng.choice([0, 1, 3], 30)
    p = rng.dirichlet(np.ones(k), 30)
    p[np.arange(30), y] += 0.3
    p /= p.sum(axis=1, keepdims=True)
    cases.append(auc_case("ovr4-missing-class", y, p, k))
    return cases


def real_auc():
    base = os.path.join(DATA, "ucr_spectro", "Coffee")
    train = np.loadtxt(os.path.join(base, "Coffee_TRAIN.tsv"), delimiter="\t")
    test = np.loadtxt(os.path.join(base, "Coffee_TEST.tsv"), delimiter="\t")
    model = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=5000)).fit(train[:, 1:4], train[:, 0].astype(int))
    ucr = auc_case("ucr-coffee", test[:, 0].astype(int), model.predict_proba(test[:, 1:4]), 2)

    with open(os.path.join(DATA, "chemotools", "coffee_labels.csv")) as f:
        labels = [r[0] for r in list(csv.reader(f))[1:]]
    with open(os.path.join(DATA, "chemotools", "coffee_spectra.csv")) as f:
        x = np.array(list(csv.reader(f))[1:], dtype=float)
    names = sorted(set(labels))
    y = np.array([names.index(v) for v in labels])
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    proba = cross_val_predict(make_pipeline(StandardScaler(), LogisticRegression(C=1e-4, max_iter=5000)), x[:, ::10], y, cv=cv, method="predict_proba")
    chem = auc_case("chemotools-coffee", y, proba, len(names))
    chem["classNames"] = names
    return [ucr, chem]


def regression_case(name, y, yhat):
    y = np.asarray(y, dtype=float)
    yhat = np.asarray(yhat, dtype=float)
    e = yhat - y
    bias = float(e.mean())
    sep = float(np.sqrt(np.sum((e - bias) ** 2) / (len(e) - 1)))
    return {"name": name, "truth": y.tolist(), "predicted": yhat.tolist(),
            "rmse": float(np.sqrt(mean_squared_error(y, yhat))), "mae": float(mean_absolute_error(y, yhat)),
            "r2": float(r2_score(y, yhat)), "bias": bias, "sep": sep, "rpd": float(np.std(y, ddof=1) / sep)}


def regression():
    with open(os.path.join(DATA, "tecator", "tecator.csv")) as f:
        rows = list(csv.reader(f))
    head, body = rows[0], np.array(rows[1:], dtype=float)
    x = body[:, [head.index(f"absorbance_{i}") for i in range(1, 101)]]
    fat = body[:, head.index("fat")]
    model = PLSRegression(n_components=8).fit(x[:150], fat[:150])
    tec = regression_case("tecator-fat", fat[150:], np.asarray(model.predict(x[150:])).ravel())
    small = regression_case("small", [1.0, 2.0, 3.5, 4.0, 10.0], [1.5, 1.5, 3.0, 5.0, 9.0])
    return [tec, small]


def enc(v):
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v


def summarize():
    nan, inf = float("nan"), float("inf")
    folds = [
        {"accuracy": 0.9, "auc": 0.95, "rpd": 3.0},
        {"accuracy": 0.8, "auc": nan, "rpd": inf},
        {"accuracy": 0.85, "auc": 0.91, "rpd": 2.5, "extra": 1.0},
        {"accuracy": 0.7, "auc": 0.88, "rpd": -inf},
    ]
    keys = []
    for f in folds:
        keys += [k for k in f if k not in keys]
    mean, std, count = {}, {}, {}
    for k in keys:
        v = np.array([f[k] for f in folds if k in f and math.isfinite(f[k])])
        count[k] = int(len(v))
        mean[k] = float(v.mean()) if len(v) else None
        std[k] = float(v.std(ddof=1)) if len(v) > 1 else None
    return {"folds": [{k: enc(v) for k, v in f.items()} for f in folds], "mean": mean, "std": std, "count": count}


def main():
    os.makedirs(OUT, exist_ok=True)
    doc = {"generator": f"scripts/golden/metrics.py (scikit-learn {sklearn.__version__}, numpy {np.__version__})",
           "auc": synthetic_auc() + real_auc(), "regression": regression(), "summarize": summarize()}
    with open(os.path.join(OUT, "metrics.json"), "w") as fh:
        json.dump(doc, fh, allow_nan=False)
        fh.write("\n")


if __name__ == "__main__":
    main()
