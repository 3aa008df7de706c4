import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fitPls, type PlsModel } from '../common/ml/pls';
import { mulberry32, normal as standardNormal } from '../common/ml/random';

/**
 * PLS benchmark: `fitPls` (PLS1, NIPALS) on a generated rows × cols regression problem, compared
 * in the same run with scikit-learn's `PLSRegression(n_components).fit` (Debian's /usr/bin/python3)
 * on the same float64 data, best of 3 each. Also reports how far the two coefficient vectors are
 * apart, so a fast but wrong fit shows.
 */

const REPEATS = 3;

/**
 * X = L·A + noise with 15 latent factors (spectra-like correlated columns), y = L·β + noise.
 * Column offsets differ so that centring matters.
 */
function generateProblem(rows: number, cols: number, seed = 20260301): { X: Float64Array; y: Float64Array } {
  const uniform = mulberry32(seed);
  const normal = (): number => standardNormal(uniform);
  const factors = 15;
  const A = Float64Array.from({ length: factors * cols }, normal);
  const beta = Float64Array.from({ length: factors }, normal);
  const offsets = Float64Array.from({ length: cols }, (_, j) => 1 + 0.001 * j);
  const X = new Float64Array(rows * cols);
  const y = new Float64Array(rows);
  const latent = new Float64Array(factors);
  for (let i = 0; i < rows; i++) {
    let yi = 0;
    for (let f = 0; f < factors; f++) {
      latent[f] = normal();
      yi += latent[f] * beta[f];
    }
    y[i] = yi + 0.1 * normal();
    const o = i * cols;
    for (let j = 0; j < cols; j++) X[o + j] = offsets[j] + 0.5 * normal();
    for (let f = 0; f < factors; f++) {
      const l = latent[f];
      const fo = f * cols;
      for (let j = 0; j < cols; j++) X[o + j] += l * A[fo + j];
    }
  }
  return { X, y };
}

const PY = `
import json, sys, time, warnings
import numpy as np
from sklearn.cross_decomposition import PLSRegression
xf, yf, rows, cols, k, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
X = np.fromfile(xf, dtype='<f8').reshape(rows, cols)
y = np.fromfile(yf, dtype='<f8')
best = 1e9
for _ in range(repeats):
    t = time.perf_counter()
    m = PLSRegression(n_components=k).fit(X, y)
    best = min(best, time.perf_counter() - t)
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    c = np.asarray(m.coef_, dtype=float).reshape(-1)
# Coefficients in raw X units whichever way this version stores coef_ (on scaled X up to 1.2).
x_std = X.std(axis=0, ddof=1)
x_std[x_std == 0] = 1
pred = np.asarray(m.predict(X[:50])).reshape(-1)
raw = c / x_std
if np.max(np.abs((X[:50] - X.mean(axis=0)) @ raw + y.mean() - pred)) > 1e-8 * max(1, np.max(np.abs(pred))):
    raw = c
print(json.dumps({"seconds": best, "coefficients": raw.tolist()}))
`;

function sklearnAvailable(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import numpy, sklearn.cross_decomposition'], { encoding: 'utf8' }).status === 0;
}

/**
 * Runs the benchmark, logging as it goes.
 * @param opts rows (default 10,000), cols (default 1,000), components (default 10)
 * @returns best-of-3 seconds for ours and scikit-learn (null when it is not installed) and ours/sklearn
 */
export async function runPlsBench(
  log: (s: string) => void,
  opts: { rows?: number; cols?: number; components?: number } = {},
): Promise<{ oursSeconds: number; sklearnSeconds: number | null; ratio: number | null }> {
  const rows = opts.rows ?? 10_000;
  const cols = opts.cols ?? 1_000;
  const components = opts.components ?? 10;
  log(`PLS benchmark: PLS1 fit, ${rows} × ${cols}, ${components} components, scaled (best of ${REPEATS})`);
  const { X, y } = generateProblem(rows, cols);

  let oursSeconds = Infinity;
  let model: PlsModel | null = null;
  for (let r = 0; r < REPEATS; r++) {
    globalThis.gc?.();
    const t0 = performance.now();
    model = fitPls(X, y, rows, cols, 1, components);
    const seconds = (performance.now() - t0) / 1000;
    oursSeconds = Math.min(oursSeconds, seconds);
    log(`  run ${r + 1}: ${seconds.toFixed(3)} s`);
    // Yield so a caller's progress display can repaint between runs.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  log(`Spectra Desk fitPls: ${oursSeconds.toFixed(3)} s`);

  if (!sklearnAvailable()) {
    log('scikit-learn PLSRegression: not measured (install Debian python3-sklearn for the comparison)');
    return { oursSeconds, sklearnSeconds: null, ratio: null };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-desk-pls-'));
  try {
    const xf = path.join(dir, 'X.f64');
    const yf = path.join(dir, 'y.f64');
    fs.writeFileSync(xf, new Uint8Array(X.buffer, X.byteOffset, X.byteLength));
    fs.writeFileSync(yf, new Uint8Array(y.buffer, y.byteOffset, y.byteLength));
    const res = spawnSync('/usr/bin/python3', ['-c', PY, xf, yf, String(rows), String(cols), String(components), String(REPEATS)], {
      encoding: 'utf8',
      timeout: 600_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (res.status !== 0) {
      log(`scikit-learn PLSRegression: failed (${(res.stderr || res.error?.message || '').trim().split('\n').pop()})`);
      return { oursSeconds, sklearnSeconds: null, ratio: null };
    }
    const out = JSON.parse(res.stdout) as { seconds: number; coefficients: number[] };
    const ratio = oursSeconds / out.seconds;
    let diff = 0, scale = 0;
    out.coefficients.forEach((c, j) => {
      diff = Math.max(diff, Math.abs(model!.coefficients[j] - c));
      scale = Math.max(scale, Math.abs(c));
    });
    log(`scikit-learn PLSRegression.fit: ${out.seconds.toFixed(3)} s`);
    log(`ours / scikit-learn: ${ratio.toFixed(2)} (coefficients agree to ${(diff / scale).toExponential(1)} relative)`);
    return { oursSeconds, sklearnSeconds: out.seconds, ratio };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
