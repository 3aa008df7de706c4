/**
 * Predicting new spectra with a trained model, from a run stored in a project or from a model
 * package (model-package.ts), with the same steps training took: resample onto the raw axis the
 * model was trained on, the run's recipe with its fitted state, the run's input scaling, the
 * model. Each prediction carries an out-of-model check (Hotelling T² and Q with 95 % limits
 * learned from the run's training spectra): on the PLS scores for PLS runs, on a PCA of the
 * penultimate-layer features for networks.
 */
import os from 'node:os';
import type { Db } from '../db/connection';
import { loadAxis, loadSpectra } from '../db/datasets';
import { getRun, putRunArtifact, runArtifact, type RunRow } from '../db/runs';
import { UserError } from '../common/errors';
import { applyChannelInputs, type ChannelsRecord } from '../common/runs/channels';
import { AXIS_UNIT_LABELS, type AxisUnit } from '../common/domain/spectra';
import type { LayerSpec } from '../common/ml/model';
import type { TaskSpec } from '../common/ml/protocol';
import type { TargetScaling } from '../common/runs/schema';
import type { Scaling } from '../common/ml/prepare';
import { checkSpectra, fitReconstructionCheck, rmseOfQ, type FlaggedBy, type LimitSpectra, type ReconstructionCheck } from '../common/ml/reconstruction';
import { predictPls, type PlsModel } from '../common/ml/pls';
import { fitPlsOutlier, plsOutlierStats, type PlsOutlierModel } from '../common/ml/pls/diagnostics';
import { fitPcaOutlier, pcaOutlierStats, qResidualLimit, type OutlierStats, type PcaOutlierModel } from '../common/ml/outlier';
import { argmaxRows, softmaxRows } from '../common/ml/metrics';
import { applyPipeline, type FittedPipeline, type ResolvedPipeline } from '../common/preprocessing/pipeline';
import { getStep } from '../common/preprocessing/registry';
import type { JsonValue, SpectraBlock } from '../common/preprocessing/types';
import { trainedNet, type Net } from '../ml/engine/net';
import { sameAxis } from '../common/preprocessing/common-axis';
import type { Kernels } from '../ml/kernels/types';
import { createKernelsOf } from '../ml/engine/kernels-factory';
import type { KernelKind } from '../ml/engine/kernel-choice';
import { chooseWasmBuild, wasmKernelSet } from '../ml/kernels/index';
import { PredictPool, forwardRows } from '../ml/engine/predict-pool';
import { findBuilt } from '../ml/built-files';
import { datasetBlock } from './preprocess';
import { runExtraChannels } from './run-data';
import { mapGrid, type MapGrid } from '../common/maps/grid';
import { neighbourhoodChannels, type Neighbourhood } from '../common/runs/neighbourhood';
import { targetChannelIndex } from '../common/runs/vector-target';
import { channelAxes } from '../db/channels';

/** A network's layers and trained values, in our engine's layout (see Net). */
export interface NetworkModel {
  /** Hidden layers; the output dense layer follows from the task. */
  layers: LayerSpec[];
  input: [number, number];
  task: TaskSpec;
  /** Trainable parameters in Net's order (layout: Net.params). */
  weights: Float32Array;
  /** Batch-norm running statistics in Net's order (layout: Net.stateInfo). */
  state: Float32Array;
}

/** An autoencoder's check is its own reconstruction error (common/ml/reconstruction.ts). */
export type OutlierModel = { kind: 'pls'; limits: PlsOutlierModel } | { kind: 'pca'; model: PcaOutlierModel } | { kind: 'reconstruction'; check: ReconstructionCheck };

/**
 * Everything a prediction needs, as plain data: what a model package stores. Built from a run by
 * {@link loadPredictor} or from a folder by `readModelPackage`.
 */
export interface Predictor {
  /** Where the model came from, for messages ("run 3", "package ./coffee-cnn"). */
  source: string;
  /** Model name (cnn, resnet1d, …, pls). */
  model: string;
  task: 'classification' | 'regression';
  targetColumn: string;
  /** Class names in output order (empty for regression). */
  classes: string[];
  /** The axis of the spectra the model was trained on, before the recipe. */
  rawAxis: Float64Array;
  axisUnit: AxisUnit;
  /** The model's input axis, after the recipe. */
  modelAxis: Float64Array;
  recipe: FittedPipeline | null;
  inputScaling: Scaling;
  /** Regression: the model predicts (value − mean) / std. */
  targetScaling: { mean: number; std: number } | null;
  /** A model of several targets: each one's column and scaling, in output order (`targetScaling` is the first's). */
  targets?: TargetScaling[];
  network: NetworkModel | null;
  pls: PlsModel | null;
  outlier: OutlierModel | null;
  /** Kernels to run a network on: 'js' for runs trained on the plain-JS engine, else WebAssembly where built. */
  kernels: KernelKind;
  /**
   * A model trained on several channels per sample: how it read them (names, stored scaling,
   * resampling and fitted recipe per channel) and each channel's raw axis (channel 0's is `rawAxis`).
   */
  channels?: { record: ChannelsRecord; rawAxes: Float64Array[]; spec: ResolvedPipeline | null };
  /** A model that read each pixel of a map with its neighbourhood (its channels are the neighbours' spectra). */
  neighbourhood?: Neighbourhood;
  /**
   * A model whose target is a channel (spectrum in, spectrum out): the channel's name, the axis of
   * its predicted spectra (after the run's recipe; `targets` holds one scaling per point, named by
   * the axis value) with its unit, and the names of the channels it reads, in order.
   */
  targetChannel?: { name: string; axis: Float64Array; unit: AxisUnit; inputs: string[] };
}

/** One channel of a spectrum to predict (its axis, values and, when known, axis unit). */
export interface ChannelInput {
  axis: Float64Array;
  values: ArrayLike<number>;
  unit?: AxisUnit;
}

export interface SpectrumInput {
  /** Sample id shown in results and errors. */
  key: string;
  axis: Float64Array;
  values: ArrayLike<number>;
  /** The axis unit when known; a unit other than the model's is refused. */
  unit?: AxisUnit;
  /** File the spectrum came from, for error messages. */
  file?: string;
  /** For a model on several channels: the sample's channels after the first, in the model's order. */
  more?: ChannelInput[];
  /** The spectrum's position on a map, for a model that reads neighbourhoods. */
  mapX?: number;
  mapY?: number;
  /** The names of its channels (this one first, then `more`), when the file names them (a long table with a channel column). */
  channelNames?: string[];
}

export interface Prediction {
  key: string;
  /** Class name, or the value in the target's units (a model of several targets: the first's). */
  predicted: string | number;
  /** A model of several targets: every target's value in its units, in the predictor's order. */
  values?: number[];
  /**
   * Classification: one probability per class. Networks: the softmax of the logits. PLS-DA: the
   * predicted one-hot row clipped to [0, 1] and divided by its sum (uniform when every entry
   * clips to 0) — a score on the probability scale, not a calibrated probability; with the
   * class-centre or nearest-neighbour decision, the inverse-distance shares of the class centres or
   * of the classes' nearest training spectra.
   */
  probabilities: number[] | null;
  /** Hotelling T² and Q residual with their 95 % limits; NaN where the run has no check. */
  t2: number;
  q: number;
  t2Limit: number;
  qLimit: number;
  outOfModel: boolean;
  /** An autoencoder's: its largest standardised single-point residual with its limit, and which check flags it (common/ml/reconstruction.ts). */
  reconstruction?: { maxResidual: number; maxResidualLimit: number; flaggedBy: FlaggedBy };
}

const EVAL_BATCH = 64;
const nets = new WeakMap<Predictor, { net: Net; kernels: string; kind: KernelKind; wasmPath: string | null }>();

/**
 * A prediction of this many spectra or more (a call, or a whole map) splits its forward passes
 * over worker threads (one per core beyond the first): below it, starting them costs more than
 * they save. Measured on 2 cores under load 3–4: a thread takes 0.4–0.8 s to start (load its
 * bundle, build its network), a spectrum of 1,000 points ≈ 1 ms of a reference CNN's forward pass.
 */
export const PARALLEL_MIN_SPECTRA = 2048;

/** How a prediction uses worker threads (tests force them on small inputs). */
export interface PredictionThreads {
  /** Spectra (of the scope, else of the call) from which forward passes are split (default {@link PARALLEL_MIN_SPECTRA}). */
  minSpectra?: number;
  /** Worker threads besides the calling one (default: cores − 1). */
  workers?: number;
  /** Told the threads of each forward pass that ran on several. */
  onParallel?: (threads: number, spectra: number) => void;
}

/** Open {@link withPredictionThreads} scopes: their options and, once a pass needed it, the pool. */
const scopes = new WeakMap<Predictor, { opts: PredictionThreads; spectra: number; pool: PredictPool | null }>();

/**
 * Runs `fn` with the predictor's prediction threads started at most once (on the first forward
 * pass of enough spectra) and reused by every pass inside it (the bands of a whole-map
 * prediction), then closed; `spectra`, the scope's spectra in all, decides whether to use them. Outside such a scope a pass of enough spectra starts and closes its own.
 */
export function withPredictionThreads<T>(p: Predictor, spectra: number, fn: () => T, opts: PredictionThreads = {}): T {
  if (scopes.has(p)) return fn();
  const scope = { opts, spectra, pool: null as PredictPool | null };
  scopes.set(p, scope);
  try {
    return fn();
  } finally {
    scopes.delete(p);
    scope.pool?.close();
  }
}

function defaultWorkers(): number {
  return Math.max(0, Math.min(7, (os.availableParallelism?.() ?? os.cpus().length) - 1));
}

/** The network's outputs (and penultimate features when asked) for `x` [n, inputs]: on the calling thread, or split over worker threads when there are enough spectra (the same numbers either way; ml/engine/predict-pool.ts). */
function forwardNet(p: Predictor, x: Float32Array, n: number, features: boolean): { outputs: Float32Array; features: Float32Array | null } {
  const built = builtNet(p);
  const scope = scopes.get(p);
  const opts = scope?.opts ?? {};
  const workers = opts.workers ?? defaultWorkers();
  const workerFile = workers > 0 && (scope?.spectra ?? n) >= (opts.minSpectra ?? PARALLEL_MIN_SPECTRA) && n > built.net.maxBatch ? findBuilt('ml/predict-worker.cjs') : null;
  if (!workerFile) return forwardRows(built.net, x, n, features);
  const start = () => new PredictPool(built.net, workers, workerFile, { kernels: built.kind, wasmPath: built.wasmPath, weights: p.network!.weights, state: p.network!.state });
  const pool = scope ? (scope.pool ??= start()) : start();
  try {
    opts.onParallel?.(Math.min(pool.threads, Math.ceil(n / built.net.maxBatch)), n);
    return pool.run(x, n, features);
  } finally {
    if (!scope) pool.close();
  }
}

function fmtNum(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

function unitText(unit: AxisUnit): string {
  return unit === 'index' || unit === 'other' ? '' : ` ${AXIS_UNIT_LABELS[unit]}`;
}

function range(axis: ArrayLike<number>): [number, number] {
  const a = axis[0]!;
  const b = axis[axis.length - 1]!;
  return a < b ? [a, b] : [b, a];
}

/**
 * One spectrum on the model's raw axis: the values themselves when the axes are identical, else
 * linear interpolation (the recipe's resample step). Rounded to float32, as the project stores
 * spectra, so an imported file and the same file given here give the same numbers.
 */
export function onModelAxis(p: Predictor, s: SpectrumInput): Float64Array {
  const out = new Float64Array(p.rawAxis.length);
  onRawAxis(p, s, s, 0, out, 0);
  return out;
}

/**
 * Channel `c` of a spectrum (`ch`: its axis and values) on the raw axis of the model's channel
 * `c`, written to `out` from `at`. `known` holds, for axes already compared within one call,
 * whether each is that raw axis (the spectra of a map or a file share one axis object, compared
 * once instead of once per spectrum).
 */
function onRawAxis(p: Predictor, s: SpectrumInput, ch: ChannelInput, c: number, out: Float64Array, at: number, known?: Map<ArrayLike<number>, boolean>): void {
  const where = () => {
    const spectrum = s.file && s.file !== s.key ? `${s.file}: spectrum "${s.key}"` : `Spectrum "${s.key}"`;
    // A model of a target channel names the channel it reads, channel 0 included.
    const channel = c > 0 ? p.channels!.record.names[c] : p.targetChannel?.inputs[0];
    return channel !== undefined ? `${spectrum}, channel "${channel}",` : spectrum;
  };
  if (ch.axis.length !== ch.values.length) throw new UserError('BAD_INPUT', `${where()} has ${ch.values.length} values for ${ch.axis.length} axis points.`, { file: s.file });
  const comparable = (u: AxisUnit) => u !== 'index' && u !== 'other';
  if (ch.unit && ch.unit !== p.axisUnit && comparable(ch.unit) && comparable(p.axisUnit)) {
    throw new UserError('BAD_INPUT', `${where()} is on a ${AXIS_UNIT_LABELS[ch.unit]} axis, but ${p.source} was trained on ${AXIS_UNIT_LABELS[p.axisUnit]}. Export the spectrum in ${AXIS_UNIT_LABELS[p.axisUnit]}.`, { file: s.file });
  }
  const values = ch.values;
  const missing = (i: number) => new UserError('BAD_INPUT', `${where()} has a missing or infinite value at point ${i + 1}.`, { file: s.file });
  const target = c > 0 ? p.channels!.rawAxes[c]! : p.rawAxis;
  let same = known?.get(ch.axis);
  if (same === undefined) {
    same = sameAxis(ch.axis, target);
    known?.set(ch.axis, same);
  }
  if (same) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) throw missing(i);
      out[at + i] = Math.fround(v);
    }
    return;
  }
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) throw missing(i);
  const [lo, hi] = range(target);
  const [slo, shi] = range(ch.axis);
  const n = ch.axis.length;
  const tol = n > 1 ? (shi - slo) / (n - 1) / 2 : 0;
  if (n < 2 || slo > lo + tol || shi < hi - tol) {
    const u = unitText(p.axisUnit);
    throw new UserError(
      'BAD_INPUT',
      `${where()} covers ${fmtNum(slo)}–${fmtNum(shi)}${u}, but ${p.source} needs ${fmtNum(lo)}–${fmtNum(hi)}${u}. Measure or export the spectrum over the model's whole range.`,
      { file: s.file },
    );
  }
  const block: SpectraBlock = { axis: ch.axis, values: Float64Array.from(values), rows: 1 };
  let resampled: SpectraBlock;
  try {
    resampled = getStep('resample').transform({ axis: Array.from(target), step: null, maxExtrapolation: tol }, block, null);
  } catch (err) {
    throw new UserError('BAD_INPUT', `${where()}: ${(err as Error).message}`, { file: s.file });
  }
  for (let i = 0; i < target.length; i++) out[at + i] = Math.fround(resampled.values[i]!);
}

/** Spectra already on the raw axis → the recipe → the input scaling: model inputs [n, points] as float32. */
export function modelInputs(p: Predictor, rows: Float64Array, n: number, keys: string[]): Float32Array {
  let block: SpectraBlock = { axis: p.rawAxis, values: rows, rows: n };
  if (p.recipe && p.recipe.spec.steps.some((s) => s.enabled)) block = applyPipeline(p.recipe, block);
  const points = block.axis.length;
  if (points !== p.modelAxis.length) throw new UserError('INTERNAL', `The recipe gives ${points} points; ${p.source} expects ${p.modelAxis.length}.`);
  const { mean, std } = p.inputScaling;
  const x = new Float32Array(n * points);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < points; j++) {
      const v = block.values[r * points + j]!;
      if (!Number.isFinite(v)) throw new UserError('BAD_INPUT', `Spectrum "${keys[r]}" has missing or infinite values after the recipe of ${p.source}.`);
      x[r * points + j] = (v - mean) / std;
    }
  }
  return x;
}

/**
 * Spectra of a model on several channels, already on each channel's raw axis (`rows[c]`: [n,
 * points of channel c]) → per channel the stored resampling, recipe state and scaling → the stored
 * layout: model inputs [n, points × channels] as float32.
 */
function channelModelInputs(p: Predictor, rows: Float64Array[], n: number, keys: string[]): Float32Array {
  const { record, rawAxes, spec } = p.channels!;
  const who = p.source.charAt(0).toUpperCase() + p.source.slice(1);
  const built = applyChannelInputs(rows.map((values, c) => ({ axis: rawAxes[c]!, values, rows: n })), spec, record, who);
  if (built.points !== p.modelAxis.length) throw new UserError('INTERNAL', `The recipe gives ${built.points} points; ${p.source} expects ${p.modelAxis.length}.`);
  const width = built.width;
  for (let r = 0; r < n; r++) {
    for (let j = r * width; j < (r + 1) * width; j++) {
      if (!Number.isFinite(built.x[j]!)) throw new UserError('BAD_INPUT', `Spectrum "${keys[r]}" has missing or infinite values after the recipe of ${p.source}.`);
    }
  }
  return built.x;
}

/** A network with its stored weights and batch-norm state, ready for inference. */
export function buildNet(m: NetworkModel, kernels: Kernels, maxBatch = EVAL_BATCH): Net {
  return trainedNet(kernels, m, maxBatch);
}

/** A stored network run's layers and weights. */
export function runNetwork(db: Db, run: RunRow): NetworkModel {
  const c = run.config as { layers: LayerSpec[]; input: [number, number]; task: TaskSpec };
  return { layers: c.layers, input: c.input, task: c.task, weights: f32(runArtifact(db, run.id, 'weights.f32'), 'stored weights', run.id), state: f32(runArtifact(db, run.id, 'state.f32'), 'stored batch-norm state', run.id) };
}

/**
 * The predictor's network, built once with its stored weights (cached per predictor), on the
 * kernels training would choose on this runtime: the relaxed SIMD build where it validates
 * (chooseWasmBuild), else SIMD128; plain JS for a run trained on it or where neither is built.
 */
export function netOf(p: Predictor): Net {
  return builtNet(p).net;
}

/** The kernel set the predictor's network runs on, named as a run records it (e.g. "spectra-desk wasm-relaxed-simd"). */
export function predictionKernels(p: Predictor): string {
  return builtNet(p).kernels;
}

function builtNet(p: Predictor): { net: Net; kernels: string; kind: KernelKind; wasmPath: string | null } {
  let built = nets.get(p);
  if (!built) {
    const build = p.kernels === 'wasm-simd' ? chooseWasmBuild() : null;
    const kind: KernelKind = build ? 'wasm-simd' : 'js';
    built = { net: buildNet(p.network!, createKernelsOf(kind, build?.file ?? null)), kernels: build ? wasmKernelSet(build) : 'spectra-desk js', kind, wasmPath: build?.file ?? null };
    nets.set(p, built);
  }
  return built;
}

/**
 * Raw model outputs (logits, one-hot rows, or standardised values) [n, outputs] as float32, as
 * training evaluated them, with the out-of-model statistics where the run has a check. A network
 * with the PCA check gives its outputs and its penultimate features from one forward pass.
 */
function outputsAndStats(p: Predictor, x: Float32Array, n: number): { out: Float32Array; stats: OutlierStats | null } {
  const check = p.outlier && p.outlier.kind !== 'reconstruction' ? p.outlier : null;
  if (p.pls) {
    const x64 = Float64Array.from(x);
    const out = Float32Array.from(predictPls(p.pls, x64, n));
    return { out, stats: check?.kind === 'pls' ? plsOutlierStats(p.pls, check.limits, x64, n) : null };
  }
  if (check?.kind !== 'pca') return { out: forwardNet(p, x, n, false).outputs, stats: null };
  const { outputs, features } = forwardNet(p, x, n, true);
  return { out: outputs, stats: pcaOutlierStats(check.model, features!, n) };
}

/**
 * PCA out-of-model check of a network's penultimate features, with the Q limit from
 * cross-validated residuals: each training sample's Q comes from a PCA (same number of
 * components) fitted without its fold. A network's features are many and fitted to these very
 * samples, so in-sample residuals understate what a new spectrum of the same kind gives: with
 * them, most of Coffee's own test spectra were flagged. The T² limit is the usual F limit.
 */
export function fitFeatureOutlier(features: Float32Array, n: number, cols: number): PcaOutlierModel {
  const model = fitPcaOutlier(features, n, cols);
  const folds = Math.min(n, 10);
  if (n - Math.ceil(n / folds) < model.components + 2) return model;
  const gather = (rows: number[]) => {
    const out = new Float64Array(rows.length * cols);
    rows.forEach((r, i) => out.set(features.subarray(r * cols, (r + 1) * cols), i * cols));
    return out;
  };
  const q = new Float64Array(n);
  for (let f = 0; f < folds; f++) {
    const held: number[] = [];
    const kept: number[] = [];
    for (let i = 0; i < n; i++) (i % folds === f ? held : kept).push(i);
    const sub = fitPcaOutlier(gather(kept), kept.length, cols, { varianceToExplain: 1, maxComponents: model.components, confidence: model.confidence });
    const s = pcaOutlierStats(sub, gather(held), held.length);
    held.forEach((i, j) => (q[i] = s.q[j]!));
  }
  return { ...model, qLimit: qResidualLimit(q, model.confidence, cols) };
}

/** Fits the out-of-model check on the scaled inputs of the training spectra (an autoencoder's: those `learnedOn` says). */
export function fitOutlierModel(p: Predictor, x: Float32Array, n: number, learnedOn: LimitSpectra = 'training'): OutlierModel {
  if (p.pls) return { kind: 'pls', limits: fitPlsOutlier(p.pls, Float64Array.from(x), n) };
  if (p.network!.task.kind === 'reconstruction') return { kind: 'reconstruction', check: fitReconstructionCheck(x, netOf(p).predict(x, n), n, x.length / n, learnedOn) };
  const net = netOf(p);
  return { kind: 'pca', model: fitFeatureOutlier(net.features(x, n), n, net.featureSize) };
}

/**
 * The model inputs [n, points × channels] of spectra: each channel resampled onto the model's raw
 * axis of that channel, then the run's recipe and scaling.
 * @throws UserError naming the spectrum and the channel when a spectrum lacks one the model reads
 */
export function spectraInputs(p: Predictor, spectra: SpectrumInput[]): Float32Array {
  const n = spectra.length;
  const keys = spectra.map((s) => s.key);
  if (p.neighbourhood) return neighbourhoodInputs(p, spectra, p.neighbourhood);
  if (!p.channels) {
    const L = p.rawAxis.length;
    const rows = new Float64Array(n * L);
    const known = new Map<ArrayLike<number>, boolean>();
    spectra.forEach((s, i) => onRawAxis(p, s, s, 0, rows, i * L, known));
    return modelInputs(p, rows, n, keys);
  }
  const { names } = p.channels.record;
  const axes = p.channels.rawAxes;
  const rows = axes.map((a) => new Float64Array(n * a.length));
  const known = axes.map(() => new Map<ArrayLike<number>, boolean>());
  spectra.forEach((s, i) => {
    const spectrum = s.file && s.file !== s.key ? `${s.file}: spectrum "${s.key}"` : `Spectrum "${s.key}"`;
    const given = 1 + (s.more?.length ?? 0);
    const trained = `${p.source} was trained on ${names.length} channels (${names.map((c) => `"${c}"`).join(', ')})`;
    if (given > names.length) throw new UserError('BAD_INPUT', `${spectrum} has ${given} channels; ${trained}.`, { file: s.file });
    axes.forEach((a, c) => {
      const ch = c === 0 ? s : s.more?.[c - 1];
      if (!ch) throw new UserError('BAD_INPUT', `${spectrum} has no channel "${names[c]}" (channel ${c + 1}); ${trained}, and each spectrum needs every one of them.`, { file: s.file });
      onRawAxis(p, s, ch, c, rows[c]!, i * a.length, known[c]);
    });
  });
  return channelModelInputs(p, rows, n, keys);
}

/**
 * The model inputs of a model on neighbourhoods: the spectra must be the pixels of a map; each
 * is resampled onto the model's raw axis, and its neighbourhood read on their grid.
 * @throws UserError when a spectrum has no map position, the positions are not a grid, or the radius does not fit
 */
function neighbourhoodInputs(p: Predictor, spectra: SpectrumInput[], n: Neighbourhood): Float32Array {
  const unplaced = spectra.find((s) => s.mapX === undefined || s.mapY === undefined);
  if (unplaced) throw new UserError('BAD_INPUT', `${p.source} reads each pixel with its neighbourhood of radius ${n.radius}; spectrum "${unplaced.key}" has no map position. Predict the pixels of a map (a WDF map, an ENVI cube, a table with x/y columns).`, { ...(unplaced.file ? { file: unplaced.file } : {}), field: 'neighbourhood' });
  const grid = mapGrid(
    spectra.map((s) => s.mapX!),
    spectra.map((s) => s.mapY!),
  );
  return gridNeighbourhoodInputs(p, spectra, grid, n, 'map of the spectra to predict');
}

/**
 * {@link neighbourhoodInputs} on a grid already known: spectrum i sits at `grid.pixelOfSample[i]`
 * (a whole map predicted in bands of rows passes each band with the rows around it).
 */
export function gridNeighbourhoodInputs(p: Predictor, spectra: SpectrumInput[], grid: Pick<MapGrid, 'width' | 'height' | 'pixelOfSample' | 'sampleAtPixel'>, n: Neighbourhood, what: string): Float32Array {
  const L = p.rawAxis.length;
  const rows = new Float64Array(spectra.length * L);
  const known = new Map<ArrayLike<number>, boolean>();
  spectra.forEach((s, i) => onRawAxis(p, s, s, 0, rows, i * L, known));
  const around = neighbourhoodChannels({ axis: p.rawAxis, values: rows, rows: spectra.length }, grid, n, what);
  return channelModelInputs(p, [rows, ...around.blocks.map((b) => b.values)], spectra.length, spectra.map((s) => s.key));
}

/** Predicts each spectrum (classes with probabilities, or values in the target's units) with its out-of-model check. */
export function predictSpectra(p: Predictor, spectra: SpectrumInput[]): Prediction[] {
  return spectra.length ? predictInputs(p, spectra, spectraInputs(p, spectra)) : [];
}

/** {@link predictSpectra} on model inputs already made by {@link spectraInputs} ([n, points] for the n spectra). */
export function predictInputs(p: Predictor, spectra: SpectrumInput[], x: Float32Array): Prediction[] {
  const n = spectra.length;
  if (p.network?.task.kind === 'reconstruction') return reconstructionPredictions(p, spectra, x);
  const { out, stats } = outputsAndStats(p, x, n);
  const K = p.task === 'classification' ? p.classes.length : (p.targets?.length ?? 1);
  const winners = p.task === 'classification' ? argmaxRows(out, n, K) : null;
  return spectra.map((s, i) => {
    const o = Array.from(out.subarray(i * K, (i + 1) * K));
    let predicted: string | number;
    let probabilities: number[] | null = null;
    let values: number[] | undefined;
    if (winners) {
      predicted = p.classes[winners[i]!]!;
      if (p.pls) {
        const clipped = o.map((v) => Math.min(1, Math.max(0, v)));
        const sum = clipped.reduce((a, b) => a + b, 0);
        probabilities = sum > 0 ? clipped.map((v) => v / sum) : clipped.map(() => 1 / K);
      } else probabilities = Array.from(softmaxRows(o, 1, K));
    } else if (p.targets) {
      values = p.targets.map((t, j) => o[j]! * t.std + t.mean);
      predicted = values[0]!;
    } else {
      const t = p.targetScaling ?? { mean: 0, std: 1 };
      predicted = o[0]! * t.std + t.mean;
    }
    return {
      key: s.key,
      predicted,
      ...(values ? { values } : {}),
      probabilities,
      t2: stats ? stats.t2[i]! : NaN,
      q: stats ? stats.q[i]! : NaN,
      t2Limit: stats ? stats.t2Limit : NaN,
      qLimit: stats ? stats.qLimit : NaN,
      outOfModel: stats ? stats.outOfModel[i]! : false,
    };
  });
}

/** An autoencoder's predictions: each spectrum's reconstruction RMSE (standardised units), its Q and largest standardised point residual, and which limit flags it. */
function reconstructionPredictions(p: Predictor, spectra: SpectrumInput[], x: Float32Array): Prediction[] {
  const n = spectra.length;
  const width = x.length / (n || 1);
  const check = (p.outlier as Extract<OutlierModel, { kind: 'reconstruction' }>).check;
  const c = checkSpectra(check, x, forwardNet(p, x, n, false).outputs, n, width);
  return spectra.map((s, i) => ({
    key: s.key,
    predicted: rmseOfQ(c.q[i]!, width),
    probabilities: null,
    t2: NaN,
    q: c.q[i]!,
    t2Limit: NaN,
    qLimit: check.limit,
    outOfModel: c.outOfModel[i]!,
    reconstruction: { maxResidual: c.maxResidual[i]!, maxResidualLimit: check.point.limit, flaggedBy: c.flaggedBy[i]! },
  }));
}

interface RunSplit {
  train: number[];
  monitor: number[];
  test: number[];
}

function f32(buf: Buffer | null, what: string, runId: number): Float32Array {
  if (!buf) throw new UserError('NOT_FOUND', `Run ${runId} has no ${what}; train it again.`);
  const copy = new Uint8Array(buf.byteLength);
  copy.set(buf);
  return new Float32Array(copy.buffer);
}

/** The dataset spectra of the given samples on their shared raw axis, in the order of `ids`. */
export function runSpectra(db: Db, run: RunRow, ids: number[]): { axis: Float64Array; unit: AxisUnit; rows: Float64Array; keys: string[]; sampleIds: number[] } {
  const loaded = loadSpectra(db, run.datasetId, ids);
  if (!loaded.length) throw new UserError('NOT_FOUND', `The training spectra of run ${run.id} are no longer in dataset "${run.datasetName}".`);
  const axisIds = new Set(loaded.map((s) => s.axisId));
  if (axisIds.size > 1) throw new UserError('BAD_INPUT', `Dataset "${run.datasetName}" now holds spectra on ${axisIds.size} different axes; run ${run.id} was trained on one.`);
  const { values: axis, unit } = loadAxis(db, loaded[0]!.axisId);
  const byId = new Map(loaded.map((s) => [s.sampleId, s]));
  const present = ids.filter((id) => byId.has(id));
  const rows = new Float64Array(present.length * axis.length);
  present.forEach((id, i) => rows.set(byId.get(id)!.channels[0]!, i * axis.length));
  return { axis, unit, rows, keys: present.map((id) => byId.get(id)!.key), sampleIds: present };
}

/**
 * The dataset spectra of the given samples with every channel, in the order of `ids` (those still
 * there): channel 0 as {@link runSpectra} gives it, the others in `more` on their own axes.
 */
function runChannelSpectra(db: Db, run: RunRow, ids: number[], targetChannel?: string): ReturnType<typeof runSpectra> & { more: { axis: Float64Array; rows: Float64Array }[] } {
  const data = datasetBlock(db, run.datasetId, run.datasetName, { allChannels: true });
  const rowOf = new Map(data.sampleIds.map((id, r) => [id, r]));
  const present = ids.filter((id) => rowOf.has(id));
  if (!present.length) throw new UserError('NOT_FOUND', `The training spectra of run ${run.id} are no longer in dataset "${run.datasetName}".`);
  const pick = (b: SpectraBlock) => {
    const L = b.axis.length;
    const rows = new Float64Array(present.length * L);
    present.forEach((id, i) => rows.set(b.values.subarray(rowOf.get(id)! * L, (rowOf.get(id)! + 1) * L), i * L));
    return { axis: b.axis, rows };
  };
  if (targetChannel !== undefined) {
    // A channel as the target: the model reads the other channels, the first of them as channel 0.
    const c = targetChannelIndex(data.extra?.names ?? [], targetChannel, run.datasetName);
    const inputs = [data.block, ...data.extra!.blocks].filter((_, i) => i !== c).map(pick);
    const unit = channelAxes(db, run.datasetId).find((a) => a.channel === (c === 0 ? 1 : 0))?.unit ?? data.axisUnit;
    return { ...inputs[0]!, unit, keys: present.map((id) => data.keys[rowOf.get(id)!]!), sampleIds: present, more: inputs.slice(1) };
  }
  const first = pick(data.block);
  return { ...first, unit: data.axisUnit, keys: present.map((id) => data.keys[rowOf.get(id)!]!), sampleIds: present, more: (runExtraChannels(db, run, data.block, data.sampleIds, data.extra)?.blocks ?? []).map(pick) };
}

/** The run, when it can predict (it finished); otherwise a UserError that says why. */
export function predictableRun(db: Db, runId: number): RunRow {
  const run = getRun(db, runId);
  if (run.status !== 'done') throw new UserError('BAD_INPUT', `Run ${runId} ${run.status === 'running' ? 'is still training' : `ended ${run.status}`}; only a finished run can predict. Pick another run.`);
  return run;
}

/**
 * What a run that predicts a channel gives: its predicted spectra's axis (the point names of its
 * targets) and unit, and the channels it reads (the dataset's others, as it was trained).
 */
function targetChannelOf(db: Db, run: RunRow, name: string, targets: TargetScaling[] | undefined, channels: ChannelsRecord | undefined, inputUnit: AxisUnit): NonNullable<Predictor['targetChannel']> {
  if (!targets) throw new UserError('BAD_INPUT', `Run ${run.id} predicts channel "${name}" of one point, which it stored no scaling per point for; train it again on a channel of several points.`);
  const axes = channelAxes(db, run.datasetId);
  const inputs = channels?.names ?? axes.map((a) => a.name).filter((n) => n !== name);
  return { name, axis: Float64Array.from(targets, (t) => Number(t.name)), unit: axes.find((a) => a.name === name)?.unit ?? inputUnit, inputs };
}

/** The run artifact holding a run's fitted out-of-model check and the raw axes it was fitted on ({@link StoredCheck}). */
export const OUT_OF_MODEL_ARTIFACT = 'out-of-model.json';

/**
 * What {@link OUT_OF_MODEL_ARTIFACT} holds: everything a prediction would otherwise read the
 * training spectra for (the whole dataset for a model on neighbourhoods).
 */
interface StoredCheck {
  version: 1;
  axisUnit: AxisUnit;
  /** The raw axis of each channel the model reads, channel 0 first (one for most runs). */
  rawAxes: number[][];
  /** Null where the check could not be fitted (a network whose penultimate features do not vary). */
  outlier: OutlierModel | null;
}

// JSON has no Infinity or NaN (a point-residual limit is Infinity when every residual is 0): they are stored as strings.
const NON_FINITE = new Set(['Infinity', '-Infinity', 'NaN']);

function storedCheckJson(c: StoredCheck): Buffer {
  return Buffer.from(JSON.stringify(c, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)));
}

function readStoredCheck(buf: Buffer | null): StoredCheck | null {
  if (!buf) return null;
  const c = JSON.parse(buf.toString('utf8'), (_k, v: unknown) => (typeof v === 'string' && NON_FINITE.has(v) ? Number(v) : v)) as Partial<StoredCheck>;
  return c.version === 1 && Array.isArray(c.rawAxes) && c.rawAxes.length > 0 ? (c as StoredCheck) : null;
}

/**
 * Checks fitted on a read-only connection (the app's views worker), per run, until the connection
 * that writes takes them to store ({@link takeFittedChecks}, {@link storeFittedCheck}).
 */
const fittedOnReadOnly = new WeakMap<Db, Map<number, Buffer>>();

/** The checks fitted on this read-only connection since the last call, for the writer to store; they are forgotten here. */
export function takeFittedChecks(db: Db): { runId: number; data: Uint8Array }[] {
  const fitted = fittedOnReadOnly.get(db);
  if (!fitted) return [];
  fittedOnReadOnly.delete(db);
  return [...fitted].map(([runId, data]) => ({ runId, data }));
}

/** Stores a check another connection fitted ({@link takeFittedChecks}) for a run that has none. */
export function storeFittedCheck(db: Db, runId: number, data: Uint8Array): void {
  if (!readStoredCheck(Buffer.from(data))) return;
  if (!runArtifact(db, runId, OUT_OF_MODEL_ARTIFACT)) putRunArtifact(db, runId, { name: OUT_OF_MODEL_ARTIFACT, mediaType: 'application/json', data: Buffer.from(data) });
}

/**
 * A predictor for a finished run: the model, recipe and scaling stored with it, the raw axis of
 * its dataset, and the out-of-model check fitted on its training spectra (the rows the model
 * learned from: train for networks, train and monitor for PLS; for an autoencoder, the rows held
 * out of its training, as training learned its limit: common/ml/reconstruction.ts). The check and
 * the raw axes are stored with the run ({@link OUT_OF_MODEL_ARTIFACT}, written when it is trained),
 * so a prediction reads no training spectrum; a run stored before that is fitted here once, and
 * stored when the connection may write — else kept for the writer ({@link takeFittedChecks}).
 */
export function loadPredictor(db: Db, runId: number): Predictor {
  const run = predictableRun(db, runId);
  const c = run.config as {
    model: string;
    layers: LayerSpec[];
    input: [number, number];
    task: TaskSpec;
    classes: string[];
    inputScaling: Scaling;
    targetScaling: { mean: number; std: number } | null;
    targets?: TargetScaling[];
    axis: number[];
    channels?: ChannelsRecord;
    neighbourhood?: Neighbourhood;
    targetChannel?: string;
  };
  const split = run.split as RunSplit;
  const isPls = run.model === 'pls';
  const heldOut = run.model === 'ae' && split.monitor?.length ? split.monitor : null;
  const trainIds = isPls ? [...split.train, ...(split.monitor ?? [])] : (heldOut ?? split.train);
  const pipeline = run.pipeline as ResolvedPipeline | null;
  const stored = readStoredCheck(runArtifact(db, runId, OUT_OF_MODEL_ARTIFACT) ?? fittedOnReadOnly.get(db)?.get(runId) ?? null);
  const train = stored ? null : c.channels || c.targetChannel !== undefined ? runChannelSpectra(db, run, trainIds, c.targetChannel) : { ...runSpectra(db, run, trainIds), more: [] };
  const rawAxes = stored ? stored.rawAxes.map((a) => Float64Array.from(a)) : [train!.axis, ...train!.more.map((m) => m.axis)];
  const states = run.fittedState as (JsonValue | null)[] | null;
  const p: Predictor = {
    source: `run ${runId}`,
    model: run.model,
    task: run.task,
    targetColumn: run.targetColumn,
    classes: run.task === 'classification' ? c.classes : [],
    rawAxis: rawAxes[0]!,
    axisUnit: stored ? stored.axisUnit : train!.unit,
    modelAxis: Float64Array.from(c.axis),
    recipe: pipeline && states ? { spec: pipeline, states } : null,
    inputScaling: c.inputScaling,
    targetScaling: c.targetScaling ?? null,
    ...(c.targets ? { targets: c.targets } : {}),
    network: null,
    pls: null,
    outlier: null,
    kernels: run.backend === 'js' ? 'js' : 'wasm-simd',
    ...(c.channels ? { channels: { record: c.channels, rawAxes, spec: pipeline } } : {}),
    ...(c.neighbourhood ? { neighbourhood: c.neighbourhood } : {}),
  };
  if (c.targetChannel !== undefined) p.targetChannel = targetChannelOf(db, run, c.targetChannel, c.targets, c.channels, p.axisUnit);
  if (isPls) {
    const buf = runArtifact(db, runId, 'pls-model.json');
    if (!buf) throw new UserError('NOT_FOUND', `Run ${runId} has no stored PLS model; train it again.`);
    p.pls = JSON.parse(buf.toString('utf8')) as PlsModel;
  } else {
    p.network = runNetwork(db, run);
  }
  if (stored) {
    p.outlier = stored.outlier;
    return p;
  }
  const n = train!.sampleIds.length;
  const x = p.channels ? channelModelInputs(p, [train!.rows, ...train!.more.map((m) => m.rows)], n, train!.keys) : modelInputs(p, train!.rows, n, train!.keys);
  try {
    p.outlier = fitOutlierModel(p, x, n, heldOut ? 'held-out' : 'training');
  } catch (err) {
    // A network whose penultimate features do not vary still predicts; it just has no check.
    if (!(err instanceof UserError)) throw err;
  }
  const data = storedCheckJson({ version: 1, axisUnit: p.axisUnit, rawAxes: rawAxes.map((a) => Array.from(a)), outlier: p.outlier });
  if (!db.readonly) putRunArtifact(db, runId, { name: OUT_OF_MODEL_ARTIFACT, mediaType: 'application/json', data });
  else {
    const fitted = fittedOnReadOnly.get(db) ?? new Map<number, Buffer>();
    fitted.set(runId, data);
    fittedOnReadOnly.set(db, fitted);
  }
  return p;
}

/**
 * Fits and stores a finished run's out-of-model check ({@link OUT_OF_MODEL_ARTIFACT}) when it has
 * none, so its predictions read no training spectra. A run that cannot predict (a stored model it
 * no longer has) is left as it is: predicting it says why.
 */
export function storeOutOfModelCheck(db: Db, runId: number): void {
  if (runArtifact(db, runId, OUT_OF_MODEL_ARTIFACT)) return;
  try {
    loadPredictor(db, runId);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
  }
}
