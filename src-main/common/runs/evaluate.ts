/**
 * Test metrics of a model, one rule for every place that scores one: training and
 * cross-validation (from the trainer's outputs), export and the report (from the stored
 * predictions and, where the model can be rerun, its scores). Classes: accuracy, balanced
 * accuracy, macro F1 and one-vs-rest ROC AUC (`rocAuc`, macro; from class probabilities or PLS-DA
 * values); values: RMSE, MAE, R², bias, SEP and RPD in the target's units.
 */
import { argmaxRows, classificationMetrics, regressionReport, rocAucOvr, softmaxRows, type RegressionReport } from '../ml/metrics';
import type { ClassificationDetail, MetricValues, TargetScaling } from './schema';

export interface ClassificationEvaluation {
  summary: MetricValues;
  detail: ClassificationDetail;
}

export interface RegressionEvaluation {
  summary: MetricValues;
  detail: RegressionReport;
}

/** `truth` and `predicted` are class indices; `scores` [rows × classes] when there are any. */
export function evaluateClasses(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number, scores: ArrayLike<number> | null): ClassificationEvaluation {
  const m = classificationMetrics(truth, predicted, classes);
  const auc = scores && classes >= 2 ? rocAucOvr(truth, scores, classes) : null;
  const summary: MetricValues = { accuracy: m.accuracy, balancedAccuracy: m.balancedAccuracy, macroF1: m.macroF1 };
  if (auc?.macro !== null && auc?.macro !== undefined) summary.rocAuc = auc.macro;
  return { summary, detail: { ...m, rocAuc: auc } };
}

/** `truth` and `predicted` in the target's units. */
export function evaluateValues(truth: ArrayLike<number>, predicted: ArrayLike<number>): RegressionEvaluation {
  const m = regressionReport(truth, predicted);
  return { summary: { rmse: m.rmse, mae: m.mae, r2: m.r2, bias: m.bias, sep: m.sep, rpd: m.rpd }, detail: m };
}

/** A run with several targets, scored on its test rows: each target in its own units, and the headline over them. */
export interface TargetsEvaluation {
  summary: MetricValues;
  targets: { name: string; detail: RegressionReport }[];
  /** Per test row, every target's prediction in its units (the config's order). */
  predicted: number[][];
}

/** The metric keys each target of a several-target run stores in `test`, as `rmse:NAME`, …. */
export const PER_TARGET_METRICS = ['rmse', 'mae', 'r2', 'bias', 'sep', 'rpd'] as const;

/**
 * Several targets: standardised outputs [rows × targets] back to each target's units, each scored
 * against its truth (RMSEP, MAE, R², bias, SEP, RPD, stored in `test` as `rmse:NAME`, …). Their
 * units differ, so no RMSEP is averaged: the headline is `relativeRmse`, the mean over targets of
 * RMSEP / SD of the test reference values (ddof 1, as RPD; RMSEP rather than SEP, so a bias
 * counts) — 0 is perfect, 1 is no better than predicting each target's test mean.
 *
 * @param truth per test row, every target's true value (the config's order)
 */
export function evaluateTargets(truth: number[][], outputs: Float32Array, scales: readonly TargetScaling[]): TargetsEvaluation {
  const k = scales.length;
  const predicted = truth.map((_, i) => scales.map((s, t) => outputs[i * k + t]! * s.std + s.mean));
  return { ...scoreTargets(truth, predicted, scales.map((s) => s.name)), predicted };
}

/** {@link evaluateTargets} on predictions already in each target's units (per row, in the order of `names`). */
export function scoreTargets(truth: number[][], predicted: number[][], names: readonly string[]): Omit<TargetsEvaluation, 'predicted'> {
  const summary: MetricValues = {};
  let relative = 0;
  const targets = names.map((name, t) => {
    const y = truth.map((row) => row[t]!);
    const detail = regressionReport(y, predicted.map((row) => row[t]!));
    for (const key of PER_TARGET_METRICS) summary[`${key}:${name}`] = detail[key];
    const mean = y.reduce((a, v) => a + v, 0) / y.length;
    relative += detail.rmse / Math.sqrt(y.reduce((a, v) => a + (v - mean) ** 2, 0) / (y.length - 1));
    return { name, detail };
  });
  return { summary: { relativeRmse: relative / names.length, ...summary }, targets };
}

/**
 * A trained model's outputs on the test rows: logits (networks), PLS-DA values, or standardised
 * values that `unscale` takes back to the target's units.
 */
export function evaluateOutputs(
  task: 'classification' | 'regression',
  truth: number[],
  outputs: Float32Array,
  classes: number,
  opts: { unscale: (v: number) => number; pls: boolean },
): (ClassificationEvaluation | RegressionEvaluation) & { predicted: number[] } {
  if (task === 'classification') {
    const predicted = Array.from(argmaxRows(outputs, truth.length, classes));
    const scores = opts.pls ? outputs : softmaxRows(outputs, truth.length, classes);
    return { ...evaluateClasses(truth, predicted, classes, scores), predicted };
  }
  const predicted = Array.from(outputs, opts.unscale);
  return { ...evaluateValues(truth, predicted), predicted };
}
