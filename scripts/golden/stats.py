#!/usr/bin/env python3
"""Golden fixtures for src-main/common/ml/stats.ts: scipy.stats quantiles and distribution functions.

Writes test/fixtures/stats/distributions.json:
  normal    norm.ppf at probabilities from 1e-300 to 1 − 1e-16, norm.cdf at points in [−37, 8]
  f         f.ppf and f.cdf for d1 1 … 20, d2 1 … 2000 (the Hotelling T² limits use d1 = A, d2 = n − A)
  chi2      chi2.ppf and chi2.cdf for whole and fractional degrees of freedom 0.1 … 5000
            (Box's approximation of the Q limit uses fractional ones)
  special   betainc, gammainc and gammaln at a few points

Run with Debian's /usr/bin/python3 (apt-get install -y python3-scipy python3-numpy):

    /usr/bin/python3 scripts/golden/stats.py
"""
import json
import os

import numpy as np
import scipy
from scipy import special, stats

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "fixtures", "stats")

PROBS = [1e-300, 1e-20, 1e-10, 1e-6, 0.001, 0.01, 0.025, 0.05, 0.1, 0.3, 0.425, 0.5, 0.6, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-9, 1 - 1e-16]


def main():
    normal = {
        "ppf": [{"p": p, "x": float(stats.norm.ppf(p))} for p in PROBS],
        "cdf": [{"x": x, "p": float(stats.norm.cdf(x))} for x in [-37.0, -10.0, -5.0, -1.96, -1.0, -0.3, 0.0, 0.5, 1.0, 1.6448536269514722, 3.0, 8.0]],
    }
    f = []
    for d1 in [1, 2, 3, 5, 10, 20]:
        for d2 in [1, 2, 3, 4, 7, 10, 30, 100, 2000]:
            for p in [0.01, 0.5, 0.9, 0.95, 0.99, 0.999]:
                x = float(stats.f.ppf(p, d1, d2))
                f.append({"d1": d1, "d2": d2, "p": p, "x": x, "cdf": float(stats.f.cdf(x, d1, d2))})
    chi2 = []
    for k in [0.1, 0.5, 1, 1.7, 2, 3, 7.25, 10, 30, 100, 5000]:
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
    doc = {"generator": f"scripts/golden/stats.py (scipy {scipy.__version__}, numpy {np.__version__})",
           "normal": normal, "f": f, "chi2": chi2, "special": special_}
    with open(os.path.join(OUT, "distributions.json"), "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
