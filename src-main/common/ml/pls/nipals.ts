import { argmaxRows } from '../metrics';
import { checkComponents, checkInteger, checkLabels, checkShape, fail, findNonFinite } from './checks';
import { loadingsWeightsInverse } from './rotation';
import { centroidDecision, centroidShares, nearestNeighbourDecision, nearestNeighbourShares, trainingScores, type PlsCentroid, type PlsDecision, type PlsNearestNeighbour } from './decisions';
import { plsScores } from './diagnostics';
import { fitLda, ldaProbabilities, type PlsLda } from './lda';

/**
 * Partial least squares (PLS2 / PLS1 regression and PLS-DA), pure TypeScript on Float64Array.
 *
 * The algorithm is scikit-learn's `PLSRegression` (NIPALS, mode A, deflation "regression",
 * max_iter 500, tol 1e-6), reproduced step for step so that `coef_`, `x_weights_` and `predict`
 * agree to rounding. Two rewrites keep the same iterates while touching X far less often:
 *
 * - The power iteration for a weight vector only ever forms Xₖᵀ·Yₖ·Yₖᵀ·Xₖ·w, so it runs on the
 *   small cross-product M = XₖᵀYₖ (cols × targets) instead of sweeping X twice per iteration.
 *   M is updated after each component with the rank-one identity Mₖ₊₁ = Mₖ − (tᵀt)·p·qᵀ.
 * - X is never deflated: Xₖ = X₀ − T·Pᵀ, so t = X₀w − T(Pᵀw) and Xₖᵀt = X₀ᵀt − P(Tᵀt) come from
 *   one read-only row sweep per component over the caller's X, centred on the fly and with the
 *   scaling folded into w. X is neither copied nor modified.
 */

const EPS = 2.220446049250313e-16;
/** Weights and scores below this fraction of X's norm are rounding noise: nothing left to model. */
const EXHAUSTED = 1e-12;

/** Options of {@link fitPls}. */
export interface PlsOptions {
  /**
   * Divide every X and Y column by its standard deviation (ddof 1) after centring, as
   * scikit-learn's `scale=True`. Columns with zero variance keep scale 1.
   * @default true
   */
  scale?: boolean;
  /** Power-iteration limit per component (multi-target only). @default 500 */
  maxIterations?: number;
  /** Power iteration stops when ‖w − w_previous‖² < tolerance. @default 1e-6 */
  tolerance?: number;
}

/**
 * A fitted PLS model, plain JSON (arrays of numbers). Matrices are row-major.
 * Prediction: ŷ = (x − xMeans)·coefficients + yMeans = x·coefficients + intercepts.
 */
export interface PlsModel {
  kind: 'pls';
  version: 1;
  /** 'classification' for PLS-DA (targets = classes, one-hot), else 'regression'. */
  task: 'regression' | 'classification';
  cols: number;
  targets: number;
  /** Components fitted; fewer than asked for only when X or Y had nothing left to explain. */
  components: number;
  scale: boolean;
  xMeans: number[];
  /** Column standard deviations (ddof 1), 1 for constant columns or when `scale` is false. */
  xScales: number[];
  yMeans: number[];
  yScales: number[];
  /** X weights W, cols × components (scikit-learn `x_weights_`), largest-|value| entry of each column positive. */
  xWeights: number[];
  /** X loadings P, cols × components (scikit-learn `x_loadings_`), in the scaled space. */
  xLoadings: number[];
  /** Y loadings Q, targets × components (scikit-learn `y_loadings_`), in the scaled space. */
  yLoadings: number[];
  /** Regression coefficients B, cols × targets, in the units of the raw X and Y. */
  coefficients: number[];
  /** Intercepts, one per target: yMeans − xMeansᵀ·B. */
  intercepts: number[];
  /** Fraction of the total sum of squares of the centred (scaled) X explained by each component. */
  explainedVarianceX: number[];
  /** Fraction of the total sum of squares of the centred (scaled) Y explained by each component. */
  explainedVarianceY: number[];
  /** Power iterations per component (scikit-learn `n_iter_`); `maxIterations` means it did not converge. */
  iterations: number[];
  /**
   * PLS-DA only: how a spectrum's class is decided. Absent: the PLS-DA rule, the largest value of
   * the predicted one-hot row. Otherwise the nearest class centre of the predicted rows
   * ({@link PlsCentroid}) or the class of the nearest training spectrum in the space of the
   * model's X scores ({@link PlsNearestNeighbour}).
   */
  decision?: PlsNearestNeighbour | PlsCentroid | PlsLda;
}

/** Options of {@link fitPlsDa}. */
export interface PlsDaOptions extends PlsOptions {
  /** 'pls-da': argmax of the predicted one-hot row; 'centroid': see {@link PlsCentroid}; 'nearest-neighbour': see {@link PlsNearestNeighbour}; 'lda': LDA on the X scores, see {@link PlsLda}. @default 'pls-da' */
  decision?: PlsDecision;
}

/** Internal result of a fit, before it is turned into a {@link PlsModel}. */
export interface PlsCore {
  rows: number;
  cols: number;
  targets: number;
  components: number;
  xMeans: Float64Array;
  xScales: Float64Array;
  yMeans: Float64Array;
  yScales: Float64Array;
  /** cols × maxComponents, row-major; only the first `components` columns are set. */
  W: Float64Array;
  P: Float64Array;
  /** targets × maxComponents. */
  Q: Float64Array;
  /** X scores of the fitted rows (in the order of the row index), rows × maxComponents. */
  T: Float64Array;
  stride: number;
  ssX: number[];
  ssY: number[];
  totalSsX: number;
  totalSsY: number;
  iterations: number[];
}

/**
 * Centred (and scaled) copy of the selected rows of a small row-major matrix (Y), with its column
 * means, scales and total sum of squares. Two passes for the moments keep digits on large offsets.
 */
function standardize(
  name: string,
  data: ArrayLike<number>,
  index: Int32Array | null,
  rows: number,
  cols: number,
  scale: boolean,
): { values: Float64Array; means: Float64Array; scales: Float64Array; totalSs: number } {
  const means = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = (index ? index[i] : i) * cols;
    for (let j = 0; j < cols; j++) means[j] += data[o + j];
  }
  for (let j = 0; j < cols; j++) {
    if (!Number.isFinite(means[j])) findNonFinite(name, data, cols);
    means[j] /= rows;
  }
  const ss = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = (index ? index[i] : i) * cols;
    for (let j = 0; j < cols; j++) {
      const d = data[o + j] - means[j];
      ss[j] += d * d;
    }
  }
  const scales = scalesOf(ss, rows, scale);
  let totalSs = 0;
  for (let j = 0; j < cols; j++) totalSs += ss[j] / (scales[j] * scales[j]);
  const values = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const o = (index ? index[i] : i) * cols;
    const d = i * cols;
    for (let j = 0; j < cols; j++) values[d + j] = (data[o + j] - means[j]) / scales[j];
  }
  return { values, means, scales, totalSs };
}

/** Standard deviations (ddof 1) from centred sums of squares; 1 for constant columns or without scaling. */
function scalesOf(ss: Float64Array, rows: number, scale: boolean): Float64Array {
  const scales = new Float64Array(ss.length).fill(1);
  if (scale) {
    for (let j = 0; j < ss.length; j++) {
      const sd = Math.sqrt(ss[j] / (rows - 1));
      if (sd !== 0) scales[j] = sd;
    }
  }
  return scales;
}

/**
 * One read-only sweep over the selected rows of X: column means and scales, and the scaled
 * cross-product M = X₀ᵀY₀ (targets × cols) with the centred, scaled Y₀. X is never copied:
 * the moments are sums of d = x − x_first (shifting by a data row keeps a one-pass variance
 * accurate), and Σᵢ(xᵢ − μ)yᵢ = Σᵢdᵢyᵢ − (μ − x_first)·Σᵢyᵢ.
 */
function xMoments(
  X: ArrayLike<number>,
  index: Int32Array | null,
  rows: number,
  cols: number,
  scale: boolean,
  y: Float64Array,
  targets: number,
): { means: Float64Array; scales: Float64Array; totalSs: number; M: Float64Array } {
  const first = (index ? index[0] : 0) * cols;
  const shift = new Float64Array(cols);
  for (let j = 0; j < cols; j++) shift[j] = X[first + j];
  const s1 = new Float64Array(cols);
  const s2 = new Float64Array(cols);
  const M = new Float64Array(targets * cols);
  const ySums = new Float64Array(targets);
  for (let i = 0; i < rows * targets; i++) ySums[i % targets] += y[i];
  const at = (i: number): number => (index ? index[i] : i) * cols;
  // Eight rows at a time (as scoreSweep): the per-column sums are loaded once per eight rows.
  let i = 0;
  for (; i + 7 < rows; i += 8) {
    const o0 = at(i), o1 = at(i + 1), o2 = at(i + 2), o3 = at(i + 3);
    const o4 = at(i + 4), o5 = at(i + 5), o6 = at(i + 6), o7 = at(i + 7);
    for (let j = 0; j < cols; j++) {
      const sh = shift[j];
      const d0 = X[o0 + j] - sh, d1 = X[o1 + j] - sh, d2 = X[o2 + j] - sh, d3 = X[o3 + j] - sh;
      const d4 = X[o4 + j] - sh, d5 = X[o5 + j] - sh, d6 = X[o6 + j] - sh, d7 = X[o7 + j] - sh;
      s1[j] += d0 + d1 + d2 + d3 + d4 + d5 + d6 + d7;
      s2[j] += d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3 + d4 * d4 + d5 * d5 + d6 * d6 + d7 * d7;
    }
    for (let c = 0; c < targets; c++) {
      const b = i * targets + c;
      const v0 = y[b], v1 = y[b + targets], v2 = y[b + 2 * targets], v3 = y[b + 3 * targets];
      const v4 = y[b + 4 * targets], v5 = y[b + 5 * targets], v6 = y[b + 6 * targets], v7 = y[b + 7 * targets];
      const m = c * cols;
      for (let j = 0; j < cols; j++) {
        const sh = shift[j];
        M[m + j] +=
          v0 * (X[o0 + j] - sh) + v1 * (X[o1 + j] - sh) + v2 * (X[o2 + j] - sh) + v3 * (X[o3 + j] - sh) +
          v4 * (X[o4 + j] - sh) + v5 * (X[o5 + j] - sh) + v6 * (X[o6 + j] - sh) + v7 * (X[o7 + j] - sh);
      }
    }
  }
  for (; i < rows; i++) {
    const o = at(i);
    for (let j = 0; j < cols; j++) {
      const d = X[o + j] - shift[j];
      s1[j] += d;
      s2[j] += d * d;
    }
    for (let c = 0; c < targets; c++) {
      const v = y[i * targets + c];
      const m = c * cols;
      for (let j = 0; j < cols; j++) M[m + j] += v * (X[o + j] - shift[j]);
    }
  }
  const means = new Float64Array(cols);
  const ss = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    if (!Number.isFinite(s2[j])) findNonFinite('X', X, cols);
    const delta = s1[j] / rows;
    means[j] = shift[j] + delta;
    ss[j] = Math.max(0, s2[j] - s1[j] * delta);
  }
  const scales = scalesOf(ss, rows, scale);
  let totalSs = 0;
  for (let j = 0; j < cols; j++) totalSs += ss[j] / (scales[j] * scales[j]);
  for (let c = 0; c < targets; c++) {
    const m = c * cols;
    for (let j = 0; j < cols; j++) M[m + j] = (M[m + j] - (means[j] - shift[j]) * ySums[c]) / scales[j];
  }
  return { means, scales, totalSs, M };
}

/**
 * One read-only sweep over the selected rows of X, centred on the fly (w′ = w/σ):
 * tᵢ = (xᵢ − μ)·w′ − Tᵢ·a (a = Pᵀw over earlier components) and, from the same rows while they
 * are in cache, acc += tᵢ·(xᵢ − μ). Eight rows at a time, so that μ, w′ and acc are loaded once
 * per eight rows: the sweep then runs at close to memory speed.
 */
function scoreSweep(
  X: ArrayLike<number>,
  index: Int32Array | null,
  rows: number,
  cols: number,
  mu: Float64Array,
  w: Float64Array,
  T: Float64Array,
  stride: number,
  k: number,
  a: Float64Array,
  t: Float64Array,
  acc: Float64Array,
): void {
  acc.fill(0);
  const score = (i: number, s: number): number => {
    const r = i * stride;
    for (let l = 0; l < k; l++) s -= T[r + l] * a[l];
    t[i] = s;
    return s;
  };
  const at = (i: number): number => (index ? index[i] : i) * cols;
  let i = 0;
  for (; i + 7 < rows; i += 8) {
    const o0 = at(i), o1 = at(i + 1), o2 = at(i + 2), o3 = at(i + 3);
    const o4 = at(i + 4), o5 = at(i + 5), o6 = at(i + 6), o7 = at(i + 7);
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    for (let j = 0; j < cols; j++) {
      const m = mu[j], wj = w[j];
      s0 += (X[o0 + j] - m) * wj;
      s1 += (X[o1 + j] - m) * wj;
      s2 += (X[o2 + j] - m) * wj;
      s3 += (X[o3 + j] - m) * wj;
      s4 += (X[o4 + j] - m) * wj;
      s5 += (X[o5 + j] - m) * wj;
      s6 += (X[o6 + j] - m) * wj;
      s7 += (X[o7 + j] - m) * wj;
    }
    s0 = score(i, s0);
    s1 = score(i + 1, s1);
    s2 = score(i + 2, s2);
    s3 = score(i + 3, s3);
    s4 = score(i + 4, s4);
    s5 = score(i + 5, s5);
    s6 = score(i + 6, s6);
    s7 = score(i + 7, s7);
    for (let j = 0; j < cols; j++) {
      const m = mu[j];
      acc[j] +=
        s0 * (X[o0 + j] - m) + s1 * (X[o1 + j] - m) + s2 * (X[o2 + j] - m) + s3 * (X[o3 + j] - m) +
        s4 * (X[o4 + j] - m) + s5 * (X[o5 + j] - m) + s6 * (X[o6 + j] - m) + s7 * (X[o7 + j] - m);
    }
  }
  for (; i < rows; i++) {
    const o = at(i);
    let s = 0;
    for (let j = 0; j < cols; j++) s += (X[o + j] - mu[j]) * w[j];
    s = score(i, s);
    for (let j = 0; j < cols; j++) acc[j] += s * (X[o + j] - mu[j]);
  }
}

function normalize(v: Float64Array): number {
  let ss = 0;
  for (let j = 0; j < v.length; j++) ss += v[j] * v[j];
  const norm = Math.sqrt(ss);
  if (norm > 0) for (let j = 0; j < v.length; j++) v[j] /= norm;
  return norm;
}

/** The NIPALS loop on selected rows of X and Y; see the file comment for the two rewrites. */
export function fitCore(
  X: ArrayLike<number>,
  Y: ArrayLike<number>,
  index: Int32Array | null,
  rows: number,
  cols: number,
  targets: number,
  components: number,
  opts: PlsOptions,
): PlsCore {
  const scale = opts.scale ?? true;
  const maxIterations = opts.maxIterations ?? 500;
  const tolerance = opts.tolerance ?? 1e-6;
  const ys = standardize('Y', Y, index, rows, targets, scale);
  const y = ys.values;
  const xs = xMoments(X, index, rows, cols, scale, y, targets);
  const { M } = xs;
  const K = components;
  const W = new Float64Array(cols * K);
  const P = new Float64Array(cols * K);
  const Q = new Float64Array(targets * K);
  const T = new Float64Array(rows * K);

  const w = new Float64Array(cols);
  const wScaled = new Float64Array(cols);
  const wOld = new Float64Array(cols);
  const proj = new Float64Array(targets);
  const a = new Float64Array(K);
  const t = new Float64Array(rows);
  const acc = new Float64Array(cols);
  const p = new Float64Array(cols);
  const q = new Float64Array(targets);
  const ssX: number[] = [];
  const ssY: number[] = [];
  const iterations: number[] = [];
  const xNorm = Math.sqrt(xs.totalSs);
  let fitted = 0;

  for (let k = 0; k < K; k++) {
    // As scikit-learn: Y columns that are zero to rounding are set to zero; the power iteration
    // starts from the first Y column that is not.
    let start = -1;
    for (let c = 0; c < targets; c++) {
      let tiny = true;
      let nonzero = false;
      for (let i = 0; i < rows; i++) {
        const v = Math.abs(y[i * targets + c]);
        if (v >= 10 * EPS) tiny = false;
        if (v > EPS) nonzero = true;
      }
      if (tiny) {
        for (let i = 0; i < rows; i++) y[i * targets + c] = 0;
        M.fill(0, c * cols, (c + 1) * cols);
      } else if (nonzero && start < 0) start = c;
    }
    if (start < 0) {
      if (k === 0) fail('PLS: every target is constant; there is nothing to fit.');
      break;
    }

    for (let j = 0; j < cols; j++) w[j] = M[start * cols + j];
    let yy = 0;
    for (let i = 0; i < rows; i++) yy += y[i * targets + start] ** 2;
    if (normalize(w) <= EXHAUSTED * xNorm * Math.sqrt(yy)) {
      if (k === 0) fail('PLS: X carries no information about the targets (Xᵀ·Y is zero).');
      break;
    }
    let iter = 1;
    if (targets > 1) {
      for (; iter < maxIterations; iter++) {
        wOld.set(w);
        for (let c = 0; c < targets; c++) {
          const m = c * cols;
          let s = 0;
          for (let j = 0; j < cols; j++) s += M[m + j] * wOld[j];
          proj[c] = s;
        }
        w.fill(0);
        for (let c = 0; c < targets; c++) {
          const m = c * cols;
          const s = proj[c];
          for (let j = 0; j < cols; j++) w[j] += s * M[m + j];
        }
        normalize(w);
        let diff = 0;
        for (let j = 0; j < cols; j++) diff += (w[j] - wOld[j]) ** 2;
        // scikit-learn counts the iteration that produced the converged w: one more than this loop's `iter`.
        if (diff < tolerance) {
          iter++;
          break;
        }
      }
    }

    // Sign: the largest-|value| weight is positive (scikit-learn's svd_flip_1d).
    let big = 0;
    for (let j = 1; j < cols; j++) if (Math.abs(w[j]) > Math.abs(w[big])) big = j;
    if (w[big] < 0) for (let j = 0; j < cols; j++) w[j] = 0 - w[j];

    for (let l = 0; l < k; l++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += P[j * K + l] * w[j];
      a[l] = s;
    }
    for (let j = 0; j < cols; j++) wScaled[j] = w[j] / xs.scales[j];
    scoreSweep(X, index, rows, cols, xs.means, wScaled, T, K, k, a, t, acc);
    let tt = 0;
    for (let i = 0; i < rows; i++) tt += t[i] * t[i];
    if (Math.sqrt(tt) <= EXHAUSTED * xNorm) {
      if (k === 0) fail('PLS: X carries no information about the targets (its scores are zero).');
      break;
    }
    // Xₖᵀt = X₀ᵀt − P·(Tᵀt); Tᵀt is zero up to rounding, kept so p equals the deflated formula.
    for (let j = 0; j < cols; j++) p[j] = acc[j] / xs.scales[j];
    for (let l = 0; l < k; l++) {
      let s = 0;
      for (let i = 0; i < rows; i++) s += T[i * K + l] * t[i];
      if (s !== 0) for (let j = 0; j < cols; j++) p[j] -= P[j * K + l] * s;
    }
    let pp = 0;
    for (let j = 0; j < cols; j++) {
      p[j] /= tt;
      pp += p[j] * p[j];
    }
    let qq = 0;
    for (let c = 0; c < targets; c++) {
      let s = 0;
      for (let i = 0; i < rows; i++) s += y[i * targets + c] * t[i];
      q[c] = s / tt;
      qq += q[c] * q[c];
    }
    for (let i = 0; i < rows; i++) {
      const ti = t[i];
      for (let c = 0; c < targets; c++) y[i * targets + c] -= ti * q[c];
    }
    for (let c = 0; c < targets; c++) {
      const m = c * cols;
      const s = tt * q[c];
      for (let j = 0; j < cols; j++) M[m + j] -= s * p[j];
    }
    for (let j = 0; j < cols; j++) {
      W[j * K + k] = w[j];
      P[j * K + k] = p[j];
    }
    for (let c = 0; c < targets; c++) Q[c * K + k] = q[c];
    for (let i = 0; i < rows; i++) T[i * K + k] = t[i];
    ssX.push(tt * pp);
    ssY.push(tt * qq);
    iterations.push(iter);
    fitted++;
  }

  return {
    rows,
    cols,
    targets,
    components: fitted,
    xMeans: xs.means,
    xScales: xs.scales,
    yMeans: ys.means,
    yScales: ys.scales,
    W,
    P,
    Q,
    T,
    stride: K,
    ssX,
    ssY,
    totalSsX: xs.totalSs,
    totalSsY: ys.totalSs,
    iterations,
  };
}

/** Inverse of the leading a × a block of PᵀW of a fit, row-major a × a. */
export function leadingInverse(core: PlsCore, a: number): Float64Array {
  return loadingsWeightsInverse(core.P, core.W, core.cols, core.stride, a);
}

/** B = W·(PᵀW)⁻¹·Qᵀ for the first `a` components, in raw units (cols × targets), and the intercepts. */
function coefficientsOf(core: PlsCore, a: number): { B: Float64Array; intercepts: Float64Array } {
  const { cols, targets, stride, W, Q } = core;
  const inv = leadingInverse(core, a);
  // C = (PᵀW)⁻¹·Qᵀ, a × targets.
  const C = new Float64Array(a * targets);
  for (let r = 0; r < a; r++) {
    for (let c = 0; c < targets; c++) {
      let s = 0;
      for (let l = 0; l < a; l++) s += inv[r * a + l] * Q[c * stride + l];
      C[r * targets + c] = s;
    }
  }
  const B = new Float64Array(cols * targets);
  for (let j = 0; j < cols; j++) {
    for (let c = 0; c < targets; c++) {
      let s = 0;
      for (let l = 0; l < a; l++) s += W[j * stride + l] * C[l * targets + c];
      B[j * targets + c] = (s * core.yScales[c]) / core.xScales[j];
    }
  }
  const intercepts = new Float64Array(targets);
  for (let c = 0; c < targets; c++) {
    let s = core.yMeans[c];
    for (let j = 0; j < cols; j++) s -= core.xMeans[j] * B[j * targets + c];
    intercepts[c] = s;
  }
  return { B, intercepts };
}

function toModel(core: PlsCore, task: PlsModel['task'], scale: boolean): PlsModel {
  const a = core.components;
  const { B, intercepts } = coefficientsOf(core, a);
  const take = (m: Float64Array, rows: number): number[] => {
    const out: number[] = new Array<number>(rows * a);
    for (let r = 0; r < rows; r++) for (let l = 0; l < a; l++) out[r * a + l] = m[r * core.stride + l];
    return out;
  };
  return {
    kind: 'pls',
    version: 1,
    task,
    cols: core.cols,
    targets: core.targets,
    components: a,
    scale,
    xMeans: Array.from(core.xMeans),
    xScales: Array.from(core.xScales),
    yMeans: Array.from(core.yMeans),
    yScales: Array.from(core.yScales),
    xWeights: take(core.W, core.cols),
    xLoadings: take(core.P, core.cols),
    yLoadings: take(core.Q, core.targets),
    coefficients: Array.from(B),
    intercepts: Array.from(intercepts),
    explainedVarianceX: core.ssX.map((s) => (core.totalSsX > 0 ? s / core.totalSsX : 0)),
    explainedVarianceY: core.ssY.map((s) => (core.totalSsY > 0 ? s / core.totalSsY : 0)),
    iterations: core.iterations.slice(),
  };
}

/**
 * Fits PLS2 (several targets) or PLS1 (one target) exactly as scikit-learn's
 * `PLSRegression(n_components, scale)` with NIPALS: same centring and scaling, same power
 * iteration, stopping rule and sign convention. Inputs are not modified.
 *
 * @param X samples × variables, row-major
 * @param Y samples × targets, row-major
 * @param components number of latent components, 1 … min(rows − 1, cols)
 * @throws UserError on a shape mismatch, a non-finite value, too many components or constant targets
 */
export function fitPls(
  X: ArrayLike<number>,
  Y: ArrayLike<number>,
  rows: number,
  cols: number,
  targets: number,
  components: number,
  opts: PlsOptions = {},
): PlsModel {
  checkFit(X, Y, rows, cols, targets, components);
  return toModel(fitCore(X, Y, null, rows, cols, targets, components, opts), 'regression', opts.scale ?? true);
}

function checkFit(X: ArrayLike<number>, Y: ArrayLike<number>, rows: number, cols: number, targets: number, components: number): void {
  checkInteger('the number of samples', rows, 2);
  checkInteger('the number of variables', cols, 1);
  checkInteger('the number of targets', targets, 1);
  checkShape('X', X, rows, cols);
  checkShape('Y', Y, rows, targets);
  checkComponents(components, rows, cols);
}

/**
 * Predicts with a fitted model: ŷ = (x − xMeans)·B + yMeans, rows × targets row-major.
 * @throws UserError when X has the wrong number of values or a non-finite value
 */
export function predictPls(model: PlsModel, X: ArrayLike<number>, rows: number): Float64Array {
  const { cols } = model;
  checkInteger('the number of samples', rows, 0);
  checkShape('X', X, rows, cols);
  if (model.task === 'classification' && model.decision?.rule === 'nearest-neighbour') return nearestNeighbourShares(model, model.decision, X, rows);
  if (model.task === 'classification' && model.decision?.rule === 'lda') return ldaProbabilities(model.decision, plsScores(model, X, rows), rows);
  const out = linearPredict(model, X, rows);
  if (model.task === 'classification' && model.decision?.rule === 'centroid') return centroidShares(out, model.decision.centroids, rows, model.targets);
  return out;
}

/** ŷ = (x − xMeans)·B + yMeans, rows × targets; X already checked. */
function linearPredict(model: PlsModel, X: ArrayLike<number>, rows: number): Float64Array {
  const { cols, targets } = model;
  const B = model.coefficients;
  const mu = model.xMeans;
  const out = new Float64Array(rows * targets);
  const acc = new Float64Array(targets);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    acc.fill(0);
    for (let j = 0; j < cols; j++) {
      const d = X[o + j] - mu[j];
      const b = j * targets;
      for (let c = 0; c < targets; c++) acc[c] += d * B[b + c];
    }
    for (let c = 0; c < targets; c++) {
      const v = acc[c] + model.yMeans[c];
      if (!Number.isFinite(v)) findNonFinite('X', X, cols);
      out[i * targets + c] = v;
    }
  }
  return out;
}



/**
 * PLS1 on one numeric target: {@link fitPls} with targets = 1.
 * @param y one value per sample
 */
export function fitPlsRegression(
  X: ArrayLike<number>,
  y: ArrayLike<number>,
  rows: number,
  cols: number,
  components: number,
  opts: PlsOptions = {},
): PlsModel {
  return fitPls(X, y, rows, cols, 1, components, opts);
}

export function oneHot(labels: ArrayLike<number>, rows: number, classes: number): Float64Array {
  const Y = new Float64Array(rows * classes);
  for (let i = 0; i < rows; i++) Y[i * classes + labels[i]] = 1;
  return Y;
}

/**
 * PLS-DA: PLS2 on the one-hot (0/1) coding of `labels`; a sample's class is the argmax of its
 * predicted row (see {@link predictPlsDa}). With `decision: 'nearest-neighbour'` the model also
 * keeps its training scores and labels, and a sample takes the class of the nearest training
 * spectrum in the score space (see {@link PlsNearestNeighbour}); with `decision: 'lda'` it keeps
 * an LDA fitted on those scores, and a sample takes the most probable class (PLS-LDA, see {@link PlsLda}).
 *
 * @param labels class index 0 … classes − 1 per sample
 * @param classes number of classes (≥ 2); classes absent from `labels` get a constant column
 */
export function fitPlsDa(
  X: ArrayLike<number>,
  labels: ArrayLike<number>,
  rows: number,
  cols: number,
  classes: number,
  components: number,
  opts: PlsDaOptions = {},
): PlsModel {
  checkInteger('the number of samples', rows, 2);
  checkLabels(labels, rows, classes);
  const Y = oneHot(labels, rows, classes);
  checkFit(X, Y, rows, cols, classes, components);
  const core = fitCore(X, Y, null, rows, cols, classes, components, opts);
  const model = toModel(core, 'classification', opts.scale ?? true);
  if (opts.decision === 'centroid') model.decision = centroidDecision(linearPredict(model, X, rows), labels, rows, classes);
  if (opts.decision === 'nearest-neighbour') model.decision = nearestNeighbourDecision(core, labels);
  if (opts.decision === 'lda') model.decision = fitLda(trainingScores(core), labels, rows, core.components, classes);
  return model;
}

/**
 * Classes predicted by a PLS-DA model (argmax of the predicted one-hot row, first on ties) and
 * the predicted rows themselves (rows × classes).
 */
export function predictPlsDa(model: PlsModel, X: ArrayLike<number>, rows: number): { classes: Int32Array; scores: Float64Array } {
  const scores = predictPls(model, X, rows);
  return { classes: argmaxRows(scores, rows, model.targets), scores };
}

