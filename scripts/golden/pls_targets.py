#!/usr/bin/env python3
"""Golden fixture for a run with several targets (common/runs/plan.ts, ml/trainer/run.ts, common/runs/evaluate.ts):
one PLS2 model on three targets in their own units, as scikit-learn's PLSRegression fits it.

Writes test/fixtures/pls/pls2-3targets.json:
  - a synthetic table: 52 samples (40 train, 12 test) x 40 points, three overlapping bands whose
    heights set three targets on very different scales (about 60 ± 5, 10 ± 3 and 1 ± 0.1), noise;
  - `cv`: the components a run chooses, the way ml/trainer/run.ts does: the targets standardised on
    the training rows (population sd, as plan.ts), shuffled 5-fold cross-validation repeated 5 times
    with seeds 1..5 (the folds of pls/cross-validation.ts `shuffledKFold`, mulberry32 ported below),
    each fold a PLSRegression(m, scale=True) for m = 1..20, the score the RMSE of the out-of-fold
    standardised predictions pooled over the three targets, averaged over the repeats; the best wins
    (fewest components on ties);
  - `fit`: PLSRegression(components, scale=True) on the training rows, its predictions on the test
    rows per target, and RMSEP, R² and bias per target in its own units.

X is rounded to float32 before fitting, as the project file stores spectra.

    /usr/bin/python3 scripts/golden/pls_targets.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.cross_decomposition import PLSRegression

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "fixtures", "pls", "pls2-3targets.json")
TARGETS = ["moisture", "fat", "protein"]
TRAIN, TEST, POINTS = 40, 12, 40
FOLDS, REPEATS, SEED, MAX_COMPONENTS = 5, 5, 1, 20


def mulberry32(seed):
    a = seed & 0xFFFFFFFF

    def imul(x, y):
        return (x * y) & 0xFFFFFFFF

    def rand():
        nonlocal a
        a = (a + 0x6D2B79F5) & 0xFFFFFFFF
        t = a
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return rand


def shuffled_kfold(rows, folds, seed):
    rand = mulberry32(seed)
    perm = list(range(rows))
    for i in range(rows - 1, 0, -1):
        j = int(rand() * (i + 1))
        perm[i], perm[j] = perm[j], perm[i]
    out = [0] * rows
    base, extra, pos = rows // folds, rows % folds, 0
    for f in range(folds):
        for _ in range(base + (1 if f < extra else 0)):
            out[perm[pos]] = f
            pos += 1
    return np.array(out)


def data():
    rng = np.random.default_rng(7)
    n = TRAIN + TEST
    c = rng.uniform(0, 1, size=(n, 3))
    j = np.arange(POINTS)
    bands = np.stack([np.exp(-(((j - m) / w) ** 2)) for m, w in ((12, 5), (20, 6), (28, 4))])
    x = 0.2 + c @ bands + rng.normal(0, 0.01, size=(n, POINTS))
    y = np.column_stack([60 + 10 * c[:, 0], 10 + 6 * c[:, 1], 1 + 0.2 * c[:, 2]]) + rng.normal(0, [0.2, 0.1, 0.005], size=(n, 3))
    return np.round(x, 5), np.round(y, 4)


def main():
    x, y = data()
    xf = x.astype(np.float32).astype(np.float64)
    xtr, ytr, xte, yte = xf[:TRAIN], y[:TRAIN], xf[TRAIN:], y[TRAIN:]
    ys = (ytr - ytr.mean(axis=0)) / ytr.std(axis=0)
    curve = []
    for m in range(1, MAX_COMPONENTS + 1):
        score = 0.0
        for r in range(REPEATS):
            folds = shuffled_kfold(TRAIN, FOLDS, SEED + r)
            pred = np.zeros_like(ys)
            for f in range(FOLDS):
                tr, te = folds != f, folds == f
                pred[te] = PLSRegression(n_components=m, scale=True).fit(xtr[tr], ys[tr]).predict(xtr[te])
            score += np.sqrt(np.mean((pred - ys) ** 2))
        curve.append(score / REPEATS)
    components = int(np.argmin(curve)) + 1
    model = PLSRegression(n_components=components, scale=True).fit(xtr, ytr)
    pred = np.asarray(model.predict(xte))
    err = pred - yte
    per_target = {
        name: {
            "rmse": float(np.sqrt(np.mean(err[:, t] ** 2))),
            "r2": float(1 - np.sum(err[:, t] ** 2) / np.sum((yte[:, t] - yte[:, t].mean()) ** 2)),
            "bias": float(np.mean(err[:, t])),
        }
        for t, name in enumerate(TARGETS)
    }
    out = {
        "generator": f"scripts/golden/pls_targets.py, scikit-learn {sklearn.__version__}, numpy {np.__version__}",
        "targets": TARGETS,
        "points": POINTS,
        "split": ["train"] * TRAIN + ["test"] * TEST,
        "x": x.tolist(),
        "y": y.tolist(),
        "cv": {"folds": FOLDS, "repeats": REPEATS, "seed": SEED, "curve": curve, "components": components},
        "fit": {"components": components, "predictTest": pred.tolist(), "perTarget": per_target},
    }
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes); components {components}, RMSEP {[round(v['rmse'], 4) for v in per_target.values()]}")


if __name__ == "__main__":
    main()
