/**
 * Training a model on a dataset: the use case behind `spectra-desk train` and the training view.
 * Reads the dataset, builds a leak-free problem (split, recipe and scaling fitted on training rows
 * only), stores a run, trains it in the trainer process while the epochs are written to the
 * project as they arrive, then evaluates on the test rows and stores metrics and weights.
 */
import type { Db } from '../db/connection';
import { columnValues, datasetIdByNameOrId, listColumns } from '../db/datasets';
import { addRunEpoch, createRun, finishRun, setRunBackend } from '../db/runs';
import { UserError } from '../common/errors';
import { summarizeModel, type LayerSpec, type LayerSummary } from '../common/ml/model';
import { templateLayers, MODEL_NAMES, type ModelName } from '../common/ml/templates';
import { augmentationFor, classWeightsFor, gatherRows, makeProblem, prepareInputs, targetFromColumn } from '../common/ml/prepare';
import type { Scheme } from '../common/ml/splits';
import { isCrossValidation, startCrossValidation } from './cross-validate';
import { argmaxRows, classificationMetrics, regressionReport, rocAucOvr, softmaxRows } from '../common/ml/metrics';
import type { EngineId, EngineInfo, EpochMessage, TaskSpec, TrainJob } from '../common/ml/protocol';
import type { ResolvedPipeline } from '../common/preprocessing/pipeline';
import { datasetBlock } from './preprocess';
import { startTrainer, type SpawnTrainer } from './trainer-client';
import { APP_VERSION } from './version';
import type { PlsDecision, PlsModel } from '../common/ml/pls';
import type { PlsDecisionChoice } from '../common/ml/pls-decision';

export interface TrainRequest {
  dataset: string;
  target: string;
  model: ModelName;
  /** Hidden layers for `custom`. */
  layers?: LayerSpec[];
  pipeline?: ResolvedPipeline | null;
  /** The saved recipe's name, recorded with the run (null or absent: unnamed or none). */
  recipeName?: string | null;
  /** given or holdout trains one model; kfold, mccv, group and learning-curve train one per fold ({@link startCrossValidation}). */
  validation: Scheme;
  /** A fold of a cross-validation: its train and test rows (dataset row indices), and where it belongs. */
  /** `data`: the dataset as the cross-validation read it once for all its folds (rows index into it). */
  fold?: { parentRunId: number; index: number; label: string; train: number[]; test: number[]; data?: ReturnType<typeof datasetBlock> };
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  patience?: number;
  engine?: EngineId | 'auto';
  threads?: number;
  /** PLS: number of components (default: chosen by 5-fold cross-validation on the training split). */
  components?: number;
  /**
   * PLS-DA: how a class is decided — the largest PLS-DA value, the nearest class centre of the
   * predicted values, or the class of the nearest training spectrum in the PLS score space; 'auto'
   * lets the cross-validation choose (PLS-DA on ties, and whenever the components are given).
   * @default 'auto'
   */
  plsDecision?: PlsDecisionChoice;
}

/**
 * Defaults chosen to reach the published scores on the UCR spectro sets without tuning. Small
 * sets (no early-stopping slice, see augmentationFor) take batches of `smallSetBatchSize`: more,
 * noisier steps per epoch over their augmented copies.
 */
export const TRAIN_DEFAULTS = { minEpochs: 100, minSteps: 4000, maxEpochs: 2000, batchSize: 32, smallSetBatchSize: 16, learningRate: 1e-3, patience: 40, seed: 1, clipNorm: 5, monitorMin: 200 } as const;

/**
 * Default epochs: enough optimiser steps for small sets (28 spectra are one batch, so epochs
 * alone would mean a few hundred steps): at least 4000 steps and 100 epochs, at most 2000 epochs.
 */
export function defaultEpochs(trainSamples: number, batchSize: number): number {
  const steps = Math.ceil(trainSamples / batchSize);
  return Math.min(TRAIN_DEFAULTS.maxEpochs, Math.max(TRAIN_DEFAULTS.minEpochs, Math.ceil(TRAIN_DEFAULTS.minSteps / steps)));
}

export type TrainEvent =
  | { type: 'started'; runId: number; summary: LayerSummary[]; params: number; trainSamples: number; monitorSamples: number; testSamples: number }
  | { type: 'engine'; runId: number; engine: EngineInfo }
  | { type: 'progress'; runId: number; epoch: number; batch: number; batches: number; loss: number }
  | { type: 'epoch'; runId: number; report: EpochMessage; epochs: number }
  /** A cross-validation (run `runId`) starts fold `index` of `count`; the fold's own run follows with `started`. */
  | { type: 'fold'; runId: number; index: number; count: number; label: string };

export interface TrainOutcome {
  runId: number;
  model: ModelName;
  task: 'classification' | 'regression';
  status: 'done' | 'failed' | 'cancelled';
  message?: string;
  backend: EngineId | null;
  engine: string | null;
  epochs: number;
  bestEpoch: number | null;
  spectraPerSecond: number;
  classes: string[];
  /** Test metrics; for a cross-validation the mean over folds (`test`, `mean`) and the standard deviation (`std`). */
  metrics: { test: Record<string, number>; mean?: Record<string, number>; std?: Record<string, number> } | null;
  durationMs: number;
  /** PLS: the number of components used. */
  components?: number;
  /** PLS-DA: how classes are decided (the largest PLS-DA value, the nearest class centre, or the nearest training spectrum in score space). */
  decision?: PlsDecision;
  /** Cross-validation: each fold's run and test metrics, their mean and standard deviation, and leak warnings. */
  folds?: import('./cross-validate').FoldSummary[];
  spread?: { mean: Record<string, number>; std: Record<string, number> };
  warnings?: string[];
}

export interface TrainHandle {
  runId: number;
  outcome: Promise<TrainOutcome>;
  cancel(): void;
}

/**
 * Test metrics of a finished model: accuracy, balanced accuracy, macro F1 and one-vs-rest ROC AUC
 * (from the softmax of the logits, or the PLS-DA scores) for classes; RMSE, MAE, R², bias, SEP
 * and RPD for values, in the target's units.
 */
function metricSummary(task: 'classification' | 'regression', truth: number[], outputs: Float32Array, classes: number, unscale: (v: number) => number, pls: boolean): { summary: Record<string, number>; detail: unknown; predicted: number[] } {
  if (task === 'classification') {
    const pred = argmaxRows(outputs, truth.length, classes);
    const m = classificationMetrics(truth, pred, classes);
    const scores = pls ? outputs : softmaxRows(outputs, truth.length, classes);
    const auc = classes >= 2 ? rocAucOvr(truth, scores, classes) : null;
    const summary: Record<string, number> = { accuracy: m.accuracy, balancedAccuracy: m.balancedAccuracy, macroF1: m.macroF1 };
    if (auc?.macro !== null && auc?.macro !== undefined) summary.rocAuc = auc.macro;
    return { summary, detail: { ...m, rocAuc: auc }, predicted: Array.from(pred) };
  }
  const pred = Array.from(outputs, unscale);
  const m = regressionReport(truth, pred);
  return { summary: { rmse: m.rmse, mae: m.mae, r2: m.r2, bias: m.bias, sep: m.sep, rpd: m.rpd }, detail: m, predicted: pred };
}

/**
 * Validates the request, stores the run and starts training; the handle resolves when it ends.
 * Cross-validation schemes store a parent run and train one child run per fold.
 */
export function startTraining(db: Db, req: TrainRequest, deps: { spawn: SpawnTrainer; onEvent?: (e: TrainEvent) => void }): TrainHandle {
  if (isCrossValidation(req.validation) && !req.fold) return startCrossValidation(db, req, deps);
  const started = performance.now();
  if (!MODEL_NAMES.includes(req.model)) throw new UserError('BAD_INPUT', `Unknown model "${req.model}": use ${MODEL_NAMES.join(', ')}.`, { field: 'model' });
  const datasetId = datasetIdByNameOrId(db, req.dataset);
  const column = listColumns(db, datasetId).find((c) => c.name === req.target);
  if (!column) {
    const names = listColumns(db, datasetId).map((c) => c.name);
    throw new UserError('NOT_FOUND', `Dataset "${req.dataset}" has no column "${req.target}". Columns: ${names.length ? names.join(', ') : 'none'}.`, { field: 'target' });
  }
  const seed = req.seed ?? TRAIN_DEFAULTS.seed;
  const { block, keys, splits, sampleIds } = req.fold?.data ?? datasetBlock(db, datasetId, req.dataset);
  const raw = columnValues(db, datasetId, req.target).map((v) => v.value);
  const target = targetFromColumn(column.kind, req.target, raw);
  const single = req.validation.kind === 'holdout' ? req.validation : { kind: 'given' as const };
  const isPls = req.model === 'pls';
  // PLS has no epochs to stop early, so it keeps every training spectrum (and fits the recipe on all of them).
  const problem = makeProblem({ target, splits, validation: single, ...(req.fold ? { rows: req.fold } : {}), seed, monitorMin: isPls ? Infinity : TRAIN_DEFAULTS.monitorMin });
  const prepared = prepareInputs(block, keys, problem.train, req.pipeline ?? null);
  const length = prepared.points;
  const layers = req.model === 'custom' ? (req.layers ?? []) : req.model === 'pls' ? [] : templateLayers(req.model, length);
  if (req.model === 'custom' && !layers.length) throw new UserError('BAD_INPUT', 'A custom model needs a layer list.', { field: 'layers' });
  const isClass = target.kind === 'classification';
  const classes = target.classes.length;
  const summary = isPls ? { layers: [], params: 0 } : summarizeModel({ schemaVersion: 1, name: req.model, layers }, [length, 1], { units: isClass ? classes : 1 });

  // Targets: class indices, or values standardised on the training rows.
  let yMean = 0;
  let yStd = 1;
  if (!isClass) {
    const v = problem.train.map((r) => target.values[r]!);
    yMean = v.reduce((a, b) => a + b, 0) / v.length;
    yStd = Math.sqrt(v.reduce((a, b) => a + (b - yMean) ** 2, 0) / v.length) || 1;
  }
  const yOf = (rows: number[]) => (isClass ? Int32Array.from(rows, (r) => target.values[r]!) : Float32Array.from(rows, (r) => (target.values[r]! - yMean) / yStd));
  const cw = isClass ? classWeightsFor(target.values, problem.train, classes) : null;
  const task: TaskSpec = isClass ? { kind: 'classification', classes } : { kind: 'regression', loss: 'mse' };
  const augmentation = isPls ? null : augmentationFor(target.kind, problem.train.length, problem.monitor.length, length);
  const batchSize = Math.min(req.batchSize ?? (augmentation ? TRAIN_DEFAULTS.smallSetBatchSize : TRAIN_DEFAULTS.batchSize), problem.train.length);
  const epochs = req.epochs ?? defaultEpochs(problem.train.length, batchSize);
  const learningRate = req.learningRate ?? TRAIN_DEFAULTS.learningRate;
  const patience = problem.monitor.length && !isPls ? (req.patience ?? TRAIN_DEFAULTS.patience) : 0;
  const stepsPerEpoch = Math.ceil(problem.train.length / batchSize);
  const config = {
    model: req.model,
    layers,
    input: [length, 1],
    task,
    classes: target.classes,
    epochs,
    batchSize,
    learningRate,
    optimizer: 'adam',
    clipNorm: TRAIN_DEFAULTS.clipNorm,
    warmupSteps: stepsPerEpoch * 2,
    learningRateSchedule: 'linear warm-up over 2 epochs, then cosine decay to 1 % by the last epoch',
    patience,
    validation: req.fold ? { ...req.validation, fold: req.fold.label } : req.validation,
    earlyStopping: isPls ? 'not used (PLS: components chosen by cross-validation on the training split)' : problem.monitor.length ? `on ${problem.monitor.length} training samples held back (15 %, stratified)` : `off (fewer than ${TRAIN_DEFAULTS.monitorMin} training samples): fixed epochs`,
    classWeights: cw ? { balanced: cw.balanced, weights: cw.weights } : null,
    // The trainer applies the same rule to the rows it receives (ml/trainer/run.ts).
    augmentation,
    inputScaling: prepared.scaling,
    targetScaling: isClass ? null : { mean: yMean, std: yStd },
    axis: Array.from(prepared.axis),
    params: summary.params,
    engineRequested: req.engine ?? 'auto',
    recipe: req.recipeName ?? null,
  };
  const ids = (rows: number[]) => rows.map((r) => sampleIds[r]!);
  const runId = createRun(db, {
    datasetId,
    model: req.model,
    task: target.kind,
    targetColumn: req.target,
    config,
    pipeline: req.pipeline ?? null,
    fittedState: prepared.fitted ? prepared.fitted.states : null,
    split: { train: ids(problem.train), monitor: ids(problem.monitor), test: ids(problem.test), unlabelled: ids(problem.unlabelled) },
    seed,
    versions: { app: APP_VERSION, node: process.versions.node },
    ...(req.fold ? { fold: { parentRunId: req.fold.parentRunId, index: req.fold.index, label: req.fold.label } } : {}),
  });
  const emit = deps.onEvent ?? (() => {});
  emit({ type: 'started', runId, summary: summary.layers, params: summary.params, trainSamples: problem.train.length, monitorSamples: problem.monitor.length, testSamples: problem.test.length });

  const job: TrainJob = {
    ...(isPls ? { pls: { components: req.components ?? null, decision: req.plsDecision ?? 'auto' } } : {}),
    layers,
    input: [length, 1],
    task,
    // PLS has no early stopping: it learns from every training row.
    train: { x: gatherRows(prepared.x, length, problem.train), y: yOf(problem.train), n: problem.train.length },
    validation: problem.monitor.length && !isPls ? { x: gatherRows(prepared.x, length, problem.monitor), y: yOf(problem.monitor), n: problem.monitor.length } : null,
    evaluate: [{ x: gatherRows(prepared.x, length, problem.test), n: problem.test.length }],
    classWeights: cw ? Float32Array.from(cw.weights) : undefined,
    epochs,
    batchSize,
    learningRate,
    clipNorm: TRAIN_DEFAULTS.clipNorm,
    warmupSteps: stepsPerEpoch * 2,
    decaySteps: stepsPerEpoch * (epochs - 2),
    patience,
    seed,
    engine: req.engine ?? 'auto',
    threads: req.threads,
  };
  let engine: EngineInfo | null = null;
  const unscale = (v: number) => v * yStd + yMean;
  const handle = startTrainer(deps.spawn, job, {
    onEngine: (e) => {
      engine = e;
      setRunBackend(db, runId, e.id, e.versions);
      emit({ type: 'engine', runId, engine: e });
    },
    onProgress: (p) => emit({ type: 'progress', runId, epoch: p.epoch, batch: p.batch, batches: p.batches, loss: p.loss }),
    onEpoch: (r) => {
      const stored = isClass || r.validationLoss === null ? r : { ...r, validationUnits: r.validation ? { rmse: r.validation.rmse! * yStd, mae: r.validation.mae! * yStd } : null };
      addRunEpoch(db, runId, r.epoch, stored);
      emit({ type: 'epoch', runId, report: r, epochs });
    },
  });

  const outcome = handle.outcome.then((o): TrainOutcome => {
    const base = { runId, model: req.model, task: target.kind, backend: engine?.id ?? null, engine: engine?.label ?? null, classes: target.classes, durationMs: performance.now() - started };
    if (o.kind !== 'done') {
      const cancelled = o.kind === 'cancelled';
      const message = cancelled ? 'Training was cancelled.' : o.message;
      finishRun(db, runId, cancelled ? 'cancelled' : 'failed', null, `${message}\n${o.kind === 'failed' ? o.log : ''}`);
      return { ...base, status: cancelled ? 'cancelled' : 'failed', message, epochs: 0, bestEpoch: null, spectraPerSecond: 0, metrics: null };
    }
    const d = o.done;
    const truth = problem.test.map((r) => target.values[r]!);
    const evaluation = metricSummary(target.kind, truth, d.evaluations[0]!, classes, unscale, isPls);
    const predictions = problem.test.map((r, i) => ({
      sampleId: sampleIds[r]!,
      key: keys[r]!,
      truth: isClass ? target.classes[truth[i]!]! : truth[i]!,
      predicted: isClass ? target.classes[evaluation.predicted[i]!]! : evaluation.predicted[i]!,
    }));
    const metrics = { test: evaluation.summary, ...(d.pls ? { plsComponents: (d.pls.model as { components: number }).components, plsCv: d.pls.cv, ...(isClass ? { plsDecision: plsDecisionOf(d.pls.model) } : {}) } : {}), testDetail: evaluation.detail, trainedEpochs: d.epochs.length, bestEpoch: d.bestEpoch, stopped: d.stopped, ...(d.message ? { message: d.message } : {}), spectraPerSecond: d.spectraPerSecond, memory: d.memory };
    const status = d.stopped === 'diverged' ? 'failed' : d.stopped === 'cancelled' ? 'cancelled' : 'done';
    const log = [`Engine: ${engine?.label ?? 'unknown'}`, ...(engine?.fallbacks ?? []).map((f) => `Not used: ${f}`), `Stopped: ${d.stopped}${d.bestEpoch ? ` (best epoch ${d.bestEpoch})` : ''}`, d.message ?? ''].filter(Boolean).join('\n');
    finishRun(db, runId, status, metrics, log, [
      { name: 'weights.f32', mediaType: 'application/octet-stream', data: Buffer.from(d.weights.buffer, d.weights.byteOffset, d.weights.byteLength) },
      { name: 'state.f32', mediaType: 'application/octet-stream', data: Buffer.from(d.state.buffer, d.state.byteOffset, d.state.byteLength) },
      { name: 'layout.json', mediaType: 'application/json', data: Buffer.from(JSON.stringify(d.paramNames)) },
      { name: 'test-predictions.json', mediaType: 'application/json', data: Buffer.from(JSON.stringify(predictions)) },
      ...(d.pls ? [{ name: 'pls-model.json', mediaType: 'application/json', data: Buffer.from(JSON.stringify(d.pls.model)) }] : []),
    ]);
    return {
      ...base,
      status,
      ...(d.message ? { message: d.message } : {}),
      epochs: d.epochs.length,
      bestEpoch: d.bestEpoch,
      spectraPerSecond: d.spectraPerSecond,
      metrics: { test: evaluation.summary },
      ...(d.pls ? { components: (d.pls.model as { components: number }).components, ...(isClass ? { decision: plsDecisionOf(d.pls.model) } : {}) } : {}),
    };
  });
  return { runId, outcome, cancel: () => handle.cancel() };
}

/** The class decision of a fitted PLS-DA model. */
function plsDecisionOf(model: unknown): PlsDecision {
  return (model as PlsModel).decision?.rule ?? 'pls-da';
}
