import { hotellingT2Limit, outOfModelFlags, qResidualLimit, type OutlierStats } from '../outlier';
import { fail } from './checks';
import type { PlsModel } from './nipals';
import { loadingsWeightsInverse } from './rotation';

/**
 * Interpretation and out-of-model diagnostics of a fitted PLS model (nipals.ts), pure TS.
 *
 * All quantities live in the model's centred (and, with `scale`, scaled) X space, as scikit-learn's
 * `PLSRegression` attributes do: scores t = ((x − xMeans)/xScales)·R with the rotations
 * R = W·(PᵀW)⁻¹ (scikit-learn's `x_rotations_` and `transform`), Q residuals
 * ‖(x − xMeans)/xScales − t·Pᵀ‖². T² and Q limits are those of outlier.ts.
 * Checked against numpy/scikit-learn in test/common/ml/pls/diagnostics.test.ts.
 */

/** Column c (0 … components − 1) of a rows × components row-major matrix. */
function column(m: readonly number[], rows: number, components: number, c: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = m[r * components + c]!;
  return out;
}

/**
 * Variable importance in projection, one value per X variable (the standard formula of Wold;
 * Chong & Jun 2005):
 *
 *   VIPⱼ = sqrt( p · Σₐ SSₐ (wⱼₐ/‖wₐ‖)² / Σₐ SSₐ ),  SSₐ = (tₐᵀtₐ)(qₐᵀqₐ),
 *
 * p variables, wₐ the X weights, tₐ the training scores and qₐ the Y loadings of component a
 * (summed over targets for PLS2 / PLS-DA). SSₐ is the Y sum of squares component a explains,
 * which the model keeps as `explainedVarianceY` (SSₐ over the total: the total cancels), so no
 * training data is needed. The mean of VIPⱼ² is 1; VIP > 1 is the usual "important" cut.
 */
export function plsVip(model: PlsModel): Float64Array {
  const { cols, components: A } = model;
  const ss = model.explainedVarianceY;
  let total = 0;
  for (let a = 0; a < A; a++) total += ss[a]!;
  const vip = new Float64Array(cols);
  if (!(total > 0)) return vip.fill(NaN);
  const norms = new Float64Array(A);
  for (let a = 0; a < A; a++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += model.xWeights[j * A + a]! ** 2;
    norms[a] = s;
  }
  for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let a = 0; a < A; a++) s += (ss[a]! * model.xWeights[j * A + a]! ** 2) / norms[a]!;
    vip[j] = Math.sqrt((cols * s) / total);
  }
  return vip;
}

/**
 * Regression coefficients of one target over the X variables, in raw X and Y units
 * (ŷ = x·b + intercept); a copy of the model's own `coefficients` column.
 * @param target 0 … targets − 1 (for PLS-DA: the class)
 */
export function plsCoefficients(model: PlsModel, target = 0): Float64Array {
  if (!Number.isInteger(target) || target < 0 || target >= model.targets) {
    fail(`PLS coefficients: target ${target} does not exist; the model has ${model.targets} (0…${model.targets - 1}).`);
  }
  return column(model.coefficients, model.cols, model.targets, target);
}

/**
 * X loadings pₐ of one component over the X variables (scikit-learn `x_loadings_[:, a]`), in the
 * centred (scaled) space.
 * @param component 0 … components − 1
 */
export function plsXLoadings(model: PlsModel, component: number): Float64Array {
  if (!Number.isInteger(component) || component < 0 || component >= model.components) {
    fail(`PLS loadings: component ${component + 1} does not exist; the model has ${model.components}.`);
  }
  return column(model.xLoadings, model.cols, model.components, component);
}

/** Rotations R = W·(PᵀW)⁻¹, cols × components row-major (scikit-learn `x_rotations_`). */
export function plsRotations(model: PlsModel): Float64Array {
  const { cols, components: A } = model;
  const W = model.xWeights;
  const P = model.xLoadings;
  const inv = loadingsWeightsInverse(P, W, cols, A, A);
  const R = new Float64Array(cols * A);
  for (let j = 0; j < cols; j++) {
    for (let c = 0; c < A; c++) {
      let s = 0;
      for (let l = 0; l < A; l++) s += W[j * A + l]! * inv[l * A + c]!;
      R[j * A + c] = s;
    }
  }
  return R;
}

function checkX(model: PlsModel, X: ArrayLike<number>, rows: number): void {
  if (!Number.isInteger(rows) || rows < 0) fail(`PLS diagnostics: the number of samples must be a whole number, got ${rows}.`);
  if (X.length !== rows * model.cols) fail(`PLS diagnostics: X has ${X.length} values, but ${rows} samples × ${model.cols} variables need ${rows * model.cols}.`);
  for (let i = 0; i < X.length; i++) {
    if (!Number.isFinite(X[i])) {
      fail(`PLS diagnostics: sample ${Math.floor(i / model.cols) + 1}, variable ${(i % model.cols) + 1} is ${X[i]}; remove or impute it first.`);
    }
  }
}

/** Scores and Q residuals of rows of X (no validation). */
function scoresAndQ(model: PlsModel, R: Float64Array, X: ArrayLike<number>, rows: number): { T: Float64Array; q: Float64Array } {
  const { cols, components: A } = model;
  const T = new Float64Array(rows * A);
  const q = new Float64Array(rows);
  const z = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) z[j] = (X[o + j]! - model.xMeans[j]!) / model.xScales[j]!;
    for (let j = 0; j < cols; j++) {
      const zj = z[j]!;
      if (zj === 0) continue;
      for (let a = 0; a < A; a++) T[i * A + a]! += zj * R[j * A + a]!;
    }
    let ss = 0;
    for (let j = 0; j < cols; j++) {
      let e = z[j]!;
      for (let a = 0; a < A; a++) e -= T[i * A + a]! * model.xLoadings[j * A + a]!;
      ss += e * e;
    }
    q[i] = ss;
  }
  return { T, q };
}

/**
 * X scores of new samples, rows × components row-major: ((x − xMeans)/xScales)·R, as
 * scikit-learn's `PLSRegression.transform`. X is not modified.
 * @throws UserError on a shape mismatch or a non-finite value
 */
export function plsScores(model: PlsModel, X: ArrayLike<number>, rows: number): Float64Array {
  checkX(model, X, rows);
  return scoresAndQ(model, plsRotations(model), X, rows).T;
}

/** The training statistics a PLS model needs to flag new samples, plain JSON. */
export interface PlsOutlierModel {
  kind: 'pls-outlier';
  version: 1;
  /** Training samples (n of the T² limit). */
  rows: number;
  components: number;
  confidence: number;
  /** Variance (ddof 1) of each component's training scores: the T² denominators. */
  scoreVariances: number[];
  t2Limit: number;
  qLimit: number;
}

/**
 * Learns the T² and Q limits of a PLS model from its training X (the rows it was fitted on,
 * after the same recipe): the variances of the training scores and the training Q values.
 * X is not modified.
 *
 * @param confidence of both limits @default 0.95
 * @throws UserError on a shape mismatch, a non-finite value, or fewer samples than components + 1
 */
export function fitPlsOutlier(model: PlsModel, X: ArrayLike<number>, rows: number, confidence = 0.95): PlsOutlierModel {
  checkX(model, X, rows);
  const A = model.components;
  if (rows <= A) fail(`PLS out-of-model limits: ${rows} training samples for ${A} components; needs at least ${A + 1}.`);
  const { T, q } = scoresAndQ(model, plsRotations(model), X, rows);
  const scoreVariances: number[] = [];
  for (let a = 0; a < A; a++) {
    let mean = 0;
    for (let i = 0; i < rows; i++) mean += T[i * A + a]!;
    mean /= rows;
    let ss = 0;
    for (let i = 0; i < rows; i++) ss += (T[i * A + a]! - mean) ** 2;
    scoreVariances.push(ss / (rows - 1));
  }
  // Total sum of squares per sample of the scaled training X: the yardstick for "Q is zero".
  let total = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < model.cols; j++) total += ((X[i * model.cols + j]! - model.xMeans[j]!) / model.xScales[j]!) ** 2;
  }
  return {
    kind: 'pls-outlier',
    version: 1,
    rows,
    components: A,
    confidence,
    scoreVariances,
    t2Limit: hotellingT2Limit(A, rows, confidence),
    qLimit: qResidualLimit(q, confidence, total / rows),
  };
}

/**
 * Hotelling T² (Σₐ tₐ²/sₐ² over the training score variances), Q residuals and the
 * out-of-model flag (T² or Q above its limit) of new samples. X is not modified.
 * @throws UserError on a shape mismatch, a non-finite value, or limits from another model
 */
export function plsOutlierStats(model: PlsModel, limits: PlsOutlierModel, X: ArrayLike<number>, rows: number): OutlierStats {
  checkX(model, X, rows);
  const A = model.components;
  if (limits.components !== A) fail(`PLS out-of-model check: the limits are for ${limits.components} components, the model has ${A}.`);
  const { T, q } = scoresAndQ(model, plsRotations(model), X, rows);
  const t2 = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let a = 0; a < A; a++) s += T[i * A + a]! ** 2 / limits.scoreVariances[a]!;
    t2[i] = s;
  }
  return { t2, q, t2Limit: limits.t2Limit, qLimit: limits.qLimit, outOfModel: outOfModelFlags(t2, q, limits.t2Limit, limits.qLimit) };
}
