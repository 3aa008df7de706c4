"""Golden values for `spectra-desk preprocess` with savitzkyGolay(11, 2, deriv 1) → snv.

Reads chemotools train_spectra.csv, rounds to float32 (what the project file stores), then
scipy.signal.savgol_filter(X, 11, 2, deriv=1) and SNV (population std), in float64.
Run with Debian's /usr/bin/python3 (numpy + scipy); writes test/fixtures/preprocessing/cli-sg-snv.json.
"""
import csv, json, os
import numpy as np
from scipy.signal import savgol_filter

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, '..', '..'))
src = os.path.join(root, '..', 'shared', 'datasets', 'chemotools', 'train_spectra.csv')
rows = list(csv.reader(open(src)))
axis = [float(v) for v in rows[0]]
X = np.array([[float(v) for v in r] for r in rows[1:]], dtype=np.float32).astype(np.float64)
D = savgol_filter(X, 11, 2, deriv=1)
S = (D - D.mean(axis=1, keepdims=True)) / D.std(axis=1, keepdims=True)
pick = [0, 10, 20]
out = {
    'source': 'chemotools/train_spectra.csv',
    'pipeline': {'schemaVersion': 1, 'steps': [{'kind': 'savitzkyGolay', 'params': {'windowSize': 11, 'polynomial': 2, 'derivative': 1}}, {'kind': 'snv'}]},
    'rows': len(X),
    'axis': axis,
    'picked': pick,
    'expected': [[repr(float(v)) for v in S[i]] for i in pick],
}
json.dump(out, open(os.path.join(root, 'test', 'fixtures', 'preprocessing', 'cli-sg-snv.json'), 'w'))
