/**
 * Taking a run out of the project: its recipe, metrics, test predictions, activation maps and an
 * HTML report, written to a folder (`spectra-desk export`). Also the run-level activation maps
 * (`camForRun`) the run page shows: they need the project's spectra, so they live here and not
 * in ml/ (which may not read the project file).
 *
 * Nothing here trains. The stored model is rebuilt (our engine's Net with the stored weights, or
 * the stored PLS model) and run on the dataset's spectra after the run's fitted recipe and input
 * scaling, so probabilities (ROC AUC) and maps can be recomputed for runs that stored only labels.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection';
import { columnValues } from '../db/datasets';
import { getRun, runArtifact, runEpochs, runTestPredictions, type RunRow } from '../db/runs';
import { csvField } from '../common/csv';
import { UserError } from '../common/errors';
import { rowNormalizedConfusion, summarize, type ClassificationMetrics, type RegressionReport, type RocAucOvr, softmaxRows } from '../common/ml/metrics';
import { summarizeModel, type LayerSummary } from '../common/ml/model';
import type { PlsModel } from '../common/ml/pls';
import { predictPls, type PlsDecision } from '../common/ml/pls';
import { plsVip } from '../common/ml/pls/diagnostics';
import { applyPipeline } from '../common/preprocessing/pipeline';
import type { SpectraBlock } from '../common/preprocessing/types';
import { evaluateClasses, evaluateValues, scoreTargets } from '../common/runs/evaluate';
import { applyChannelInputs, requireOneChannel } from '../common/runs/channels';
import { isCrossValidationConfig, targetScalings, trainedConfig, trainedSplit, type CrossValidationConfig, type RunMetrics, type SingleRunConfig, type SingleRunSplit, type TestPrediction, targetUnitsOf } from '../common/runs/schema';
import type { AxisUnit } from '../common/domain/spectra';
import type { Net } from '../ml/engine/net';
import { buildNet, runNetwork } from './predict';
import { channelAxes } from '../db/channels';
import { createJsKernels } from '../ml/kernels/js';
import { classActivationMaps, type CamMethod } from '../ml/cam';
import { datasetBlock } from './preprocess';
import { runExtraChannels } from './run-data';
import { renderCrossValidationReport, renderReport, type ReportData } from './report';
import { writeModelPackage } from './model-package';

type StoredPrediction = TestPrediction;

const isNet = (run: RunRow) => run.model !== 'pls';

function configOf(run: RunRow): SingleRunConfig {
  return trainedConfig(run.config, run.id);
}

function requireFinished(run: RunRow): void {
  if (run.status !== 'done') {
    const why = run.status === 'running' || run.status === 'queued' ? 'is still training' : `ended as ${run.status}`;
    throw new UserError('BAD_INPUT', `Run ${run.id} ${why}, so it has no model to export. Export a finished run (spectra-desk list shows the project's runs).`);
  }
}

/** Rebuilds a run's network on the plain-JS kernels with its stored weights and state. */
export function runNet(db: Db, run: RunRow, maxBatch = 64): Net {
  configOf(run);
  if (!isNet(run)) throw new UserError('BAD_INPUT', `Run ${run.id} is a PLS model, not a network.`);
  return buildNet(runNetwork(db, run), createJsKernels(), maxBatch);
}

export interface RunInputs {
  /** Sample ids and keys in the order of the rows below. */
  sampleIds: number[];
  keys: string[];
  /** The target column's raw value per row. */
  labels: (string | number | null)[];
  /** The model's axis (after the recipe) and the dataset's axis unit. */
  axis: Float64Array;
  axisUnit: AxisUnit;
  /** After the recipe, before the global input scaling: [rows, points] (several channels: channel 0's). */
  processed: Float64Array;
  /** What the model reads: (processed − mean) / std as float32 (several channels: per channel, in the run's layout). */
  x: Float32Array;
  /** Several channels: each channel after the recipe, before its scaling ([rows, points], on `axis`), channel 0 first. */
  channels?: { name: string; processed: Float64Array }[];
  /** The dataset's raw axis range. */
  rawAxis: Float64Array;
}

/**
 * The run's model inputs for the given samples of its dataset (all samples when omitted): the
 * stored fitted recipe (never refitted) and input scaling applied to the stored spectra.
 * @throws UserError when a sample no longer exists or the recipe no longer gives the model's axis
 */
export function runInputs(db: Db, run: RunRow, sampleIds?: number[]): RunInputs {
  const cfg = configOf(run);
  const { block, keys, sampleIds: ids, axisUnit, extra } = datasetBlock(db, run.datasetId, run.datasetName, { allChannels: !!cfg.channels });
  const rowOf = new Map(ids.map((id, r) => [id, r]));
  const wanted = sampleIds ?? ids;
  const rows = wanted.map((id) => {
    const r = rowOf.get(id);
    if (r === undefined) throw new UserError('NOT_FOUND', `Sample ${id} of run ${run.id} is no longer in dataset "${run.datasetName}"; the run's test set cannot be rebuilt.`);
    return r;
  });
  const subset = (b: SpectraBlock): SpectraBlock => {
    const points = b.axis.length;
    const sub = new Float64Array(rows.length * points);
    rows.forEach((r, i) => sub.set(b.values.subarray(r * points, (r + 1) * points), i * points));
    return { axis: b.axis, values: sub, rows: rows.length };
  };
  const pipeline = run.pipeline;
  const [length, channels] = cfg.input;
  const labelById = new Map(columnValues(db, run.datasetId, run.targetColumn).map((v) => [v.sampleId, v.value]));
  const common = { sampleIds: wanted, keys: rows.map((r) => keys[r]!), labels: wanted.map((id) => labelById.get(id) ?? null), axisUnit, rawAxis: block.axis };
  if (cfg.channels) {
    const built = applyChannelInputs([block, ...(runExtraChannels(db, run, block, ids, extra)?.blocks ?? [])].map(subset), pipeline, cfg.channels, `Run ${run.id}`);
    if (built.width !== length * channels) throw new UserError('BAD_INPUT', `Run ${run.id}: the recipe now gives ${built.points} points, but the model reads ${length} × ${channels} channels.`);
    return { ...common, axis: built.axis, processed: built.processed[0]!, x: built.x, channels: cfg.channels.names.map((name, c) => ({ name, processed: built.processed[c]! })) };
  }
  let out = subset(block);
  if (pipeline && pipeline.steps.some((s) => s.enabled) && rows.length) out = applyPipeline({ spec: pipeline, states: run.fittedState ?? [] }, out);
  if (out.axis.length !== length) throw new UserError('BAD_INPUT', `Run ${run.id}: the recipe now gives ${out.axis.length} points, but the model reads ${length}.`);
  const { mean, std } = cfg.inputScaling;
  const x = Float32Array.from(out.values, (v) => (v - mean) / std);
  return { ...common, axis: out.axis, processed: out.values, x };
}

/** Scores of the stored model on model inputs: softmax probabilities, PLS-DA values, or values in the target's units. */
function modelScores(db: Db, run: RunRow, x: Float32Array, rows: number): Float64Array {
  const cfg = configOf(run);
  // Rows × targets: output i is target i % k, each back in its own units.
  const scales = targetScalings(cfg, run.targetColumn);
  const unscale = (v: number, i: number) => (scales.length ? v * scales[i % scales.length]!.std + scales[i % scales.length]!.mean : v);
  if (!isNet(run)) {
    const model = plsModel(db, run);
    const out = predictPls(model, Float64Array.from(x), rows);
    return run.task === 'regression' ? out.map(unscale) : out;
  }
  const out = runNet(db, run).predict(x, rows);
  return run.task === 'regression' ? Float64Array.from(out, unscale) : softmaxRows(out, rows, cfg.classes.length);
}

function plsModel(db: Db, run: RunRow): PlsModel {
  const a = runArtifact(db, run.id, 'pls-model.json');
  if (!a) throw new UserError('NOT_FOUND', `Run ${run.id} has no stored PLS model; train it again.`);
  return JSON.parse(a.toString()) as PlsModel;
}

// ---------------------------------------------------------------------------------------------
// Activation maps of a run

export interface RunCam {
  runId: number;
  method: CamMethod;
  /** The model's input axis (after the recipe) and its unit. */
  axis: number[];
  axisUnit: AxisUnit;
  /** Class names (regression: the target column, one map). */
  classes: string[];
  /**
   * Per class: the mean preprocessed spectrum of its training samples (before input scaling) and
   * the mean over those samples of the map for that class, on the model axis.
   */
  classMeans: { className: string; samples: number; spectrum: number[]; cam: number[] }[];
  /** Per requested sample: the map of every class (classes × points) and the model's output. */
  samples?: { sampleId: number; key: string; predicted: string | number; cams: number[][] }[];
  /**
   * A network on several channels: per channel (the model's order), per class as in `classMeans`,
   * the class's mean spectrum in that channel and the channel's share of the map: the map minus
   * the map with that channel replaced by its mean training spectrum (see {@link channelMaps}).
   */
  channels?: { name: string; classMeans: { className: string; spectrum: number[]; cam: number[] }[] }[];
}

/**
 * Class activation maps of a network run: per class the mean map over the training spectra of
 * that class (for display over the class-mean spectra), and per-sample maps for `sampleIds`.
 * @throws UserError for PLS runs and networks without convolutions
 */
export function camForRun(db: Db, runId: number, opts: { sampleIds?: number[] } = {}): RunCam {
  const run = getRun(db, runId);
  requireFinished(run);
  if (!isNet(run)) throw new UserError('BAD_INPUT', `Run ${runId} is a PLS model: it has VIP scores and coefficients instead of activation maps.`);
  const cfg = configOf(run);
  const split = trainedSplit(run.split, run.id);
  const trainIds = [...split.train, ...split.monitor];
  const inputs = runInputs(db, run, trainIds);
  const net = runNet(db, run);
  const classification = run.task === 'classification';
  const classes = classification ? cfg.classes : [run.targetColumn];
  const K = classes.length;
  const L = cfg.input[0];
  const W = L * cfg.input[1];
  const n = inputs.sampleIds.length;
  const camSum = Array.from({ length: K }, () => new Float64Array(L));
  const specSum = Array.from({ length: K }, () => new Float64Array(L));
  const counts = new Array<number>(K).fill(0);
  let method: CamMethod = 'cam';
  const chunk = 256;
  for (let from = 0; from < n; from += chunk) {
    const b = Math.min(chunk, n - from);
    const maps = classActivationMaps(net, inputs.x.subarray(from * W, (from + b) * W), b);
    method = maps.method;
    for (let s = 0; s < b; s++) {
      const label = inputs.labels[from + s];
      const c = classification ? classes.indexOf(String(label)) : 0;
      if (c < 0) continue;
      counts[c]!++;
      const m = maps.maps.subarray((s * K + c) * L, (s * K + c + 1) * L);
      for (let t = 0; t < L; t++) {
        camSum[c]![t]! += m[t]!;
        specSum[c]![t]! += inputs.processed[(from + s) * L + t]!;
      }
    }
  }
  const result: RunCam = {
    runId,
    method,
    axis: Array.from(inputs.axis),
    axisUnit: inputs.axisUnit,
    classes,
    classMeans: classes.map((className, c) => ({ className, samples: counts[c]!, spectrum: Array.from(specSum[c]!, (v) => v / (counts[c]! || 1)), cam: Array.from(camSum[c]!, (v) => v / (counts[c]! || 1)) })),
  };
  if (inputs.channels) result.channels = channelMaps(net, inputs, classes, classification ? (label) => classes.indexOf(String(label)) : () => 0);
  if (opts.sampleIds?.length) {
    const req = runInputs(db, run, opts.sampleIds);
    const maps = classActivationMaps(net, req.x, req.sampleIds.length);
    result.samples = req.sampleIds.map((sampleId, s) => {
      const out = maps.outputs.subarray(s * K, (s + 1) * K);
      let best = 0;
      for (let c = 1; c < K; c++) if (out[c]! > out[best]!) best = c;
      const unscale = (v: number) => (cfg.targetScaling ? v * cfg.targetScaling.std + cfg.targetScaling.mean : v);
      return {
        sampleId,
        key: req.keys[s]!,
        predicted: classification ? classes[best]! : unscale(out[0]!),
        cams: classes.map((_, c) => Array.from(maps.maps.subarray((s * K + c) * L, (s * K + c + 1) * L))),
      };
    });
  }
  return result;
}

/**
 * Each channel's share of the activation maps of a network on several channels (channels-last
 * inputs): per training spectrum, the map of its class minus the map of the same spectrum with
 * that channel replaced by the channel's mean training input (occlusion against the mean
 * spectrum). For a CAM network the mean over the axis of that difference is exactly the change in
 * the class score, so a channel the model ignores gets a flat zero curve. Averaged per class, with
 * the class's mean spectrum of the channel (after the recipe, before scaling).
 */
function channelMaps(net: Net, inputs: RunInputs, classes: string[], classOf: (label: string | number | null) => number): NonNullable<RunCam['channels']> {
  const channels = inputs.channels!;
  const C = channels.length;
  const L = inputs.axis.length;
  const W = L * C;
  const K = classes.length;
  const n = inputs.sampleIds.length;
  const meanInput = new Float64Array(W);
  for (let r = 0; r < n; r++) for (let i = 0; i < W; i++) meanInput[i]! += inputs.x[r * W + i]! / n;
  const counts = new Array<number>(K).fill(0);
  for (const label of inputs.labels) if (classOf(label) >= 0) counts[classOf(label)]!++;
  return channels.map(({ name, processed }, ch) => {
    const camSum = Array.from({ length: K }, () => new Float64Array(L));
    const specSum = Array.from({ length: K }, () => new Float64Array(L));
    const chunk = 256;
    for (let from = 0; from < n; from += chunk) {
      const b = Math.min(chunk, n - from);
      const x = inputs.x.slice(from * W, (from + b) * W);
      const full = classActivationMaps(net, x, b).maps;
      for (let s = 0; s < b; s++) for (let t = 0; t < L; t++) x[s * W + t * C + ch] = meanInput[t * C + ch]!;
      const occluded = classActivationMaps(net, x, b).maps;
      for (let s = 0; s < b; s++) {
        const c = classOf(inputs.labels[from + s] ?? null);
        if (c < 0) continue;
        const at = (s * K + c) * L;
        for (let t = 0; t < L; t++) {
          camSum[c]![t]! += full[at + t]! - occluded[at + t]!;
          specSum[c]![t]! += processed[(from + s) * L + t]!;
        }
      }
    }
    return { name, classMeans: classes.map((className, c) => ({ className, spectrum: Array.from(specSum[c]!, (v) => v / (counts[c]! || 1)), cam: Array.from(camSum[c]!, (v) => v / (counts[c]! || 1)) })) };
  });
}

// ---------------------------------------------------------------------------------------------
// Metrics

export interface ExportedMetrics {
  run: { id: number; model: string; task: 'classification' | 'regression'; dataset: string; target: string; status: string; backend: string | null; seed: number | null; createdAt: string; finishedAt: string | null; /** Target → unit (regression targets that have one). */ units: Record<string, string> };
  /** Everything the run stored under metrics_json, unchanged. */
  stored: RunMetrics | null;
  /** Recomputed from the test predictions (the same numbers the run stored, plus more). */
  test: Record<string, number>;
  classes?: string[];
  perClass?: { className: string; precision: number | null; recall: number | null; f1: number | null; support: number }[];
  confusion?: { counts: number[][]; rowNormalized: number[][] };
  rocAuc?: { perClass: Record<string, number | null>; macro: number | null; source: string } | null;
  /** Mean ± std over folds or repeats, when the run has several. */
  folds?: { metrics: Record<string, number> }[];
  summary?: { mean: Record<string, number>; std: Record<string, number> };
  /** True when re-running the stored model on the test spectra gives the stored predictions. */
  recomputedPredictionsAgree?: boolean;
}

function foldMetrics(stored: RunMetrics | null): { metrics: Record<string, number> }[] | null {
  const folds = stored?.folds;
  if (!folds || folds.length < 2) return null;
  return folds.map((f) => ({ metrics: f.metrics?.test ?? {} }));
}

interface MetricsBundle {
  metrics: ExportedMetrics;
  predictions: StoredPrediction[];
  /** Per test row, class probabilities (or PLS-DA values) when the model could be rerun. */
  scores: Float64Array | null;
  classification: ClassificationMetrics | null;
  regression: RegressionReport | null;
  auc: RocAucOvr | null;
}

function computeMetrics(db: Db, run: RunRow, inputs: RunInputs | null): MetricsBundle {
  const cfg = configOf(run);
  if (!runArtifact(db, run.id, 'test-predictions.json')) throw new UserError('NOT_FOUND', `Run ${run.id} has no stored test predictions; train it again.`);
  const predictions = runTestPredictions(db, run.id);
  const base: ExportedMetrics = {
    run: { id: run.id, model: run.model, task: run.task, dataset: run.datasetName, target: run.targetColumn, status: run.status, backend: run.backend, seed: run.seed, createdAt: run.createdAt, finishedAt: run.finishedAt, units: run.task === 'regression' ? targetUnitsOf(run.config, run.targetColumn) : {} },
    stored: run.metrics,
    test: {},
  };
  const folds = foldMetrics(run.metrics);
  if (folds) {
    const s = summarize(folds.map((f) => f.metrics));
    base.folds = folds;
    base.summary = { mean: s.mean, std: s.std };
  }
  let scores: Float64Array | null = null;
  if (inputs && inputs.sampleIds.length) {
    try {
      scores = modelScores(db, run, inputs.x, inputs.sampleIds.length);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
    }
  }
  if (run.task === 'classification') {
    const K = cfg.classes.length;
    const index = (name: string | number) => cfg.classes.indexOf(String(name));
    const truth = predictions.map((p) => index(p.truth));
    const pred = predictions.map((p) => index(p.predicted));
    const scored = scores && K >= 2 ? scores : null;
    const ev = evaluateClasses(truth, pred, K, scored);
    const m = ev.detail;
    base.test = { ...ev.summary, samples: predictions.length };
    base.classes = cfg.classes;
    base.perClass = m.perClass.map((c, i) => ({ className: cfg.classes[i]!, precision: c.precision, recall: c.recall, f1: c.f1, support: c.support }));
    base.confusion = { counts: m.confusion, rowNormalized: rowNormalizedConfusion(m.confusion) };
    const auc: RocAucOvr | null = m.rocAuc;
    if (scores) {
      let agree = true;
      for (let r = 0; r < predictions.length; r++) {
        let best = 0;
        for (let c = 1; c < K; c++) if (scores[r * K + c]! > scores[r * K + best]!) best = c;
        if (best !== pred[r]) agree = false;
      }
      base.recomputedPredictionsAgree = agree;
      if (auc) {
        base.rocAuc = {
          perClass: Object.fromEntries(cfg.classes.map((c, i) => [c, auc.perClass[i]!])),
          macro: auc.macro,
          source: isNet(run) ? 'softmax probabilities of the stored network on the test spectra' : rocSourceOfPls(run.metrics?.plsDecision),
        };
      }
    } else base.rocAuc = null;
    return { metrics: base, predictions, scores, classification: m, regression: null, auc };
  }
  if (cfg.targets) {
    // Several targets: each scored in its own units; the rerun must give every one of them.
    const truth = predictions.map((p) => p.targets!.map((t) => t.truth));
    const pred = predictions.map((p) => p.targets!.map((t) => t.predicted));
    base.test = { ...scoreTargets(truth, pred, cfg.targets.map((t) => t.name)).summary, samples: predictions.length };
    if (scores) base.recomputedPredictionsAgree = pred.flat().every((v, i) => Math.abs(v - scores![i]!) <= 1e-4 * (1 + Math.abs(v)));
    return { metrics: base, predictions, scores, classification: null, regression: null, auc: null };
  }
  const truth = predictions.map((p) => Number(p.truth));
  const pred = predictions.map((p) => Number(p.predicted));
  const ev = evaluateValues(truth, pred);
  const r = ev.detail;
  base.test = { ...ev.summary, samples: predictions.length };
  if (scores) base.recomputedPredictionsAgree = pred.every((v, i) => Math.abs(v - scores![i]!) <= 1e-4 * (1 + Math.abs(v)));
  return { metrics: base, predictions, scores, classification: null, regression: r, auc: null };
}

/** metric,value rows: the test metrics, per-class values, confusion counts, AUC and the fold spread. */
export function metricsCsv(m: ExportedMetrics): string {
  const rows: [string, number | string | null][] = [];
  for (const [k, v] of Object.entries(m.test)) rows.push([k, v]);
  m.perClass?.forEach((c) => {
    rows.push([`precision[${c.className}]`, c.precision], [`recall[${c.className}]`, c.recall], [`f1[${c.className}]`, c.f1], [`support[${c.className}]`, c.support]);
  });
  m.confusion?.counts.forEach((row, i) => row.forEach((v, j) => rows.push([`confusion[${m.classes![i]}→${m.classes![j]}]`, v])));
  m.confusion?.rowNormalized.forEach((row, i) => row.forEach((v, j) => rows.push([`confusionRowNormalized[${m.classes![i]}→${m.classes![j]}]`, v])));
  if (m.rocAuc) for (const [c, v] of Object.entries(m.rocAuc.perClass)) rows.push([`rocAuc[${c}]`, v]);
  if (m.summary) for (const k of Object.keys(m.summary.mean)) rows.push([`mean[${k}]`, m.summary.mean[k]!], [`std[${k}]`, m.summary.std[k]!]);
  return ['metric,value', ...rows.map(([k, v]) => `${csvField(k)},${v === null ? '' : typeof v === 'number' ? String(v) : csvField(v)}`)].join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// The export

export interface ExportResult {
  runId: number;
  dir: string;
  /** Files written, relative to dir. */
  files: string[];
  /** Why an optional part was left out (no model package, no activation maps, …). */
  notes: string[];
}

export interface ExportOptions {
  /** Progress per written part, for long exports. */
  onProgress?: (done: number, total: number, what: string) => void;
}

/**
 * Writes pipeline.json, metrics.json, metrics.csv, predictions.csv, report.html and, for network
 * runs, cam.csv into `dir` (created when missing), and the model package into `dir/model`
 * (services/model-package.ts: enough to predict without the project).
 * @throws UserError for unknown or unfinished runs, or when `dir` cannot be written
 */
export function exportRun(db: Db, runId: number, dir: string, opts: ExportOptions = {}): ExportResult {
  const run = getRun(db, runId);
  requireFinished(run);
  // Everything is written into a hidden staging folder beside `dir` and moved in at the end, so an
  // export that fails or is stopped (the app's worker is terminated) leaves nothing half-written.
  const stage = exportStagingDir(dir);
  discardPartialExport(dir);
  makeExportDir(stage);
  try {
    const r = isCrossValidationConfig(run.config) ? exportCrossValidation(db, run, run.config, stage, opts) : run.config.targetChannel !== undefined ? exportTargetChannel(db, run, stage, opts) : exportSingle(db, run, stage, opts);
    makeExportDir(dir);
    for (const entry of fs.readdirSync(stage)) {
      fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
      fs.renameSync(path.join(stage, entry), path.join(dir, entry));
    }
    fs.rmSync(stage, { recursive: true, force: true });
    return { ...r, dir };
  } catch (err) {
    discardPartialExport(dir);
    throw err;
  }
}

/** The hidden folder an export into `dir` is written to before it is moved in. */
export function exportStagingDir(dir: string): string {
  return path.join(path.dirname(path.resolve(dir)), `.${path.basename(dir)}.exporting`);
}

/** Removes what an unfinished export into `dir` left in its staging folder. */
export function discardPartialExport(dir: string): void {
  fs.rmSync(exportStagingDir(dir), { recursive: true, force: true });
}

function exportSingle(db: Db, run: RunRow, dir: string, opts: ExportOptions): ExportResult {
  const runId = run.id;
  const cfg = configOf(run);
  const files: string[] = [];
  const notes: string[] = [];
  const total = isNet(run) ? 7 : 6;
  let done = 0;
  const write = (name: string, content: string | Buffer) => {
    fs.writeFileSync(path.join(dir, name), content);
    files.push(name);
    opts.onProgress?.(++done, total, name);
  };

  const split = trainedSplit(run.split, runId);
  const stored = runTestPredictions(db, runId);
  let inputs: RunInputs | null = null;
  try {
    inputs = runInputs(db, run, stored.map((p) => p.sampleId));
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    notes.push(`Probabilities were not recomputed: ${err.message}`);
  }
  const bundle = computeMetrics(db, run, inputs);
  const { metrics } = bundle;

  write('pipeline.json', `${JSON.stringify({ recipe: cfg.recipe ?? null, pipeline: run.pipeline, fittedState: run.fittedState, inputScaling: cfg.inputScaling, targetScaling: cfg.targetScaling, ...(cfg.targets ? { targets: cfg.targets } : {}), axis: { values: cfg.axis, unit: inputs?.axisUnit ?? null }, classes: cfg.classes }, null, 2)}\n`);
  write('metrics.json', `${JSON.stringify(metrics, null, 2)}\n`);
  write('metrics.csv', metricsCsv(metrics));

  const K = cfg.classes.length;
  const probColumns = run.task === 'classification' && bundle.scores ? cfg.classes.map((c) => (isNet(run) ? `p(${c})` : `score(${c})`)) : [];
  // Several targets: a truth and a prediction column for each, named after it.
  const several = cfg.targets?.map((t) => t.name);
  const predLines = [['sample_id', 'key', ...(several ? several.flatMap((n) => [`truth(${n})`, `predicted(${n})`]) : ['truth', 'predicted']), ...probColumns].map(csvField).join(',')];
  if (several) bundle.predictions.forEach((p) => predLines.push([String(p.sampleId), csvField(p.key), ...p.targets!.flatMap((t) => [String(t.truth), String(t.predicted)])].join(',')));
  else bundle.predictions.forEach((p, r) => {
    const extra = probColumns.length ? cfg.classes.map((_, c) => String(bundle.scores![r * K + c]!)) : [];
    predLines.push([String(p.sampleId), csvField(p.key), csvField(String(p.truth)), csvField(String(p.predicted)), ...extra].join(','));
  });
  write('predictions.csv', `${predLines.join('\n')}\n`);

  let cam: RunCam | null = null;
  if (isNet(run)) {
    try {
      cam = camForRun(db, runId);
      const unit = cam.axisUnit;
      const perChannel = (cam.channels ?? []).flatMap((ch) => ch.classMeans.map((m) => ({ label: `${m.className} [${ch.name}]`, cam: m.cam })));
      const lines = [[`axis_${unit}`, ...cam.classes, ...perChannel.map((p) => p.label)].map(csvField).join(',')];
      cam.axis.forEach((x, t) => lines.push([String(x), ...cam!.classMeans.map((m) => String(m.cam[t]!)), ...perChannel.map((p) => String(p.cam[t]!))].join(',')));
      write('cam.csv', `${lines.join('\n')}\n`);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      notes.push(`No activation maps: ${err.message}`);
    }
  }
  let vip: number[] | null = null;
  if (!isNet(run)) {
    try {
      requireOneChannel(runId, cfg, 'drawing its VIP scores over the axis');
      vip = Array.from(plsVip(plsModel(db, run)));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      notes.push(`No VIP scores: ${err.message}`);
    }
  }

  try {
    const pkg = writeModelPackage(db, runId, path.join(dir, 'model'));
    files.push(...pkg.files.map((f) => `model/${f}`));
    opts.onProgress?.(++done, total, 'model/');
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    notes.push(`No model package: ${err.message}`);
  }

  write('report.html', renderReport(reportData(db, run, cfg, split, bundle, inputs, cam, vip)));
  return { runId, dir, files, notes };
}

/**
 * A run whose target is a channel: pipeline.json (with each point's scaling), metrics.json and
 * metrics.csv (the RMSE over every test point, and at each point), point-rmse.csv (one row per
 * point of the channel's axis), the measured and predicted test spectra (test-measured.csv,
 * test-predicted.csv: a row per test sample, a column per point, the header the axis values) and
 * the model package. The report, drawn for one value per sample, is left out.
 */
function exportTargetChannel(db: Db, run: RunRow, dir: string, opts: ExportOptions): ExportResult {
  const cfg = configOf(run);
  const name = cfg.targetChannel!;
  const files: string[] = [];
  const notes: string[] = [];
  const total = 7;
  let done = 0;
  const write = (file: string, content: string) => {
    fs.writeFileSync(path.join(dir, file), content);
    files.push(file);
    opts.onProgress?.(++done, total, file);
  };
  const points = cfg.targets ?? [];
  const axis = points.map((t) => Number(t.name));
  const axes = channelAxes(db, run.datasetId);
  const unit = axes.find((a) => a.name === name)?.unit ?? null;
  const inputUnit = axes.find((a) => a.name !== name)?.unit ?? null;
  const stored = run.metrics ?? {};
  const pointRmse = stored.pointRmse ?? [];
  const channel = { name, axisUnit: unit, axis };
  write('pipeline.json', `${JSON.stringify({ recipe: cfg.recipe ?? null, pipeline: run.pipeline, fittedState: run.fittedState, inputScaling: cfg.inputScaling, targets: points, targetChannel: channel, axis: { values: cfg.axis, unit: inputUnit } }, null, 2)}\n`);
  write('metrics.json', `${JSON.stringify({ runId: run.id, model: run.model, dataset: run.datasetName, targetChannel: channel, test: stored.test ?? {}, testDetail: stored.testDetail ?? null, pointRmse }, null, 2)}\n`);
  write('metrics.csv', `${['metric,value', ...Object.entries(stored.test ?? {}).map(([k, v]) => `${csvField(k)},${v === null ? '' : String(v)}`)].join('\n')}\n`);
  write('point-rmse.csv', `${[[`axis_${unit ?? 'index'}`, 'rmse'].map(csvField).join(','), ...axis.map((a, j) => `${a},${pointRmse[j] ?? ''}`)].join('\n')}\n`);
  const predictions = runTestPredictions(db, run.id);
  const spectra = (pick: (c: NonNullable<StoredPrediction['channel']>) => number[]) =>
    `${[['sample_id', 'key', ...points.map((t) => t.name)].map(csvField).join(','), ...predictions.map((p) => [String(p.sampleId), csvField(p.key), ...(p.channel ? pick(p.channel).map(String) : [])].join(','))].join('\n')}\n`;
  write('test-measured.csv', spectra((c) => c.truth));
  write('test-predicted.csv', spectra((c) => c.predicted));
  try {
    const pkg = writeModelPackage(db, run.id, path.join(dir, 'model'));
    files.push(...pkg.files.map((f) => `model/${f}`));
    opts.onProgress?.(++done, total, 'model/');
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    notes.push(`No model package: ${err.message}`);
  }
  notes.push(`No report.html: run ${run.id} predicts channel "${name}", a spectrum per sample; its run page draws the test spectra and the RMSE per point.`);
  return { runId: run.id, dir, files, notes };
}

function classCounts(db: Db, run: RunRow, ids: number[]): Record<string, number> {
  const byId = new Map(columnValues(db, run.datasetId, run.targetColumn).map((v) => [v.sampleId, v.value]));
  const out: Record<string, number> = {};
  for (const id of ids) {
    const v = byId.get(id);
    const k = run.task === 'classification' ? String(v ?? '(missing)') : 'samples';
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

function reportData(db: Db, run: RunRow, cfg: SingleRunConfig, split: SingleRunSplit, bundle: MetricsBundle, inputs: RunInputs | null, cam: RunCam | null, vip: number[] | null): ReportData {
  let layers: LayerSummary[] = [];
  let params = 0;
  if (isNet(run)) {
    const s = summarizeModel({ schemaVersion: 1, name: run.model, layers: cfg.layers }, cfg.input, { units: run.task === 'classification' ? cfg.classes.length : 1 });
    layers = s.layers;
    params = s.params;
  }
  const epochs = runEpochs(db, run.id);
  const stored: RunMetrics = run.metrics ?? {};
  const started = Date.parse(run.createdAt);
  const finished = run.finishedAt ? Date.parse(run.finishedAt) : NaN;
  const rawAxis = inputs?.rawAxis ?? null;
  return {
    title: `Run ${run.id} · ${run.model} on ${run.datasetName}`,
    run: { id: run.id, model: run.model, task: run.task, target: run.targetColumn, status: run.status, backend: run.backend, createdAt: run.createdAt, finishedAt: run.finishedAt, versions: run.versions, log: run.log, units: run.task === 'regression' ? targetUnitsOf(run.config, run.targetColumn) : {} },
    data: {
      dataset: run.datasetName,
      axisUnit: inputs?.axisUnit ?? null,
      rawAxisRange: rawAxis && rawAxis.length ? [rawAxis[0]!, rawAxis[rawAxis.length - 1]!] : null,
      rawPoints: rawAxis?.length ?? null,
      modelAxisRange: cfg.axis.length ? [cfg.axis[0]!, cfg.axis[cfg.axis.length - 1]!] : null,
      modelPoints: cfg.input[0],
      splits: [
        { name: 'train', counts: classCounts(db, run, split.train) },
        ...(split.monitor.length ? [{ name: 'early-stopping (from train)', counts: classCounts(db, run, split.monitor) }] : []),
        { name: 'test', counts: classCounts(db, run, split.test) },
      ],
      unlabelled: split.unlabelled.length,
    },
    recipe: { name: cfg.recipe ?? null, steps: (run.pipeline?.steps ?? []).map((s) => ({ kind: s.kind, enabled: s.enabled, params: s.params })), hash: run.pipeline?.hash ?? null, inputScaling: cfg.inputScaling, choice: cfg.recipeChoice ?? null },
    validation: { scheme: cfg.validation, seed: run.seed, train: split.train.length, monitor: split.monitor.length, test: split.test.length, earlyStopping: cfg.earlyStopping ?? null, classWeights: cfg.classWeights ?? null },
    model: { layers, params, plsComponents: stored.plsComponents ?? null, plsDecision: stored.plsDecision ?? null, plsCv: stored.plsCv?.curve ? stored.plsCv : null },
    training: {
      engine: run.backend,
      epochsPlanned: cfg.epochs,
      epochsTrained: stored.trainedEpochs ?? epochs.length,
      bestEpoch: stored.bestEpoch ?? null,
      stopped: stored.stopped ?? null,
      durationMs: Number.isFinite(finished - started) ? finished - started : null,
      batchSize: cfg.batchSize,
      learningRate: cfg.learningRate,
      curve: epochs.map((e) => ({ epoch: e.epoch, trainLoss: numberOr(e.trainLoss), validationLoss: numberOr(e.validationLoss) })),
    },
    metrics: bundle.metrics,
    predictions: bundle.predictions,
    cam,
    vip: vip && inputs ? { axis: Array.from(inputs.axis), values: vip } : vip ? { axis: cfg.axis, values: vip } : null,
  };
}

const numberOr = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function makeExportDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new UserError('BAD_INPUT', `Cannot create the export folder ${dir}: ${(err as Error).message}. Choose a folder you can write to.`, { file: dir });
  }
}

/**
 * A cross-validated run: metrics.json (scheme, mean, std and every fold's metrics), metrics.csv
 * (metric, mean, std), folds.csv (one row per fold), and each fold's own export in fold-N/.
 */
function exportCrossValidation(db: Db, run: RunRow, cfg: CrossValidationConfig, dir: string, opts: ExportOptions): ExportResult {
  const stored = run.metrics;
  if (!stored?.mean || !stored.std || !stored.folds) throw new UserError('BAD_INPUT', `Run ${run.id} has no stored fold metrics; run the cross-validation again.`);
  const m = { mean: stored.mean, std: stored.std, folds: stored.folds, warnings: stored.warnings };
  const files: string[] = [];
  const notes: string[] = [];
  const total = m.folds.length + 4;
  let done = 0;
  const write = (name: string, content: string) => {
    fs.writeFileSync(path.join(dir, name), content);
    files.push(name);
    opts.onProgress?.(++done, total, name);
  };
  write('metrics.json', `${JSON.stringify({ runId: run.id, model: run.model, task: run.task, target: run.targetColumn, dataset: run.datasetName, validation: cfg.validation, validationLabel: cfg.validationLabel, seed: run.seed, metrics: { mean: m.mean, std: m.std }, folds: m.folds, warnings: m.warnings ?? [] }, null, 2)}
`);
  const names = Object.keys(m.mean);
  write('metrics.csv', `${['metric,mean,std', ...names.map((k) => `${csvField(k)},${m.mean[k]},${m.std[k] ?? ''}`)].join('\n')}\n`);
  const foldLines = [['fold', 'label', 'run', 'status', 'train', 'test', ...names].map(csvField).join(',')];
  for (const f of m.folds) foldLines.push([String(f.index + 1), csvField(f.label), String(f.runId), f.status, String(f.trainSamples), String(f.testSamples), ...names.map((k) => String(f.metrics?.test[k] ?? ''))].join(','));
  write('folds.csv', `${foldLines.join('\n')}\n`);
  write(
    'report.html',
    renderCrossValidationReport({
      runId: run.id,
      model: run.model,
      task: run.task,
      dataset: run.datasetName,
      target: run.targetColumn,
      scheme: cfg.validationLabel,
      seed: run.seed,
      recipe: cfg.recipe ?? null,
      finishedAt: run.finishedAt,
      mean: m.mean,
      std: m.std,
      folds: m.folds.map((f) => ({ label: f.label, runId: f.runId, status: f.status, trainSamples: f.trainSamples, testSamples: f.testSamples, test: f.metrics?.test ?? null })),
      warnings: m.warnings ?? [],
      learningCurve: cfg.validation.kind === 'learning-curve',
      leaderboard: stored.leaderboard ?? null,
    }),
  );
  for (const f of m.folds) {
    if (f.status !== 'done') {
      notes.push(`${f.label} ended as ${f.status}; not exported.`);
      continue;
    }
    const sub = `fold-${f.index + 1}`;
    const r = exportRun(db, f.runId, path.join(dir, sub));
    files.push(...r.files.map((x) => `${sub}/${x}`));
    notes.push(...r.notes.map((n) => `${f.label}: ${n}`));
    opts.onProgress?.(++done, total, sub);
  }
  return { runId: run.id, dir, files, notes };
}

/** What a PLS-DA run's ROC scores are, per class decision. */
function rocSourceOfPls(decision: PlsDecision | undefined): string {
  if (decision === 'nearest-neighbour') return 'inverse-distance shares of each class’s nearest training spectrum in the PLS score space, on the test spectra';
  if (decision === 'centroid') return 'inverse-distance shares of the class centres of the predicted PLS-DA values, on the test spectra';
  if (decision === 'lda') return 'LDA class probabilities on the PLS scores of the stored model, on the test spectra';
  return 'PLS-DA class values of the stored model on the test spectra';
}
