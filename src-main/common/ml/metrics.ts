import { UserError } from '../errors';

/**
 * Evaluation metrics, pure. Classification reports balanced accuracy and macro F1 next to
 * accuracy (accuracy alone hides a class the model never predicts), one-vs-rest ROC AUC and the
 * row-normalised confusion matrix; regression reports RMSE, MAE and R² in the target's own units,
 * and bias, SEP and RPD as chemometrics does. {@link summarize} gives mean ± std over folds.
 * Checked against scikit-learn in test/common/metrics.test.ts (scripts/golden/metrics.py).
 */

export interface ClassificationMetrics {
  accuracy: number;
  balancedAccuracy: number;
  macroF1: number;
  /** confusion[true][predicted] */
  confusion: number[][];
  /** Per class: recall (sensitivity), precision, F1, support. Classes without support have recall NaN → reported as null. */
  perClass: { recall: number | null; precision: number | null; f1: number | null; support: number }[];
}

export interface RegressionMetrics {
  rmse: number;
  mae: number;
  r2: number;
}

export function argmaxRows(scores: ArrayLike<number>, rows: number, k: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bv = scores[r * k]!;
    for (let j = 1; j < k; j++) {
      const v = scores[r * k + j]!;
      if (v > bv) {
        bv = v;
        best = j;
      }
    }
    out[r] = best;
  }
  return out;
}

export function classificationMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): ClassificationMetrics {
  const n = truth.length;
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    confusion[t]![p]!++;
    if (t === p) correct++;
  }
  const perClass = confusion.map((row, c) => {
    const support = row.reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((a, r) => a + r[c]!, 0);
    const tp = row[c]!;
    const recall = support ? tp / support : null;
    const precision = predictedAs ? tp / predictedAs : support ? 0 : null;
    const f1 = recall === null ? null : precision === null || precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { recall, precision, f1, support };
  });
  const present = perClass.filter((c) => c.support > 0);
  const balancedAccuracy = present.length ? present.reduce((a, c) => a + c.recall!, 0) / present.length : 0;
  const macroF1 = present.length ? present.reduce((a, c) => a + c.f1!, 0) / present.length : 0;
  return { accuracy: n ? correct / n : 0, balancedAccuracy, macroF1, confusion, perClass };
}

export function regressionMetrics(truth: ArrayLike<number>, predicted: ArrayLike<number>): RegressionMetrics {
  const n = truth.length;
  let se = 0, ae = 0, mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i]!;
  mean /= n || 1;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = predicted[i]! - truth[i]!;
    se += d * d;
    ae += Math.abs(d);
    ss += (truth[i]! - mean) ** 2;
  }
  return { rmse: Math.sqrt(se / (n || 1)), mae: ae / (n || 1), r2: ss > 0 ? 1 - se / ss : 0 };
}

function fail(message: string): never {
  throw new UserError('BAD_INPUT', message);
}

/**
 * Area under the ROC curve of one binary problem, as scikit-learn's `roc_auc_score(y, score)`:
 * the Mann–Whitney statistic with tied scores sharing their average rank, which equals the
 * trapezoidal area under the ROC curve that scikit-learn integrates (a tie is half a win).
 *
 * @param positive true for the positive samples
 * @param scores higher means more positive; only the order matters
 * @returns null when one of the two groups is empty (scikit-learn raises there)
 */
function binaryAuc(positive: ArrayLike<boolean>, scores: ArrayLike<number>): number | null {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSum = 0;
  let pos = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && scores[order[j]!] === scores[order[i]!]) j++;
    // Ranks i + 1 … j share their average.
    const rank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (positive[order[k]!]) {
        rankSum += rank;
        pos++;
      }
    }
    i = j;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

function checkScores(fn: string, scores: ArrayLike<number>): void {
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) fail(`${fn}: score ${i + 1} is ${scores[i]}; every score must be a finite number.`);
  }
}

/**
 * Binary ROC AUC, as scikit-learn's `roc_auc_score(truth, scores)` (ties count half).
 *
 * @param truth 1 for a positive sample, 0 for a negative one
 * @param scores one per sample, higher = more likely positive (a probability, a PLS-DA value, …)
 * @returns the area, or null when the truth holds only one of the two classes
 * @throws UserError when the lengths differ, a label is not 0/1 or a score is not finite
 */
export function rocAuc(truth: ArrayLike<number>, scores: ArrayLike<number>): number | null {
  if (truth.length !== scores.length) fail(`rocAuc: ${truth.length} labels but ${scores.length} scores.`);
  checkScores('rocAuc', scores);
  const positive = new Array<boolean>(truth.length);
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    if (t !== 0 && t !== 1) fail(`rocAuc: label ${t} at sample ${i + 1}; binary labels must be 0 or 1.`);
    positive[i] = t === 1;
  }
  return binaryAuc(positive, scores);
}

/** One-vs-rest ROC AUC per class and their macro average. */
export interface RocAucOvr {
  /** AUC of class c against all others; null for a class without support (or when every sample is of class c). */
  perClass: (number | null)[];
  /** Mean of the defined per-class values; null when none is defined. */
  macro: number | null;
}

/**
 * One-vs-rest ROC AUC from class scores, as scikit-learn's
 * `roc_auc_score(truth, P, multi_class='ovr', average='macro')`: class c's column ranks the
 * samples of class c against the rest; the macro average is their unweighted mean. With two
 * classes whose scores sum to one per row (probabilities; PLS-DA outputs on one-hot targets),
 * both values equal {@link rocAuc} of column 1, scikit-learn's binary case.
 *
 * Differences from scikit-learn, both deliberate: rows need not sum to one (PLS-DA outputs are
 * fine; only the order within each column matters), and a class without support gets null and is
 * left out of the macro average instead of making the whole call fail, so a fold that misses a
 * rare class still reports the others.
 *
 * @param truth class index 0 … classes − 1 per sample
 * @param scores samples × classes, row-major (probabilities or any per-class scores)
 * @throws UserError on shape mismatches, labels out of range or non-finite scores
 */
export function rocAucOvr(truth: ArrayLike<number>, scores: ArrayLike<number>, classes: number): RocAucOvr {
  const n = truth.length;
  if (!Number.isInteger(classes) || classes < 2) fail(`rocAucOvr: the number of classes must be a whole number ≥ 2, got ${classes}.`);
  if (scores.length !== n * classes) fail(`rocAucOvr: ${scores.length} scores, but ${n} samples × ${classes} classes need ${n * classes}.`);
  checkScores('rocAucOvr', scores);
  for (let i = 0; i < n; i++) {
    const t = truth[i]!;
    if (!Number.isInteger(t) || t < 0 || t >= classes) fail(`rocAucOvr: label ${t} at sample ${i + 1} is outside 0…${classes - 1}.`);
  }
  const column = new Float64Array(n);
  const positive = new Array<boolean>(n);
  const perClass: (number | null)[] = [];
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < n; i++) {
      column[i] = scores[i * classes + c]!;
      positive[i] = truth[i] === c;
    }
    perClass.push(binaryAuc(positive, column));
  }
  const defined = perClass.filter((v): v is number => v !== null);
  return { perClass, macro: defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null };
}

/**
 * Confusion matrix with each row divided by its total (the recall of each true class on the
 * diagonal), as scikit-learn's `confusion_matrix(normalize='true')`: a class without support
 * keeps a row of zeros. The input is not changed.
 *
 * @param confusion confusion[true][predicted] counts, as in {@link ClassificationMetrics}
 */
export function rowNormalizedConfusion(confusion: readonly (readonly number[])[]): number[][] {
  return confusion.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  });
}

/** {@link RegressionMetrics} and the chemometric error statistics, in the target's units. */
export interface RegressionReport extends RegressionMetrics {
  /** Mean of predicted − true: positive when the model over-predicts. NaN without samples. */
  bias: number;
  /**
   * Standard error of prediction, corrected for bias: sqrt(Σ(eᵢ − bias)² / (n − 1)), eᵢ = ŷᵢ − yᵢ
   * (so RMSE² ≈ SEP² + bias²). NaN with fewer than two samples.
   */
  sep: number;
  /**
   * Ratio of performance to deviation, std(y, ddof 1) / SEP — the usual chemometrics definition
   * (Williams), with the bias-corrected SEP rather than RMSE in the denominator. Infinity when
   * SEP is 0, NaN with fewer than two samples.
   */
  rpd: number;
}

/**
 * RMSE, MAE and R² exactly as {@link regressionMetrics}, plus bias, SEP and RPD.
 * @throws UserError when truth and predictions differ in length
 */
export function regressionReport(truth: ArrayLike<number>, predicted: ArrayLike<number>): RegressionReport {
  const n = truth.length;
  if (predicted.length !== n) fail(`regressionReport: ${n} true values but ${predicted.length} predictions.`);
  const base = regressionMetrics(truth, predicted);
  let bias = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    bias += predicted[i]! - truth[i]!;
    mean += truth[i]!;
  }
  bias /= n;
  mean /= n;
  let ssE = 0;
  let ssY = 0;
  for (let i = 0; i < n; i++) {
    ssE += (predicted[i]! - truth[i]! - bias) ** 2;
    ssY += (truth[i]! - mean) ** 2;
  }
  const sep = n > 1 ? Math.sqrt(ssE / (n - 1)) : NaN;
  const rpd = n > 1 ? Math.sqrt(ssY / (n - 1)) / sep : NaN;
  return { ...base, bias, sep, rpd };
}

/** Mean and spread of each metric over folds or repeats. */
export interface MetricSummary {
  /** Mean of the finite values; NaN when a metric has none. */
  mean: Record<string, number>;
  /**
   * Sample standard deviation (ddof 1, the fold-to-fold spread people report as mean ± std) of
   * the finite values; NaN with fewer than two.
   */
  std: Record<string, number>;
  /** How many finite values each metric had. */
  count: Record<string, number>;
}

/**
 * Summarises per-fold metrics: for every metric name found in any fold (in order of first
 * appearance), the mean and standard deviation (ddof 1) over the folds where it is a finite
 * number. Missing, NaN and infinite entries (an AUC undefined in a fold, an RPD with SEP 0) are
 * left out of that metric only.
 */
export function summarize(folds: readonly Record<string, number>[]): MetricSummary {
  const values = new Map<string, number[]>();
  for (const fold of folds) {
    for (const [name, v] of Object.entries(fold)) {
      if (!values.has(name)) values.set(name, []);
      if (typeof v === 'number' && Number.isFinite(v)) values.get(name)!.push(v);
    }
  }
  const summary: MetricSummary = { mean: {}, std: {}, count: {} };
  for (const [name, vs] of values) {
    const n = vs.length;
    const mean = n ? vs.reduce((a, b) => a + b, 0) / n : NaN;
    summary.mean[name] = mean;
    summary.std[name] = n > 1 ? Math.sqrt(vs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
    summary.count[name] = n;
  }
  return summary;
}

/** Row-wise softmax of logits [rows, k]: class probabilities. */
export function softmaxRows(logits: ArrayLike<number>, rows: number, k: number): Float64Array {
  const out = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, logits[r * k + c]!);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += out[r * k + c] = Math.exp(logits[r * k + c]! - max);
    for (let c = 0; c < k; c++) out[r * k + c]! /= sum;
  }
  return out;
}
