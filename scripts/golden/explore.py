#!/usr/bin/env python3
"""Golden fixture for src-main/common/explore/pca.ts: scikit-learn PCA of 30 Coffee spectra.

Rows: the 28 spectra of Coffee_TRAIN.tsv, then the first 2 of Coffee_TEST.tsv (TRAIN has only 28).
Sign convention (as in pca.ts): each loading's largest-|value| element (first on ties) is positive;
its scores flip with it. Run with Debian's /usr/bin/python3 (numpy + sklearn):

    /usr/bin/python3 scripts/golden/explore.py
"""
import json
import os

import numpy as np
from sklearn.decomposition import PCA

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("DATASETS_DIR", "/work/shared/datasets")
coffee = os.path.join(DATA, "ucr_spectro", "Coffee")
train = np.loadtxt(os.path.join(coffee, "Coffee_TRAIN.tsv"), delimiter="\t")
test = np.loadtxt(os.path.join(coffee, "Coffee_TEST.tsv"), delimiter="\t")
x = np.vstack([train[:, 1:], test[:2, 1:]])
assert x.shape[0] == 30

k = 5
model = PCA(n_components=k, svd_solver="full").fit(x)
loadings = model.components_.copy()
scores = model.transform(x)
for j in range(k):
    big = int(np.argmax(np.abs(loadings[j])))
    if loadings[j, big] < 0:
        loadings[j] *= -1
        scores[:, j] *= -1

out = {
    "source": "Coffee_TRAIN.tsv (28 rows) + first 2 rows of Coffee_TEST.tsv; sklearn PCA(n_components=5, svd_solver='full')",
    "rows": int(x.shape[0]),
    "points": int(x.shape[1]),
    "k": k,
    "values": x.ravel().tolist(),
    "explainedVarianceRatio": model.explained_variance_ratio_.tolist(),
    "explainedVariance": model.explained_variance_.tolist(),
    "scores": scores.ravel().tolist(),
    "loadings": loadings.ravel().tolist(),
}
path = os.path.join(ROOT, "test", "fixtures", "explore", "pca-coffee30.json")
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as f:
    json.dump(out, f)
print(f"wrote {path}")
