/**
 * Which mild spectral changes (a shift along the axis, a baseline tilt, an intensity scale) the
 * augmented copies of a small classification set take, chosen by cross-validation on its
 * training rows only. A network is too slow to train once per candidate and fold, so each
 * candidate is scored by a fast proxy: PLS-DA fitted on the augmented copies of a fold's training
 * part (components and class decision chosen by an inner cross-validation of that part as it is)
 * and scored on the held-out part as it is. A change wins only where it makes the proxy better
 * than the noise alone by more than the standard error of the difference over the folds: with a
 * few dozen spectra, smaller gains are chance.
 */
import { augmentedCopies } from '../ml/augment';
import { classificationMetrics } from '../ml/metrics';
import { choosePlsComponents, fitPlsDa, predictPlsDa } from '../ml/pls';
import { gatherRows, type Augmentation, type SpectralChanges } from '../ml/prepare';
import { makeFolds } from '../ml/splits';

/** The candidates, the noise alone first; sizes in the units of {@link SpectralChanges}. */
export const SPECTRAL_CANDIDATES: { name: string; changes: SpectralChanges }[] = [
  { name: 'noise only', changes: {} },
  { name: 'shift ±2 points', changes: { shift: 2 } },
  { name: 'baseline tilt ±0.2', changes: { tilt: 0.2 } },
  { name: 'intensity ±5 %', changes: { scale: 0.05 } },
  { name: 'shift, tilt and intensity', changes: { shift: 2, tilt: 0.2, scale: 0.05 } },
];
/** Folds of the choice, and copies of each fold's training part the proxy learns from. */
export const SPECTRAL_CHOICE_FOLDS = 5;
export const SPECTRAL_CHOICE_COPIES = 4;
/** Fewer training spectra leave too few in each fold (and its inner folds) to score a candidate: the noise alone. */
export const SPECTRAL_CHOICE_MIN_ROWS = 20;

export interface SpectralCandidateScore {
  name: string;
  changes: SpectralChanges;
  /** Balanced accuracy over the out-of-fold predictions. */
  score: number;
  /** Mean per-fold gain over the noise alone, and its standard error. */
  gain: number;
  gainError: number;
}

/** What a run stores of the choice (config.augmentationChoice). */
export interface SpectralChoice {
  candidates: SpectralCandidateScore[];
  winner: string;
  folds: number;
  scoredWith: string;
}

/**
 * Scores every candidate as the module says; the winner is {@link spectralWinner}'s.
 * @param x [rows of the dataset, width] model inputs; only `rows` are read
 */
export function chooseSpectralChanges(opts: { x: Float32Array; width: number; channels: number; rows: number[]; labels: ArrayLike<number>; classes: number; noise: number; seed: number }): SpectralChoice {
  const { x, width, channels, rows, labels, classes, noise, seed } = opts;
  const xs = gatherRows(x, width, rows);
  const y = Int32Array.from(rows, (r) => labels[r]!);
  const folds = makeFolds({ kind: 'kfold', k: SPECTRAL_CHOICE_FOLDS }, { rows: rows.map((_, i) => i), target: Float64Array.from(y), kind: 'classification', splits: [], seed });
  const perFold = folds.map((fold, f) => {
    const n = fold.train.length;
    const xTrain = gatherRows(xs, width, fold.train);
    const yTrain = Int32Array.from(fold.train, (r) => y[r]!);
    const cv = choosePlsComponents(Float64Array.from(xTrain), Float64Array.from(yTrain), n, width, { kind: 'classification', classes, folds: 5, rule: 'best', seed, decision: 'auto' });
    const xTest = Float64Array.from(gatherRows(xs, width, fold.test));
    return SPECTRAL_CANDIDATES.map(({ changes }) => {
      const a: Augmentation = { copies: SPECTRAL_CHOICE_COPIES, noise, ...changes };
      const copies = augmentedCopies(xTrain, n, width, seed + f, a, channels);
      const yCopies = new Int32Array(n * a.copies);
      for (let c = 0; c < a.copies; c++) yCopies.set(yTrain, c * n);
      const model = fitPlsDa(Float64Array.from(copies), yCopies, n * a.copies, width, classes, cv.components, { decision: cv.decision });
      return { test: fold.test, predicted: predictPlsDa(model, xTest, fold.test.length).classes };
    });
  });
  const foldScore = (f: number, c: number) => {
    const { test, predicted } = perFold[f]![c]!;
    return classificationMetrics(test.map((r) => y[r]!), Array.from(predicted), classes).balancedAccuracy;
  };
  const candidates = SPECTRAL_CANDIDATES.map(({ name, changes }, c): SpectralCandidateScore => {
    const predicted = new Float64Array(rows.length);
    perFold.forEach((scores) => scores[c]!.test.forEach((r, i) => (predicted[r] = scores[c]!.predicted[i]!)));
    const gains = folds.map((_, f) => foldScore(f, c) - foldScore(f, 0));
    const gain = gains.reduce((a, b) => a + b, 0) / gains.length;
    const variance = gains.reduce((a, b) => a + (b - gain) ** 2, 0) / (gains.length - 1);
    return { name, changes, score: classificationMetrics(Array.from(y), Array.from(predicted), classes).balancedAccuracy, gain, gainError: Math.sqrt(variance / gains.length) };
  });
  return {
    candidates,
    winner: spectralWinner(candidates),
    folds: SPECTRAL_CHOICE_FOLDS,
    scoredWith: `PLS-DA learning from ${SPECTRAL_CHOICE_COPIES} augmented copies of each fold's training part (components and class decision chosen by an inner 5-fold cross-validation), on stratified ${SPECTRAL_CHOICE_FOLDS}-fold cross-validation of the ${rows.length} training spectra`,
  };
}

/**
 * The candidate with the largest gain over the first (the noise alone) among those whose gain
 * exceeds its standard error by more than rounding; the first when none does. A gain in one fold
 * alone is exactly its standard error (a gain g in one of k folds: mean g/k, standard error g/k),
 * so it never wins.
 */
export function spectralWinner(candidates: Pick<SpectralCandidateScore, 'name' | 'gain' | 'gainError'>[]): string {
  let best = 0;
  candidates.forEach((c, i) => {
    if (i > 0 && c.gain - c.gainError > 1e-9 && c.gain > candidates[best]!.gain) best = i;
  });
  return candidates[best]!.name;
}

/** The changes of the choice's winner (none for the noise alone). */
export function chosenChanges(c: SpectralChoice | null): SpectralChanges {
  return SPECTRAL_CANDIDATES.find((x) => x.name === c?.winner)?.changes ?? {};
}

/** The run log's line on the choice. */
export function spectralChoiceNote(c: SpectralChoice): string {
  const table = c.candidates.map((s) => `${s.name} ${s.score.toFixed(4)}${s.name === c.candidates[0]!.name ? '' : ` (${s.gain >= 0 ? '+' : ''}${s.gain.toFixed(4)} ± ${s.gainError.toFixed(4)})`}`).join('; ');
  return `Augmentation changes: "${c.winner}" chosen by balanced accuracy of ${c.scoredWith}: ${table}.`;
}
