/**
 * Every database write of a training run, in one place: the run row when it is planned, with
 * who trains it (this process and machine) and the heartbeat it keeps while it trains, the
 * engine and each epoch as they arrive, and what it ends with — metrics, log and model
 * artifacts for a trained model; mean, spread and folds for a cross-validation. Opening a
 * project marks failed the runs whose trainer is gone ({@link failRunsWithoutTrainer}).
 */
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../db/connection';
import { addRunEpoch, createRun, failInterruptedRuns, failRun, finishRun, setRunBackend, setRunConfig, setRunModel, touchRuns, type UnfinishedRun } from '../db/runs';
import type { EngineInfo, EpochMessage } from '../common/ml/protocol';
import type { PlsCvResult, PlsDecision, PlsModel } from '../common/ml/pls';
import type { ReconstructionMetrics } from '../common/runs/autoencoder';
import type { CrossValidationConfig, CrossValidationSplit, FoldSummary, MetricValues, RunMetrics, RunRequest, RunStatus, TestPrediction } from '../common/runs/schema';
import type { FoldRows, RunPlan } from '../common/runs/plan';
import type { Leaderboard } from '../common/runs/optimize';
import type { Done } from './trainer-client';
import { APP_VERSION } from './version';

const versions = () => ({ app: APP_VERSION, node: process.versions.node });
const trainer = () => ({ pid: process.pid, host: os.hostname() });

/** How often a run being trained says so; epochs beat too. */
export const HEARTBEAT_MS = 2000;
/**
 * How long a run trained on another machine may go without a heartbeat before it is taken as
 * stopped: many beats, and room for clocks that disagree a little.
 */
export const STALE_HEARTBEAT_MS = 60_000;

/** The runs this process trains, per connection, whose heartbeat the timer refreshes. */
const beating = new Map<Db, Set<number>>();
let beatTimer: ReturnType<typeof setInterval> | null = null;

function beat(): void {
  for (const [db, ids] of beating) {
    if (!db.open) beating.delete(db);
    else {
      // A project busy past its timeout misses one beat and gets the next; the run's own writes report their errors.
      try {
        touchRuns(db, [...ids]);
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
      }
    }
  }
  if (!beating.size) stopTimer();
}

function stopTimer(): void {
  if (beatTimer) clearInterval(beatTimer);
  beatTimer = null;
}

function startBeating(db: Db, runId: number): void {
  const ids = beating.get(db) ?? new Set<number>();
  ids.add(runId);
  beating.set(db, ids);
  // Never what keeps a process alive: the run's outcome does that.
  beatTimer ??= setInterval(beat, HEARTBEAT_MS).unref();
}

function stopBeating(db: Db, runId: number): void {
  const ids = beating.get(db);
  ids?.delete(runId);
  if (ids?.size === 0) beating.delete(db);
  if (!beating.size) stopTimer();
}

/** Whether this process is training the run, in an open connection to the same project file. */
function trainingHere(file: string, runId: number): boolean {
  return [...beating].some(([db, ids]) => db.open && ids.has(runId) && path.resolve(db.name) === path.resolve(file));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it lives, under another user.
    return (err as { code?: string }).code !== 'ESRCH';
  }
}

/**
 * Why an unfinished run's trainer is gone, or null while it trains: on this machine, its
 * process has ended; on another, its heartbeat is older than {@link STALE_HEARTBEAT_MS}. A run
 * stored before trainers were recorded was left by an app that stopped.
 */
export function trainerGone(file: string, run: UnfinishedRun, now = Date.now()): string | null {
  const t = run.trainer;
  if (!t) return 'The app stopped while this run was training.';
  const who = `pid ${t.pid} on ${t.host}`;
  if (t.host === os.hostname()) {
    if (t.pid === process.pid) return trainingHere(file, run.id) ? null : `This process (${who}) stopped training this run without recording its end; the curves so far are kept.`;
    return processAlive(t.pid) ? null : `The process training this run (${who}) stopped; the curves so far are kept.`;
  }
  const last = run.heartbeatAt === null ? Number.NaN : Date.parse(run.heartbeatAt);
  return now - last <= STALE_HEARTBEAT_MS ? null : `The process training this run (${who}) has not reported since ${run.heartbeatAt ?? 'it started'}; it is taken as stopped, and the curves so far are kept.`;
}

/** Marks failed, when a project opens, the runs whose trainer is gone; a connection opened read-only is left as it is. */
export function failRunsWithoutTrainer(db: Db): number {
  return db.readonly ? 0 : failInterruptedRuns(db, (run) => trainerGone(db.name, run));
}

/** Stores a planned model's run (status running) and returns its id. */
export function recordPlannedRun(db: Db, req: RunRequest, plan: RunPlan, fold?: FoldRows): number {
  const id = createRun(db, {
    datasetId: req.datasetId,
    model: req.model,
    task: plan.task,
    targetColumn: req.target,
    config: plan.config,
    pipeline: plan.recipe?.spec ?? null,
    fittedState: plan.fittedState,
    split: plan.split,
    seed: plan.job.seed,
    versions: versions(),
    trainer: trainer(),
    ...(fold ? { fold: { parentRunId: fold.parentRunId, index: fold.position.index, label: fold.position.label } } : {}),
  });
  startBeating(db, id);
  return id;
}

/** A run's end: stored, and its heartbeat stopped (also when the write fails). */
function recordEnd(db: Db, runId: number, write: () => void): void {
  try {
    write();
  } finally {
    stopBeating(db, runId);
  }
}

/** A choice the trainer made before training (the augmentation's spectral changes), in the run's stored config. */
export function recordTrainerChoice(db: Db, runId: number, config: RunPlan['config']): void {
  setRunConfig(db, runId, config);
}

export function recordEngine(db: Db, runId: number, engine: EngineInfo): void {
  setRunBackend(db, runId, engine.id, engine.versions);
}

/** Stores an epoch; a one-target regression's validation errors are stored in the target's units too (several targets have no one unit). */
export function recordEpoch(db: Db, runId: number, plan: RunPlan, r: EpochMessage): EpochMessage {
  const stored = plan.task === 'classification' || r.validationLoss === null || plan.scales.length !== 1 ? r : { ...r, validationUnits: r.validation ? { rmse: r.validation.rmse! * plan.targetStd, mae: r.validation.mae! * plan.targetStd } : null };
  addRunEpoch(db, runId, r.epoch, stored);
  return stored;
}

/** A run that ended without a model (failed or cancelled before the trainer finished). */
export function recordStopped(db: Db, runId: number, status: 'failed' | 'cancelled', message: string, log = ''): void {
  recordEnd(db, runId, () => finishRun(db, runId, status, null, log ? `${message}\n${log}` : message));
}

/**
 * A run whose training threw after it was stored (the trainer would not start, its model would
 * not read): failed with the error, unless its end is recorded already. Its heartbeat stops, so
 * it does not pass for a run this process still trains.
 */
export function recordError(db: Db, runId: number, message: string): void {
  recordEnd(db, runId, () => {
    if (db.open) failRun(db, runId, message);
  });
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
  evaluation: { summary: MetricValues; detail: NonNullable<RunMetrics['testDetail']>; targets?: RunMetrics['targets']; reconstruction?: ReconstructionMetrics; pointRmse?: number[] },
  predictions: TestPrediction[],
  engine: EngineInfo | null,
  isClass: boolean,
  notes: string[] = [],
): { status: 'done' | 'failed' | 'cancelled'; metrics: RunMetrics } {
  const pls = d.pls ? { plsComponents: (d.pls.model as PlsModel).components, plsCv: d.pls.cv as PlsCvResult | null, ...(isClass ? { plsDecision: plsDecisionOf(d.pls.model) } : {}) } : {};
  const metrics: RunMetrics = { test: evaluation.summary, ...pls, testDetail: evaluation.detail, ...(evaluation.reconstruction ? { reconstruction: evaluation.reconstruction } : {}), ...(evaluation.targets ? { targets: evaluation.targets } : {}), ...(evaluation.pointRmse ? { pointRmse: evaluation.pointRmse } : {}), trainedEpochs: d.epochs.length, bestEpoch: d.bestEpoch, stopped: d.stopped, ...(d.message ? { message: d.message } : {}), spectraPerSecond: d.spectraPerSecond, memory: d.memory };
  const status = d.stopped === 'diverged' ? 'failed' : d.stopped === 'cancelled' ? 'cancelled' : 'done';
  const log = [...notes, `Engine: ${engine?.label ?? 'unknown'}`, ...(engine?.fallbacks ?? []).map((f) => `Not used: ${f}`), `Stopped: ${d.stopped}${d.bestEpoch ? ` (best epoch ${d.bestEpoch})` : ''}`, d.message ?? ''].filter(Boolean).join('\n');
  const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  recordEnd(db, runId, () => finishRun(db, runId, status, metrics, log, [
    { name: 'weights.f32', mediaType: 'application/octet-stream', data: bytes(d.weights) },
    { name: 'state.f32', mediaType: 'application/octet-stream', data: bytes(d.state) },
    { name: 'layout.json', mediaType: 'application/json', data: json(d.paramNames) },
    { name: 'test-predictions.json', mediaType: 'application/json', data: json(predictions) },
    ...(d.pls ? [{ name: 'pls-model.json', mediaType: 'application/json', data: json(d.pls.model) }] : []),
  ]));
  return { status, metrics };
}

/** Stores a cross-validation's parent run: the design and every fold's sample ids. */
export function recordCrossValidation(db: Db, req: RunRequest, task: 'classification' | 'regression', config: CrossValidationConfig, split: CrossValidationSplit, seed: number): number {
  const id = createRun(db, { datasetId: req.datasetId, model: req.model, task, targetColumn: req.target, config, pipeline: req.recipe?.spec ?? null, fittedState: null, split, seed, versions: versions(), trainer: trainer() });
  startBeating(db, id);
  return id;
}

/** A cross-validation's end: the mean and spread of the folds' test metrics, each fold, the warnings. */
export function recordCrossValidationEnd(db: Db, runId: number, o: { status: RunStatus; mean: MetricValues; std: MetricValues; folds: FoldSummary[]; warnings: string[]; message?: string; backend: string | null; log: string; leaderboard?: Leaderboard; model?: string }): void {
  recordEnd(db, runId, () => {
    if (o.backend) setRunBackend(db, runId, o.backend);
    if (o.model) setRunModel(db, runId, o.model);
    finishRun(db, runId, o.status, { test: o.mean, mean: o.mean, std: o.std, folds: o.folds, warnings: o.warnings, ...(o.message ? { message: o.message } : {}), ...(o.leaderboard ? { leaderboard: o.leaderboard } : {}) }, o.log);
  });
}
