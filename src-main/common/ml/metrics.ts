/**
 * Evaluation metrics, pure. Classification reports balanced accuracy and macro F1 next to
 * accuracy (accuracy alone hides a class the model never predicts); regression reports RMSE, MAE
 * and R² in the target's own units.
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
