#!/usr/bin/python3
"""Golden fixtures for the baseline-correction steps (src-main/common/preprocessing/steps/baselines).

Run with Debian's python3 (numpy + scipy):  /usr/bin/python3 scripts/golden/baselines.py

Independent reference implementations: the penalised baselines build W + lambda*D'D with
scipy.sparse and solve it with spsolve (SuperLU); modpoly uses np.polyfit/np.polyval;
rubberband uses its own monotone-chain lower hull. Writes test/fixtures/preprocessing/baselines/
*.json with floats in repr (shortest round-trip) precision.
"""
import json
import os

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import spsolve

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DATASETS = os.path.abspath(os.path.join(ROOT, '..', 'shared', 'datasets'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'preprocessing', 'baselines')


def penalty(n, lam):
    d = sparse.diags([1.0, -2.0, 1.0], [0, 1, 2], shape=(n - 2, n))
    return lam * (d.T @ d)


def whittaker(y, w, h):
    a = sparse.csc_matrix(sparse.diags(w) + h)
    return spsolve(a, w * y)


def asls(y, lam=1e5, p=0.01, iterations=10):
    """Eilers & Boelens 2005; w = p where y > z else 1 - p; fixed iterations, starting at w = 1."""
    n = len(y)
    h = penalty(n, lam)
    w = np.ones(n)
    z = None
    for it in range(iterations):
        z = whittaker(y, w, h)
        w = np.where(y > z, p, 1.0 - p)
    return z, iterations


def arpls(y, lam=1e5, ratio=1e-6, max_iterations=50):
    """Baek et al. 2015 (Analyst 140, 250), Appendix: std is the sample std (MATLAB, ddof=1)."""
    n = len(y)
    h = penalty(n, lam)
    w = np.ones(n)
    z = None
    it = 0
    for it in range(1, max_iterations + 1):
        z = whittaker(y, w, h)
        d = y - z
        dn = d[d < 0]
        if len(dn) < 2:
            break
        m = np.mean(dn)
        s = np.std(dn, ddof=1)
        if not s > 0:
            break
        with np.errstate(over='ignore'):
            wt = 1.0 / (1.0 + np.exp(2.0 * (d - (2.0 * s - m)) / s))
        if np.linalg.norm(w - wt) / np.linalg.norm(w) < ratio:
            break
        w = wt
    return z, it


def airpls(y, lam=100.0, max_iterations=15):
    """Zhang, Chen & Liang 2010 (Analyst 135, 1138), following the authors' reference code."""
    n = len(y)
    h = penalty(n, lam)
    w = np.ones(n)
    ynorm = np.abs(y).sum()
    z = None
    it = 0
    for it in range(1, max_iterations + 1):
        z = whittaker(y, w, h)
        d = y - z
        neg = d < 0
        dssn = np.abs(d[neg].sum())
        if not neg.any() or dssn < 0.001 * ynorm or it == max_iterations:
            break
        w = np.zeros(n)
        w[neg] = np.exp(it * np.abs(d[neg]) / dssn)
        w[0] = np.exp(it * d[neg].max() / dssn)
        w[-1] = w[0]
    return z, it


def modpoly(x, y, order=2, max_iterations=100, tolerance=1e-3):
    """Lieber & Mahadevan-Jansen 2003 (Appl. Spectrosc. 57, 1363); axis scaled to [-1, 1]."""
    xs = 2.0 * (x - x.min()) / (x.max() - x.min()) - 1.0
    yw = y.copy()
    fit = np.polyval(np.polyfit(xs, yw, order), xs)
    it = 0
    for k in range(1, max_iterations + 1):
        yw = np.minimum(yw, fit)
        new = np.polyval(np.polyfit(xs, yw, order), xs)
        num = np.linalg.norm(new - fit)
        den = np.linalg.norm(fit)
        change = 0.0 if num == 0 else (num / den if den > 0 else np.inf)
        fit = new
        it = k
        if change < tolerance:
            break
    return fit, it


def rubberband(x, y):
    """Lower convex hull (Andrew's monotone chain), linear interpolation between hull vertices."""
    n = len(x)
    order = list(range(n)) if x[-1] > x[0] else list(range(n - 1, -1, -1))
    xs = [float(x[i]) for i in order]
    ys = [float(y[i]) for i in order]
    hull = []
    for j in range(n):
        while len(hull) >= 2:
            o, a = hull[-2], hull[-1]
            cross = (xs[a] - xs[o]) * (ys[j] - ys[o]) - (ys[a] - ys[o]) * (xs[j] - xs[o])
            if cross <= 0:
                hull.pop()
            else:
                break
        hull.append(j)
    zs = [0.0] * n
    for k in range(len(hull) - 1):
        a, b = hull[k], hull[k + 1]
        zs[a] = ys[a]
        for j in range(a + 1, b):
            zs[j] = ys[a] + (ys[b] - ys[a]) * ((xs[j] - xs[a]) / (xs[b] - xs[a]))
    zs[hull[-1]] = ys[hull[-1]]
    z = np.zeros(n)
    for j in range(n):
        z[order[j]] = zs[j]
    return z, 0


def synthetic():
    """Descending wavenumber axis, quadratic baseline plus three Gaussian peaks."""
    x = np.linspace(1800.0, 400.0, 200)
    t = (x - 1100.0) / 700.0
    base = 0.5 + 0.3 * t + 0.4 * t * t
    peaks = 1.0 * np.exp(-0.5 * ((x - 1450.0) / 15.0) ** 2)
    peaks += 0.6 * np.exp(-0.5 * ((x - 1000.0) / 25.0) ** 2)
    peaks += 0.8 * np.exp(-0.5 * ((x - 700.0) / 10.0) ** 2)
    return x, base + peaks


def load_spectra():
    spectra = []
    chemo = np.loadtxt(os.path.join(DATASETS, 'chemotools', 'train_spectra.csv'), delimiter=',')
    wn = chemo[0, ::6]
    for r in range(1, 5):
        spectra.append({'name': f'chemotools-{r}', 'axis': wn, 'y': chemo[r, ::6]})
    tec = np.loadtxt(os.path.join(DATASETS, 'tecator', 'tecator.csv'), delimiter=',', skiprows=1)
    for r in range(2):
        spectra.append({'name': f'tecator-{r + 1}', 'axis': np.arange(100.0), 'y': tec[r, :100]})
    x, y = synthetic()
    spectra.append({'name': 'synthetic', 'axis': x, 'y': y})
    return spectra


def floats(a):
    return [float(v) for v in a]


def main():
    os.makedirs(OUT, exist_ok=True)
    spectra = load_spectra()
    with open(os.path.join(OUT, 'inputs.json'), 'w') as f:
        json.dump({'spectra': [{'name': s['name'], 'axis': floats(s['axis']), 'y': floats(s['y'])} for s in spectra]}, f)

    methods = {
        'asls': [({}, lambda s, p: asls(s['y'], **p)),
                 ({'lambda': 1e3, 'p': 0.05, 'iterations': 5},
                  lambda s, p: asls(s['y'], lam=p['lambda'], p=p['p'], iterations=p['iterations']))],
        'arpls': [({}, lambda s, p: arpls(s['y']))],
        'airpls': [({}, lambda s, p: airpls(s['y']))],
        'modpoly': [({}, lambda s, p: modpoly(s['axis'], s['y'])),
                    ({'order': 4}, lambda s, p: modpoly(s['axis'], s['y'], order=4))],
        'rubberband': [({}, lambda s, p: rubberband(s['axis'], s['y']))],
    }
    for name, variants in methods.items():
        cases = []
        for params, fn in variants:
            for s in spectra:
                z, iterations = fn(s, params)
                assert np.all(np.isfinite(z))
                cases.append({'spectrum': s['name'], 'params': params, 'iterations': iterations, 'baseline': floats(z)})
        with open(os.path.join(OUT, f'{name}.json'), 'w') as f:
            json.dump({'method': name, 'cases': cases}, f)


if __name__ == '__main__':
    main()
