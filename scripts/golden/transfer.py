#!/usr/bin/env python3
"""Golden fixture for src-main/common/ml/transfer.ts: Kennard–Stone selection, direct
standardisation (DS) and piecewise direct standardisation (PDS), in plain numpy.

Writes test/fixtures/transfer/transfer.json: synthetic spectra of one set of samples on two
"instruments" (B is A shifted by a fraction of a point, with a gain, a sloping offset and noise),
the Kennard–Stone order of 8 of them, and for that transfer set the DS and PDS transforms of the
other spectra, the PDS leave-one-out errors per half-width and the half-width they choose.

The rules the TypeScript follows:
  Kennard–Stone  Euclidean distances; start from the two most distant samples (lower index
                 first), then add the sample whose nearest selected sample is farthest; ties go
                 to the lower index.
  pinv           truncated SVD of the centred block: singular values at or below RCOND times the
                 largest are dropped.
  DS             F = pinv(B − mean B)(A − mean A); x_A = (x_B − mean B) F + mean A.
  PDS            for point j, B's points j−h … j+h (clipped at the ends), centred, regressed on
                 A's point j by the same pinv; the offset keeps the transfer-set means.
  window         h in 1 … H chosen by leave-one-out on the transfer set: the mean squared error
                 over every point of every left-out spectrum; the smaller h on a tie.

Run with Debian's /usr/bin/python3 (apt-get install -y python3-numpy):

    /usr/bin/python3 scripts/golden/transfer.py
"""
import json
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "test", "fixtures", "transfer")

RCOND = 0.01
MAX_HALF_WIDTH = 6


def kennard_stone(x, n):
    d = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(-1))
    i, j = np.unravel_index(np.argmax(d), d.shape)
    chosen = [int(min(i, j)), int(max(i, j))]
    while len(chosen) < n:
        nearest = d[:, chosen].min(1)
        nearest[chosen] = -1
        chosen.append(int(np.argmax(nearest)))
    return chosen


def tpinv(x):
    u, s, vt = np.linalg.svd(x, full_matrices=False)
    k = int((s > RCOND * s[0]).sum())
    return (vt[:k].T / s[:k]) @ u[:, :k].T, k


def ds_fit(a, b):
    ma, mb = a.mean(0), b.mean(0)
    p, k = tpinv(b - mb)
    f = p @ (a - ma)
    return {"f": f, "offset": ma - mb @ f, "rank": k}


def ds_apply(m, x):
    return x @ m["f"] + m["offset"]


def pds_fit(a, b, h):
    ma, mb = a.mean(0), b.mean(0)
    points = a.shape[1]
    coefs, offset = [], np.zeros(points)
    for j in range(points):
        lo, hi = max(0, j - h), min(points, j + h + 1)
        p, _ = tpinv(b[:, lo:hi] - mb[lo:hi])
        c = p @ (a[:, j] - ma[j])
        coefs.append((lo, c))
        offset[j] = ma[j] - mb[lo:hi] @ c
    return coefs, offset


def pds_apply(m, x):
    coefs, offset = m
    out = np.empty((x.shape[0], len(offset)))
    for j, (lo, c) in enumerate(coefs):
        out[:, j] = offset[j] + x[:, lo:lo + len(c)] @ c
    return out


def pds_loo(a, b, h):
    n, err = a.shape[0], 0.0
    for i in range(n):
        keep = [r for r in range(n) if r != i]
        m = pds_fit(a[keep], b[keep], h)
        err += ((pds_apply(m, b[i:i + 1]) - a[i]) ** 2).sum()
    return err / (n * a.shape[1])


def spectra(rng, samples, points):
    axis = np.arange(points, dtype=float)
    bands = [(8.0, 3.0), (19.0, 4.5), (30.0, 2.5)]
    conc = rng.uniform(0.2, 1.0, size=(samples, len(bands)))

    def measure(shift, width_scale):
        pure = np.array([np.exp(-0.5 * ((axis - c - shift) / (w * width_scale)) ** 2) for c, w in bands])
        return conc @ pure

    a = measure(0.0, 1.0) + 0.3 + 0.002 * rng.standard_normal((samples, points))
    b = 1.08 * measure(0.4, 1.1) + 0.25 + 0.004 * axis + 0.002 * rng.standard_normal((samples, points))
    return axis, a, b


def main():
    rng = np.random.default_rng(13)
    samples, points, n = 30, 40, 8
    axis, a, b = spectra(rng, samples, points)
    chosen = kennard_stone(a, n)
    others = [i for i in range(samples) if i not in chosen]
    ta, tb = a[chosen], b[chosen]
    ds = ds_fit(ta, tb)
    loo = [pds_loo(ta, tb, h) for h in range(1, MAX_HALF_WIDTH + 1)]
    h = 1 + int(np.argmin(loo))
    pds = pds_fit(ta, tb, h)
    doc = {
        "rcond": RCOND,
        "maxHalfWidth": MAX_HALF_WIDTH,
        "axis": axis.tolist(),
        "a": a.tolist(),
        "b": b.tolist(),
        "n": n,
        "kennardStone": chosen,
        "others": others,
        "ds": {"rank": ds["rank"], "transformed": ds_apply(ds, b[others]).tolist(), "offset": ds["offset"].tolist()},
        "pds": {"looMse": loo, "halfWidth": h, "transformed": pds_apply(pds, b[others]).tolist(), "offset": pds[1].tolist()},
        "rawRmse": float(np.sqrt(((b[others] - a[others]) ** 2).mean())),
        "numpy": np.__version__,
    }
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "transfer.json"), "w") as f:
        json.dump(doc, f)
        f.write("\n")
    print(f"kennard-stone {chosen}; DS rank {ds['rank']}; PDS LOO {loo} -> h {h}")


if __name__ == "__main__":
    main()
