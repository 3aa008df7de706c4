import { UserError } from '../errors';
import { argmaxRows } from './metrics';
import { plsRotations } from './pls-diagnostics';

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
  decision?: PlsNearestNeighbour | PlsCentroid;
}

/**
 * The class-centre decision of a PLS-DA model: a spectrum takes the class whose centre — the mean
 * predicted row of that class's training spectra — lies closest (Euclidean) to its own predicted
 * row. Unlike the largest value, it does not favour large classes: with 8 "strawberry" spectra
 * among 402 (UCR Strawberry thinned), the largest value never predicts the small class, the
 * nearest centre finds 70–94 % of them. The predicted row then holds the inverse-distance shares
 * of the centres, as {@link PlsNearestNeighbour} does.
 */
export interface PlsCentroid {
  rule: 'centroid';
  /** Class centres of the predicted rows, classes × targets row-major. */
  centroids: number[];
}

/**
 * The nearest-neighbour decision of a PLS-DA model: a spectrum takes the class of the training
 * spectrum whose X scores ((x − xMeans)/xScales)·R lie closest (Euclidean) — 1-NN in the PLS
 * latent space, scikit-learn's `KNeighborsClassifier(1)` on `PLSRegression.transform`. The
 * predicted row then holds, per class, the share 1/d_c / Σ_k 1/d_k of the inverse distance d_c to
 * the nearest training spectrum of that class (1 for a class at distance 0): its largest entry is
 * the nearest spectrum's class, and the values rank spectra for ROC curves as the one-hot values do.
 */
export interface PlsNearestNeighbour {
  rule: 'nearest-neighbour';
  /** X scores of the training spectra, rows × components row-major. */
  scores: number[];
  /** Class index (0 … targets − 1) of each training spectrum. */
  labels: number[];
}

/** Options of {@link fitPlsDa}. */
export interface PlsDaOptions extends PlsOptions {
  /** 'pls-da': argmax of the predicted one-hot row; 'centroid': see {@link PlsCentroid}; 'nearest-neighbour': see {@link PlsNearestNeighbour}. @default 'pls-da' */
  decision?: PlsDecision;
}

/** The class decisions of PLS-DA. */
export type PlsDecision = 'pls-da' | 'centroid' | 'nearest-neighbour';

/** Internal result of a fit, before it is turned into a {@link PlsModel}. */
interface PlsCore {
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

function fail(message: string): never {
  throw new UserError('BAD_INPUT', message);
}

function checkInteger(what: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) fail(`PLS: ${what} must be a whole number ≥ ${min}, got ${value}.`);
}

function checkShape(name: string, data: ArrayLike<number>, rows: number, cols: number): void {
  if (data.length !== rows * cols) {
    fail(`PLS: ${name} has ${data.length} values, but ${rows} samples × ${cols} ${name === 'X' ? 'variables' : 'targets'} need ${rows * cols}.`);
  }
}

/** The largest component count `rows` centred samples and `cols` variables allow, with a sentence saying why. */
function componentLimit(rows: number, cols: number): { max: number; why: string } {
  return rows - 1 <= cols
    ? { max: rows - 1, why: `${rows} training samples allow at most ${rows - 1}` }
    : { max: cols, why: `${cols} variables allow at most ${cols}` };
}

function checkComponents(components: number, rows: number, cols: number): void {
  checkInteger('the number of components', components, 1);
  const { max, why } = componentLimit(rows, cols);
  if (components > max) fail(`PLS: ${components} components asked for, but ${why}.`);
}

function findNonFinite(name: string, data: ArrayLike<number>, width: number): never {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const row = Math.floor(i / width) + 1;
      const col = (i % width) + 1;
      fail(`PLS: ${name} has a non-finite value (${data[i]}) at sample ${row}, ${name === 'X' ? 'variable' : 'target'} ${col}; remove or impute it first.`);
    }
  }
  fail(`PLS: ${name} has values too large to square in double precision; rescale it first.`);
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
function fitCore(
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

/** Inverse of the leading a × a block of PᵀW (unit upper triangular in exact arithmetic), row-major a × a. */
function leadingInverse(core: PlsCore, a: number): Float64Array {
  const { P, W, cols, stride } = core;
  const n = a;
  const A = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += P[j * stride + r] * W[j * stride + c];
      A[r * n + c] = s;
    }
  }
  // Gauss–Jordan with partial pivoting on [A | I].
  const inv = new Float64Array(n * n);
  for (let r = 0; r < n; r++) inv[r * n + r] = 1;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]) > Math.abs(A[piv * n + c])) piv = r;
    if (A[piv * n + c] === 0) throw new UserError('INTERNAL', 'PLS: the loadings are singular (PᵀW has no inverse).');
    if (piv !== c) {
      for (let k = 0; k < n; k++) {
        [A[c * n + k], A[piv * n + k]] = [A[piv * n + k], A[c * n + k]];
        [inv[c * n + k], inv[piv * n + k]] = [inv[piv * n + k], inv[c * n + k]];
      }
    }
    const d = A[c * n + c];
    for (let k = 0; k < n; k++) {
      A[c * n + k] /= d;
      inv[c * n + k] /= d;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = A[r * n + c];
      if (f === 0) continue;
      for (let k = 0; k < n; k++) {
        A[r * n + k] -= f * A[c * n + k];
        inv[r * n + k] -= f * inv[c * n + k];
      }
    }
  }
  return inv;
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
  return toModel(fitChecked(X, Y, rows, cols, targets, components, opts), 'regression', opts.scale ?? true);
}

function fitChecked(
  X: ArrayLike<number>,
  Y: ArrayLike<number>,
  rows: number,
  cols: number,
  targets: number,
  components: number,
  opts: PlsOptions,
): PlsCore {
  checkInteger('the number of samples', rows, 2);
  checkInteger('the number of variables', cols, 1);
  checkInteger('the number of targets', targets, 1);
  checkShape('X', X, rows, cols);
  checkShape('Y', Y, rows, targets);
  checkComponents(components, rows, cols);
  return fitCore(X, Y, null, rows, cols, targets, components, opts);
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

/** Inverse-distance shares of the class centres for predicted rows (see {@link PlsCentroid}). */
function centroidShares(predicted: Float64Array, centroids: ArrayLike<number>, rows: number, targets: number): Float64Array {
  const classes = centroids.length / targets;
  const out = new Float64Array(rows * classes);
  const d2 = new Float64Array(classes);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < classes; c++) {
      let s = 0;
      for (let t = 0; t < targets; t++) s += (predicted[i * targets + t] - centroids[c * targets + t]) ** 2;
      d2[c] = s;
    }
    inverseDistanceShares(d2, out, i * classes);
  }
  return out;
}

/** Class centres (classes × targets) of predicted rows: the mean row of each class; a class without rows sits at Number.MAX_VALUE (never nearest; survives JSON, unlike ∞). */
function classCentroids(predicted: ArrayLike<number>, labels: ArrayLike<number>, index: ArrayLike<number> | null, count: number, classes: number, targets: number): Float64Array {
  const sums = new Float64Array(classes * targets);
  const counts = new Float64Array(classes);
  for (let k = 0; k < count; k++) {
    const i = index ? index[k] : k;
    const c = labels[i];
    counts[c]++;
    for (let t = 0; t < targets; t++) sums[c * targets + t] += predicted[k * targets + t];
  }
  for (let c = 0; c < classes; c++) for (let t = 0; t < targets; t++) sums[c * targets + t] = counts[c] ? sums[c * targets + t] / counts[c] : Number.MAX_VALUE;
  return sums;
}

/** Inverse-distance shares of the nearest training spectrum of each class (see {@link PlsNearestNeighbour}). */
function nearestNeighbourShares(model: PlsModel, nn: PlsNearestNeighbour, X: ArrayLike<number>, rows: number): Float64Array {
  const { cols, targets, components: A } = model;
  const R = plsRotations(model);
  const train = nn.labels.length;
  const out = new Float64Array(rows * targets);
  const z = new Float64Array(A);
  const nearest = new Float64Array(targets);
  for (let i = 0; i < rows; i++) {
    z.fill(0);
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const d = (X[o + j] - model.xMeans[j]) / model.xScales[j];
      if (d === 0) continue;
      const r = j * A;
      for (let l = 0; l < A; l++) z[l] += d * R[r + l];
    }
    for (let l = 0; l < A; l++) if (!Number.isFinite(z[l])) findNonFinite('X', X, cols);
    nearest.fill(Infinity);
    for (let k = 0; k < train; k++) {
      let d2 = 0;
      const s = k * A;
      for (let l = 0; l < A; l++) d2 += (z[l] - nn.scores[s + l]) ** 2;
      const c = nn.labels[k];
      if (d2 < nearest[c]) nearest[c] = d2;
    }
    inverseDistanceShares(nearest, out, i * targets);
  }
  return out;
}

/** Writes 1/d_c / Σ 1/d_k for squared distances d²; classes at distance 0 share 1, absent classes (∞) get 0. */
function inverseDistanceShares(squared: Float64Array, out: Float64Array, offset: number): void {
  const n = squared.length;
  let zeros = 0;
  for (let c = 0; c < n; c++) if (squared[c] === 0) zeros++;
  let sum = 0;
  for (let c = 0; c < n; c++) sum += zeros ? (squared[c] === 0 ? 1 : 0) : 1 / Math.sqrt(squared[c]);
  for (let c = 0; c < n; c++) out[offset + c] = (zeros ? (squared[c] === 0 ? 1 : 0) : 1 / Math.sqrt(squared[c])) / sum;
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

function checkLabels(labels: ArrayLike<number>, rows: number, classes: number): void {
  checkInteger('the number of classes', classes, 2);
  if (labels.length !== rows) fail(`PLS-DA: ${labels.length} labels for ${rows} samples.`);
  for (let i = 0; i < rows; i++) {
    const v = labels[i];
    if (!Number.isInteger(v) || v < 0 || v >= classes) {
      fail(`PLS-DA: label ${v} at sample ${i + 1} is outside 0…${classes - 1} (${classes} classes).`);
    }
  }
}

function oneHot(labels: ArrayLike<number>, rows: number, classes: number): Float64Array {
  const Y = new Float64Array(rows * classes);
  for (let i = 0; i < rows; i++) Y[i * classes + labels[i]] = 1;
  return Y;
}

/**
 * PLS-DA: PLS2 on the one-hot (0/1) coding of `labels`; a sample's class is the argmax of its
 * predicted row (see {@link predictPlsDa}). With `decision: 'nearest-neighbour'` the model also
 * keeps its training scores and labels, and a sample takes the class of the nearest training
 * spectrum in the score space (see {@link PlsNearestNeighbour}).
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
  const core = fitChecked(X, oneHot(labels, rows, classes), rows, cols, classes, components, opts);
  const model = toModel(core, 'classification', opts.scale ?? true);
  if (opts.decision === 'centroid') {
    const fitted = linearPredict(model, X, rows);
    model.decision = { rule: 'centroid', centroids: Array.from(classCentroids(fitted, labels, null, rows, classes, classes)) };
  }
  if (opts.decision === 'nearest-neighbour') {
    const a = core.components;
    const scores: number[] = new Array<number>(rows * a);
    for (let i = 0; i < rows; i++) for (let l = 0; l < a; l++) scores[i * a + l] = core.T[i * core.stride + l];
    model.decision = { rule: 'nearest-neighbour', scores, labels: Array.from(labels) };
  }
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

/** Deterministic PRNG (mulberry32). */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Shuffled k-fold assignment: a seeded Fisher–Yates permutation cut into `folds` consecutive
 * parts, the first `rows % folds` of them one sample larger (as scikit-learn's `KFold`).
 * @returns the fold (0 … folds − 1) of every sample
 */
export function shuffledKFold(rows: number, folds: number, seed: number): Int32Array {
  checkInteger('the number of samples', rows, 1);
  checkInteger('the number of folds', folds, 2);
  if (folds > rows) fail(`PLS cross-validation: ${folds} folds asked for, but there are only ${rows} samples.`);
  const rand = mulberry32(seed);
  const perm = new Int32Array(rows);
  for (let i = 0; i < rows; i++) perm[i] = i;
  for (let i = rows - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const tmp = perm[i];
    perm[i] = perm[j];
    perm[j] = tmp;
  }
  const out = new Int32Array(rows);
  const base = Math.floor(rows / folds);
  const extra = rows % folds;
  let pos = 0;
  for (let f = 0; f < folds; f++) {
    const size = base + (f < extra ? 1 : 0);
    for (let k = 0; k < size; k++) out[perm[pos++]] = f;
  }
  return out;
}

/** Options of {@link choosePlsComponents}. */
export interface PlsCvOptions {
  kind: 'classification' | 'regression';
  /** Largest number of components tried. @default min(20, smallest training fold − 1, cols) */
  maxComponents?: number;
  /** @default 5 */
  folds?: number;
  /**
   * Repeats of the k-fold cross-validation, each with its own shuffle (seeds seed, seed + 1, …);
   * the curve averages them, so the choice depends less on one split of the samples.
   * @default 1
   */
  repeats?: number;
  /** Seed of the fold shuffle. @default 1 */
  seed?: number;
  /** Classification: number of classes. @default largest label + 1 */
  classes?: number;
  /** As {@link PlsOptions.scale}. @default true */
  scale?: boolean;
  /**
   * 'one-standard-error': the fewest components whose score is within one standard error of the
   * best score; 'best': the best score (classification: on equal balanced accuracy the lowest
   * one-hot error, then the fewest components; regression: fewest components on ties).
   * @default 'one-standard-error'
   */
  rule?: 'one-standard-error' | 'best';
  /**
   * Classification: 'auto' also scores the class-centre ({@link PlsCentroid}) and nearest-neighbour
   * ({@link PlsNearestNeighbour}) decisions on the same folds and moves away from the PLS-DA rule
   * only to one whose best balanced accuracy is strictly higher (the nearest-neighbour decision is
   * skipped when its distances would take more than {@link NEAREST_NEIGHBOUR_WORK} steps); a
   * named decision is used as it is, with the components chosen for it.
   * @default 'auto'
   */
  decision?: 'auto' | PlsDecision;
  /** Distance steps beyond which 'auto' leaves the nearest-neighbour decision out. @default {@link NEAREST_NEIGHBOUR_WORK} */
  nearestNeighbourWork?: number;
  /** Called after each fold with (folds done, folds). */
  onProgress?: (done: number, total: number) => void;
  /** Checked between folds; an aborted run throws UserError('CANCELLED'). */
  signal?: AbortSignal;
}

/** One point of the cross-validation curve. */
export interface PlsCvPoint {
  components: number;
  /** Balanced accuracy (classification, higher is better) or RMSECV (regression, lower is better) over all out-of-fold predictions. */
  score: number;
  /** Standard deviation of the per-fold scores over √folds. */
  standardError: number;
  /**
   * Classification: mean squared error of the out-of-fold one-hot predictions (how far the
   * predicted rows are from 0/1, lower is better). It separates component counts whose balanced
   * accuracies tie, as they often do when the training classes are separable.
   */
  oneHotError?: number;
}

/** Result of {@link choosePlsComponents}. */
export interface PlsCvResult {
  components: number;
  rule: 'one-standard-error' | 'best';
  /** The decision chosen: the PLS-DA rule (always for regression), the nearest class centre, or the nearest training spectrum in score space. */
  decision: PlsDecision;
  /** The PLS-DA (or regression) curve. */
  curve: PlsCvPoint[];
  /** Classification: the class-centre decision's curve on the same folds, when it was scored. */
  centroidCurve?: PlsCvPoint[];
  /** Classification: the nearest-neighbour decision's curve on the same folds, when it was scored. */
  nearestNeighbourCurve?: PlsCvPoint[];
  /** Classification, 'auto': why the nearest-neighbour decision was not scored (too much work). */
  nearestNeighbourSkipped?: string;
}

/**
 * Distance steps (test spectra × training spectra × components, over all folds and repeats)
 * beyond which cross-validation leaves the nearest-neighbour decision out: ≈ 5 s in one thread.
 */
export const NEAREST_NEIGHBOUR_WORK = 4e9;

function balancedAccuracy(truth: ArrayLike<number>, predicted: ArrayLike<number>, index: ArrayLike<number>, classes: number): number {
  const support = new Float64Array(classes);
  const hits = new Float64Array(classes);
  for (let k = 0; k < index.length; k++) {
    const i = index[k];
    support[truth[i]]++;
    if (predicted[i] === truth[i]) hits[truth[i]]++;
  }
  let sum = 0, present = 0;
  for (let c = 0; c < classes; c++) {
    if (support[c] === 0) continue;
    sum += hits[c] / support[c];
    present++;
  }
  return present ? sum / present : 0;
}

function rmse(truth: ArrayLike<number>, predicted: ArrayLike<number>, index: ArrayLike<number>): number {
  let se = 0;
  for (let k = 0; k < index.length; k++) {
    const d = predicted[index[k]] - truth[index[k]];
    se += d * d;
  }
  return Math.sqrt(se / index.length);
}

/**
 * Chooses the number of PLS components by shuffled k-fold cross-validation on the training data.
 * Each fold is fitted once with `maxComponents`; because NIPALS components are nested, the
 * predictions with 1, 2, … components come from prefixes of that one fit (identical to separate
 * fits). The score is balanced accuracy of PLS-DA (classification) or RMSECV (regression),
 * computed over all out-of-fold predictions and averaged over `repeats` shuffles; its standard
 * error is the spread of the per-fold scores. The default "one-standard-error rule" picks the
 * smallest number of components whose score is within one standard error of the best one (fewer
 * components, nearly as good); `rule: 'best'` picks the best score. When the classes separate
 * well, many component counts reach the same balanced accuracy (often 1): 'best' then takes the
 * one whose out-of-fold one-hot predictions are closest to 0/1 (UCR Meat: 2 components by the
 * fewest, 0.917 on the test split; 17–20 by the one-hot error, 0.983).
 *
 * @param y class index per sample (classification) or the numeric target (regression)
 * @throws UserError on bad shapes or labels, too few samples for the folds, or when cancelled
 */
export function choosePlsComponents(
  X: ArrayLike<number>,
  y: ArrayLike<number>,
  rows: number,
  cols: number,
  opts: PlsCvOptions,
): PlsCvResult {
  checkInteger('the number of samples', rows, 2);
  checkInteger('the number of variables', cols, 1);
  checkShape('X', X, rows, cols);
  if (y.length !== rows) fail(`PLS cross-validation: ${y.length} target values for ${rows} samples.`);
  const classification = opts.kind === 'classification';
  let classes = 0;
  if (classification) {
    let top = 0;
    for (let i = 0; i < rows; i++) top = Math.max(top, y[i]);
    classes = opts.classes ?? top + 1;
    checkLabels(y, rows, classes);
  }
  const folds = opts.folds ?? 5;
  const repeats = opts.repeats ?? 1;
  checkInteger('the number of cross-validation repeats', repeats, 1);
  const seed = opts.seed ?? 1;
  const foldSize = new Int32Array(folds);
  for (const f of shuffledKFold(rows, folds, seed)) foldSize[f]++;
  const smallestTrain = rows - Math.max(...foldSize);
  const limit = componentLimit(smallestTrain, cols);
  if (limit.max < 1) fail(`PLS cross-validation: ${folds} folds of ${rows} samples leave too few training samples for even 1 component.`);
  const maxComponents = opts.maxComponents ?? Math.min(20, limit.max);
  checkInteger('the largest number of components', maxComponents, 1);
  if (maxComponents > limit.max) {
    fail(`PLS cross-validation: ${maxComponents} components asked for, but the smallest training fold of ${smallestTrain} samples allows at most ${limit.max} (${limit.why}).`);
  }
  const targets = classification ? classes : 1;
  const Y = classification ? oneHot(y, rows, classes) : Float64Array.from(y);
  const fitOpts: PlsOptions = { scale: opts.scale ?? true };

  // Out-of-fold predictions per number of components: class index or value per sample.
  const predicted = Array.from({ length: maxComponents }, () => new Float64Array(rows));
  const squaredError = new Float64Array(maxComponents);
  const foldScores = Array.from({ length: maxComponents }, () => new Float64Array(folds * repeats));
  const repeatScores = new Float64Array(maxComponents);
  const decision = opts.decision ?? 'auto';
  const centroid = classification && (decision === 'auto' || decision === 'centroid');
  const cePredicted = centroid ? Array.from({ length: maxComponents }, () => new Float64Array(rows)) : [];
  const ceFoldScores = centroid ? Array.from({ length: maxComponents }, () => new Float64Array(folds * repeats)) : [];
  const ceRepeatScores = new Float64Array(maxComponents);
  const values = new Float64Array(targets);
  const nn = classification && (decision === 'nearest-neighbour' || (decision === 'auto' && repeats * rows * smallestTrain * maxComponents <= (opts.nearestNeighbourWork ?? NEAREST_NEIGHBOUR_WORK)));
  const nnPredicted = nn ? Array.from({ length: maxComponents }, () => new Float64Array(rows)) : [];
  const nnFoldScores = nn ? Array.from({ length: maxComponents }, () => new Float64Array(folds * repeats)) : [];
  const nnRepeatScores = new Float64Array(maxComponents);
  const all = new Int32Array(rows).map((_, i) => i);
  for (let repeat = 0; repeat < repeats; repeat++) {
  const assignment = shuffledKFold(rows, folds, seed + repeat);
  for (let f = 0; f < folds; f++) {
    if (opts.signal?.aborted) throw new UserError('CANCELLED', 'PLS cross-validation was cancelled.');
    const train = new Int32Array(rows - foldSize[f]);
    const test = new Int32Array(foldSize[f]);
    for (let i = 0, a = 0, b = 0; i < rows; i++) {
      if (assignment[i] === f) test[b++] = i;
      else train[a++] = i;
    }
    const core = fitCore(X, Y, train, train.length, cols, targets, maxComponents, fitOpts);
    const K = core.stride;
    const n = test.length;
    // Test scores on the weights, S = ((x − μ)/σ)·W, n × components.
    const S = new Float64Array(n * K);
    const inv = core.xScales.map((s) => 1 / s);
    for (let r = 0; r < n; r++) {
      const o = test[r] * cols;
      const so = r * K;
      for (let j = 0; j < cols; j++) {
        const d = (X[o + j] - core.xMeans[j]) * inv[j];
        if (d === 0) continue;
        const wo = j * K;
        for (let l = 0; l < core.components; l++) S[so + l] += d * core.W[wo + l];
      }
    }
    const z = new Float64Array(K);
    // Class centres of the training rows' fitted values, grown one component at a time: fitted = T·Qᵀ (scaled back).
    const fitted = centroid ? new Float64Array(train.length * targets) : null;
    for (let m = 1; m <= maxComponents; m++) {
      const a = Math.min(m, core.components);
      const Rinv = leadingInverse(core, a);
      const out = predicted[m - 1];
      let centres: Float64Array | null = null;
      if (fitted) {
        if (m <= core.components) {
          const l = m - 1;
          for (let i = 0; i < train.length; i++) for (let c = 0; c < targets; c++) fitted[i * targets + c] += core.T[i * K + l] * core.Q[c * K + l] * core.yScales[c];
        }
        centres = classCentroids(fitted, y, train, train.length, classes, targets);
      }
      for (let r = 0; r < n; r++) {
        // Scores on the rotations R = W·(PᵀW)⁻¹ of the first a components: z = S·(PᵀW)⁻¹.
        for (let l = 0; l < a; l++) {
          let s = 0;
          for (let h = 0; h < a; h++) s += S[r * K + h] * Rinv[h * a + l];
          z[l] = s;
        }
        let bestClass = 0;
        let bestValue = -Infinity;
        let value = 0;
        for (let c = 0; c < targets; c++) {
          let s = 0;
          for (let l = 0; l < a; l++) s += z[l] * core.Q[c * K + l];
          value = s * core.yScales[c] + core.yMeans[c];
          values[c] = s * core.yScales[c];
          if (classification) squaredError[m - 1] += (value - (c === y[test[r]] ? 1 : 0)) ** 2;
          if (value > bestValue) {
            bestValue = value;
            bestClass = c;
          }
        }
        out[test[r]] = classification ? bestClass : value;
        if (centres) {
          // Both sides without yMeans: the centres are of centred fitted values.
          let near = 0;
          let nearest = Infinity;
          for (let k = 0; k < classes; k++) {
            let d = 0;
            for (let c = 0; c < targets; c++) d += (values[c] - centres[k * targets + c]) ** 2;
            if (d < nearest) {
              nearest = d;
              near = k;
            }
          }
          cePredicted[m - 1][test[r]] = near;
        }
      }
      if (centres) ceFoldScores[m - 1][repeat * folds + f] = balancedAccuracy(y, cePredicted[m - 1], test, classes);
      foldScores[m - 1][repeat * folds + f] = classification ? balancedAccuracy(y, out, test, classes) : rmse(y, out, test);
    }
    if (nn) nearestNeighbourFold(core, S, y, train, test, maxComponents, (m, out) => {
      for (let r = 0; r < n; r++) nnPredicted[m - 1][test[r]] = out[r];
      nnFoldScores[m - 1][repeat * folds + f] = balancedAccuracy(y, nnPredicted[m - 1], test, classes);
    });
    opts.onProgress?.(repeat * folds + f + 1, folds * repeats);
  }
  predicted.forEach((out, m) => (repeatScores[m] += classification ? balancedAccuracy(y, out, all, classes) : rmse(y, out, all)));
  nnPredicted.forEach((out, m) => (nnRepeatScores[m] += balancedAccuracy(y, out, all, classes)));
  cePredicted.forEach((out, m) => (ceRepeatScores[m] += balancedAccuracy(y, out, all, classes)));
  }

  const spread = (scores: Float64Array) => {
    const mean = scores.reduce((sum, v) => sum + v, 0) / scores.length;
    const variance = scores.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (scores.length - 1);
    return Math.sqrt(variance / folds);
  };
  const curve: PlsCvPoint[] = predicted.map((_, m) => {
    const scores = foldScores[m];
    const mean = scores.reduce((s, v) => s + v, 0) / scores.length;
    const variance = scores.reduce((s, v) => s + (v - mean) ** 2, 0) / (scores.length - 1);
    return {
      components: m + 1,
      score: repeatScores[m] / repeats,
      standardError: Math.sqrt(variance / folds),
      ...(classification ? { oneHotError: squaredError[m] / (rows * classes * repeats) } : {}),
    };
  });
  const better = (u: PlsCvPoint, v: PlsCvPoint): boolean => {
    if (!classification) return u.score < v.score;
    if (u.score !== v.score) return u.score > v.score;
    return u.oneHotError! < v.oneHotError!;
  };
  let best = 0;
  for (let m = 1; m < curve.length; m++) if (better(curve[m], curve[best])) best = m;
  const rule = opts.rule ?? 'one-standard-error';
  let chosen = best;
  if (rule === 'one-standard-error') {
    const { score, standardError } = curve[best];
    const threshold = classification ? score - standardError : score + standardError;
    chosen = curve.findIndex((pt) => (classification ? pt.score >= threshold : pt.score <= threshold));
  }
  if (!classification) return { components: chosen + 1, rule, decision: 'pls-da', curve };
  const curveOf = (foldScores: Float64Array[], repeatScores: Float64Array): PlsCvPoint[] =>
    foldScores.map((scores, m) => ({ components: m + 1, score: repeatScores[m] / repeats, standardError: spread(scores) }));
  const centroidCurve = centroid ? curveOf(ceFoldScores, ceRepeatScores) : null;
  const nearestNeighbourCurve = nn ? curveOf(nnFoldScores, nnRepeatScores) : null;
  // The best balanced accuracy, the fewest components on ties; with the one-standard-error rule, the fewest within one SE of it.
  const top = (c: PlsCvPoint[]) => c.reduce((b, p, m) => (p.score > c[b].score ? m : b), 0);
  const pick = (c: PlsCvPoint[]) => (rule === 'one-standard-error' ? c.findIndex((p) => p.score >= c[top(c)].score - c[top(c)].standardError) : top(c));
  // 'auto' leaves the PLS-DA rule only for a decision that is strictly better (separable sets, all
  // 1.0, keep PLS-DA); between the other two, the class centres win ties (simpler, no stored spectra).
  let choice: PlsDecision = decision === 'auto' ? 'pls-da' : decision;
  if (decision === 'auto') {
    let bar = curve[best].score;
    if (centroidCurve && centroidCurve[top(centroidCurve)].score > bar) {
      choice = 'centroid';
      bar = centroidCurve[top(centroidCurve)].score;
    }
    if (nearestNeighbourCurve && nearestNeighbourCurve[top(nearestNeighbourCurve)].score > bar) choice = 'nearest-neighbour';
  }
  const components = choice === 'pls-da' ? chosen + 1 : pick(choice === 'centroid' ? centroidCurve! : nearestNeighbourCurve!) + 1;
  const skipped = decision === 'auto' && !nn ? `${rows} training spectra make the nearest-neighbour decision too slow to cross-validate; choose it explicitly to use it.` : null;
  return {
    components,
    rule,
    decision: choice,
    curve,
    ...(centroidCurve ? { centroidCurve } : {}),
    ...(nearestNeighbourCurve ? { nearestNeighbourCurve } : {}),
    ...(skipped ? { nearestNeighbourSkipped: skipped } : {}),
  };
}

/**
 * Out-of-fold 1-NN classes in the score space of one fold's fit, for 1 … maxComponents components.
 * NIPALS scores are nested (the first a columns of the full scores are the a-component scores,
 * PᵀW being upper triangular), so squared distances grow one component at a time.
 *
 * @param S the test rows' scores on the weights, n × core.stride (before the (PᵀW)⁻¹ rotation)
 */
function nearestNeighbourFold(
  core: PlsCore,
  S: Float64Array,
  y: ArrayLike<number>,
  train: Int32Array,
  test: Int32Array,
  maxComponents: number,
  report: (components: number, classes: Float64Array) => void,
): void {
  const K = core.stride;
  const A = core.components;
  const n = test.length;
  const m = train.length;
  const Rinv = leadingInverse(core, A);
  const Z = new Float64Array(n * A);
  for (let r = 0; r < n; r++) {
    for (let l = 0; l < A; l++) {
      let s = 0;
      for (let h = 0; h <= l; h++) s += S[r * K + h] * Rinv[h * A + l];
      Z[r * A + l] = s;
    }
  }
  const D = new Float64Array(n * m);
  const out = new Float64Array(n);
  for (let c = 1; c <= maxComponents; c++) {
    const l = c - 1;
    for (let r = 0; r < n; r++) {
      const row = r * m;
      let best = Infinity;
      let bestClass = 0;
      if (l < A) {
        const z = Z[r * A + l];
        for (let i = 0; i < m; i++) {
          const d = D[row + i] + (z - core.T[i * K + l]) ** 2;
          D[row + i] = d;
          if (d < best) {
            best = d;
            bestClass = y[train[i]];
          }
        }
      } else {
        for (let i = 0; i < m; i++) if (D[row + i] < best) {
          best = D[row + i];
          bestClass = y[train[i]];
        }
      }
      out[r] = bestClass;
    }
    report(c, out);
  }
}
