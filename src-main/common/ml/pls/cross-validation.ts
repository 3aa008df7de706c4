/**
 * Choosing a PLS model by cross-validation on the training data: the number of components and,
 * for PLS-DA, the class decision (see decisions.ts), scored on shuffled k-fold splits.
 */
import { UserError } from '../../errors';
import { argmaxRows, classificationMetrics, regressionMetrics } from '../metrics';
import { mulberry32, permutation } from '../random';
import { checkInteger, checkLabels, checkShape, componentLimit, fail } from './checks';
import { classCentroids, nearestCentre, type PlsDecision } from './decisions';
import { fitLda, ldaProbabilities } from './lda';
import { fitCore, leadingInverse, oneHot, type PlsCore, type PlsOptions } from './nipals';

/**
 * Shuffled k-fold assignment: a seeded Fisher–Yates permutation cut into `folds` consecutive
 * parts, the first `rows % folds` of them one sample larger (as scikit-learn's `KFold`).
 * @returns the fold (0 … folds − 1) of every sample
 */
export function shuffledKFold(rows: number, folds: number, seed: number): Int32Array {
  checkInteger('the number of samples', rows, 1);
  checkInteger('the number of folds', folds, 2);
  if (folds > rows) fail(`PLS cross-validation: ${folds} folds asked for, but there are only ${rows} samples.`);
  const perm = permutation(rows, mulberry32(seed));
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
  /**
   * Regression: targets per sample (PLS2 when more than one; `y` is then rows × targets, row-major).
   * The score is the RMSECV pooled over every target, so give targets on comparable scales
   * (standardised, as training does). @default 1
   */
  targets?: number;
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
  /** Classification, decision 'lda': the curve of LDA on the scores, on the same folds. */
  ldaCurve?: PlsCvPoint[];
}

/**
 * Distance steps (test spectra × training spectra × components, over all folds and repeats)
 * beyond which cross-validation leaves the nearest-neighbour decision out: ≈ 5 s in one thread.
 */
export const NEAREST_NEIGHBOUR_WORK = 4e9;

/** The rows `index` of `values` (all of them when null). */
function rowsOf(values: ArrayLike<number>, index: Int32Array | null): ArrayLike<number> {
  return index ? Array.from(index, (i) => values[i]) : values;
}

/** Balanced accuracy of predicted classes over the rows `index` (all when null). */
function balancedAccuracy(truth: ArrayLike<number>, predicted: ArrayLike<number>, index: Int32Array | null, classes: number): number {
  return classificationMetrics(rowsOf(truth, index), rowsOf(predicted, index), classes).balancedAccuracy;
}

/** Root-mean-square error of predicted values over the rows `index` (all when null), pooled over `width` targets per row. */
function rmse(truth: ArrayLike<number>, predicted: ArrayLike<number>, index: Int32Array | null, width: number): number {
  if (width === 1) return regressionMetrics(rowsOf(truth, index), rowsOf(predicted, index)).rmse;
  const rows = index ?? Int32Array.from({ length: truth.length / width }, (_, i) => i);
  let se = 0;
  for (const r of rows) for (let c = 0; c < width; c++) se += (predicted[r * width + c] - truth[r * width + c]) ** 2;
  return Math.sqrt(se / (rows.length * width));
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
  const classification = opts.kind === 'classification';
  const width = classification ? 1 : (opts.targets ?? 1);
  if (y.length !== rows * width) fail(`PLS cross-validation: ${y.length} target values for ${rows} samples${width > 1 ? ` × ${width} targets` : ''}.`);
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
  const targets = classification ? classes : width;
  const Y = classification ? oneHot(y, rows, classes) : Float64Array.from(y);
  const fitOpts: PlsOptions = { scale: opts.scale ?? true };

  // Out-of-fold predictions per number of components: class index or value per sample.
  const predicted = Array.from({ length: maxComponents }, () => new Float64Array(rows * width));
  const squaredError = new Float64Array(maxComponents);
  const foldScores = Array.from({ length: maxComponents }, () => new Float64Array(folds * repeats));
  const repeatScores = new Float64Array(maxComponents);
  const decision = opts.decision ?? 'auto';
  const centroid = classification && (decision === 'auto' || decision === 'centroid');
  const cePredicted = centroid ? Array.from({ length: maxComponents }, () => new Float64Array(rows)) : [];
  const ceFoldScores = centroid ? Array.from({ length: maxComponents }, () => new Float64Array(folds * repeats)) : [];
  const ceRepeatScores = new Float64Array(maxComponents);
  const values = new Float64Array(targets);
  const distances = new Float64Array(classes);
  const nn = classification && (decision === 'nearest-neighbour' || (decision === 'auto' && repeats * rows * smallestTrain * maxComponents <= (opts.nearestNeighbourWork ?? NEAREST_NEIGHBOUR_WORK)));
  const nnPredicted = nn ? Array.from({ length: maxComponents }, () => new Float64Array(rows)) : [];
  const nnFoldScores = nn ? Array.from({ length: maxComponents }, () => new Float64Array(folds * repeats)) : [];
  const nnRepeatScores = new Float64Array(maxComponents);
  // LDA on the scores is scored only when asked for: 'auto' keeps the decisions it has always compared.
  const lda = classification && decision === 'lda';
  const ldaPredicted = lda ? Array.from({ length: maxComponents }, () => new Float64Array(rows)) : [];
  const ldaFoldScores = lda ? Array.from({ length: maxComponents }, () => new Float64Array(folds * repeats)) : [];
  const ldaRepeatScores = new Float64Array(maxComponents);
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
            if (!classification) out[test[r] * width + c] = value;
            if (classification) squaredError[m - 1] += (value - (c === y[test[r]] ? 1 : 0)) ** 2;
            if (value > bestValue) {
              bestValue = value;
              bestClass = c;
            }
          }
          if (classification) out[test[r]] = bestClass;
          // Both sides without yMeans: the centres are of centred fitted values.
          if (centres) cePredicted[m - 1][test[r]] = nearestCentre(values, 0, centres, targets, distances);
        }
        if (centres) ceFoldScores[m - 1][repeat * folds + f] = balancedAccuracy(y, cePredicted[m - 1], test, classes);
        foldScores[m - 1][repeat * folds + f] = classification ? balancedAccuracy(y, out, test, classes) : rmse(y, out, test, width);
      }
      const Z = nn || lda ? foldTestScores(core, S, n) : null;
      if (nn) nearestNeighbourFold(core, Z!, y, train, n, maxComponents, (m, out) => {
        for (let r = 0; r < n; r++) nnPredicted[m - 1][test[r]] = out[r];
        nnFoldScores[m - 1][repeat * folds + f] = balancedAccuracy(y, nnPredicted[m - 1], test, classes);
      });
      if (lda) ldaFold(core, Z!, Array.from(train, (i) => y[i]), n, maxComponents, classes, (m, out) => {
        for (let r = 0; r < n; r++) ldaPredicted[m - 1][test[r]] = out[r];
        ldaFoldScores[m - 1][repeat * folds + f] = balancedAccuracy(y, ldaPredicted[m - 1], test, classes);
      });
      opts.onProgress?.(repeat * folds + f + 1, folds * repeats);
    }
    predicted.forEach((out, m) => (repeatScores[m] += classification ? balancedAccuracy(y, out, null, classes) : rmse(y, out, null, width)));
    nnPredicted.forEach((out, m) => (nnRepeatScores[m] += balancedAccuracy(y, out, null, classes)));
    cePredicted.forEach((out, m) => (ceRepeatScores[m] += balancedAccuracy(y, out, null, classes)));
    ldaPredicted.forEach((out, m) => (ldaRepeatScores[m] += balancedAccuracy(y, out, null, classes)));
  }

  const spread = (scores: Float64Array) => {
    const mean = scores.reduce((sum, v) => sum + v, 0) / scores.length;
    const variance = scores.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (scores.length - 1);
    return Math.sqrt(variance / folds);
  };
  const curve: PlsCvPoint[] = predicted.map((_, m) => ({
    components: m + 1,
    score: repeatScores[m] / repeats,
    standardError: spread(foldScores[m]),
    ...(classification ? { oneHotError: squaredError[m] / (rows * classes * repeats) } : {}),
  }));
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
  const ldaCurve = lda ? curveOf(ldaFoldScores, ldaRepeatScores) : null;
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
  const components = choice === 'pls-da' ? chosen + 1 : pick(choice === 'centroid' ? centroidCurve! : choice === 'lda' ? ldaCurve! : nearestNeighbourCurve!) + 1;
  const skipped = decision === 'auto' && !nn ? `${rows} training spectra make the nearest-neighbour decision too slow to cross-validate; choose it explicitly to use it.` : null;
  return {
    components,
    rule,
    decision: choice,
    curve,
    ...(centroidCurve ? { centroidCurve } : {}),
    ...(nearestNeighbourCurve ? { nearestNeighbourCurve } : {}),
    ...(ldaCurve ? { ldaCurve } : {}),
    ...(skipped ? { nearestNeighbourSkipped: skipped } : {}),
  };
}

/**
 * Out-of-fold 1-NN classes in the score space of one fold's fit, for 1 … maxComponents components.
 * NIPALS scores are nested (the first a columns of the full scores are the a-component scores,
 * PᵀW being upper triangular), so squared distances grow one component at a time.
 *
 * @param Z the n test rows' scores ({@link foldTestScores})
 */
function nearestNeighbourFold(
  core: PlsCore,
  Z: Float64Array,
  y: ArrayLike<number>,
  train: Int32Array,
  n: number,
  maxComponents: number,
  report: (components: number, classes: Float64Array) => void,
): void {
  const K = core.stride;
  const A = core.components;
  const m = train.length;
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

/** The test rows' scores on the rotations of all the fold's components, n × components: z = S·(PᵀW)⁻¹ (upper triangular, so the first l do not depend on the rest). */
function foldTestScores(core: PlsCore, S: Float64Array, n: number): Float64Array {
  const K = core.stride;
  const A = core.components;
  const Rinv = leadingInverse(core, A);
  const Z = new Float64Array(n * A);
  for (let r = 0; r < n; r++) {
    for (let l = 0; l < A; l++) {
      let s = 0;
      for (let h = 0; h <= l; h++) s += S[r * K + h] * Rinv[h * A + l];
      Z[r * A + l] = s;
    }
  }
  return Z;
}

/** LDA (./lda.ts) on the first 1 … maxComponents training scores of one fold, given their labels; reports the n test rows' classes (scores `Z`) for each count. */
function ldaFold(core: PlsCore, Z: Float64Array, labels: number[], n: number, maxComponents: number, classes: number, report: (components: number, classes: Float64Array) => void): void {
  const K = core.stride;
  const A = core.components;
  for (let c = 1; c <= maxComponents; c++) {
    const a = Math.min(c, A);
    const t = new Float64Array(labels.length * a);
    for (let i = 0; i < labels.length; i++) for (let l = 0; l < a; l++) t[i * a + l] = core.T[i * K + l];
    const z = new Float64Array(n * a);
    for (let r = 0; r < n; r++) for (let l = 0; l < a; l++) z[r * a + l] = Z[r * A + l];
    const predicted = argmaxRows(ldaProbabilities(fitLda(t, labels, labels.length, a, classes), z, n), n, classes);
    report(c, Float64Array.from(predicted));
  }
}
