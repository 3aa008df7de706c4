/** Runs: configuration, per-epoch metrics, final metrics and model artifacts in the project file. */
import type { Db } from './connection';
import { UserError } from '../common/errors';
import type { EpochMessage } from '../common/ml/protocol';
import type { ResolvedPipeline } from '../common/preprocessing/pipeline';
import type { JsonValue } from '../common/preprocessing/types';
import { epochMessageSchema, parseStored, runConfigSchema, runMetricsSchema, runSplitSchema, testPrediction, type RunConfig, type RunMetrics, type RunSplit, type RunStatus, type TestPrediction } from '../common/runs/schema';
import { z } from 'zod';

export type { RunStatus };

/** What a run is, stored once when it is planned. */
interface RunFields {
  datasetId: number;
  model: string;
  task: 'classification' | 'regression';
  targetColumn: string;
  config: RunConfig;
  pipeline: ResolvedPipeline | null;
  fittedState: (JsonValue | null)[] | null;
}

/** The process training a run, and its machine (`os.hostname()`). */
export interface RunTrainer {
  pid: number;
  host: string;
}

export interface NewRun extends RunFields {
  split: RunSplit;
  seed: number;
  versions: Record<string, unknown>;
  /** Who trains it; its heartbeat starts at the run's creation. */
  trainer: RunTrainer;
  /** A fold or repeat of a cross-validated run: its parent, position (0-based) and label. */
  fold?: { parentRunId: number; index: number; label: string };
}

export interface RunRow extends RunFields {
  id: number;
  datasetName: string;
  status: RunStatus;
  split: RunSplit | null;
  seed: number | null;
  backend: string | null;
  versions: Record<string, unknown> | null;
  metrics: RunMetrics | null;
  log: string;
  createdAt: string;
  finishedAt: string | null;
  /** Set on the fold runs of a cross-validated run. */
  fold: { parentRunId: number; index: number; label: string } | null;
}

interface Raw {
  id: number;
  dataset_id: number;
  dataset_name: string;
  status: RunStatus;
  model: string;
  task: 'classification' | 'regression';
  target_column: string;
  config_json: string;
  pipeline_json: string | null;
  fitted_state_json: string | null;
  split_json: string | null;
  seed: number | null;
  backend: string | null;
  versions_json: string | null;
  metrics_json: string | null;
  log: string;
  created_at: string;
  finished_at: string | null;
  parent_run_id: number | null;
  fold_index: number | null;
  fold_label: string | null;
}

const parse = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));

function toRow(r: Raw): RunRow {
  return {
    id: r.id,
    datasetId: r.dataset_id,
    datasetName: r.dataset_name,
    status: r.status,
    model: r.model,
    task: r.task,
    targetColumn: r.target_column,
    config: parseStored(runConfigSchema, parse(r.config_json), 'configuration', r.id),
    pipeline: parse<ResolvedPipeline>(r.pipeline_json),
    fittedState: parse<(JsonValue | null)[]>(r.fitted_state_json),
    split: r.split_json === null ? null : parseStored(runSplitSchema, parse(r.split_json), 'split', r.id),
    seed: r.seed,
    backend: r.backend,
    versions: parse<Record<string, unknown>>(r.versions_json),
    metrics: r.metrics_json === null ? null : parseStored(runMetricsSchema, parse(r.metrics_json), 'metrics', r.id),
    log: r.log,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
    fold: r.parent_run_id === null ? null : { parentRunId: r.parent_run_id, index: r.fold_index ?? 0, label: r.fold_label ?? '' },
  };
}

const SELECT = 'SELECT r.*, d.name AS dataset_name FROM runs r JOIN datasets d ON d.id = r.dataset_id';

export function createRun(db: Db, run: NewRun): number {
  const now = new Date().toISOString();
  const info = db
    .prepare(
      `INSERT INTO runs (dataset_id, status, model, task, target_column, config_json, pipeline_json, fitted_state_json, split_json, seed, versions_json, created_at, parent_run_id, fold_index, fold_label, trainer_pid, trainer_host, heartbeat_at)
       VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      run.datasetId,
      run.model,
      run.task,
      run.targetColumn,
      JSON.stringify(run.config),
      run.pipeline === null ? null : JSON.stringify(run.pipeline),
      run.fittedState === null ? null : JSON.stringify(run.fittedState),
      JSON.stringify(run.split),
      run.seed,
      JSON.stringify(run.versions),
      now,
      run.fold?.parentRunId ?? null,
      run.fold?.index ?? null,
      run.fold?.label ?? null,
      run.trainer.pid,
      run.trainer.host,
      now,
    );
  return Number(info.lastInsertRowid);
}

/** Replaces a running run's stored config (a choice its trainer made before training: the augmentation's spectral changes). */
export function setRunConfig(db: Db, id: number, config: unknown): void {
  db.prepare('UPDATE runs SET config_json = ? WHERE id = ?').run(JSON.stringify(config), id);
}

/** Records the engine a run got, adding its versions (tfjs packages, kernels) to the run's versions. */
/** A search's parent run takes its winner's model once it is known (it is stored before any candidate is scored). */
export function setRunModel(db: Db, id: number, model: string): void {
  db.prepare('UPDATE runs SET model = ? WHERE id = ?').run(model, id);
}

export function setRunBackend(db: Db, id: number, backend: string, versions?: Record<string, string>): void {
  if (versions) db.prepare("UPDATE runs SET backend = ?, versions_json = json_patch(coalesce(versions_json, '{}'), json_object('engine', json(?))) WHERE id = ?").run(backend, JSON.stringify(versions), id);
  else db.prepare('UPDATE runs SET backend = ? WHERE id = ?').run(backend, id);
}

/** Stores an epoch's report; the run's heartbeat says its trainer was alive then. */
export function addRunEpoch(db: Db, id: number, epoch: number, metrics: EpochMessage, fold = 0): void {
  db.transaction(() => {
    db.prepare('INSERT OR REPLACE INTO run_epochs (run_id, fold, epoch, metrics_json) VALUES (?, ?, ?, ?)').run(id, fold, epoch, JSON.stringify(metrics));
    db.prepare('UPDATE runs SET heartbeat_at = ? WHERE id = ?').run(new Date().toISOString(), id);
  })();
}

/** Refreshes the heartbeat of runs still being trained (a run that has ended keeps its last one). */
export function touchRuns(db: Db, ids: readonly number[]): void {
  const touch = db.prepare("UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status IN ('running', 'queued')");
  const now = new Date().toISOString();
  db.transaction(() => {
    for (const id of ids) touch.run(now, id);
  })();
}

export function finishRun(db: Db, id: number, status: RunStatus, metrics: RunMetrics | null, log: string, artifacts: { name: string; mediaType: string; data: Buffer }[] = []): void {
  db.transaction(() => {
    db.prepare('UPDATE runs SET status = ?, metrics_json = ?, log = log || ?, finished_at = ? WHERE id = ?').run(status, metrics === null ? null : JSON.stringify(metrics), log, new Date().toISOString(), id);
    const put = db.prepare('INSERT OR REPLACE INTO run_artifacts (run_id, name, media_type, data) VALUES (?, ?, ?, ?)');
    for (const a of artifacts) put.run(id, a.name, a.mediaType, a.data);
  })();
}

export function getRun(db: Db, id: number): RunRow {
  const r = db.prepare(`${SELECT} WHERE r.id = ?`).get(id) as Raw | undefined;
  if (!r) throw new UserError('NOT_FOUND', `Run ${id} does not exist in this project.`);
  return toRow(r);
}

/** The project's runs, newest first; the folds of cross-validated runs are listed under their parent ({@link foldRuns}). */
export function listRuns(db: Db): RunRow[] {
  return (db.prepare(`${SELECT} WHERE r.parent_run_id IS NULL ORDER BY r.id DESC`).all() as Raw[]).map(toRow);
}

/** The fold (or repeat) runs of a cross-validated run, in fold order. */
export function foldRuns(db: Db, parentRunId: number): RunRow[] {
  return (db.prepare(`${SELECT} WHERE r.parent_run_id = ? ORDER BY r.fold_index`).all(parentRunId) as Raw[]).map(toRow);
}

export function runEpochs(db: Db, id: number): EpochMessage[] {
  const rows = db.prepare('SELECT epoch, metrics_json FROM run_epochs WHERE run_id = ? ORDER BY fold, epoch').all(id) as { epoch: number; metrics_json: string }[];
  return rows.map((r) => parseStored(epochMessageSchema, JSON.parse(r.metrics_json), `epoch ${r.epoch}`, id));
}

/** Stored epochs per run, for the runs table. */
export function runEpochCounts(db: Db): Map<number, number> {
  return new Map((db.prepare('SELECT run_id AS id, COUNT(*) AS n FROM run_epochs GROUP BY run_id').all() as { id: number; n: number }[]).map((r) => [r.id, r.n]));
}

/** The test spectra a run stored with truth and prediction; empty when it stored none. */
export function runTestPredictions(db: Db, id: number): TestPrediction[] {
  const a = runArtifact(db, id, 'test-predictions.json');
  return a ? parseStored(z.array(testPrediction), JSON.parse(a.toString('utf8')), 'test predictions', id) : [];
}

/** Adds or replaces one named artifact of a run (what a run keeps beside its weights, such as its fitted out-of-model check). */
export function putRunArtifact(db: Db, id: number, a: { name: string; mediaType: string; data: Buffer }): void {
  db.prepare('INSERT OR REPLACE INTO run_artifacts (run_id, name, media_type, data) VALUES (?, ?, ?, ?)').run(id, a.name, a.mediaType, a.data);
}

export function runArtifact(db: Db, id: number, name: string): Buffer | null {
  const r = db.prepare('SELECT data FROM run_artifacts WHERE run_id = ? AND name = ?').get(id, name) as { data: Buffer } | undefined;
  return r?.data ?? null;
}

export function deleteRun(db: Db, id: number): void {
  if (db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes === 0) throw new UserError('NOT_FOUND', `Run ${id} does not exist in this project.`);
}

/** A run not yet ended, with who trains it (null on runs stored before trainers were recorded). */
export interface UnfinishedRun {
  id: number;
  trainer: RunTrainer | null;
  heartbeatAt: string | null;
}

/**
 * Marks failed the runs whose trainer is gone, keeping their curves: `gone` says why, or null
 * for a run still being trained. Nothing is written while every trainer lives; a run that ends,
 * or beats, between the read and the write keeps what its trainer wrote.
 */
export function failInterruptedRuns(db: Db, gone: (run: UnfinishedRun) => string | null): number {
  const rows = db.prepare("SELECT id, trainer_pid, trainer_host, heartbeat_at FROM runs WHERE status IN ('running', 'queued') ORDER BY id").all() as { id: number; trainer_pid: number | null; trainer_host: string | null; heartbeat_at: string | null }[];
  const failing = rows.flatMap((r) => {
    const message = gone({ id: r.id, trainer: r.trainer_pid === null ? null : { pid: r.trainer_pid, host: r.trainer_host ?? '' }, heartbeatAt: r.heartbeat_at });
    return message === null ? [] : [{ id: r.id, heartbeatAt: r.heartbeat_at, message }];
  });
  if (!failing.length) return 0;
  return db.transaction(() => failing.filter((f) => failRun(db, f.id, f.message, f.heartbeatAt)).length)();
}

/**
 * Marks a run that has not ended failed, its curves kept and `message` its reason; with
 * `heartbeatAt`, only while its heartbeat is still that one. False when it had ended (or beat).
 */
export function failRun(db: Db, id: number, message: string, heartbeatAt?: string | null): boolean {
  const beat = heartbeatAt === undefined ? '' : ' AND heartbeat_at IS ?';
  const sql = `UPDATE runs SET status = 'failed', log = log || ?, metrics_json = json_set(coalesce(metrics_json, '{}'), '$.message', ?), finished_at = ? WHERE id = ? AND status IN ('running', 'queued')${beat}`;
  const args = [`\n${message}`, message, new Date().toISOString(), id, ...(heartbeatAt === undefined ? [] : [heartbeatAt])];
  return db.prepare(sql).run(...args).changes > 0;
}
