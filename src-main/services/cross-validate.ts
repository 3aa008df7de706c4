/**
 * Cross-validated training: k-fold, Monte-Carlo, grouped k-fold and learning curves. The parent
 * run stores the design (scheme, seed, every fold's sample ids) and the metrics with their spread;
 * each fold is a full child run trained by {@link startTraining} on its rows, so the recipe and the
 * input scaling are fitted inside the fold and every fold keeps its curves, model and predictions.
 * Network folds run one after another, each on all the engine's threads (on a CPU the threads
 * are the parallelism; two folds at once would only share them); PLS folds, single-threaded,
 * run as many at once as there are cores.
 */
import os from 'node:os';
import type { Db } from '../db/connection';
import { columnValues, datasetIdByNameOrId, listColumns } from '../db/datasets';
import { createRun, finishRun, setRunBackend } from '../db/runs';
import { UserError } from '../common/errors';
import { summarize } from '../common/ml/metrics';
import { targetFromColumn } from '../common/ml/prepare';
import { makeFolds, replicateColumns, replicateLeaks, schemeLabel, type Fold, type Scheme } from '../common/ml/splits';
import { datasetBlock } from './preprocess';
import { TRAIN_DEFAULTS, startTraining, type TrainEvent, type TrainHandle, type TrainOutcome, type TrainRequest } from './train';
import type { SpawnTrainer } from './trainer-client';
import { APP_VERSION } from './version';

export function isCrossValidation(s: Scheme): boolean {
  return s.kind === 'kfold' || s.kind === 'mccv' || s.kind === 'group' || s.kind === 'learning-curve';
}

export interface FoldSummary {
  index: number;
  label: string;
  runId: number;
  status: TrainOutcome['status'];
  trainSamples: number;
  testSamples: number;
  metrics: { test: Record<string, number> } | null;
}

/** The folds of a request on its dataset, and the warning when replicates would straddle them. */
export function plannedFolds(db: Db, req: TrainRequest): { datasetId: number; task: 'classification' | 'regression'; folds: Fold[]; sampleIds: number[]; classes: string[]; warnings: string[]; data: ReturnType<typeof datasetBlock> } {
  const datasetId = datasetIdByNameOrId(db, req.dataset);
  const columns = listColumns(db, datasetId);
  const column = columns.find((c) => c.name === req.target);
  if (!column) throw new UserError('NOT_FOUND', `Dataset "${req.dataset}" has no column "${req.target}". Columns: ${columns.map((c) => c.name).join(', ') || 'none'}.`, { field: 'target' });
  const data = datasetBlock(db, datasetId, req.dataset);
  const { splits, sampleIds } = data;
  const row = new Map(sampleIds.map((id, r) => [id, r]));
  const valuesOf = (name: string) => {
    const out: (string | number | null)[] = new Array(sampleIds.length).fill(null);
    for (const v of columnValues(db, datasetId, name)) {
      const r = row.get(v.sampleId);
      if (r !== undefined) out[r] = v.value;
    }
    return out;
  };
  const target = targetFromColumn(column.kind, req.target, valuesOf(req.target));
  const rows = sampleIds.map((_, r) => r).filter((r) => (target.kind === 'classification' ? target.values[r]! >= 0 : Number.isFinite(target.values[r]!)));
  const scheme = req.validation;
  let groups: (string | number | null)[] | undefined;
  if (scheme.kind === 'group') {
    if (!columns.some((c) => c.name === scheme.column)) throw new UserError('NOT_FOUND', `Validation "group:${scheme.column}": dataset "${req.dataset}" has no column "${scheme.column}". Columns: ${columns.map((c) => c.name).join(', ')}.`, { field: 'validation' });
    groups = valuesOf(scheme.column);
  }
  const folds = makeFolds(scheme, { rows, target: target.values, kind: target.kind, splits, ...(groups ? { groups } : {}), seed: req.seed ?? TRAIN_DEFAULTS.seed });
  const warnings: string[] = [];
  if (scheme.kind !== 'group') {
    const others = columns.filter((c) => c.name !== req.target && c.kind !== 'number').map((c) => ({ name: c.name, values: valuesOf(c.name) }));
    for (const name of replicateColumns(others)) {
      const leak = replicateLeaks(folds, others.find((c) => c.name === name)!.values);
      if (leak.groups) warnings.push(`${leak.groups} “${name}” groups (e.g. ${leak.examples.map((e) => `“${e}”`).join(', ')}) have spectra on both sides of a split: if they are replicates of one sample, the scores are optimistic. Use group:${name} to keep each group on one side.`);
    }
  }
  return { datasetId, task: target.kind, folds, sampleIds, classes: target.classes, warnings, data };
}

/** Trains every fold of a cross-validation under one parent run; the handle resolves with the mean metrics. */
export function startCrossValidation(db: Db, req: TrainRequest, deps: { spawn: SpawnTrainer; onEvent?: (e: TrainEvent) => void }): TrainHandle {
  const started = performance.now();
  // The spectra are read once here and shared by every fold (each fold's rows index into them).
  const { datasetId, task, folds, sampleIds, classes, warnings, data } = plannedFolds(db, req);
  const ids = (rows: number[]) => rows.map((r) => sampleIds[r]!);
  const seed = req.seed ?? TRAIN_DEFAULTS.seed;
  const parentId = createRun(db, {
    datasetId,
    model: req.model,
    task,
    targetColumn: req.target,
    config: { model: req.model, classes, validation: req.validation, validationLabel: schemeLabel(req.validation), folds: folds.length, recipe: req.recipeName ?? null, epochs: req.epochs ?? null, learningRate: req.learningRate ?? null, warnings },
    pipeline: req.pipeline ?? null,
    fittedState: null,
    split: { scheme: req.validation, folds: folds.map((f) => ({ label: f.label, train: ids(f.train), test: ids(f.test) })) },
    seed,
    versions: { app: APP_VERSION, node: process.versions.node },
  });
  const emit = deps.onEvent ?? (() => {});
  const running = new Set<TrainHandle>();
  let cancelled = false;
  // PLS fits are single-threaded: run as many folds at once as there are cores. Networks already
  // use every core inside one fold, so their folds run one after another.
  const parallel = req.model === 'pls' ? Math.max(1, Math.min(os.cpus().length, folds.length)) : 1;

  const run = async (): Promise<TrainOutcome> => {
    const results: FoldSummary[] = [];
    let last: TrainOutcome | null = null;
    let next = 0;
    let stop = false;
    const worker = async () => {
      while (!cancelled && !stop && next < folds.length) {
        const index = next++;
        const fold = folds[index]!;
        emit({ type: 'fold', runId: parentId, index, count: folds.length, label: fold.label });
        const handle = startTraining(db, { ...req, fold: { parentRunId: parentId, index, label: fold.label, train: fold.train, test: fold.test, data } }, deps);
        running.add(handle);
        const o = await handle.outcome;
        running.delete(handle);
        if (!last || o.status !== 'done') last = o;
        results.push({ index, label: fold.label, runId: o.runId, status: o.status, trainSamples: fold.train.length, testSamples: fold.test.length, metrics: o.metrics });
        if (o.status !== 'done') {
          stop = true;
          for (const h of running) h.cancel();
        }
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    results.sort((a, b) => a.index - b.index);
    // Assigned inside the workers, which TypeScript's narrowing does not follow.
    const final = last as TrainOutcome | null;
    const done = results.filter((r) => r.status === 'done' && r.metrics);
    const spread = summarize(done.map((r) => r.metrics!.test));
    const mean = Object.fromEntries(Object.entries(spread.mean));
    const allDone = done.length === folds.length;
    const status: TrainOutcome['status'] = allDone ? 'done' : cancelled || final?.status === 'cancelled' ? 'cancelled' : 'failed';
    const failedFold = results.find((r) => r.status !== 'done');
    const message = allDone ? undefined : status === 'cancelled' ? 'Training was cancelled.' : `${failedFold?.label ?? 'A fold'} failed: ${final?.message ?? 'see its run'}`;
    const metrics = { test: mean, mean: spread.mean, std: spread.std, folds: results.map((r) => ({ index: r.index, label: r.label, runId: r.runId, status: r.status, trainSamples: r.trainSamples, testSamples: r.testSamples, metrics: r.metrics })), warnings, ...(message ? { message } : {}) };
    if (final?.backend) setRunBackend(db, parentId, final.backend);
    finishRun(db, parentId, status, metrics, [`${schemeLabel(req.validation)}: ${done.length} of ${folds.length} folds trained.`, ...warnings, message ?? ''].filter(Boolean).join('\n'));
    return {
      runId: parentId,
      model: req.model,
      task,
      status,
      ...(message ? { message } : {}),
      backend: final?.backend ?? null,
      engine: final?.engine ?? null,
      epochs: final?.epochs ?? 0,
      bestEpoch: null,
      spectraPerSecond: final?.spectraPerSecond ?? 0,
      classes: final?.classes ?? [],
      metrics: allDone ? { test: mean, mean: spread.mean, std: spread.std } : null,
      durationMs: performance.now() - started,
      folds: results,
      spread: { mean: spread.mean, std: spread.std },
      warnings,
    };
  };
  return {
    runId: parentId,
    outcome: run(),
    cancel: () => {
      cancelled = true;
      for (const h of running) h.cancel();
    },
  };
}
