/**
 * Every database write of a training run, in one place: the run row when it is planned, the
 * engine and each epoch as they arrive, and what it ends with — metrics, log and model
 * artifacts for a trained model; mean, spread and folds for a cross-validation.
 */
import type { Db } from '../db/connection';
import { addRunEpoch, createRun, finishRun, setRunBackend } from '../db/runs';
import type { EngineInfo, EpochMessage } from '../common/ml/protocol';
import type { PlsCvResult, PlsDecision, PlsModel } from '../common/ml/pls';
import type { CrossValidationConfig, CrossValidationSplit, FoldSummary, MetricValues, RunMetrics, RunRequest, RunStatus, TestPrediction } from '../common/runs/schema';
import type { FoldRows, RunPlan } from '../common/runs/plan';
import type { Done } from './trainer-client';
import { APP_VERSION } from './version';

const versions = () => ({ app: APP_VERSION, node: process.versions.node });

/** Stores a planned model's run (status running) and returns its id. */
export function recordPlannedRun(db: Db, req: RunRequest, plan: RunPlan, fold?: FoldRows): number {
  return createRun(db, {
    datasetId: req.datasetId,
    model: req.model,
    task: plan.task,
    targetColumn: req.target,
    config: plan.config,
    pipeline: req.recipe?.spec ?? null,
    fittedState: plan.fittedState,
    split: plan.split,
    seed: plan.job.seed,
    versions: versions(),
    ...(fold ? { fold: { parentRunId: fold.parentRunId, index: fold.position.index, label: fold.position.label } } : {}),
  });
}

export function recordEngine(db: Db, runId: number, engine: EngineInfo): void {
  setRunBackend(db, runId, engine.id, engine.versions);
}

/** Stores an epoch; a regression's validation errors are stored in the target's units too. */
export function recordEpoch(db: Db, runId: number, plan: RunPlan, r: EpochMessage): EpochMessage {
  const stored = plan.task === 'classification' || r.validationLoss === null ? r : { ...r, validationUnits: r.validation ? { rmse: r.validation.rmse! * plan.targetStd, mae: r.validation.mae! * plan.targetStd } : null };
  addRunEpoch(db, runId, r.epoch, stored);
  return stored;
}

/** A run that ended without a model (failed or cancelled before the trainer finished). */
export function recordStopped(db: Db, runId: number, status: 'failed' | 'cancelled', message: string, log = ''): void {
  finishRun(db, runId, status, null, `${message}\n${log}`);
}

/** The class decision of a fitted PLS-DA model. */
export function plsDecisionOf(model: unknown): PlsDecision {
  return (model as PlsModel).decision?.rule ?? 'pls-da';
}

/**
 * A trained model's end: test metrics and detail, training figures, log, and the artifacts that
 * rebuild it (weights, state, layout, test predictions, the PLS model).
 */
export function recordTrained(
  db: Db,
  runId: number,
  d: Done,
  evaluation: { summary: MetricValues; detail: NonNullable<RunMetrics['testDetail']> },
  predictions: TestPrediction[],
  engine: EngineInfo | null,
  isClass: boolean,
): { status: 'done' | 'failed' | 'cancelled'; metrics: RunMetrics } {
  const pls = d.pls ? { plsComponents: (d.pls.model as PlsModel).components, plsCv: d.pls.cv as PlsCvResult | null, ...(isClass ? { plsDecision: plsDecisionOf(d.pls.model) } : {}) } : {};
  const metrics: RunMetrics = { test: evaluation.summary, ...pls, testDetail: evaluation.detail, trainedEpochs: d.epochs.length, bestEpoch: d.bestEpoch, stopped: d.stopped, ...(d.message ? { message: d.message } : {}), spectraPerSecond: d.spectraPerSecond, memory: d.memory };
  const status = d.stopped === 'diverged' ? 'failed' : d.stopped === 'cancelled' ? 'cancelled' : 'done';
  const log = [`Engine: ${engine?.label ?? 'unknown'}`, ...(engine?.fallbacks ?? []).map((f) => `Not used: ${f}`), `Stopped: ${d.stopped}${d.bestEpoch ? ` (best epoch ${d.bestEpoch})` : ''}`, d.message ?? ''].filter(Boolean).join('\n');
  const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  finishRun(db, runId, status, metrics, log, [
    { name: 'weights.f32', mediaType: 'application/octet-stream', data: bytes(d.weights) },
    { name: 'state.f32', mediaType: 'application/octet-stream', data: bytes(d.state) },
    { name: 'layout.json', mediaType: 'application/json', data: json(d.paramNames) },
    { name: 'test-predictions.json', mediaType: 'application/json', data: json(predictions) },
    ...(d.pls ? [{ name: 'pls-model.json', mediaType: 'application/json', data: json(d.pls.model) }] : []),
  ]);
  return { status, metrics };
}

/** Stores a cross-validation's parent run: the design and every fold's sample ids. */
export function recordCrossValidation(db: Db, req: RunRequest, task: 'classification' | 'regression', config: CrossValidationConfig, split: CrossValidationSplit, seed: number): number {
  return createRun(db, { datasetId: req.datasetId, model: req.model, task, targetColumn: req.target, config, pipeline: req.recipe?.spec ?? null, fittedState: null, split, seed, versions: versions() });
}

/** A cross-validation's end: the mean and spread of the folds' test metrics, each fold, the warnings. */
export function recordCrossValidationEnd(db: Db, runId: number, o: { status: RunStatus; mean: MetricValues; std: MetricValues; folds: FoldSummary[]; warnings: string[]; message?: string; backend: string | null; log: string }): void {
  if (o.backend) setRunBackend(db, runId, o.backend);
  finishRun(db, runId, o.status, { test: o.mean, mean: o.mean, std: o.std, folds: o.folds, warnings: o.warnings, ...(o.message ? { message: o.message } : {}) }, o.log);
}
