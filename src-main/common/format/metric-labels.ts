/**
 * The names of the test metrics, one wording for the Train view, the run page, Compare, the Runs
 * table, Predict and the exported report. A test-set RMSE is an RMSEP (error of prediction); the
 * validation curve during training is an RMSE.
 */
export type Task = 'classification' | 'regression';

const LABELS: Record<string, string> = {
  accuracy: 'Accuracy',
  balancedAccuracy: 'Balanced accuracy',
  macroF1: 'Macro F1',
  rocAuc: 'ROC AUC (one-vs-rest, macro)',
  rocAucMacro: 'ROC AUC (one-vs-rest, macro)',
  rmse: 'RMSEP',
  mae: 'MAE',
  r2: 'R²',
  bias: 'Bias',
  sep: 'SEP',
  rpd: 'RPD',
  relativeRmse: 'RMSEP / SD, mean over targets',
  samples: 'Test spectra',
};

/** For table headers and one-line summaries ("bal. acc. 0.912"). */
const SHORT: Record<string, string> = { balancedAccuracy: 'bal. acc.' };

/** The three metrics every run shows, headline first. */
export const MAIN_METRICS: Record<Task, readonly string[]> = {
  classification: ['balancedAccuracy', 'accuracy', 'macroF1'],
  regression: ['rmse', 'mae', 'r2'],
};

/** What the Train view's cards say each metric means. */
export const METRIC_HINTS: Record<string, string> = {
  balancedAccuracy: 'Mean recall over classes: a class the model never predicts pulls it down.',
  accuracy: 'Share of test spectra classified correctly.',
  macroF1: 'F1 averaged over classes, each class counting equally.',
  rmse: 'Root mean squared error of prediction on the test spectra, in the target’s units.',
  mae: 'Mean absolute error, in the target’s units.',
  r2: 'Share of the test variance explained.',
  relativeRmse: 'Each target’s RMSEP over the SD of its test values, averaged over the targets: 0 is perfect, 1 no better than each target’s mean.',
};

/** A run of several targets stores each target's metrics as `rmse:NAME`, …: the metric and the target. */
function splitKey(key: string): { metric: string; target: string | null } {
  const at = key.indexOf(':');
  return at < 0 ? { metric: key, target: null } : { metric: key.slice(0, at), target: key.slice(at + 1) };
}

/** "RMSEP", or for one target of several "RMSEP fat". */
export function metricLabel(key: string): string {
  const { metric, target } = splitKey(key);
  const label = LABELS[metric] ?? metric;
  return target === null ? label : `${label} ${target}`;
}

/** The short name, or (`long`) the full one: "bal. acc." / "Balanced accuracy". */
export function metricShort(key: string, form: 'short' | 'long' = 'short'): string {
  return form === 'long' ? metricLabel(key) : (SHORT[key] ?? metricLabel(key));
}

/**
 * The metric a run is ranked by: balanced accuracy for classes, RMSEP for values; a run of several
 * targets (its `test` metrics has `relativeRmse`): their mean RMSEP / SD, as their units differ.
 */
export function headlineKey(task: Task): 'balancedAccuracy' | 'rmse';
export function headlineKey(task: Task, test: Record<string, number> | null | undefined): 'balancedAccuracy' | 'rmse' | 'relativeRmse';
export function headlineKey(task: Task, test?: Record<string, number> | null): 'balancedAccuracy' | 'rmse' | 'relativeRmse' {
  if (task === 'classification') return 'balancedAccuracy';
  return test && test.relativeRmse !== undefined ? 'relativeRmse' : 'rmse';
}

/** Errors are better small; scores better large. */
export function lowerIsBetter(key: string): boolean {
  const { metric } = splitKey(key);
  return metric === 'rmse' || metric === 'mae' || metric === 'sep' || metric === 'relativeRmse';
}

/** The label inside a sentence: "balanced accuracy", but "RMSEP". */
export function metricInText(key: string): string {
  const l = metricLabel(key);
  return /^[A-Z][a-z]/.test(l) ? `${l[0]!.toLowerCase()}${l.slice(1)}` : l;
}

/** Metrics measured in the target's own units (RMSEP, MAE, bias, SEP); R², RPD and the rest have none. */
const IN_TARGET_UNITS = new Set(['rmse', 'mae', 'bias', 'sep']);

/**
 * The unit to write after a metric's value: the target's unit for an error in its units
 * (`rmse`, `rmse:fat`, …), else none.
 */
export function metricUnit(key: string, unit: string | null | undefined): string {
  if (!unit) return '';
  return IN_TARGET_UNITS.has(splitKey(key).metric) ? unit : '';
}

