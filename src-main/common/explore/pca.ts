/**
 * Exploratory statistics on a row-major block of spectra (pure TS: no Node, no DOM).
 *
 * PCA: mean-centred (no scaling). Top-k components by subspace iteration on X with a
 * Rayleigh–Ritz step (Jacobi eigen-decomposition of the small q × q matrix). When
 * min(rows, points) ≤ 64 the subspace is the whole row/column space, so one pass is exact;
 * otherwise it iterates until each top-k Ritz pair has ‖XᵀXv − λv‖ ≤ 1e-10 · λ₁.
 *
 * Sign convention: each loading vector is flipped so that its largest-|value| element
 * (the first one, on ties) is positive; its scores flip with it.
 */

export interface PcaResult {
  k: number;
  rows: number;
  points: number;
  /** Column means that were subtracted. */
  mean: Float64Array;
  /** Row-major [rows × k]. */
  scores: Float64Array;
  /** Row-major [k × points]; unit-length rows. */
  loadings: Float64Array;
  /** Variance of each component (divisor rows − 1). */
  explainedVariance: Float64Array;
  /** Component variance / total variance. */
  explainedVarianceRatio: Float64Array;
  totalVariance: number;
  iterations: number;
}

/** Eigen-decomposition of a symmetric n × n matrix (row-major, copied); eigenvalues descending. */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i]! ** 2;
      for (let j = i + 1; j < n; j++) off += a[i * n + j]! ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        const app = a[p * n + p]!;
        const aqq = a[q * n + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = [...Array(n).keys()].sort((x, y) => a[y * n + y]! - a[x * n + x]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n); // column j = eigenvector j
  order.forEach((src, j) => {
    values[j] = a[src * n + src]!;
    for (let i = 0; i < n; i++) vectors[i * n + j] = v[i * n + src]!;
  });
  return { values, vectors };
}

/** Orthonormalises the q columns of a [len × q] row-major matrix in place (modified Gram–Schmidt, twice). */
export function orthonormalise(m: Float64Array, len: number, q: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < q; j++) {
      for (let i = 0; i < j; i++) {
        let d = 0;
        for (let r = 0; r < len; r++) d += m[r * q + i]! * m[r * q + j]!;
        for (let r = 0; r < len; r++) m[r * q + j]! -= d * m[r * q + i]!;
      }
      let norm = 0;
      for (let r = 0; r < len; r++) norm += m[r * q + j]! ** 2;
      norm = Math.sqrt(norm);
      if (norm < 1e-300) {
        // Degenerate direction: replace by a unit vector orthogonal-ish, re-orthonormalised next pass.
        for (let r = 0; r < len; r++) m[r * q + j] = r % q === j ? 1 : 0;
      } else for (let r = 0; r < len; r++) m[r * q + j]! /= norm;
    }
  }
}

/** Y[n × q] = X[n × p] · Q[p × q]. */
function mulXQ(x: Float64Array, n: number, p: number, qm: Float64Array, q: number): Float64Array {
  const y = new Float64Array(n * q);
  for (let r = 0; r < n; r++) {
    const yo = r * q;
    const xo = r * p;
    for (let c = 0; c < p; c++) {
      const xv = x[xo + c]!;
      if (xv === 0) continue;
      const qo = c * q;
      for (let j = 0; j < q; j++) y[yo + j]! += xv * qm[qo + j]!;
    }
  }
  return y;
}

/** W[p × q] = Xᵀ[p × n] · Z[n × q]. */
function mulXtZ(x: Float64Array, n: number, p: number, z: Float64Array, q: number): Float64Array {
  const w = new Float64Array(p * q);
  for (let r = 0; r < n; r++) {
    const xo = r * p;
    const zo = r * q;
    for (let c = 0; c < p; c++) {
      const xv = x[xo + c]!;
      if (xv === 0) continue;
      const wo = c * q;
      for (let j = 0; j < q; j++) w[wo + j]! += xv * z[zo + j]!;
    }
  }
  return w;
}

export function pca(values: ArrayLike<number>, rows: number, points: number, k: number, options: { maxIterations?: number } = {}): PcaResult {
  if (rows < 2) throw new Error(`PCA needs at least 2 spectra; got ${rows}.`);
  if (points < 1 || values.length !== rows * points) throw new Error(`PCA: expected ${rows} × ${points} values, got ${values.length}.`);
  const rank = Math.min(rows - 1, points);
  k = Math.max(1, Math.min(k, rank));
  const n = rows;
  const p = points;
  const mean = new Float64Array(p);
  for (let r = 0; r < n; r++) for (let c = 0; c < p; c++) mean[c]! += values[r * p + c]!;
  for (let c = 0; c < p; c++) mean[c]! /= n;
  const x = new Float64Array(n * p);
  let total = 0;
  for (let r = 0; r < n; r++)
    for (let c = 0; c < p; c++) {
      const v = values[r * p + c]! - mean[c]!;
      if (!Number.isFinite(v)) throw new Error(`PCA: spectrum ${r + 1} has a missing or infinite value at point ${c + 1}.`);
      x[r * p + c] = v;
      total += v * v;
    }

  const small = Math.min(n, p);
  const exact = small <= 64;
  const q = exact ? small : Math.min(small, k + 12);
  // Deterministic start: a fixed pseudo-random p × q matrix (or the identity block when exact and p is small).
  let qm: Float64Array = new Float64Array(p * q);
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  if (exact && p === small) for (let i = 0; i < p; i++) qm[i * q + i] = 1;
  else if (exact) {
    // n < p: the row space of X is spanned by Xᵀ.
    qm = mulXtZ(x, n, p, identity(n), n);
    orthonormalise(qm, p, q);
  } else {
    for (let i = 0; i < qm.length; i++) qm[i] = rand();
    orthonormalise(qm, p, q);
  }

  const maxIt = exact ? 1 : (options.maxIterations ?? 60);
  let ritz: { values: Float64Array; vectors: Float64Array } = { values: new Float64Array(q), vectors: new Float64Array(q * q) };
  let it = 0;
  for (; it < maxIt; it++) {
    if (!exact) {
      const z = mulXQ(x, n, p, qm, q);
      orthonormalise(z, n, q);
      qm = mulXtZ(x, n, p, z, q);
      orthonormalise(qm, p, q);
    }
    const y = mulXQ(x, n, p, qm, q);
    const c = new Float64Array(q * q);
    for (let r = 0; r < n; r++)
      for (let i = 0; i < q; i++) {
        const yi = y[r * q + i]!;
        for (let j = i; j < q; j++) c[i * q + j]! += yi * y[r * q + j]!;
      }
    for (let i = 0; i < q; i++) for (let j = 0; j < i; j++) c[i * q + j] = c[j * q + i]!;
    ritz = symmetricEigen(c, q);
    if (exact) continue;
    // Converged when every top-k Ritz pair satisfies ‖XᵀX v − λ v‖ ≤ 1e-10 · λ₁ (v unit-length).
    const lam1 = Math.max(ritz.values[0]!, 1e-300);
    let done = true;
    for (let j = 0; j < k && done; j++) {
      const v = new Float64Array(p);
      for (let cc = 0; cc < p; cc++) {
        let sum = 0;
        for (let i = 0; i < q; i++) sum += qm[cc * q + i]! * ritz.vectors[i * q + j]!;
        v[cc] = sum;
      }
      const xv = mulXQ(x, n, p, v, 1);
      const xtxv = mulXtZ(x, n, p, xv, 1);
      let res = 0;
      for (let cc = 0; cc < p; cc++) res += (xtxv[cc]! - ritz.values[j]! * v[cc]!) ** 2;
      if (Math.sqrt(res) > 1e-10 * lam1) done = false;
    }
    if (done) {
      it++;
      break;
    }
  }

  const loadings = new Float64Array(k * p);
  for (let j = 0; j < k; j++) {
    let norm = 0;
    for (let c = 0; c < p; c++) {
      let s = 0;
      for (let i = 0; i < q; i++) s += qm[c * q + i]! * ritz.vectors[i * q + j]!;
      loadings[j * p + c] = s;
      norm += s * s;
    }
    norm = Math.sqrt(norm) || 1;
    let big = 0;
    for (let c = 0; c < p; c++) {
      loadings[j * p + c]! /= norm;
      if (Math.abs(loadings[j * p + c]!) > Math.abs(loadings[j * p + big]!)) big = c;
    }
    if (loadings[j * p + big]! < 0) for (let c = 0; c < p; c++) loadings[j * p + c] = -loadings[j * p + c]!;
  }
  const scores = new Float64Array(n * k);
  const explainedVariance = new Float64Array(k);
  const explainedVarianceRatio = new Float64Array(k);
  for (let r = 0; r < n; r++)
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let c = 0; c < p; c++) s += x[r * p + c]! * loadings[j * p + c]!;
      scores[r * k + j] = s;
    }
  for (let j = 0; j < k; j++) {
    let ss = 0;
    for (let r = 0; r < n; r++) ss += scores[r * k + j]! ** 2;
    explainedVariance[j] = ss / (n - 1);
    explainedVarianceRatio[j] = total > 0 ? ss / total : 0;
  }
  return { k, rows: n, points: p, mean, scores, loadings, explainedVariance, explainedVarianceRatio, totalVariance: total / (n - 1), iterations: it };
}

function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

export interface Histogram {
  /** bins + 1 edges, ascending. */
  edges: Float64Array;
  counts: Uint32Array;
  /** Values that were not finite (left out). */
  skipped: number;
}

/** Equal-width histogram over [min, max] of the finite values; the last bin includes max. */
export function histogram(values: ArrayLike<number>, bins: number): Histogram {
  bins = Math.max(1, Math.floor(bins));
  let lo = Infinity;
  let hi = -Infinity;
  let skipped = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      skipped++;
      continue;
    }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const counts = new Uint32Array(bins);
  const edges = new Float64Array(bins + 1);
  if (lo > hi) return { edges, counts, skipped };
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const w = (hi - lo) / bins;
  for (let b = 0; b <= bins; b++) edges[b] = b === bins ? hi : lo + b * w;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / w))]!++;
  }
  return { edges, counts, skipped };
}

export interface CorrelationMatrix {
  /** Indices of the points used (evenly spaced, first and last included). */
  indices: number[];
  size: number;
  /** Row-major [size × size] Pearson correlations; NaN where a point has no variance. */
  values: Float64Array;
}

/** Evenly spaced indices 0 … points − 1, at most `max` of them. */
export function evenIndices(points: number, max: number): number[] {
  const m = Math.max(1, Math.min(points, Math.floor(max)));
  if (m === 1) return [0];
  return Array.from({ length: m }, (_, i) => Math.round((i * (points - 1)) / (m - 1)));
}

/** Point-to-point Pearson correlation over the rows, on at most `maxPoints` evenly spaced points. */
export function correlationMatrix(values: ArrayLike<number>, rows: number, points: number, maxPoints: number): CorrelationMatrix {
  const indices = evenIndices(points, maxPoints);
  const m = indices.length;
  const z = new Float64Array(rows * m);
  const ok = new Array<boolean>(m);
  for (let j = 0; j < m; j++) {
    const c = indices[j]!;
    let mean = 0;
    for (let r = 0; r < rows; r++) mean += values[r * points + c]!;
    mean /= rows;
    let ss = 0;
    for (let r = 0; r < rows; r++) ss += (values[r * points + c]! - mean) ** 2;
    const sd = Math.sqrt(ss);
    ok[j] = sd > 0 && Number.isFinite(sd);
    for (let r = 0; r < rows; r++) z[r * m + j] = ok[j] ? (values[r * points + c]! - mean) / sd : 0;
  }
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = i; j < m; j++) {
      let s = NaN;
      if (ok[i] && ok[j]) {
        s = 0;
        for (let r = 0; r < rows; r++) s += z[r * m + i]! * z[r * m + j]!;
        s = Math.max(-1, Math.min(1, s));
      }
      out[i * m + j] = s;
      out[j * m + i] = s;
    }
  return { indices, size: m, values: out };
}
