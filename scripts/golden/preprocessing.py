#!/usr/bin/python3
"""Golden fixtures for src-main/common/preprocessing, computed with Debian's numpy/scipy in float64.

Run with /usr/bin/python3 from the repo root:  /usr/bin/python3 scripts/golden/preprocessing.py
Writes test/fixtures/preprocessing/{chemotools,tecator}.json. Numbers are written with repr()
(shortest round-trip float64), so the TypeScript tests read exactly the same doubles.
"""
import json
import math
import os

import numpy as np
from scipy.signal import savgol_filter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'preprocessing')
DATA = '/work/shared/datasets'



def arr(a):
    a = np.asarray(a, dtype=np.float64)
    assert np.all(np.isfinite(a))
    return a.tolist()


def delta_of(axis):
    return abs(axis[-1] - axis[0]) / (len(axis) - 1)


def snv(x):
    return (x - x.mean(axis=1, keepdims=True)) / x.std(axis=1, keepdims=True)


def msc(x, ref):
    out = np.empty_like(x)
    for i, row in enumerate(x):
        a, b = np.polyfit(ref, row, 1)
        out[i] = (row - b) / a
    return out


def detrend(x, axis, order):
    t = 2 * (axis - axis.min()) / (axis.max() - axis.min()) - 1
    out = np.empty_like(x)
    for i, row in enumerate(x):
        out[i] = row - np.polyval(np.polyfit(t, row, order), t)
    return out


def abs_trapz(y, axis):
    return np.sum((np.abs(y[:, 1:]) + np.abs(y[:, :-1])) * np.abs(np.diff(axis)), axis=1) / 2


def normalize(x, axis, method, band=None):
    if method == 'minmax':
        mn, mx = x.min(axis=1, keepdims=True), x.max(axis=1, keepdims=True)
        return (x - mn) / (mx - mn)
    if method == 'area':
        return x / abs_trapz(x, axis)[:, None]
    if method == 'vector':
        return x / np.linalg.norm(x, axis=1, keepdims=True)
    if method == 'max':
        return x / np.abs(x).max(axis=1, keepdims=True)
    lo, hi = min(band), max(band)
    m = (axis >= lo) & (axis <= hi)
    return x / abs_trapz(x[:, m], axis[m])[:, None]


def despike(x, threshold=7.0, window=2):
    out = x.copy()
    n = x.shape[1]
    for r, y in enumerate(x):
        d = np.diff(y)
        med = np.median(d)
        dev = np.abs(d - med)
        mad = np.median(dev)
        scale = mad / 0.6745 if mad > 0 else 1.253314 * dev.mean()
        big = dev / scale > threshold if scale > 0 else np.zeros(n - 1, bool)
        spike = np.zeros(n, bool)
        spike[1:] |= big
        spike[:-1] |= big
        for i in np.nonzero(spike)[0]:
            lo, hi = max(0, i - window), min(n - 1, i + window)
            idx = [j for j in range(lo, hi + 1) if not spike[j]]
            if idx:
                out[r, i] = y[idx].mean()
    return out


def case(kind, params, expected, **extra):
    c = {'name': f"{kind} {json.dumps(params, sort_keys=True)}", 'kind': kind, 'params': params}
    c.update(extra)
    c['expected'] = arr(expected)
    return c


def cases_for(axis, x, full):
    d = delta_of(axis)
    cs = []
    sg = [(11, 2, 0), (11, 2, 1), (11, 2, 2), (7, 3, 1), (15, 4, 2)] if full else [(11, 2, 1), (9, 3, 2)]
    for w, p, der in sg:
        cs.append(case('savitzkyGolay', {'windowSize': w, 'polynomial': p, 'derivative': der},
                       savgol_filter(x, w, p, deriv=der, delta=d, axis=-1)))
    if full:
        cs.append(case('savitzkyGolay', {'windowSize': 9, 'polynomial': 2, 'derivative': 1, 'scaleByAxisStep': False},
                       savgol_filter(x, 9, 2, deriv=1, axis=-1)))
    cs.append(case('snv', {}, snv(x)))
    ref = x[:3].mean(axis=0)
    cs.append(case('msc', {}, msc(x, ref), fitRows=3))
    for order in ([1, 3] if full else [2]):
        cs.append(case('detrend', {'order': order}, detrend(x, axis, order)))
    methods = ['minmax', 'area', 'vector', 'max', 'band'] if full else ['area', 'vector']
    band = [float(axis[len(axis) // 3]), float(axis[len(axis) // 2])]
    for m in methods:
        params = {'method': m, 'band': band} if m == 'band' else {'method': m}
        cs.append(case('normalize', params, normalize(x, axis, m, band)))
    mean = x[:3].mean(axis=0)
    std = x[:3].std(axis=0)  # ddof=0
    cs.append(case('meanCenter', {}, x - mean, fitRows=3))
    cs.append(case('autoscale', {}, (x - mean) / std, fitRows=3))
    if full:
        lo, hi = sorted([float(axis[5]), float(axis[40])])
        ex = sorted([float(axis[20]), float(axis[25])])
        keep = (axis >= lo) & (axis <= hi) & ~((axis >= ex[0]) & (axis <= ex[1]))
        cs.append(case('crop', {'ranges': [[hi, lo]], 'exclude': [ex]}, x[:, keep], axis=arr(axis[keep])))
        step = 1.5
        target = axis[0] + np.arange(int(math.floor(abs(axis[-1] - axis[0]) / step + 1e-9)) + 1) * step * np.sign(axis[-1] - axis[0])
        cs.append(case('resample', {'step': step}, np.array([np.interp(target, axis, row) for row in x]), axis=arr(target)))
        spiky = x.copy()
        spiky[1, 30] += 5 * (x.max() - x.min())
        spiky[3, 50] -= 3 * (x.max() - x.min())
        spiky[3, 51] -= 3 * (x.max() - x.min())
        cs.append(case('despike', {}, despike(spiky), input=arr(spiky)))
    if not full:
        return cs
    # Conversions on physically plausible inputs derived from the spectra.
    span = x.max(axis=1, keepdims=True) - x.min(axis=1, keepdims=True)
    r = 0.05 + 0.9 * (x - x.min(axis=1, keepdims=True)) / span
    cs.append(case('transmittanceToAbsorbance', {}, -np.log10(r), input=arr(r)))
    cs.append(case('transmittanceToAbsorbance', {'percent': True}, -np.log10(r), input=arr(100 * r)))
    cs.append(case('reflectanceToLog1R', {}, np.log10(1 / r), input=arr(r)))
    cs.append(case('kubelkaMunk', {}, (1 - r) ** 2 / (2 * r), input=arr(r)))
    return cs


def write(name, source, axis, x, full):
    doc = {'source': source, 'generator': 'scripts/golden/preprocessing.py', 'numpy': np.__version__,
           'axis': arr(axis), 'input': arr(x), 'cases': cases_for(axis, x, full)}
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')


def main():
    os.makedirs(OUT, exist_ok=True)
    path = f'{DATA}/chemotools/train_spectra.csv'
    axis = np.loadtxt(path, delimiter=',', max_rows=1)
    data = np.loadtxt(path, delimiter=',', skiprows=1)
    cols = slice(85, 145)  # 60 points around the strongest band; spacing alternates 1 and 2 cm⁻¹
    write('chemotools.json', 'chemotools/train_spectra.csv rows 1-5, columns 86-145', axis[cols], data[:5, cols], True)

    path = f'{DATA}/tecator/tecator.csv'
    with open(path) as f:
        header = f.readline().strip().split(',')
    cols = [i for i, h in enumerate(header) if h.strip('"').startswith('absorbance_')]
    data = np.loadtxt(path, delimiter=',', skiprows=1, usecols=cols)
    axis = 850.0 + 2.0 * np.arange(len(cols))  # Tecator: 100 channels, 850-1048 nm
    write('tecator.json', 'tecator/tecator.csv rows 1-4, absorbance_21..absorbance_80 (890-1008 nm)', axis[20:80], data[:4, 20:80], False)


if __name__ == '__main__':
    main()
