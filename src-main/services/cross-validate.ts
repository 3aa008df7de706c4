/**
 * Cross-validated training: k-fold, Monte-Carlo, grouped k-fold and learning curves. The parent
 * run stores the design (scheme, seed, every fold's sample ids) and the metrics with their spread;
 * each fold is a full child run trained by {@link trainSingle} on its rows, so the recipe and the
 * input scaling are fitted inside the fold and every fold keeps its curves, model and predictions.
 * Folds whose training spectra would be large stream them from the project file, as a run of its
 * own does (./streamed-run.ts: foldsStream); the others share one in-memory read.
 * Network folds run one after another, each on all the engine's threads (on a CPU the threads
 * are the parallelism; two folds at once would only share them); PLS folds, single-threaded,
 * run as many at once as there are cores.
 */
import os from 'node:os';
import type { Db } from '../db/connection';
import { UserError } from '../common/errors';
import { summarize } from '../common/ml/metrics';
import { labelledRows, targetFromColumn } from '../common/ml/prepare';
import { makeFolds, mapSplitWarning, parseScheme, replicateColumns, replicateLeaks, schemeLabel, type Fold, type Scheme } from '../common/ml/splits';
import type { RunHandle, RunOutcome } from '../common/runs/outcome';
import { TRAIN_DEFAULTS } from '../common/runs/plan';
import type { FoldSummary, RunRequest } from '../common/runs/schema';
import { recordCrossValidation, recordCrossValidationEnd } from './run-record';
import { columnUnits, readDatasetForRun, readDatasetHeadsForRun, targetColumn, type DatasetForRun } from './run-data';
import { finished, trainSingle, type TrainDeps } from './train-single';
import { chooseRecipeOnSample, chooseRunRecipe } from './auto-recipe';
import { foldsStream, streamedRecipeChoice, type StreamOptions } from './streamed-run';
import type { RecipeChoiceHandle } from './trainer-client';
import type { ChosenRecipe } from '../common/runs/recipe-choice';

/** A cross-validation's recipe when each fold chooses its own (see common/runs/recipe-choice.ts). */
export const AUTO_RECIPE_IN_FOLDS = 'auto (chosen inside each fold)';

export function isCrossValidation(s: Scheme): boolean {
  return s.kind === 'kfold' || s.kind === 'mccv' || s.kind === 'group' || s.kind === 'learning-curve' || s.kind === 'blocked';
}

/**
 * Replicate-like columns (many small groups: sample ids, patients, batches) whose groups fall on
 * both sides of the folds: the one rule behind the warning in the Train view, the cross-validation
 * and its run page.
 */
export function replicateWarnings(dataset: DatasetForRun, target: string, folds: Fold[], scheme: Scheme): string[] {
  if (scheme.kind === 'group') return [];
  const others = dataset.columns.filter((c) => c.name !== target && c.kind !== 'number').map((c) => ({ name: c.name, values: dataset.valuesOf(c.name) }));
  const warnings: string[] = [];
  for (const name of replicateColumns(others)) {
    const leak = replicateLeaks(folds, others.find((c) => c.name === name)!.values);
    if (leak.groups) warnings.push(`${leak.groups} “${name}” groups (e.g. ${leak.examples.map((e) => `“${e}”`).join(', ')}) have spectra on both sides of a split: if they are replicates of one sample, the scores are optimistic. Use group:${name} to keep each group on one side.`);
  }
  return warnings;
}

/** The folds of a request on its dataset (any scheme; given and holdout give one), and the replicate warnings. */
export function plannedFolds(db: Db, req: RunRequest, dataset: DatasetForRun = readDatasetForRun(db, req.datasetId)): { task: 'classification' | 'regression'; folds: Fold[]; classes: string[]; warnings: string[] } {
  const column = targetColumn(dataset.columns, dataset.name, req.target);
  const target = targetFromColumn(column.kind, req.target, dataset.valuesOf(req.target));
  const rows = labelledRows(target);
  const scheme = req.validation;
  let groups: (string | number | null)[] | undefined;
  if (scheme.kind === 'group') {
    if (!dataset.columns.some((c) => c.name === scheme.column)) throw new UserError('NOT_FOUND', `Validation "group:${scheme.column}": dataset "${dataset.name}" has no column "${scheme.column}". Columns: ${dataset.columns.map((c) => c.name).join(', ')}.`, { field: 'validation' });
    groups = dataset.valuesOf(scheme.column);
  }
  const { map } = dataset.data;
  const folds = makeFolds(scheme, { rows, target: target.values, kind: target.kind, splits: dataset.data.splits, ...(groups ? { groups } : {}), ...(map ? { map } : {}), seed: req.seed ?? TRAIN_DEFAULTS.seed });
  const onMap = mapSplitWarning(scheme, map, folds, req.neighbourhood);
  return { task: target.kind, folds, classes: target.classes, warnings: [...(onMap ? [onMap] : []), ...replicateWarnings(dataset, req.target, folds, scheme)] };
}

/** `{ units }` when there are any, else nothing (the stored config leaves the key out). */
function unitsRecord(units: Record<string, string> | undefined): { units?: Record<string, string> } {
  return units ? { units } : {};
}

/** Trains every fold of a cross-validation under one parent run; the handle resolves with the mean metrics. */
export function startCrossValidation(db: Db, req: RunRequest, deps: TrainDeps): RunHandle {
  const started = performance.now();
  // The folds are made from the sample heads, whose rows are those of the in-memory read
  // (services/preprocess.ts: datasetBlock reads datasetRows), so they index either. Folds whose
  // training spectra would be large stream them from the project file, each as a run of its own
  // would (./streamed-run.ts); otherwise the spectra are read once here and shared by every fold.
  const heads = readDatasetHeadsForRun(db, req.datasetId);
  const { task, folds, classes, warnings } = plannedFolds(db, req, heads.dataset);
  const streams = foldsStream(req, deps.stream ?? {}, heads, folds.map((f) => f.train.length));
  const dataset = streams ? heads.dataset : readDatasetForRun(db, req.datasetId);
  const foldStream: StreamOptions = { ...deps.stream, when: 'always' };
  const foldDeps: TrainDeps = streams ? { ...deps, stream: foldStream } : deps;
  const ids = (rows: number[]) => rows.map((r) => dataset.data.sampleIds[r]!);
  const seed = req.seed ?? TRAIN_DEFAULTS.seed;
  const validationLabel = schemeLabel(req.validation);
  const parentId = recordCrossValidation(
    db,
    req,
    task,
    { model: req.model, classes, validation: req.validation, validationLabel, folds: folds.length, recipe: req.autoRecipe ? AUTO_RECIPE_IN_FOLDS : (req.recipe?.name ?? null), epochs: req.epochs ?? null, learningRate: req.learningRate ?? null, warnings, ...unitsRecord(columnUnits(dataset, req.targets ?? [req.target])) },
    { scheme: req.validation, folds: folds.map((f) => ({ label: f.label, train: ids(f.train), test: ids(f.test) })) },
    seed,
  );
  deps.emit(parentId, null, { type: 'started', datasetId: req.datasetId, dataset: dataset.name, model: req.model, target: req.target, task, summary: [], params: 0, trainSamples: 0, monitorSamples: 0, testSamples: 0, fold: null, folds: folds.length });
  const running = new Set<RunHandle>();
  const choices = new Set<RecipeChoiceHandle>();
  let cancelled = false;
  // PLS fits are single-threaded: run as many folds at once as there are cores. Networks already
  // use every core inside one fold, so their folds run one after another.
  const parallel = req.model === 'pls' ? Math.max(1, Math.min(os.cpus().length, folds.length)) : 1;

  const run = async (): Promise<RunOutcome> => {
    const results: FoldSummary[] = [];
    let last: RunOutcome | null = null;
    let next = 0;
    let stop = false;
    const worker = async () => {
      while (!cancelled && !stop && next < folds.length) {
        const index = next++;
        const fold = folds[index]!;
        const rows = { parentRunId: parentId, position: { index, count: folds.length, label: fold.label }, train: fold.train, test: fold.test };
        // The auto recipe is chosen on this fold's training rows, in a trainer process of its own.
        let chosen: ChosenRecipe | undefined;
        if (req.autoRecipe) {
          const choosing = streams ? chooseRecipeOnSample(deps.spawn, streamedRecipeChoice(db, req, foldStream, rows)!, deps.onRecipeProgress, rows) : chooseRunRecipe(deps.spawn, req, dataset, rows, deps.onRecipeProgress);
          choices.add(choosing);
          try {
            chosen = await choosing.chosen;
          } catch (err) {
            if (cancelled) break;
            throw err;
          } finally {
            choices.delete(choosing);
          }
        }
        if (cancelled) break;
        const handle = trainSingle(db, req, foldDeps, { rows, ...(streams ? {} : { dataset }), ...(chosen ? { chosen } : {}) });
        running.add(handle);
        const o = await handle.outcome;
        running.delete(handle);
        if (!last || o.status !== 'done') last = o;
        results.push({ index, label: fold.label, runId: o.runId, status: o.status, trainSamples: fold.train.length, testSamples: fold.test.length, metrics: o.metrics ? { test: o.metrics.test } : null });
        if (o.status !== 'done') {
          stop = true;
          for (const h of running) h.cancel();
        }
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    results.sort((a, b) => a.index - b.index);
    // Assigned inside the workers, which TypeScript's narrowing does not follow.
    const final = last as RunOutcome | null;
    const done = results.filter((r) => r.status === 'done' && r.metrics);
    const spread = summarize(done.map((r) => r.metrics!.test));
    const mean = Object.fromEntries(Object.entries(spread.mean));
    const allDone = done.length === folds.length;
    const status: RunOutcome['status'] = allDone ? 'done' : cancelled || final?.status === 'cancelled' ? 'cancelled' : 'failed';
    const failedFold = results.find((r) => r.status !== 'done');
    const message = allDone ? undefined : status === 'cancelled' ? 'Training was cancelled.' : `${failedFold?.label ?? 'A fold'} failed: ${final?.message ?? 'see its run'}`;
    recordCrossValidationEnd(db, parentId, {
      status,
      mean,
      std: spread.std,
      folds: results,
      warnings,
      ...(message ? { message } : {}),
      backend: final?.backend ?? null,
      log: [`${validationLabel}: ${done.length} of ${folds.length} folds trained.`, ...warnings, message ?? ''].filter(Boolean).join('\n'),
    });
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
    outcome: run().then((o) => finished(deps, parentId, null, o)),
    cancel: () => {
      cancelled = true;
      for (const h of running) h.cancel();
      for (const c of choices) c.cancel();
    },
  };
}

/** The Train view's check before a run: replicate-like groups that the planned split would put on both sides. */
export function checkRun(db: Db, q: { datasetId: number; target: string; validation: string; seed?: number; neighbourhood?: RunRequest['neighbourhood'] }): { warnings: string[] } {
  const req: RunRequest = { datasetId: q.datasetId, target: q.target, model: 'pls', recipe: null, validation: parseScheme(q.validation), ...(q.seed !== undefined ? { seed: q.seed } : {}), ...(q.neighbourhood ? { neighbourhood: q.neighbourhood } : {}) };
  try {
    return { warnings: plannedFolds(db, req).warnings };
  } catch (err) {
    // A split that cannot be made (too few tagged or labelled spectra) is the run's own error to
    // report, after the Train view's own warnings; an unknown dataset or column is an error here too.
    if (err instanceof UserError && err.field === 'validation') return { warnings: [] };
    throw err;
  }
}
