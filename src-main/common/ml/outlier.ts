import { UserError } from '../errors';
import { pca } from '../explore/pca';
import { chiSquaredQuantile, fQuantile } from './stats';

/**
 * Out-of-model checks for new samples: Hotelling T² (how far a sample lies from the training
 * samples inside the model's subspace) and Q, the squared prediction error (how much of it the
 * subspace cannot describe), each with a limit at a chosen confidence (95 % by default).
 *
 * Limits, both learned from the training samples only:
 * - T²: A(n − 1)/(n − A) · F(confidence; A, n − A), A components, n training samples.
 * - Q: Box's scaled χ² approximation with its moments matched to the training Q values
 *   (Nomikos & MacGregor, 1995): g·χ²(confidence; h), g = v/(2m), h = 2m²/v, m and v the mean and
 *   variance (ddof 1) of the training Q. It needs only the training residuals, so it works the
 *   same for PLS (whose residual matrix is not a PCA) and PCA, at O(n) cost; Jackson–Mudholkar
 *   would need every discarded eigenvalue.
 *
 * This file holds those limits and a PCA version for any feature matrix (a CNN's penultimate
 * layer); pls/diagnostics.ts applies them to PLS scores.
 */

/** T², Q and their limits for a batch of samples. */
export interface OutlierStats {
  /** Hotelling T² of each sample. */
  t2: Float64Array;
  /** Q residual (squared prediction error) of each sample, in the model's (scaled) space. */
  q: Float64Array;
  t2Limit: number;
  qLimit: number;
  /** True where T² > its limit or Q > its limit. */
  outOfModel: boolean[];
}

function fail(message: string): never {
  throw new UserError('BAD_INPUT', message);
}

function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) fail(`Out-of-model limits: the confidence must lie strictly between 0 and 1, got ${confidence}.`);
}

/**
 * Limit of Hotelling T² for a model with `components` components fitted on `rows` samples:
 * A(n − 1)/(n − A) · F(confidence; A, n − A).
 * @throws UserError unless 1 ≤ components < rows
 */
export function hotellingT2Limit(components: number, rows: number, confidence = 0.95): number {
  checkConfidence(confidence);
  if (!Number.isInteger(components) || components < 1 || !Number.isInteger(rows) || components >= rows) {
    fail(`Hotelling T² limit: needs 1 ≤ components < training samples, got ${components} components and ${rows} samples.`);
  }
  const a = components;
  const n = rows;
  return ((a * (n - 1)) / (n - a)) * fQuantile(confidence, a, n - a);
}

/**
 * Limit of Q from the training samples' own Q values, Box's approximation g·χ²(confidence; h)
 * with g = v/(2m), h = 2m²/v (m, v: mean and variance with ddof 1 of `trainingQ`).
 *
 * Degenerate cases: when the training residuals are all zero (the model spans the training
 * data, e.g. as many components as samples − 1) Q carries no information and the limit is +∞,
 * so Q never flags; when they are all equal (v = 0) the limit is that value.
 *
 * @param trainingQ Q of each training sample (at least two)
 * @param scale a typical total sum of squares per sample: Q below 1e-20 of it counts as zero
 */
export function qResidualLimit(trainingQ: ArrayLike<number>, confidence = 0.95, scale = 1): number {
  checkConfidence(confidence);
  const n = trainingQ.length;
  if (n < 2) fail(`Q residual limit: needs the Q of at least 2 training samples, got ${n}.`);
  let m = 0;
  for (let i = 0; i < n; i++) m += trainingQ[i]!;
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (trainingQ[i]! - m) ** 2;
  v /= n - 1;
  if (!Number.isFinite(m) || !Number.isFinite(v)) fail('Q residual limit: a training Q value is not finite.');
  if (m <= 1e-20 * scale) return Infinity;
  if (v === 0) return m;
  const g = v / (2 * m);
  const h = (2 * m * m) / v;
  return g * chiSquaredQuantile(confidence, h);
}

/** Flags samples beyond either limit. */
export function outOfModelFlags(t2: ArrayLike<number>, q: ArrayLike<number>, t2Limit: number, qLimit: number): boolean[] {
  return Array.from({ length: t2.length }, (_, i) => t2[i]! > t2Limit || q[i]! > qLimit);
}

/** Options of {@link fitPcaOutlier}. */
export interface PcaOutlierOptions {
  /**
   * Keep the fewest components whose cumulative explained variance reaches this fraction.
   * @default 0.95
   */
  varianceToExplain?: number;
  /** At most this many components (also at most samples − 1 and features). @default 10 */
  maxComponents?: number;
  /** Confidence of the T² and Q limits. @default 0.95 */
  confidence?: number;
  /**
   * Divide each centred feature by its standard deviation (ddof 1) before the PCA, so features
   * on large scales do not dominate; constant features keep scale 1.
   * @default true
   */
  scale?: boolean;
}

/** A fitted PCA out-of-model check, plain JSON. Matrices are row-major. */
export interface PcaOutlierModel {
  kind: 'pca-outlier';
  version: 1;
  cols: number;
  /** Training samples it was fitted on (n of the T² limit). */
  rows: number;
  components: number;
  scale: boolean;
  confidence: number;
  means: number[];
  /** Feature standard deviations (ddof 1), 1 for constant features or when `scale` is false. */
  scales: number[];
  /** Unit-length loadings, components × cols, in the scaled space. */
  loadings: number[];
  /** Variance (ddof 1) of each component's training scores: the T² denominators. */
  scoreVariances: number[];
  /** Fraction of the total variance each kept component explains. */
  explainedVarianceRatio: number[];
  t2Limit: number;
  qLimit: number;
}

function checkMatrix(fn: string, X: ArrayLike<number>, rows: number, cols: number): void {
  if (!Number.isInteger(rows) || rows < 0) fail(`${fn}: the number of samples must be a whole number, got ${rows}.`);
  if (X.length !== rows * cols) fail(`${fn}: ${X.length} values, but ${rows} samples × ${cols} features need ${rows * cols}.`);
  for (let i = 0; i < X.length; i++) {
    if (!Number.isFinite(X[i])) {
      fail(`${fn}: sample ${Math.floor(i / cols) + 1}, feature ${(i % cols) + 1} is ${X[i]}; remove or impute it first.`);
    }
  }
}

/** Rows of X centred and scaled, row-major copy. */
function standardized(X: ArrayLike<number>, rows: number, cols: number, means: ArrayLike<number>, scales: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = (X[i * cols + j]! - means[j]!) / scales[j]!;
  return out;
}

/**
 * T² and Q of standardized rows Z against orthonormal loadings (components × cols):
 * t = Z·Vᵀ, T² = Σ t²/s², Q = ‖z − t·V‖².
 */
function pcaStats(Z: Float64Array, rows: number, cols: number, loadings: ArrayLike<number>, k: number, variances: ArrayLike<number>): { t2: Float64Array; q: Float64Array } {
  const t2 = new Float64Array(rows);
  const q = new Float64Array(rows);
  const t = new Float64Array(k);
  const e = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    let s2 = 0;
    for (let a = 0; a < k; a++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += Z[o + j]! * loadings[a * cols + j]!;
      t[a] = s;
      s2 += (s * s) / variances[a]!;
    }
    for (let j = 0; j < cols; j++) e[j] = Z[o + j]!;
    for (let a = 0; a < k; a++) {
      const ta = t[a]!;
      for (let j = 0; j < cols; j++) e[j]! -= ta * loadings[a * cols + j]!;
    }
    let ss = 0;
    for (let j = 0; j < cols; j++) ss += e[j]! * e[j]!;
    t2[i] = s2;
    q[i] = ss;
  }
  return { t2, q };
}

/**
 * Fits a PCA out-of-model check on training features (samples × cols, row-major): centres (and
 * by default scales) the features, keeps the fewest principal components that explain
 * `varianceToExplain` of the variance (at most `maxComponents`), and sets the T² and Q limits
 * from the training samples (see the file comment). X is not modified.
 *
 * @throws UserError on a shape mismatch, a non-finite value, fewer than 3 samples or no variance
 */
export function fitPcaOutlier(X: ArrayLike<number>, rows: number, cols: number, opts: PcaOutlierOptions = {}): PcaOutlierModel {
  const fn = 'PCA out-of-model check';
  if (!Number.isInteger(cols) || cols < 1) fail(`${fn}: the number of features must be a whole number ≥ 1, got ${cols}.`);
  checkMatrix(fn, X, rows, cols);
  if (rows < 3) fail(`${fn}: needs at least 3 training samples, got ${rows}.`);
  const varianceToExplain = opts.varianceToExplain ?? 0.95;
  if (!(varianceToExplain > 0 && varianceToExplain <= 1)) fail(`${fn}: varianceToExplain must lie in (0, 1], got ${varianceToExplain}.`);
  const maxComponents = opts.maxComponents ?? 10;
  if (!Number.isInteger(maxComponents) || maxComponents < 1) fail(`${fn}: maxComponents must be a whole number ≥ 1, got ${maxComponents}.`);
  const confidence = opts.confidence ?? 0.95;
  checkConfidence(confidence);
  const scale = opts.scale ?? true;

  const means = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) means[j]! += X[i * cols + j]!;
  for (let j = 0; j < cols; j++) means[j]! /= rows;
  const scales = new Float64Array(cols).fill(1);
  if (scale) {
    for (let j = 0; j < cols; j++) {
      let ss = 0;
      for (let i = 0; i < rows; i++) ss += (X[i * cols + j]! - means[j]!) ** 2;
      const sd = Math.sqrt(ss / (rows - 1));
      if (sd > 0) scales[j] = sd;
    }
  }
  const Z = standardized(X, rows, cols, means, scales);
  let total = 0;
  for (let i = 0; i < Z.length; i++) total += Z[i]! * Z[i]!;
  if (!(total > 0)) fail(`${fn}: every feature is constant over the ${rows} training samples; there is no variation to model.`);

  const limit = Math.min(maxComponents, rows - 1, cols);
  const fitted = pca(Z, rows, cols, limit);
  let k = fitted.k;
  let cumulative = 0;
  for (let a = 0; a < fitted.k; a++) {
    cumulative += fitted.explainedVarianceRatio[a]!;
    if (cumulative >= varianceToExplain * (1 - 1e-12)) {
      k = a + 1;
      break;
    }
  }
  const loadings = Array.from(fitted.loadings.subarray(0, k * cols));
  const scoreVariances = Array.from(fitted.explainedVariance.subarray(0, k));
  const stats = pcaStats(Z, rows, cols, loadings, k, scoreVariances);
  return {
    kind: 'pca-outlier',
    version: 1,
    cols,
    rows,
    components: k,
    scale,
    confidence,
    means: Array.from(means),
    scales: Array.from(scales),
    loadings,
    scoreVariances,
    explainedVarianceRatio: Array.from(fitted.explainedVarianceRatio.subarray(0, k)),
    t2Limit: hotellingT2Limit(k, rows, confidence),
    qLimit: qResidualLimit(stats.q, confidence, total / rows),
  };
}

/**
 * T², Q and the out-of-model flag of new samples (samples × model.cols, row-major) against a
 * fitted {@link PcaOutlierModel}. X is not modified.
 * @throws UserError on a shape mismatch or a non-finite value
 */
export function pcaOutlierStats(model: PcaOutlierModel, X: ArrayLike<number>, rows: number): OutlierStats {
  checkMatrix('PCA out-of-model check', X, rows, model.cols);
  const Z = standardized(X, rows, model.cols, model.means, model.scales);
  const { t2, q } = pcaStats(Z, rows, model.cols, model.loadings, model.components, model.scoreVariances);
  return { t2, q, t2Limit: model.t2Limit, qLimit: model.qLimit, outOfModel: outOfModelFlags(t2, q, model.t2Limit, model.qLimit) };
}
