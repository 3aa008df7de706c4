#!/usr/bin/python3
"""Golden fixtures for the map clusters (src-main/common/maps/cluster.ts).

Run with Debian's python3 (numpy, scipy, scikit-learn):  /usr/bin/python3 scripts/golden/maps.py

Ward: scipy.cluster.hierarchy.linkage(X, 'ward') cut by fcluster(Z, k, 'maxclust') on 60 seeded
points in 3 overlapping blobs. Adjusted Rand index: sklearn.metrics.adjusted_rand_score on seeded
label vectors (and the degenerate cases). Writes test/fixtures/maps/clusters.json.
"""
import json
import os

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.metrics import adjusted_rand_score

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'maps')

rng = np.random.default_rng(14)
centres = np.array([[0, 0, 0, 0, 0], [3, 1, 0, -1, 2], [1, 4, 2, 0, -2]], dtype=float)
x = np.vstack([c + rng.normal(scale=1.2, size=(20, 5)) for c in centres]).astype(np.float32)
z = linkage(x.astype(np.float64), 'ward')
ward = {str(k): fcluster(z, k, 'maxclust').tolist() for k in (2, 3, 4, 6)}

ari = []
for n, ka, kb in [(50, 3, 3), (200, 4, 2), (875, 3, 4), (30, 1, 3)]:
    a = rng.integers(0, ka, n).tolist()
    b = [(v if rng.random() < 0.7 else int(rng.integers(0, kb))) for v in a] if ka == kb else rng.integers(0, kb, n).tolist()
    ari.append({'a': a, 'b': b, 'ari': float(adjusted_rand_score(a, b))})
ari.append({'a': [0, 0, 1, 1], 'b': [5, 5, 7, 7], 'ari': float(adjusted_rand_score([0, 0, 1, 1], [5, 5, 7, 7]))})
ari.append({'a': [0, 0, 0], 'b': [1, 1, 1], 'ari': float(adjusted_rand_score([0, 0, 0], [1, 1, 1]))})

os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, 'clusters.json'), 'w') as f:
    json.dump({'x': [float(v) for v in x.ravel()], 'rows': 60, 'points': 5, 'ward': ward, 'ari': ari}, f)
print('wrote', os.path.join(OUT, 'clusters.json'))
