"""Reference numbers for test/io/witec.test.ts, computed apart from our reader.

Walks the WITec tag tree of each fixture in ../shared/datasets/format_fixtures/witec/, takes every
TDGraph's data (graph index fastest) and its TDSpectralTransformation (type 1: the spectrograph
formula of WITec's own readers, pixels counted from 0), turns wavelengths into Raman shift with
the excitation wavelength, and prints per graph: its size, the axis at points 0, 97, 137 and 1023,
the first three values of the first and last spectrum, and the silicon band's position (parabola
through the top three points of the mean spectrum).

    python3 scripts/golden/witec_axis.py
"""
import math
import struct
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parents[2]
FOLDER = HERE.parent / "shared" / "datasets" / "format_fixtures" / "witec"
GRAPH_TYPES = {1: "q", 2: "i", 3: "h", 5: "I", 6: "H", 7: "B", 9: "f", 10: "d"}


def tags(b, s, e, path):
    p = s
    while p < e:
        n = struct.unpack_from("<I", b, p)[0]
        name = b[p + 4 : p + 4 + n].decode("latin1")
        t, st, en = struct.unpack_from("<iqq", b, p + 4 + n)
        yield path + "/" + name, t, st, en
        if t == 0:
            yield from tags(b, st, en, path + "/" + name)
        p = en


def main(name):
    b = (FOLDER / name).read_bytes()
    T = {p: (t, s, e) for p, t, s, e in tags(b, 8, len(b), "")}

    def nums(path, fmt):
        t, s, e = T[path]
        k = struct.calcsize(fmt)
        return struct.unpack_from("<%d%s" % ((e - s) // k, fmt), b, s)

    def text(path):
        t, s, e = T[path]
        return b[s + 4 : s + 4 + struct.unpack_from("<I", b, s)[0]].decode("latin1")

    root = next(k for k in T if k.endswith("/DataClassName 0")).rsplit("/", 1)[0]
    objs, i = {}, 0
    while f"{root}/DataClassName {i}" in T:
        d = f"{root}/Data {i}"
        objs[nums(d + "/TData/ID", "i")[0]] = (text(f"{root}/DataClassName {i}"), d)
        i += 1
    for cls, d in objs.values():
        if cls != "TDGraph":
            continue
        g = d + "/TDGraph"
        sx, sy, sg = (nums(g + k, "i")[0] for k in ("/SizeX", "/SizeY", "/SizeGraph"))
        raw = np.array(nums(g + "/GraphData/Data", GRAPH_TYPES[nums(g + "/GraphData/DataType", "i")[0]]), dtype=float)
        spectra = raw.reshape(sx * sy, sg)
        tr = objs[nums(g + "/XTransformationID", "i")[0]][1] + "/TDSpectralTransformation"
        P = {k: nums(tr + "/" + k, "d")[0] for k in ("nC", "LambdaC", "Gamma", "Delta", "m", "d", "x", "f")}
        exc = nums(objs[nums(g + "/XInterpretationID", "i")[0]][1] + "/TDSpectralInterpretation/ExcitationWaveLength", "d")[0]
        i = np.arange(sg)
        alpha = math.asin(P["LambdaC"] * P["m"] / P["d"] / 2 / math.cos(P["Gamma"] / 2)) - P["Gamma"] / 2
        beta_h = P["Gamma"] + alpha - P["Delta"]
        hi = P["x"] * (P["nC"] - i) - P["f"] * math.sin(P["Delta"])
        lam = P["d"] / P["m"] * (math.sin(alpha) + np.sin(beta_h - np.arctan2(hi, P["f"] * math.cos(P["Delta"]))))
        shift = 1e7 / exc - 1e7 / lam
        mean = spectra.mean(0)
        k = int(np.argmax(mean[20:-20])) + 20
        y0, y1, y2 = mean[k - 1 : k + 2]
        off = 0.5 * (y0 - y2) / (y0 - 2 * y1 + y2)
        band = shift[k] + off * (shift[k + 1] - shift[k])
        print(name, text(d + "/TData/Caption"), f"{sx} x {sy} x {sg}", "excitation", exc)
        print("  axis", [repr(float(shift[j])) for j in (0, 97, 137, sg - 1)])
        print("  first", spectra[0][:3].tolist(), "last", spectra[-1][:3].tolist())
        print(f"  silicon band {band:.2f} cm-1 (point {k + off:.2f}, {shift[k + 1] - shift[k]:.2f} cm-1 per point)")


if __name__ == "__main__":
    for n in sys.argv[1:] or ["Si-data.WIP", "LineScans.WIP"]:
        main(n)
