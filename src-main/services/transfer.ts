/**
 * Calibration transfer (`spectra-desk transfer`): a regression model trained on instrument A's
 * dataset, applied to the same samples measured on instrument B. A transfer set is chosen by
 * Kennard–Stone among the spectra the model learned from on A; the same samples on B (paired by
 * sample id or by position, as `join --by`) fit DS and/or PDS (common/ml/transfer.ts). Each
 * fitted transform becomes the first step of a copy of A's model stored as a run on B's dataset
 * (common/runs/transfer.ts), so prediction and export apply it like any fitted recipe step.
 * The comparison reported — RMSEP on B's test rows (the samples A's model was tested on) without
 * transfer, with DS, with PDS, and of the same model kind and settings trained on B's own
 * training rows — is kept in each transferred run's config for the run page.
 *
 * Every check (pairing, axes, the transfer set's size, target values) runs before anything is
 * stored; a bad request stores nothing.
 */
import os from 'node:os';
import type { Db } from '../db/connection';
import { getDataset, loadAxis, loadSpectra, columnValues, listColumns, type SpectrumData } from '../db/datasets';
import { createRun, deleteRun, finishRun, getRun, listRuns, runArtifact, setRunBackend, type RunRow } from '../db/runs';
import { UserError } from '../common/errors';
import { requireOneChannel } from '../common/runs/channels';
import { evaluateValues } from '../common/runs/evaluate';
import { trainedConfig, trainedSplit, type RunRequest, type SingleRunConfig, type TestPrediction } from '../common/runs/schema';
import { DEFAULT_TRANSFER_SAMPLES, type TransferMethod, type TransferPairing, type TransferRecord, type TransferSummary } from '../common/runs/transfer';
import { choosePdsWindow, fitDs, fitPds, kennardStone, type Spectra, type TransferState } from '../common/ml/transfer';
import { parsePipelineSpec, type FittedPipeline } from '../common/preprocessing/pipeline';
import { AXIS_UNIT_LABELS } from '../common/domain/spectra';
import { loadPredictor, modelInputs, predictInputs, predictableRun, type Predictor } from './predict';
import { pairRows } from './join';
import { startTraining, type StartDeps } from './train';

export interface TransferRequest {
  /** The model trained on instrument A. */
  runId: number;
  /** The same samples measured on instrument B. */
  targetDatasetId: number;
  /** Transfer set size (default 10). */
  n?: number;
  methods: TransferMethod[];
  by: TransferPairing;
}

export interface TransferOutcome extends TransferSummary {
  durationMs: number;
}

/** The trainer for the model trained on B; `signal` cancels the transfer (the app's Cancel): nothing is then stored. */
export type TransferDeps = Pick<StartDeps, 'spawn' | 'onEvent'> & { signal?: AbortSignal };

const cancelled = () => new UserError('CANCELLED', 'The calibration transfer was cancelled; nothing was stored.');

const MODEL_ARTIFACTS = ['weights.f32', 'state.f32', 'layout.json', 'pls-model.json'];

interface Paired {
  a: SpectrumData[];
  b: SpectrumData[];
  /** B's row for each of A's sample ids. */
  bOf: Map<number, number>;
}

/** A's and B's samples paired as a join pairs them; `used` (A's sample ids the model learned from or was tested on) must all be on B. */
function pairSamples(a: SpectrumData[], b: SpectrumData[], by: TransferPairing, names: [string, string], used: number[]): Paired {
  const rowOf = new Map(a.map((s, i) => [s.sampleId, i]));
  const rows = pairRows([{ name: names[0], keys: a.map((s) => s.key) }, { name: names[1], keys: b.map((s) => s.key) }], by, used.map((id) => rowOf.get(id)!));
  return { a, b, bOf: new Map(rows.map(([ra, rb]) => [a[ra!]!.sampleId, rb!])) };
}

function axisText(axis: Float64Array, unit: keyof typeof AXIS_UNIT_LABELS): string {
  const u = unit === 'index' || unit === 'other' ? '' : ` ${AXIS_UNIT_LABELS[unit]}`;
  return `${axis.length} points, ${Number(axis[0]!.toPrecision(6))}–${Number(axis[axis.length - 1]!.toPrecision(6))}${u}`;
}

/** B's spectra must be on A's axis point for point: the transfer maps point j of B onto point j of A. */
function checkAxes(predictor: Predictor, b: SpectrumData[], names: [string, string], db: Db, runId: number): void {
  const axisIds = new Set(b.map((s) => s.axisId));
  if (axisIds.size > 1) throw new UserError('BAD_INPUT', `Dataset "${names[1]}" holds spectra on ${axisIds.size} different axes; put it on one axis first (spectra-desk harmonise). Nothing was stored.`, { field: 'axis' });
  const several = b.find((s) => s.channels.length > 1);
  if (several) throw new UserError('BAD_INPUT', `Dataset "${names[1]}" has samples with several channels (${several.key}: ${several.channels.length}); calibration transfer reads one instrument's spectra. Nothing was stored.`, { field: 'channels' });
  const { values, unit } = loadAxis(db, b[0]!.axisId);
  const a = predictor.rawAxis;
  const span = Math.abs(a[a.length - 1]! - a[0]!) || 1;
  const same = unit === predictor.axisUnit && values.length === a.length && values.every((v, i) => Math.abs(v - a[i]!) <= 1e-9 * span);
  if (!same) {
    throw new UserError('BAD_INPUT', `Dataset "${names[1]}" is on another axis (${axisText(values, unit)}) than run ${runId}'s training spectra ("${names[0]}": ${axisText(a, predictor.axisUnit)}); calibration transfer maps spectra point for point, so resample them onto one axis first. Nothing was stored.`, { field: 'axis' });
  }
}

function block(spectra: SpectrumData[], rows: number[], points: number): Spectra {
  const values = new Float64Array(rows.length * points);
  rows.forEach((r, i) => values.set(spectra[r]!.channels[0]!, i * points));
  return { values, rows: rows.length, points };
}

/** The predictor with the transfer as the first step of its recipe. */
function withTransfer(p: Predictor, state: TransferState): Predictor {
  const steps = p.recipe?.spec.steps ?? [];
  const spec = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'calibrationTransfer' }, ...steps] });
  const recipe: FittedPipeline = { spec, states: [state, ...(p.recipe?.states ?? [])] };
  return { ...p, source: `${p.source} through the calibration transfer`, recipe };
}

function predictValues(p: Predictor, x: Spectra, keys: string[]): number[] {
  const inputs = modelInputs(p, x.values, x.rows, keys);
  return predictInputs(p, keys.map((key) => ({ key, axis: p.rawAxis, values: [] })), inputs).map((r) => r.predicted as number);
}

/** The request that trains run's model kind and settings on another dataset. */
function nativeRequest(run: RunRow, cfg: SingleRunConfig, datasetId: number): RunRequest {
  const network = run.model !== 'pls';
  return {
    datasetId,
    target: run.targetColumn,
    model: cfg.model,
    ...(cfg.model === 'custom' ? { layers: cfg.layers } : {}),
    recipe: cfg.recipeChoice || !run.pipeline ? null : { name: cfg.recipe ?? null, spec: run.pipeline },
    ...(cfg.recipeChoice ? { autoRecipe: true as const } : {}),
    validation: cfg.validation,
    ...(run.seed !== null ? { seed: run.seed } : {}),
    ...(network ? { epochs: cfg.epochs, batchSize: cfg.batchSize, learningRate: cfg.learningRate } : {}),
    ...(network && cfg.optimizer ? { optimizer: cfg.optimizer } : {}),
    ...(network && cfg.momentum !== undefined ? { momentum: cfg.momentum } : {}),
    ...(network && cfg.patience !== undefined ? { patience: cfg.patience } : {}),
  };
}

/**
 * The same model kind and settings trained on B's dataset, and its predictions of B's test
 * rows. A split that lets it learn from any of those rows would flatter it: refused.
 */
async function trainNative(
  db: Db,
  run: RunRow,
  cfg: SingleRunConfig,
  target: { id: number; name: string },
  test: { testB: number[]; b: SpectrumData[]; keys: string[]; testX: Spectra },
  deps: TransferDeps,
): Promise<{ runId: number; predicted: number[] }> {
  if (deps.signal?.aborted) throw cancelled();
  const handle = startTraining(db, nativeRequest(run, cfg, target.id), { spawn: deps.spawn, ...(deps.onEvent ? { onEvent: deps.onEvent } : {}) });
  const stop = () => handle.cancel();
  deps.signal?.addEventListener('abort', stop, { once: true });
  const outcome = await handle.outcome.finally(() => deps.signal?.removeEventListener('abort', stop));
  if (deps.signal?.aborted) {
    // The comparison model is part of the transfer, so a cancelled transfer leaves no run of it behind.
    deleteRun(db, handle.runId);
    throw cancelled();
  }
  if (outcome.status !== 'done') throw new UserError('BAD_INPUT', `The model trained on "${target.name}" for comparison (run ${handle.runId}) ended ${outcome.status}${outcome.message ? `: ${outcome.message}` : ''}; the transfer was not stored.`);
  const nativeSplit = trainedSplit(getRun(db, handle.runId).split, handle.runId);
  const learnedOnB = new Set([...nativeSplit.train, ...nativeSplit.monitor]);
  const overlap = test.testB.filter((r) => learnedOnB.has(test.b[r]!.sampleId));
  if (overlap.length) {
    throw new UserError('BAD_INPUT', `The model trained on "${target.name}" (run ${handle.runId}) learned from ${overlap.length} of the test samples ("${test.b[overlap[0]!]!.key}", …): its split differs from run ${run.id}'s. Tag "${target.name}"'s samples as "${run.datasetName}"'s are; the transfer was not stored.`);
  }
  return { runId: handle.runId, predicted: predictValues(loadPredictor(db, handle.runId), test.testX, test.keys) };
}

/**
 * Fits the transfer, stores a transferred model per method on B's dataset and returns the
 * comparison. `deps` trains the model on B (the CLI's or the app's trainer).
 */
export async function transferCalibration(db: Db, req: TransferRequest, deps: TransferDeps): Promise<TransferOutcome> {
  const started = performance.now();
  const run = predictableRun(db, req.runId);
  const cfg = trainedConfig(run.config, run.id);
  const split = trainedSplit(run.split, run.id);
  if (cfg.transfer) throw new UserError('BAD_INPUT', `Run ${run.id} is itself a model transferred from run ${cfg.transfer.sourceRunId}; transfer from the run trained on the first instrument.`);
  if (run.task !== 'regression') throw new UserError('BAD_INPUT', `Run ${run.id} is a classification; calibration transfer compares prediction errors (RMSEP) and takes a regression run.`);
  requireOneChannel(run.id, cfg, 'calibration transfer');
  if (cfg.targetChannel !== undefined) throw new UserError('BAD_INPUT', `Run ${run.id} predicts channel "${cfg.targetChannel}" (a spectrum per sample); calibration transfer is judged on one target's RMSEP: transfer a run of one target.`);
  if (cfg.targets) throw new UserError('BAD_INPUT', `Run ${run.id} predicts several targets (${cfg.targets.map((t) => t.name).join(', ')}); calibration transfer is judged on one target's RMSEP: transfer a run of one target.`);
  const target = getDataset(db, req.targetDatasetId);
  if (target.id === run.datasetId) throw new UserError('BAD_INPUT', `Run ${run.id} was trained on "${run.datasetName}" itself; name the dataset measured on the other instrument.`, { field: 'target-dataset' });
  const names: [string, string] = [run.datasetName, target.name];
  const n = req.n ?? DEFAULT_TRANSFER_SAMPLES;
  const methods = [...new Set(req.methods)];
  if (!methods.length) throw new UserError('BAD_INPUT', 'Name at least one transfer method (ds, pds).', { field: 'method' });

  const p = loadPredictor(db, run.id);
  const learned = [...split.train, ...split.monitor];
  if (!split.test.length) throw new UserError('BAD_INPUT', `Run ${run.id} has no test rows; the transfer is judged on the test samples measured on "${target.name}".`);
  const a = loadSpectra(db, run.datasetId);
  const b = loadSpectra(db, target.id);
  if (!b.length) throw new UserError('BAD_INPUT', `Dataset "${target.name}" has no spectra.`);
  const pairs = pairSamples(a, b, req.by, names, [...learned, ...split.test]);
  checkAxes(p, b, names, db, run.id);
  const points = p.rawAxis.length;
  const rowOfA = new Map(a.map((s, i) => [s.sampleId, i]));

  if (!listColumns(db, target.id).some((c) => c.name === run.targetColumn)) throw new UserError('NOT_FOUND', `Dataset "${target.name}" has no column "${run.targetColumn}", the target of run ${run.id}; its test samples need reference values.`, { field: 'target' });
  const truthOf = new Map(columnValues(db, target.id, run.targetColumn).map((v) => [v.sampleId, v.value]));
  const testB = split.test.map((id) => pairs.bOf.get(id)!);
  const truth = testB.map((r) => {
    const v = truthOf.get(b[r]!.sampleId);
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new UserError('BAD_INPUT', `Sample "${b[r]!.key}" of "${target.name}" has no number in column "${run.targetColumn}"; every test sample needs its reference value. Nothing was stored.`, { field: 'target' });
    return v;
  });

  // The transfer set: Kennard–Stone over the spectra A's model learned from.
  const learnedRows = learned.map((id) => rowOfA.get(id)!);
  if (n > learnedRows.length) throw new UserError('BAD_INPUT', `A transfer set of ${n} needs ${n} of run ${run.id}'s training spectra; it has ${learnedRows.length}.`, { field: 'n' });
  const chosen = kennardStone(block(a, learnedRows, points), n).map((i) => learnedRows[i]!);
  const transferA = block(a, chosen, points);
  const transferB = block(b, chosen.map((r) => pairs.bOf.get(a[r]!.sampleId)!), points);
  const fitted = methods.map((method) => {
    if (method === 'ds') return { method, state: fitDs(transferA, transferB) as TransferState, window: null };
    const window = choosePdsWindow(transferA, transferB);
    return { method, state: fitPds(transferA, transferB, window.halfWidth) as TransferState, window };
  });

  const testX = block(b, testB, points);
  const keys = testB.map((r) => b[r]!.key);
  const rmsepOf = (predicted: number[]) => evaluateValues(truth, predicted).summary.rmse!;
  const none = rmsepOf(predictValues(p, testX, keys));
  const results = fitted.map((f) => {
    const predictor = withTransfer(p, f.state);
    const predicted = predictValues(predictor, testX, keys);
    return { ...f, predictor, predicted, evaluation: evaluateValues(truth, predicted) };
  });

  const nativeRun = await trainNative(db, run, cfg, target, { testB, b, keys, testX }, deps);
  const nativeRunId = nativeRun.runId;
  const native = rmsepOf(nativeRun.predicted);

  const rmsepFor = (m: TransferMethod) => results.find((r) => r.method === m)?.evaluation.summary.rmse ?? null;
  const madeAt = new Date().toISOString();
  const base: Omit<TransferRecord, 'method' | 'halfWidth' | 'looMse' | 'rank'> = {
    sourceRunId: run.id,
    sourceDataset: run.datasetName,
    targetDataset: target.name,
    pairing: req.by,
    transferSamples: chosen.map((r) => a[r]!.key),
    testSamples: testB.length,
    rmsep: { none, ds: rmsepFor('ds'), pds: rmsepFor('pds'), native },
    nativeRunId,
    madeAt,
  };
  const artifacts = MODEL_ARTIFACTS.flatMap((name) => {
    const data = runArtifact(db, run.id, name);
    return data ? [{ name, mediaType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream', data }] : [];
  });
  const bIds = (ids: number[]) => ids.map((id) => b[pairs.bOf.get(id)!]!.sampleId);
  const runs = db.transaction(() =>
    results.map((r) => {
      const record: TransferRecord = {
        ...base,
        method: r.method,
        ...(r.state.method === 'ds' ? { rank: r.state.rank } : {}),
        ...(r.window ? { halfWidth: r.window.halfWidth, looMse: r.window.looMse } : {}),
      };
      const id = createRun(db, {
        datasetId: target.id,
        model: run.model,
        task: run.task,
        targetColumn: run.targetColumn,
        config: { ...cfg, transfer: record },
        pipeline: r.predictor.recipe!.spec,
        fittedState: r.predictor.recipe!.states,
        split: { train: bIds(split.train), monitor: bIds(split.monitor), test: bIds(split.test), unlabelled: [] },
        seed: run.seed ?? 0,
        versions: run.versions ?? {},
        trainer: { pid: process.pid, host: os.hostname() },
      });
      if (run.backend) setRunBackend(db, id, run.backend);
      const predictions: TestPrediction[] = testB.map((row, i) => ({ sampleId: b[row]!.sampleId, key: keys[i]!, truth: truth[i]!, predicted: r.predicted[i]! }));
      const how = r.window ? `PDS (window ±${r.window.halfWidth} points, chosen by leave-one-out)` : `DS (${r.state.method === 'ds' ? r.state.rank : 0} components)`;
      const log = `Calibration transfer of run ${run.id} ("${run.datasetName}") to "${target.name}" by ${how} on ${n} Kennard–Stone samples: RMSEP ${r.evaluation.summary.rmse} on ${testB.length} test samples (without transfer ${none}, trained on "${target.name}" itself ${native}).\n`;
      finishRun(db, id, 'done', { test: r.evaluation.summary, testDetail: r.evaluation.detail, ...(run.metrics?.plsComponents !== undefined ? { plsComponents: run.metrics.plsComponents } : {}) }, log, [
        ...artifacts,
        { name: 'test-predictions.json', mediaType: 'application/json', data: Buffer.from(JSON.stringify(predictions)) },
      ]);
      return { method: r.method, runId: id };
    }),
  )();
  const ds = results.map((r) => r.state).find((st) => st.method === 'ds');
  const pds = results.find((r) => r.window)?.window;
  return {
    ...base,
    method: results[0]!.method,
    ...(ds ? { rank: ds.rank } : {}),
    ...(pds ? { halfWidth: pds.halfWidth, looMse: pds.looMse } : {}),
    runs,
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * The transfers made from a run (or, for a transferred model, from the run it came from), newest
 * first: one entry per transfer, with the runs it stored.
 */
export function runTransfers(db: Db, runId: number): TransferSummary[] {
  const own = getRun(db, runId);
  const sourceId = 'transfer' in own.config && own.config.transfer ? own.config.transfer.sourceRunId : runId;
  const byTransfer = new Map<string, TransferSummary>();
  for (const r of listRuns(db)) {
    const t = 'transfer' in r.config ? r.config.transfer : undefined;
    if (!t || t.sourceRunId !== sourceId) continue;
    const key = `${t.madeAt} ${t.targetDataset}`;
    const seen = byTransfer.get(key);
    const merged: TransferSummary = { ...(seen ?? t), ...(t.method === 'ds' ? { rank: t.rank } : { halfWidth: t.halfWidth, looMse: t.looMse }), runs: [...(seen?.runs ?? []), { method: t.method, runId: r.id }] };
    byTransfer.set(key, merged);
  }
  return [...byTransfer.values()].map((s) => ({ ...s, runs: [...s.runs].sort((x, y) => x.runId - y.runId) }));
}
