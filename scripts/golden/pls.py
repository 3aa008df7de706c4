#!/usr/bin/env python3
"""Golden fixtures for src-main/common/ml/pls/ (nipals.ts, decisions.ts, cross-validation.ts): scikit-learn PLSRegression (NIPALS).

Writes test/fixtures/pls/*.json:
  hand-4x2.json       1 component on a 4 × 2 matrix, scale=False, with the closed-form values
  small-2targets.json synthetic 30 × 8, 2 targets, 3 components, scale=True
  tecator-fat.json    Tecator: first 60 samples × every 2nd channel (50), fat; 8 components
                      scaled and 5 unscaled; predictions on samples 61–80
  meat-plsda.json     UCR Meat (chicken/pork/turkey) TRAIN × every 4th point (112), PLS-DA on
                      one-hot Y, 4 components; predictions on the first 30 TEST spectra
  zero-variance.json  12 × 6 with two constant columns, 2 components, scale True and False
  meat-plsda-nn.json  the Meat data of meat-plsda.json, 4 and 8 components: training scores
                      (`x_scores_`), test scores (`transform`), 1-NN classes in score space
                      (`KNeighborsClassifier(1)`) and each class's nearest squared distance;
                      class centres of the fitted rows (`predict` on the training spectra) and
                      the test spectra's nearest centre and squared distances

Conventions (as pls/nipals.ts):
  - coefficients B are cols × targets in raw X / Y units, ŷ = (x − xMeans)·B + yMeans; scikit-learn's
    `coef_` changed shape (1.3: targets × features) and, in later versions, scale — the
    generator finds which reading reproduces `predict` and refuses to write otherwise;
  - x weights: largest-|value| entry of each component positive (scikit-learn already does this
    with svd_flip_1d; applied again here so the fixture does not depend on it), loadings flip with them;
  - explained variance: ‖tₖ‖²·‖pₖ‖² / ‖X₀‖² and ‖tₖ‖²·‖qₖ‖² / ‖Y₀‖² in the centred (scaled) space.
Inputs are rounded (6 decimals) before fitting so the stored values are the ones fitted.

Run with Debian's /usr/bin/python3 (apt-get install -y python3-sklearn python3-numpy):

    /usr/bin/python3 scripts/golden/pls.py
"""
import csv
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.cross_decomposition import PLSRegression

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("DATASETS_DIR", "/work/shared/datasets")
OUT = os.path.join(ROOT, "test", "fixtures", "pls")


def moments(a, scale):
    mean = a.mean(axis=0)
    if not scale:
        return mean, np.ones(a.shape[1])
    std = a.std(axis=0, ddof=1)
    std[std == 0.0] = 1.0
    return mean, std


def raw_coefficients(model, x, y_mean, x_mean, x_std):
    """coef_ as cols × targets on raw X, whichever way this scikit-learn version stores it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = np.asarray(model.coef_, dtype=float)
    p = x.shape[1]
    q = model.y_loadings_.shape[0]
    pred = np.asarray(model.predict(x)).reshape(x.shape[0], q)
    layouts = ([c] if c.shape == (p, q) else []) + ([c.T] if c.shape == (q, p) else [])
    for m in layouts:
        for b in (m / x_std[:, None], m):
            fitted = (x - x_mean) @ b + y_mean
            if np.max(np.abs(fitted - pred)) <= 1e-9 * max(1.0, np.max(np.abs(pred))):
                return b
    raise SystemExit(f"scikit-learn {sklearn.__version__}: no reading of coef_ {c.shape} reproduces predict")


def fit(x, y, k, scale, x_test=None):
    y2 = y.reshape(len(y), -1)
    model = PLSRegression(n_components=k, scale=scale).fit(x, y2)
    x_mean, x_std = moments(x, scale)
    y_mean, y_std = moments(y2, scale)
    b = raw_coefficients(model, x, y_mean, x_mean, x_std)
    w = model.x_weights_.copy()
    p = model.x_loadings_.copy()
    q = model.y_loadings_.copy()
    for j in range(w.shape[1]):
        big = int(np.argmax(np.abs(w[:, j])))
        if w[big, j] < 0:
            w[:, j] *= -1
            p[:, j] *= -1
            q[:, j] *= -1
    x0 = (x - x_mean) / x_std
    y0 = (y2 - y_mean) / y_std
    t = x0 @ model.x_rotations_  # training scores (sign as scikit-learn)
    tt = np.sum(t * t, axis=0)
    out = {
        "components": k,
        "scale": scale,
        "xMeans": x_mean.tolist(),
        "xScales": x_std.tolist(),
        "yMeans": y_mean.tolist(),
        "yScales": y_std.tolist(),
        "xWeights": w.ravel().tolist(),
        "xLoadings": p.ravel().tolist(),
        "yLoadings": q.ravel().tolist(),
        "coefficients": b.ravel().tolist(),
        "intercepts": (y_mean - x_mean @ b).tolist(),
        "explainedVarianceX": (tt * np.sum(p * p, axis=0) / np.sum(x0 * x0)).tolist(),
        "explainedVarianceY": (tt * np.sum(q * q, axis=0) / np.sum(y0 * y0)).tolist(),
        "iterations": [int(v) for v in model.n_iter_],
        "predictTrain": np.asarray(model.predict(x)).reshape(len(x), -1).ravel().tolist(),
    }
    if x_test is not None:
        out["predictTest"] = np.asarray(model.predict(x_test)).reshape(len(x_test), -1).ravel().tolist()
    return out


def write(name, obj):
    obj = {"generator": f"scripts/golden/pls.py, scikit-learn {sklearn.__version__}, numpy {np.__version__}", **obj}
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


def hand():
    x = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 4.0], [4.0, 3.0]])
    y = np.array([1.0, 2.0, 3.0, 4.0])
    # By hand (scale=False): Xc = X − [2.5, 2.5] = [[−1.5, −0.5], [−0.5, −1.5], [0.5, 1.5], [1.5, 0.5]],
    # yc = [−1.5, −0.5, 0.5, 1.5], Xcᵀyc = [5, 3], w = [5, 3]/√34, t = Xc·w = [−9, −7, 7, 9]/√34,
    # tᵀt = 260/34, q = ycᵀt/tᵀt = 34√34/260, p = Xcᵀt/tᵀt = [34, 30]·√34/260, pᵀw = 1,
    # B = w·q = [5, 3]·34/260 = [17/26, 51/130], intercept = 2.5 − 2.5·(17/26 + 51/130) = −3/26.
    b = np.array([17 / 26, 51 / 130])
    w = np.array([5.0, 3.0]) / np.sqrt(34)
    t = np.array([-9.0, -7.0, 7.0, 9.0]) / np.sqrt(34)
    xc = x - 2.5
    p = xc.T @ t / (t @ t)
    assert np.allclose(p, np.array([34.0, 30.0]) * np.sqrt(34) / 260, rtol=1e-12, atol=0)
    got = fit(x, y, 1, False)
    assert np.allclose(got["coefficients"], b, rtol=1e-12, atol=0), got["coefficients"]
    assert np.allclose(got["xWeights"], w, rtol=1e-12, atol=0)
    assert np.allclose(got["xLoadings"], p, rtol=1e-12, atol=0)
    write("hand-4x2.json", {
        "rows": 4, "cols": 2, "targets": 1, "X": x.ravel().tolist(), "Y": y.tolist(),
        "fits": [got],
        "closedForm": {"coefficients": b.tolist(), "xWeights": w.tolist(), "scores": t.tolist(),
                       "xLoadings": p.tolist(), "intercept": -3 / 26},
    })


def small():
    rng = np.random.RandomState(20240601)
    n, p, n_test = 30, 8, 10
    latent = rng.normal(size=(n + n_test, 3))
    x = latent @ rng.normal(size=(3, p)) + 0.3 * rng.normal(size=(n + n_test, p)) + rng.uniform(-2, 5, size=p)
    y = latent[:, :2] @ np.array([[1.5, -0.7], [0.4, 2.0]]) + 0.2 * rng.normal(size=(n + n_test, 2)) + [10.0, -3.0]
    x, y = np.round(x, 6), np.round(y, 6)
    write("small-2targets.json", {
        "rows": n, "cols": p, "targets": 2, "testRows": n_test,
        "X": x[:n].ravel().tolist(), "Y": y[:n].ravel().tolist(), "Xtest": x[n:].ravel().tolist(),
        "fits": [fit(x[:n], y[:n], 3, True, x[n:])],
    })


def tecator():
    with open(os.path.join(DATA, "tecator", "tecator.csv")) as f:
        rows = list(csv.reader(f))
    head, body = rows[0], np.array(rows[1:], dtype=float)
    spectra = body[:, [head.index(f"absorbance_{i}") for i in range(1, 101)]][:, ::2]
    fat = body[:, head.index("fat")]
    x, y = spectra[:60], fat[:60]
    x_test = spectra[60:80]
    write("tecator-fat.json", {
        "source": "tecator/tecator.csv rows 1–60 (fit) and 61–80 (predict), absorbance_1,3,…,99; target fat (%)",
        "rows": 60, "cols": x.shape[1], "targets": 1, "testRows": 20,
        "X": x.ravel().tolist(), "Y": y.tolist(), "Xtest": x_test.ravel().tolist(),
        "fits": [fit(x, y, 8, True, x_test), fit(x, y, 5, False, x_test)],
    })


def meat_data():
    """UCR Meat TRAIN and the first 30 TEST spectra, every 4th point, labels 1–3 → 0–2."""
    base = os.path.join(DATA, "ucr_spectro", "Meat")
    train = np.loadtxt(os.path.join(base, "Meat_TRAIN.tsv"), delimiter="\t")
    test = np.loadtxt(os.path.join(base, "Meat_TEST.tsv"), delimiter="\t")
    return (np.round(train[:, 1::4], 6), np.round(test[:30, 1::4], 6),
            train[:, 0].astype(int) - 1, test[:30, 0].astype(int) - 1)


def meat():
    x, x_test, labels, test_labels = meat_data()
    onehot = np.eye(3)[labels]
    got = fit(x, onehot, 4, True, x_test)
    got["predictedClassesTest"] = np.argmax(np.array(got["predictTest"]).reshape(-1, 3), axis=1).tolist()
    write("meat-plsda.json", {
        "source": "ucr_spectro/Meat TRAIN (60, fit) and first 30 of TEST (predict), every 4th point; labels 1–3 → 0–2",
        "rows": x.shape[0], "cols": x.shape[1], "classes": 3, "testRows": 30,
        "X": x.ravel().tolist(), "labels": labels.tolist(), "Xtest": x_test.ravel().tolist(),
        "testLabels": test_labels.tolist(),
        "fits": [got],
    })


def meat_nn():
    from sklearn.neighbors import KNeighborsClassifier
    x, x_test, labels, _ = meat_data()
    onehot = np.eye(3)[labels]
    fits = []
    for k in (4, 8):
        model = PLSRegression(n_components=k, scale=True).fit(x, onehot)
        t_train = model.x_scores_
        t_test = model.transform(x_test)
        # Same sign convention as pls/nipals.ts (largest-|value| weight positive): flip scores with the weights.
        signs = np.sign(model.x_weights_[np.argmax(np.abs(model.x_weights_), axis=0), range(k)])
        t_train, t_test = t_train * signs, t_test * signs
        nn = KNeighborsClassifier(n_neighbors=1).fit(t_train, labels).predict(t_test)
        d2 = ((t_test[:, None, :] - t_train[None, :, :]) ** 2).sum(axis=2)
        nearest = np.stack([d2[:, labels == c].min(axis=1) for c in range(3)], axis=1)
        # Class centres of the fitted one-hot rows; a test spectrum takes the nearest centre.
        fitted = model.predict(x)
        centres = np.stack([fitted[labels == c].mean(axis=0) for c in range(3)])
        d2c = ((model.predict(x_test)[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        fits.append({"components": k, "trainScores": t_train.ravel().tolist(), "testScores": t_test.ravel().tolist(),
                     "predictedClassesTest": nn.tolist(), "nearestSquaredDistances": nearest.ravel().tolist(),
                     "centroids": centres.ravel().tolist(), "centroidClassesTest": d2c.argmin(axis=1).tolist(),
                     "centroidSquaredDistances": d2c.ravel().tolist()})
    write("meat-plsda-nn.json", {
        "source": "ucr_spectro/Meat TRAIN (60, fit) and first 30 of TEST, every 4th point; labels 1–3 → 0–2",
        "rows": x.shape[0], "cols": x.shape[1], "classes": 3, "testRows": 30,
        "X": x.ravel().tolist(), "labels": labels.tolist(), "Xtest": x_test.ravel().tolist(),
        "fits": fits,
    })


def zero_variance():
    rng = np.random.RandomState(7)
    x = np.round(rng.normal(size=(12, 6)) + 3.0, 6)
    x[:, 1] = 4.25
    x[:, 4] = 0.0
    y = np.round(x[:, 0] - 0.5 * x[:, 3] + 0.1 * rng.normal(size=12), 6)
    write("zero-variance.json", {
        "rows": 12, "cols": 6, "targets": 1, "constantColumns": [1, 4],
        "X": x.ravel().tolist(), "Y": y.tolist(),
        "fits": [fit(x, y, 2, True), fit(x, y, 2, False)],
    })


if __name__ == "__main__":
    hand()
    small()
    tecator()
    meat()
    zero_variance()
    meat_nn()
