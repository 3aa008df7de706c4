#!/usr/bin/env python3
"""Golden fixtures for src-main/common/ml/pls/diagnostics.ts and outlier.ts: scikit-learn,
numpy and scipy.stats.

Writes test/fixtures/pls-diagnostics/*.json (PLS: scikit-learn PLSRegression, NIPALS):
  tecator-fat.json   Tecator rows 1–100 × every 2nd channel (50), fat, 6 components, scaled;
                     new samples: rows 101–130 and three made-up outliers (row 101 + 1.5 on every
                     channel, row 102 × 1.3, row 103 with a spike of +0.3 on channel 20)
  meat-plsda.json    UCR Meat TRAIN × every 4th point (112), one-hot Y (PLS2), 4 components;
                     new samples: the first 20 TEST spectra
  small-n.json       synthetic 9 × 14, 1 target, 6 components (n − A = 3), unscaled
and test/fixtures/outlier/*.json (PCA out-of-model check):
  coffee.json        UCR Coffee TRAIN (28 × 286) autoscaled (ddof 1), components for 95 % of the
                     variance (at most 10); new samples: TEST (28) and two made-up outliers
  synthetic.json     40 × 6 with a constant feature, centred only, at most 3 components, 99 % asked
  iterative.json     120 × 80 rank-5 signal + noise (min(rows, cols) > 64: pca.ts iterates), 90 %

Per model: VIP (Wold: VIPⱼ = sqrt(p Σₐ SSₐ (wⱼₐ/‖wₐ‖)² / Σₐ SSₐ), SSₐ = (tₐᵀtₐ)(qₐᵀqₐ), computed
from x_scores via transform, x_weights_, y_loadings_), rotations (x_rotations_), X loadings,
scores of the new samples (transform), Hotelling T² = Σ tₐ²/var(tₐ, ddof 1 over training),
T² limit A(n − 1)/(n − A)·f.ppf(0.95, A, n − A), Q = ‖x₀ − t·Pᵀ‖² (x₀ centred and scaled),
Q limit g·chi2.ppf(0.95, h), g = v/(2m), h = 2m²/v with m, v the mean and variance (ddof 1) of the
training Q (Box / Nomikos–MacGregor). Signs: each component flipped so its largest-|weight| is
positive (as pls/nipals.ts); T², Q and VIP do not depend on signs. Inputs rounded to 6 decimals.

Run with Debian's /usr/bin/python3 (apt-get install -y python3-sklearn python3-scipy python3-numpy):

    /usr/bin/python3 scripts/golden/pls_diagnostics.py
"""
import csv
import json
import os

import numpy as np
import scipy
import sklearn
from scipy import stats
from sklearn.cross_decomposition import PLSRegression
from sklearn.decomposition import PCA

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("DATASETS_DIR", "/work/shared/datasets")
OUT_PLS = os.path.join(ROOT, "test", "fixtures", "pls-diagnostics")
OUT_PCA = os.path.join(ROOT, "test", "fixtures", "outlier")
GEN = f"scripts/golden/pls_diagnostics.py (scikit-learn {sklearn.__version__}, scipy {scipy.__version__}, numpy {np.__version__})"
CONF = 0.95


def limits(t_train, q_train, a):
    n = t_train.shape[0]
    t2_limit = a * (n - 1) / (n - a) * stats.f.ppf(CONF, a, n - a)
    m, v = q_train.mean(), q_train.var(ddof=1)
    q_limit = v / (2 * m) * stats.chi2.ppf(CONF, 2 * m * m / v)
    return float(t2_limit), float(q_limit)


def pls_case(x, y, a, scale, x_new):
    y2 = y.reshape(len(y), -1)
    model = PLSRegression(n_components=a, scale=scale).fit(x, y2)
    mean = x.mean(axis=0)
    std = x.std(axis=0, ddof=1) if scale else np.ones(x.shape[1])
    std[std == 0] = 1.0
    w, p, r = model.x_weights_.copy(), model.x_loadings_.copy(), model.x_rotations_.copy()
    sign = np.ones(a)
    for j in range(a):
        big = int(np.argmax(np.abs(w[:, j])))
        if w[big, j] < 0:
            sign[j] = -1.0
    w, p, r = w * sign, p * sign, r * sign
    q = model.y_loadings_ * sign
    t = model.transform(x) * sign
    t_new = model.transform(x_new) * sign
    # VIP, the usual numpy implementation.
    ss = np.diag(t.T @ t @ q.T @ q)
    vip = np.sqrt(x.shape[1] * ((w / np.linalg.norm(w, axis=0)) ** 2) @ ss / ss.sum())
    var = t.var(axis=0, ddof=1)
    x0, x0_new = (x - mean) / std, (x_new - mean) / std
    q_train = np.sum((x0 - t @ p.T) ** 2, axis=1)
    q_new = np.sum((x0_new - t_new @ p.T) ** 2, axis=1)
    t2_new = np.sum(t_new ** 2 / var, axis=1)
    t2_limit, q_limit = limits(t, q_train, a)
    assert np.allclose(t, x0 @ r, rtol=1e-10, atol=1e-12)
    return {
        "components": a, "scale": scale,
        "vip": vip.tolist(), "rotations": r.ravel().tolist(), "xLoadings": p.ravel().tolist(),
        "scoresTrain": t.ravel().tolist(), "scoresNew": t_new.ravel().tolist(),
        "scoreVariances": var.tolist(), "qTrain": q_train.tolist(),
        "t2": t2_new.tolist(), "q": q_new.tolist(), "t2Limit": t2_limit, "qLimit": q_limit,
        "outOfModel": [bool(u > t2_limit or v > q_limit) for u, v in zip(t2_new, q_new)],
    }


def write(folder, name, obj):
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, name)
    with open(path, "w") as f:
        json.dump({"generator": GEN, **obj}, f, separators=(",", ":"))
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def tecator():
    with open(os.path.join(DATA, "tecator", "tecator.csv")) as f:
        rows = list(csv.reader(f))
    head, body = rows[0], np.array(rows[1:], dtype=float)
    spectra = np.round(body[:, [head.index(f"absorbance_{i}") for i in range(1, 101)]][:, ::2], 6)
    fat = np.round(body[:, head.index("fat")], 6)
    x, y = spectra[:100], fat[:100]
    x_new = spectra[100:130].copy()
    made = np.array([spectra[100] + 1.5, spectra[101] * 1.3, spectra[102].copy()])
    made[2, 19] += 0.3
    x_new = np.round(np.vstack([x_new, made]), 6)
    write(OUT_PLS, "tecator-fat.json", {
        "source": "tecator/tecator.csv rows 1–100 (fit), 101–130 and 3 made-up outliers (new: row 101 + 1.5, row 102 × 1.3, row 103 + 0.3 at channel 20); absorbance_1,3,…,99; fat",
        "rows": 100, "cols": x.shape[1], "targets": 1, "newRows": len(x_new),
        "X": x.ravel().tolist(), "Y": y.tolist(), "Xnew": x_new.ravel().tolist(),
        "fit": pls_case(x, y, 6, True, x_new),
    })


def meat():
    base = os.path.join(DATA, "ucr_spectro", "Meat")
    train = np.loadtxt(os.path.join(base, "Meat_TRAIN.tsv"), delimiter="\t")
    test = np.loadtxt(os.path.join(base, "Meat_TEST.tsv"), delimiter="\t")
    x = np.round(train[:, 1::4], 6)
    x_new = np.round(test[:20, 1::4], 6)
    labels = train[:, 0].astype(int) - 1
    write(OUT_PLS, "meat-plsda.json", {
        "source": "ucr_spectro/Meat TRAIN (60, fit), first 20 of TEST (new), every 4th point; labels 1–3 → 0–2, one-hot",
        "rows": x.shape[0], "cols": x.shape[1], "classes": 3, "newRows": 20,
        "X": x.ravel().tolist(), "labels": labels.tolist(), "Xnew": x_new.ravel().tolist(),
        "fit": pls_case(x, np.eye(3)[labels], 4, True, x_new),
    })


def small_n():
    rng = np.random.RandomState(66)
    n, p = 9, 14
    latent = rng.normal(size=(n + 5, 3))
    x = np.round(latent @ rng.normal(size=(3, p)) + 0.2 * rng.normal(size=(n + 5, p)), 6)
    y = np.round(latent[:, 0] - 0.5 * latent[:, 1] + 0.05 * rng.normal(size=n + 5), 6)
    write(OUT_PLS, "small-n.json", {
        "source": "synthetic, 3 latent factors; 9 training and 5 new samples × 14 variables",
        "rows": n, "cols": p, "targets": 1, "newRows": 5,
        "X": x[:n].ravel().tolist(), "Y": y[:n].tolist(), "Xnew": x[n:].ravel().tolist(),
        "fit": pls_case(x[:n], y[:n], 6, False, x[n:]),
    })


def pca_case(x, x_new, scale, variance, cap):
    n = x.shape[0]
    mean = x.mean(axis=0)
    std = x.std(axis=0, ddof=1) if scale else np.ones(x.shape[1])
    std[std == 0] = 1.0
    z, z_new = (x - mean) / std, (x_new - mean) / std
    full = PCA(svd_solver="full").fit(z)
    ratio = full.explained_variance_ratio_[: min(cap, n - 1, x.shape[1])]
    k = int(np.searchsorted(np.cumsum(ratio), variance * (1 - 1e-12)) + 1)
    k = min(k, len(ratio))
    v = full.components_[:k]
    t, t_new = z @ v.T, z_new @ v.T
    var = t.var(axis=0, ddof=1)
    q_train = np.sum((z - t @ v) ** 2, axis=1)
    q_new = np.sum((z_new - t_new @ v) ** 2, axis=1)
    t2_new = np.sum(t_new ** 2 / var, axis=1)
    t2_limit, q_limit = limits(t, q_train, k)
    return {
        "scale": scale, "varianceToExplain": variance, "maxComponents": cap, "components": k,
        "means": mean.tolist(), "scales": std.tolist(),
        "explainedVarianceRatio": ratio[:k].tolist(), "scoreVariances": var.tolist(), "qTrain": q_train.tolist(),
        "t2": t2_new.tolist(), "q": q_new.tolist(), "t2Limit": t2_limit, "qLimit": q_limit,
        "outOfModel": [bool(u > t2_limit or w > q_limit) for u, w in zip(t2_new, q_new)],
    }


def coffee():
    base = os.path.join(DATA, "ucr_spectro", "Coffee")
    train = np.loadtxt(os.path.join(base, "Coffee_TRAIN.tsv"), delimiter="\t")
    test = np.loadtxt(os.path.join(base, "Coffee_TEST.tsv"), delimiter="\t")
    x = np.round(train[:, 1:], 6)
    made = np.array([test[0, 1:] * 1.5, test[1, 1:] + np.linspace(0, 1, x.shape[1])])
    x_new = np.round(np.vstack([test[:, 1:], made]), 6)
    write(OUT_PCA, "coffee.json", {
        "source": "ucr_spectro/Coffee TRAIN (28, fit), TEST (28) and 2 made-up outliers (TEST 1 × 1.5, TEST 2 + a 0→1 ramp)",
        "rows": x.shape[0], "cols": x.shape[1], "newRows": len(x_new),
        "X": x.ravel().tolist(), "Xnew": x_new.ravel().tolist(),
        "fit": pca_case(x, x_new, True, 0.95, 10),
    })


def synthetic():
    rng = np.random.RandomState(606)
    n, p = 40, 6
    latent = rng.normal(size=(n + 6, 2))
    x = latent @ rng.normal(size=(2, p)) + 0.1 * rng.normal(size=(n + 6, p)) + 5.0
    x[:, 3] = 2.5
    x[n + 4] += 3 * rng.normal(size=p)
    x = np.round(x, 6)
    write(OUT_PCA, "synthetic.json", {
        "source": "synthetic, 2 latent factors, feature 4 constant; 40 training, 6 new samples (the 5th pushed off the model)",
        "rows": n, "cols": p, "newRows": 6,
        "X": x[:n].ravel().tolist(), "Xnew": x[n:].ravel().tolist(),
        "fit": pca_case(x[:n], x[n:], False, 0.99, 3),
    })


def iterative():
    rng = np.random.RandomState(6060)
    n, p = 120, 80
    latent = rng.normal(size=(n + 10, 5)) * np.array([5.0, 4.0, 3.0, 2.0, 1.5])
    x = np.round(latent @ rng.normal(size=(5, p)) + 0.5 * rng.normal(size=(n + 10, p)), 6)
    write(OUT_PCA, "iterative.json", {
        "source": "synthetic rank-5 signal + noise, 120 training and 10 new samples × 80 features",
        "rows": n, "cols": p, "newRows": 10,
        "X": x[:n].ravel().tolist(), "Xnew": x[n:].ravel().tolist(),
        "fit": pca_case(x[:n], x[n:], True, 0.9, 10),
    })


if __name__ == "__main__":
    tecator()
    meat()
    small_n()
    coffee()
    synthetic()
    iterative()
