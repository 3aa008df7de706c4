/**
 * PCA of spectra read page by page: the mean in one pass, the covariance matrix (points ×
 * points) in a second, its top eigenvectors by subspace iteration, and the scores in a third.
 * Memory is the covariance matrix, not the spectra. Same conventions as `explore/pca.ts`
 * (mean-centred, no scaling, variance with divisor rows − 1, each loading flipped so that its
 * largest-|value| element is positive), so both give the same scores.
 */
import { orthonormalise, symmetricEigen } from '../explore/pca';
import { mulberry32, normal } from '../ml/random';
import type { RowPages } from './rows';

export interface PagedPca {
  k: number;
  mean: Float64Array;
  /** Row-major [k × points]. */
  loadings: Float64Array;
  /** Row-major [rows × k]. */
  scores: Float64Array;
  explainedVariance: Float64Array;
  explainedVarianceRatio: Float64Array;
}

/** C · Q for the symmetric p × p `c` and the p × q `qm`. */
function multiply(c: Float64Array, qm: Float64Array, p: number, q: number): Float64Array {
  const out = new Float64Array(p * q);
  for (let r = 0; r < p; r++)
    for (let s = 0; s < p; s++) {
      const v = c[r * p + s]!;
      if (v === 0) continue;
      for (let j = 0; j < q; j++) out[r * q + j]! += v * qm[s * q + j]!;
    }
  return out;
}

/**
 * The sum of the outer products of mean-centred rows (the covariance matrix times rows − 1),
 * the one step of the PCA whose work grows with rows × points². `add` takes `count` rows of
 * `points` values each, row-major, already centred; `upper` gives the sum as a row-major
 * points × points array of which only the upper triangle is read. The app supplies one on the
 * WebAssembly kernels; {@link jsCrossProducts} is the one without them.
 */
export interface CrossProducts {
  add(rows: Float64Array, count: number): void;
  upper(): Float64Array;
}
export type CrossProductsOf = (points: number) => CrossProducts;

/** Rows added to the covariance together: each pass over its upper triangle then does 8 rows' work (three times faster than one row at a time at 1,000 points). */
const GROUP = 8;
/** Rows centred into float64 and handed to `add` at a time (a multiple of GROUP): half a megabyte at 1,000 points. */
const CHUNK = 64;

/** Cross products in plain JS, GROUP rows per pass over the upper triangle. */
export function jsCrossProducts(p: number): CrossProducts {
  const cov = new Float64Array(p * p);
  const group = new Float64Array(GROUP * p);
  return {
    add(rows, count) {
      for (let r0 = 0; r0 < count; r0 += GROUP) {
        const n = Math.min(GROUP, count - r0);
        group.set(rows.subarray(r0 * p, (r0 + n) * p));
        group.fill(0, n * p);
        addGroup(cov, group, p);
      }
    },
    upper: () => cov,
  };
}

/** Adds the outer products of the GROUP rows of `rows` to the upper triangle of `cov`. */
function addGroup(cov: Float64Array, rows: Float64Array, p: number): void {
  const [b1, b2, b3, b4, b5, b6, b7] = [1, 2, 3, 4, 5, 6, 7].map((k) => k * p) as [number, number, number, number, number, number, number];
  for (let i = 0; i < p; i++) {
    const a0 = rows[i]!;
    const a1 = rows[b1 + i]!;
    const a2 = rows[b2 + i]!;
    const a3 = rows[b3 + i]!;
    const a4 = rows[b4 + i]!;
    const a5 = rows[b5 + i]!;
    const a6 = rows[b6 + i]!;
    const a7 = rows[b7 + i]!;
    const o = i * p;
    for (let j = i; j < p; j++) cov[o + j]! += a0 * rows[j]! + a1 * rows[b1 + j]! + a2 * rows[b2 + j]! + a3 * rows[b3 + j]! + a4 * rows[b4 + j]! + a5 * rows[b5 + j]! + a6 * rows[b6 + j]! + a7 * rows[b7 + j]!;
  }
}

export function pagedPca(source: RowPages, k: number, crossProducts: CrossProductsOf = jsCrossProducts): PagedPca {
  const n = source.rows;
  const p = source.points;
  if (n < 2) throw new Error(`PCA needs at least 2 spectra; got ${n}.`);
  k = Math.max(1, Math.min(k, n - 1, p));
  const mean = new Float64Array(p);
  source.forEachPage((block, _first, count) => {
    for (let r = 0; r < count; r++) for (let c = 0; c < p; c++) mean[c]! += block[r * p + c]!;
  });
  for (let c = 0; c < p; c++) mean[c]! /= n;
  const sums = crossProducts(p);
  const centred = new Float64Array(CHUNK * p);
  source.forEachPage((block, _first, count) => {
    for (let r0 = 0; r0 < count; r0 += CHUNK) {
      const n = Math.min(CHUNK, count - r0);
      for (let r = 0; r < n; r++) for (let c = 0, o = (r0 + r) * p; c < p; c++) centred[r * p + c] = block[o + c]! - mean[c]!;
      sums.add(centred, n);
    }
  });
  const cov = sums.upper();
  let total = 0;
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) cov[j * p + i] = cov[i * p + j] = cov[i * p + j]! / (n - 1);
    total += cov[i * p + i]!;
  }
  const vectors = topEigenvectors(cov, p, k);
  const loadings = new Float64Array(k * p);
  const variance = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let big = 0;
    for (let c = 0; c < p; c++) if (Math.abs(vectors.v[c * vectors.q + j]!) > Math.abs(vectors.v[big * vectors.q + j]!)) big = c;
    const sign = vectors.v[big * vectors.q + j]! < 0 ? -1 : 1;
    for (let c = 0; c < p; c++) loadings[j * p + c] = sign * vectors.v[c * vectors.q + j]!;
    variance[j] = vectors.values[j]!;
  }
  const scores = new Float64Array(n * k);
  source.forEachPage((block, first, count) => {
    for (let r = 0; r < count; r++)
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let c = 0; c < p; c++) s += (block[r * p + c]! - mean[c]!) * loadings[j * p + c]!;
        scores[(first + r) * k + j] = s;
      }
  });
  return { k, mean, loadings, scores, explainedVariance: variance, explainedVarianceRatio: variance.map((v) => (total > 0 ? v / total : 0)) };
}

/**
 * The top k eigenpairs of a symmetric positive semi-definite matrix: directly when it is small,
 * otherwise by subspace iteration with a Rayleigh–Ritz step until each pair's residual
 * ‖Cv − λv‖ is at most 1e-10 · λ₁. Columns of `v` (p × q, row-major) are the eigenvectors.
 */
function topEigenvectors(c: Float64Array, p: number, k: number): { v: Float64Array; q: number; values: Float64Array } {
  if (p <= 64) {
    const e = symmetricEigen(c, p);
    return { v: e.vectors, q: p, values: e.values };
  }
  const q = Math.min(p, k + 8);
  const rand = mulberry32(1);
  let qm: Float64Array = Float64Array.from({ length: p * q }, () => normal(rand));
  orthonormalise(qm, p, q);
  let values: Float64Array = new Float64Array(q);
  for (let iteration = 0; iteration < 1000; iteration++) {
    const z = multiply(c, qm, p, q);
    const t = new Float64Array(q * q);
    for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) for (let r = 0; r < p; r++) t[i * q + j]! += qm[r * q + i]! * z[r * q + j]!;
    const e = symmetricEigen(t, q);
    values = e.values;
    const rotated = new Float64Array(p * q);
    const rotatedZ = new Float64Array(p * q);
    for (let r = 0; r < p; r++)
      for (let j = 0; j < q; j++) {
        let s = 0;
        let sz = 0;
        for (let i = 0; i < q; i++) {
          s += qm[r * q + i]! * e.vectors[i * q + j]!;
          sz += z[r * q + i]! * e.vectors[i * q + j]!;
        }
        rotated[r * q + j] = s;
        rotatedZ[r * q + j] = sz;
      }
    let worst = 0;
    for (let j = 0; j < k; j++) {
      let res = 0;
      for (let r = 0; r < p; r++) res += (rotatedZ[r * q + j]! - values[j]! * rotated[r * q + j]!) ** 2;
      worst = Math.max(worst, Math.sqrt(res));
    }
    qm = rotated;
    if (worst <= 1e-10 * Math.max(values[0]!, 1e-300)) break;
    qm = rotatedZ;
    orthonormalise(qm, p, q);
  }
  return { v: qm, q, values };
}
