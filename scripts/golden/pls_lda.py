#!/usr/bin/env python3
"""Golden fixture for src-main/common/ml/pls/lda.ts: LDA on PLS scores (PLS-LDA).

Writes test/fixtures/pls-lda/synthetic.json: a synthetic set of 3 classes of unequal size
(20, 15 and 10 training spectra of 40 points: Gaussian bands whose height and position differ by
class, a random offset and noise per spectrum) and 24 test spectra. For 2 and 4 components:
scikit-learn's PLSRegression(n, scale=True) fitted on the one-hot classes (as PLS-DA is), its
training scores (`x_scores_`) and test scores (`transform`), then LinearDiscriminantAnalysis()
(the default solver 'svd', priors from the class counts) fitted on the training scores, with its
`predict_proba` and `predict` on the test scores. Score signs do not change LDA's output, so the
test compares probabilities whichever sign convention a fit uses.
Inputs are rounded (6 decimals) before fitting so the stored values are the ones fitted.

Run with Debian's /usr/bin/python3 (apt-get install -y python3-sklearn python3-numpy):

    /usr/bin/python3 scripts/golden/pls_lda.py
"""
import json
import os

import numpy as np
import sklearn
from sklearn.cross_decomposition import PLSRegression
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "fixtures", "pls-lda")


def spectra(rng, labels, points):
    axis = np.linspace(0.0, 1.0, points)
    centre = np.array([0.30, 0.31, 0.32])
    height = np.array([1.0, 1.1, 0.95])
    rows = []
    for c in labels:
        band = height[c] * np.exp(-((axis - centre[c]) ** 2) / 0.005)
        other = 0.6 * np.exp(-((axis - 0.7) ** 2) / 0.01)
        rows.append(band + other + rng.normal(0.0, 0.3) + rng.normal(0.0, 0.15, points))
    return np.round(np.array(rows), 6)


def main():
    rng = np.random.default_rng(15)
    train_labels = np.array([0] * 20 + [1] * 15 + [2] * 10)
    rng.shuffle(train_labels)
    test_labels = np.array([0, 1, 2] * 8)
    x = spectra(rng, train_labels, 40)
    x_test = spectra(rng, test_labels, 40)
    y = np.eye(3)[train_labels]
    fits = []
    for k in (2, 4):
        pls = PLSRegression(n_components=k, scale=True).fit(x, y)
        t = pls.x_scores_
        t_test = pls.transform(x_test)
        lda = LinearDiscriminantAnalysis().fit(t, train_labels)
        fits.append({
            "components": k,
            "trainScores": t.ravel().tolist(),
            "testScores": t_test.ravel().tolist(),
            "probabilities": lda.predict_proba(t_test).ravel().tolist(),
            "predicted": lda.predict(t_test).tolist(),
        })
    doc = {
        "generator": f"scripts/golden/pls_lda.py, scikit-learn {sklearn.__version__}, numpy {np.__version__}",
        "rows": int(x.shape[0]),
        "cols": int(x.shape[1]),
        "classes": 3,
        "x": x.ravel().tolist(),
        "labels": train_labels.tolist(),
        "testRows": int(x_test.shape[0]),
        "xTest": x_test.ravel().tolist(),
        "testLabels": test_labels.tolist(),
        "fits": fits,
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "synthetic.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
