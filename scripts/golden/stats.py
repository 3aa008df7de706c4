#!/usr/bin/env python3
"""Golden fixtures for src-main/common/ml/stats.ts: scipy.stats quantiles and distribution functions.

Writes test/fixtures/stats/distributions.json:
  normal    norm.ppf at probabilities from 1e-300 to 1 − 1e-16, norm.cdf at points in [−37, 8]
  f         f.ppf and f.cdf for d1 0.5 … 50, d2 0.5 … 2000 (the Hotelling T² limits use d1 = A, d2 = n − A)
  chi2      chi2.ppf and chi2.cdf for whole and fractional degrees of freedom 0.1 … 5000
            (Box's approximation of the Q limit uses fractional ones)
  special   betainc, gammainc and gammaln at a few points
  extreme   F with d2 = 1e6 and χ² with k = 1e5, 1e7: quantiles from mpmath at 30 digits
            (findroot, Illinois, on betainc / gammainc), because scipy's own values drift there (its
            chi2.cdf at k = 1e7 is 0.8 % off at p = 1e-6; its f.ppf with d2 = 1e6 ~2e-9)

Run with Debian's /usr/bin/python3 (apt-get install -y python3-scipy python3-numpy python3-mpmath):

    /usr/bin/python3 scripts/golden/stats.py
"""
import json
import os

import mpmath as mp
import numpy as np
import scipy
from scipy import special, stats

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "fixtures", "stats")

PROBS = [1e-300, 1e-20, 1e-10, 1e-6, 0.001, 0.01, 0.025, 0.05, 0.1, 0.3, 0.425, 0.5, 0.6, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-9, 1 - 1e-16]


def extreme():
    mp.mp.dps = 30
    f, chi2 = [], []
    for d1 in [0.5, 1, 10]:
        d2 = 10 ** 6
        a, b = mp.mpf(d1) / 2, mp.mpf(d2) / 2
        cdf = lambda x: mp.betainc(a, b, 0, d1 * x / (d1 * x + d2), regularized=True)
        for p in [0.01, 0.5, 0.95]:
            x0 = mp.mpf(stats.f.ppf(p, d1, d2))
            x = mp.findroot(lambda x: cdf(x) - p, (x0 * (1 - mp.mpf('1e-4')), x0 * (1 + mp.mpf('1e-4'))), solver="illinois")
            f.append({"d1": d1, "d2": d2, "p": p, "x": float(x)})
    for k in [10 ** 5, 10 ** 7]:
        a = mp.mpf(k) / 2
        cdf = lambda x: 1 - mp.gammainc(a, x / 2, mp.inf, regularized=True)
        for p in [1e-6, 0.05, 0.5, 0.95]:
            x0 = mp.mpf(stats.chi2.ppf(p, k))
            x = mp.findroot(lambda x: cdf(x) - p, (x0 * (1 - mp.mpf('1e-4')), x0 * (1 + mp.mpf('1e-4'))), solver="illinois")
            chi2.append({"k": k, "p": p, "x": float(x)})
    return {"f": f, "chi2": chi2}


def main():
    normal = {
        "ppf": [{"p": p, "x": float(stats.norm.ppf(p))} for p in PROBS],
        "cdf": [{"x": x, "p": float(stats.norm.cdf(x))} for x in [-37.0, -10.0, -5.0, -1.96, -1.0, -0.3, 0.0, 0.5, 1.0, 1.6448536269514722, 3.0, 8.0]],
    }
    f = []
    for d1 in [0.5, 1, 2, 3, 5, 10, 20, 50]:
        for d2 in [0.5, 1, 2, 3, 4, 7, 10, 30, 100, 2000]:
            for p in [0.01, 0.5, 0.9, 0.95, 0.99, 0.999]:
                x = float(stats.f.ppf(p, d1, d2))
                f.append({"d1": d1, "d2": d2, "p": p, "x": x, "cdf": float(stats.f.cdf(x, d1, d2))})
    chi2 = []
    for k in [0.01, 0.1, 0.5, 1, 1.7, 2, 3, 7.25, 10, 30, 100, 5000]:
        for p in [1e-6, 0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999999]:
            x = float(stats.chi2.ppf(p, k))
            chi2.append({"k": k, "p": p, "x": x, "cdf": float(stats.chi2.cdf(x, k))})
    special_ = {
        "betainc": [{"x": x, "a": a, "b": b, "value": float(special.betainc(a, b, x))}
                    for (x, a, b) in [(0.1, 0.5, 0.5), (0.5, 2, 3), (0.9, 10, 1), (0.3, 50, 200), (0.999, 0.5, 1000), (1e-5, 3, 4)]],
        "gammainc": [{"a": a, "x": x, "value": float(special.gammainc(a, x))}
                     for (a, x) in [(0.5, 0.1), (1, 1), (2.5, 10), (100, 90), (0.05, 3), (10, 0.5)]],
        "gammaln": [{"x": x, "value": float(special.gammaln(x))} for x in [0.01, 0.5, 1, 1.5, 2, 3.7, 10, 100.5, 1e4]],
    }
    os.makedirs(OUT, exist_ok=True)
    doc = {"generator": f"scripts/golden/stats.py (scipy {scipy.__version__}, numpy {np.__version__}, mpmath {mp.__version__})",
           "normal": normal, "f": f, "chi2": chi2, "special": special_, "extreme": extreme()}
    with open(os.path.join(OUT, "distributions.json"), "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
