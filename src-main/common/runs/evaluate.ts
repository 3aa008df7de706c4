/**
 * Test metrics of a model, one rule for every place that scores one: training and
 * cross-validation (from the trainer's outputs), export and the report (from the stored
 * predictions and, where the model can be rerun, its scores). Classes: accuracy, balanced
 * accuracy, macro F1 and one-vs-rest ROC AUC (`rocAuc`, macro; from class probabilities or PLS-DA
 * values); values: RMSE, MAE, R², bias, SEP and RPD in the target's units.
 */
import { argmaxRows, classificationMetrics, regressionReport, rocAucOvr, softmaxRows, type RegressionReport } from '../ml/metrics';
import type { ClassificationDetail, MetricValues } from './schema';

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
