/**
 * Turning a dataset into a training problem, pure and leak-free: the split (given tags or a
 * stratified hold-out), the early-stopping slice carved from the training rows only, the
 * recipe and the input scaling fitted on training rows only, class weights for imbalance, and
 * standardised regression targets. Shared by training and (later) prediction.
 */
import { UserError } from '../errors';
import { mulberry32, shuffleInPlace } from './random';
import { applyPipeline, fitOnTraining, type FittedPipeline, type ResolvedPipeline } from '../preprocessing/pipeline';
import type { SpectraBlock } from '../preprocessing/types';

/** The given tags, a stratified hold-out, or rows chosen by the caller (a spatially blocked hold-out, ./splits.ts). */
export type Validation = { kind: 'given' } | { kind: 'holdout'; fraction: number } | { kind: 'rows'; train: number[]; test: number[] };

/**
 * Splits `rows` into two parts with `fraction` in the second, stratified by `strata` when
 * given (every class with ≥ 2 rows keeps at least one row on each side). Sorted outputs.
 */
export function stratifiedSplit(rows: number[], fraction: number, seed: number, strata?: ArrayLike<number>): { keep: number[]; out: number[] } {
  const rand = mulberry32(seed);
  const groups = new Map<number, number[]>();
  for (const r of rows) {
    const g = strata ? strata[r]! : 0;
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g)!.push(r);
  }
  const keep: number[] = [];
  const out: number[] = [];
  for (const g of [...groups.keys()].sort((a, b) => a - b)) {
    const members = shuffleInPlace(groups.get(g)!, rand);
    let take = Math.round(members.length * fraction);
    if (members.length >= 2) take = Math.min(Math.max(take, 1), members.length - 1);
    else take = 0;
    out.push(...members.slice(0, take));
    keep.push(...members.slice(take));
  }
  return { keep: keep.sort((a, b) => a - b), out: out.sort((a, b) => a - b) };
}

export interface TargetInfo {
  kind: 'classification' | 'regression';
  /** Class names in index order (classification). */
  classes: string[];
  /** Per row: class index, or the numeric value; NaN / -1 where missing. */
  values: Float64Array;
}

/** Reads a target column: classes sorted naturally ("2" before "10"), or numbers. */
/** A text column cannot be a target: the one rule (and message) for training, cross-validation and the layer summary. */
export function requireTrainable(kind: 'class' | 'number' | 'text', column: string): void {
  if (kind === 'text') throw new UserError('BAD_INPUT', `Column "${column}" holds free text. Mark it as a class column (or a number column) in the Data view before training on it.`, { field: column });
}

export function targetFromColumn(kind: 'class' | 'number' | 'text', column: string, raw: (string | number | null)[]): TargetInfo {
  requireTrainable(kind, column);
  if (kind === 'number') {
    const values = Float64Array.from(raw, (v) => (v === null || v === '' ? NaN : Number(v)));
    return { kind: 'regression', classes: [], values };
  }
  const names = [...new Set(raw.filter((v): v is string | number => v !== null && v !== '').map(String))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const index = new Map(names.map((n, i) => [n, i]));
  const values = Float64Array.from(raw, (v) => (v === null || v === '' ? -1 : index.get(String(v))!));
  return { kind: 'classification', classes: names, values };
}

export interface Problem {
  /** Row indices (into the dataset's samples) of each role. */
  train: number[];
  /** Carved from `train` for early stopping; empty when the training set is too small. */
  monitor: number[];
  test: number[];
  /** Rows left out because their target is missing. */
  unlabelled: number[];
}

/**
 * Train, early-stopping and test rows. `rows` (a fold of a cross-validation, from ./splits) gives
 * the train and test rows directly; otherwise `validation` splits the labelled rows.
 */
export function makeProblem(opts: { target: TargetInfo; splits: ('train' | 'test' | null)[]; validation: Validation; rows?: { train: number[]; test: number[] }; seed: number; monitorFraction?: number; monitorMin?: number }): Problem {
  const { target, splits } = opts;
  const n = splits.length;
  const labelled: number[] = [];
  const unlabelled: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = target.values[i]!;
    if (target.kind === 'classification' ? v < 0 : !Number.isFinite(v)) unlabelled.push(i);
    else labelled.push(i);
  }
  const strata = target.kind === 'classification' ? target.values : undefined;
  let train: number[];
  let test: number[];
  const chosen = opts.rows ?? (opts.validation.kind === 'rows' ? opts.validation : null);
  if (chosen) {
    const has = new Set(labelled);
    train = chosen.train.filter((i) => has.has(i));
    test = chosen.test.filter((i) => has.has(i));
  } else if (opts.validation.kind === 'given') {
    train = labelled.filter((i) => splits[i] === 'train');
    test = labelled.filter((i) => splits[i] === 'test');
    if (!train.length || !test.length) {
      throw new UserError('BAD_INPUT', `Validation "given" needs samples tagged train and test, but this dataset has ${train.length} train and ${test.length} test samples with a target. Tag them in the Data view, or use holdout:0.2.`, { field: 'validation' });
    }
  } else if (opts.validation.kind === 'holdout') {
    const s = stratifiedSplit(labelled, opts.validation.fraction, opts.seed, strata);
    train = s.keep;
    test = s.out;
  } else throw new Error('makeProblem: rows validation without rows');
  if (target.kind === 'classification') {
    const present = new Set(train.map((i) => target.values[i]!));
    const missing = target.classes.filter((_, c) => !present.has(c));
    if (missing.length) throw new UserError('BAD_INPUT', `Class ${missing.map((m) => `"${m}"`).join(', ')} has no training samples, so no model can learn it. Move some of its samples to the training split.`, { field: 'split' });
  }
  const min = opts.monitorMin ?? 60;
  let monitor: number[] = [];
  if (train.length >= min) {
    const s = stratifiedSplit(train, opts.monitorFraction ?? 0.15, opts.seed + 1, strata);
    train = s.keep;
    monitor = s.out;
  }
  return { train, monitor, test, unlabelled };
}

/** Rows with a target value: a class, or a finite number. */
export function labelledRows(target: TargetInfo): number[] {
  const out: number[] = [];
  for (let r = 0; r < target.values.length; r++) if (target.kind === 'classification' ? target.values[r]! >= 0 : Number.isFinite(target.values[r]!)) out.push(r);
  return out;
}

/** Balanced class weights n / (K · n_c) when the largest class is more than 1.5× the smallest; else all 1. */
export function classWeightsFor(labels: ArrayLike<number>, rows: number[], classes: number): { weights: number[]; balanced: boolean } {
  const counts = new Array<number>(classes).fill(0);
  for (const r of rows) counts[labels[r]!]!++;
  const present = counts.filter((c) => c > 0);
  const imbalanced = Math.max(...present) > 1.5 * Math.min(...present);
  if (!imbalanced) return { weights: counts.map(() => 1), balanced: false };
  const n = rows.length;
  return { weights: counts.map((c) => (c > 0 ? n / (classes * c) : 0)), balanced: true };
}

/** Mild changes of a spectrum's shape that a copy may take (./augment.ts); absent or 0: none. */
export interface SpectralChanges {
  /** Largest shift along the axis, in whole points. */
  shift?: number;
  /** Largest baseline tilt: the rise from the first point to the last, in units of the standardised input. */
  tilt?: number;
  /** Largest change of intensity, as a fraction (0.05: × 0.95 to × 1.05). */
  scale?: number;
}

/** Training on perturbed copies of the spectra (see ./augment.ts). */
export interface Augmentation extends SpectralChanges {
  /** Copies of every training row, the first one unchanged. */
  copies: number;
  /** Standard deviation of the per-point Gaussian noise, in units of the standardised input. */
  noise: number;
  /** How the noise was sized: the training rows' class spread it was taken from (see {@link classSpread}). */
  classSpread?: number;
}

/** The noise never exceeds this, in standardised units: the value the UCR sets were tuned with. */
export const NOISE_CEILING = 0.03;
/** The noise is this fraction of the training rows' class spread, below the ceiling. */
export const NOISE_FRACTION = 0.5;

/**
 * How far apart the classes are at one input value, on the training rows: per value, the variance
 * of the class means less the part that the spread within the classes alone puts between means of
 * classes of their sizes (the one-way analysis-of-variance estimate, floored at 0), as an SD; the
 * median over the values. A large offset or tilt that varies from spectrum to spectrum inflates
 * the raw spread of the class means, not this.
 * @param x [rows, width] model inputs
 */
export function classSpread(x: Float32Array, width: number, rows: number[], labels: ArrayLike<number>, classes: number): number {
  const counts = new Float64Array(classes);
  for (const r of rows) counts[labels[r]!]!++;
  const present = [...counts.keys()].filter((c) => counts[c]! > 0);
  const k = present.length;
  if (k < 2 || rows.length <= k) return 0;
  const inverseSize = present.reduce((a, c) => a + 1 / counts[c]!, 0) / k;
  const sums = new Float64Array(classes * width);
  const squares = new Float64Array(width);
  for (const r of rows) {
    const o = labels[r]! * width;
    for (let j = 0; j < width; j++) {
      const v = x[r * width + j]!;
      sums[o + j] += v;
      squares[j] += v * v;
    }
  }
  const spread = new Float64Array(width);
  for (let j = 0; j < width; j++) {
    let between = 0;
    let meanOfMeans = 0;
    let explained = 0;
    for (const c of present) {
      const m = sums[c * width + j]! / counts[c]!;
      meanOfMeans += m / k;
      explained += counts[c]! * m * m;
    }
    for (const c of present) between += (sums[c * width + j]! / counts[c]! - meanOfMeans) ** 2 / (k - 1);
    const within = Math.max(0, squares[j]! - explained) / (rows.length - k);
    spread[j] = Math.sqrt(Math.max(0, between - within * inverseSize));
  }
  spread.sort();
  return width % 2 ? spread[(width - 1) / 2]! : (spread[width / 2 - 1]! + spread[width / 2]!) / 2;
}

/**
 * Small classification sets (fewer than 200 training rows, so no early-stopping slice) train on
 * noisy copies of their spectra, which keeps a network from memorising a few dozen spectra
 * point by point. UCR Meat (60 training spectra), cnn, test accuracy for seeds 1–3: 0.917,
 * 0.817, 0.867 without; 0.967, 0.917, 0.917 (and 0.917, 0.900 for seeds 4–5) with 16 copies at
 * noise 0.03 and batches of 16 (TRAIN_DEFAULTS.smallSetBatchSize). The noise follows the data:
 * {@link NOISE_FRACTION} of the training rows' {@link classSpread}, at most {@link NOISE_CEILING},
 * so that it never drowns the differences between the classes (raw absorbance standardised as a
 * whole has classes far closer together than the z-normalised UCR spectra); a set with no
 * spread between its classes gets no copies. Regression trains on the spectra as they are: the
 * noise blurs the small differences a value is read from (Tecator fat, 172 training spectra,
 * cnn: RMSEP 1.54 without, 3.29 with). So do larger sets. Long spectra get fewer copies, so that
 * all of them hold at most 8 million values (32 MB as float32).
 */
export function augmentationFor(kind: 'classification' | 'regression', trainRows: number, monitorRows: number, valuesPerRow: number, spread: number): Augmentation | null {
  if (kind !== 'classification' || monitorRows > 0 || trainRows >= 200) return null;
  const copies = Math.min(16, Math.floor(8e6 / Math.max(1, trainRows * valuesPerRow)));
  const noise = Math.min(NOISE_CEILING, NOISE_FRACTION * spread);
  return copies >= 2 && noise > 0 ? { copies, noise, classSpread: spread } : null;
}

export interface Scaling {
  /** Global standardisation of the (preprocessed) inputs, fitted on the training rows. */
  mean: number;
  std: number;
}

export interface PreparedInputs {
  /** Preprocessed, scaled inputs [rows, points] as float32. */
  x: Float32Array;
  points: number;
  axis: Float64Array;
  fitted: FittedPipeline | null;
  scaling: Scaling;
}

/**
 * Applies the recipe (fitted on the training rows) and a global standardisation (fitted on the
 * training rows), then checks every value is finite, naming the samples that are not.
 */
export function prepareInputs(block: SpectraBlock, keys: string[], trainRows: number[], spec: ResolvedPipeline | null): PreparedInputs {
  let out = block;
  let fitted: FittedPipeline | null = null;
  if (spec && spec.steps.some((s) => s.enabled)) {
    fitted = fitOnTraining(spec, block, trainRows);
    out = applyPipeline(fitted, block);
  }
  const points = out.axis.length;
  requireFinite(out, keys, spec !== null);
  let sum = 0;
  let count = 0;
  for (const r of trainRows) for (let j = 0; j < points; j++) sum += out.values[r * points + j]!;
  count = trainRows.length * points;
  const mean = sum / (count || 1);
  let ss = 0;
  for (const r of trainRows) for (let j = 0; j < points; j++) ss += (out.values[r * points + j]! - mean) ** 2;
  const std = Math.sqrt(ss / (count || 1)) || 1;
  const x = new Float32Array(out.rows * points);
  for (let i = 0; i < x.length; i++) x[i] = (out.values[i]! - mean) / std;
  return { x, points, axis: out.axis, fitted, scaling: { mean, std } };
}

/** Refuses a block with a missing or infinite value, naming (up to three of) its spectra by `keys` (one per row). */
export function requireFinite(out: SpectraBlock, keys: string[], afterRecipe: boolean): void {
  const points = out.axis.length;
  const bad: string[] = [];
  for (let r = 0; r < out.rows; r++) {
    for (let j = 0; j < points; j++) {
      if (!Number.isFinite(out.values[r * points + j]!)) {
        bad.push(keys[r]!);
        break;
      }
    }
  }
  if (bad.length) {
    const where = afterRecipe ? 'after the recipe' : 'in the data';
    throw new UserError('BAD_INPUT', `${bad.length} spectr${bad.length === 1 ? 'um has' : 'a have'} missing or infinite values ${where} (${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ', …' : ''}). Remove ${bad.length === 1 ? 'it' : 'them'} or crop the affected range before training.`);
  }
}

/** Gathers rows of a [n, points] float32 matrix. */
export function gatherRows(x: Float32Array, points: number, rows: number[]): Float32Array {
  const out = new Float32Array(rows.length * points);
  rows.forEach((r, i) => out.set(x.subarray(r * points, (r + 1) * points), i * points));
  return out;
}
