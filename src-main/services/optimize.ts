/**
 * "Find the best model": the job behind `spectra-desk optimize` and the Train view's button.
 * Every starter recipe is crossed with the models asked for (common/runs/optimize.ts) and each
 * candidate scored by k-fold cross-validation of the training split: each fold is planned like
 * any run (`planRun`: recipe and scaling fitted on the fold's training part) and trained in a
 * trainer process, where PLS chooses its components (and class decision) by an inner
 * cross-validation of that part — so the scores are nested and the test split takes no part.
 * PLS candidates come first, two trainers at once (one per core: a PLS fit is single-threaded);
 * the folds share a pool of that many trainer processes, each taking one fold after another, so
 * a fold does not pay for starting a process (1.5–3 s, more than many a PLS fit);
 * networks follow one at a time on every core, on the recipes PLS ranked best first, while the
 * budget lasts. The search is a parent run (the design in its split, the leaderboard in its
 * metrics); the winner is retrained on the whole training split as its one child run
 * (parentRunId, as a fold of a cross-validation) and scored once on the test split.
 */
import os from 'node:os';
import type { Db } from '../db/connection';
import { toErrorInfo, UserError } from '../common/errors';
import { targetFromColumn } from '../common/ml/prepare';
import { makeFolds, type Scheme } from '../common/ml/splits';
import type { PlsModel } from '../common/ml/pls';
import { eventStamper, type RunEvent } from '../common/runs/events';
import { evaluateOutputs } from '../common/runs/evaluate';
import type { RunHandle, RunOutcome } from '../common/runs/outcome';
import { planRun, TRAIN_DEFAULTS } from '../common/runs/plan';
import { isRamanAxis, recipeCandidates } from '../common/runs/recipe-choice';
import type { RunRequest } from '../common/runs/schema';
import {
  candidateName,
  candidateRequest,
  foldSpread,
  isNetwork,
  leaderboardSummary,
  networkOrder,
  OPTIMIZE_DEFAULTS,
  rankCandidates,
  searchEta,
  searchMetric,
  searchModels,
  type Candidate,
  type CandidateResult,
  type Leaderboard,
  type OptimizeModel,
} from '../common/runs/optimize';
import { plannedFolds } from './cross-validate';
import { recordCrossValidation, recordCrossValidationEnd, recordError } from './run-record';
import { readDatasetForRun, targetColumn, targetColumnData } from './run-data';
import { finished, trainSingle } from './train-single';
import type { SpawnTrainer, TrainerHandle } from './trainer-client';
import { trainerPool } from './trainer-pool';

export interface OptimizeRequest {
  datasetId: number;
  target: string;
  models: OptimizeModel[];
  budgetSeconds: number;
  /** The split the winner is scored on: given (the default) or a hold-out; the search sees its training part only. */
  validation?: Scheme;
  folds?: number;
  seed?: number;
  engine?: RunRequest['engine'];
  threads?: number;
}

export interface OptimizeDeps {
  spawn: SpawnTrainer;
  onEvent?: (e: RunEvent) => void;
  /** Holds the events back until the caller has had the run's id (as startTraining does for the app). */
  deferEvents?: boolean;
  /** Cores for PLS candidates at once; default: this machine's. */
  parallel?: number;
}

export type OptimizeOutcome = RunOutcome & { leaderboard: Leaderboard };

/** Starts a search; the handle resolves after the winner has been retrained and scored (or the search ended without one). */
export function startOptimize(db: Db, req: OptimizeRequest, deps: OptimizeDeps): RunHandle & { outcome: Promise<OptimizeOutcome> } {
  const started = performance.now();
  const deliver = deps.onEvent ?? (() => {});
  let held: RunEvent[] | null = deps.deferEvents ? [] : null;
  const emit = eventStamper((e) => (held ? held.push(e) : deliver(e)));
  const trainDeps = { spawn: deps.spawn, emit };

  const validation: Scheme = req.validation ?? { kind: 'given' };
  if (validation.kind !== 'given' && validation.kind !== 'holdout') throw new UserError('BAD_INPUT', 'Find the best model scores its winner on one test split: use the given split or holdout:F (the search cross-validates the training part itself).', { field: 'validation' });
  const k = req.folds ?? OPTIMIZE_DEFAULTS.folds;
  const seed = req.seed ?? TRAIN_DEFAULTS.seed;
  const dataset = readDatasetForRun(db, req.datasetId);
  const column = targetColumn(dataset.columns, dataset.name, req.target);
  const columnData = targetColumnData(dataset, req.target);
  const base: RunRequest = { datasetId: req.datasetId, target: req.target, model: 'pls', recipe: null, validation, seed, ...(req.engine ? { engine: req.engine } : {}), ...(req.threads ? { threads: req.threads } : {}) };
  const split = plannedFolds(db, base, dataset);
  const { task, classes } = split;
  const { train, test } = split.folds[0]!;
  const target = targetFromColumn(column.kind, req.target, columnData.values);
  const outer = makeFolds({ kind: 'kfold', k }, { rows: train, target: target.values, kind: task, splits: dataset.data.splits, seed });
  const { models, notes } = searchModels(req.models, task);
  const recipes = recipeCandidates({ raman: isRamanAxis(dataset.data.axisUnit, dataset.data.block.axis, dataset.data.intensityUnit) });
  const metric = searchMetric(task);
  const ids = (rows: number[]) => rows.map((r) => dataset.data.sampleIds[r]!);
  const parallel = Math.max(1, deps.parallel ?? os.cpus().length);
  const pool = trainerPool(deps.spawn, parallel);
  const parentId = recordCrossValidation(
    db,
    base,
    task,
    { model: models[0] === 'plslda' ? 'pls' : models[0]!, classes, validation: { kind: 'kfold', k }, validationLabel: `Find the best model: ${k}-fold cross-validation of the training split`, folds: 1, recipe: 'chosen by the search', epochs: null, learningRate: null, warnings: [], ...(columnData.unit ? { units: { [req.target]: columnData.unit } } : {}) },
    { scheme: { kind: 'kfold', k }, folds: outer.map((f) => ({ label: f.label, train: ids(f.train), test: ids(f.test) })) },
    seed,
  );
  emit(parentId, null, { type: 'started', datasetId: req.datasetId, dataset: dataset.name, model: 'search for the best model', target: req.target, task, summary: [], params: 0, trainSamples: train.length, monitorSamples: 0, testSamples: test.length, fold: null, folds: null });
  if (held) {
    setImmediate(() => {
      const pending = held ?? [];
      held = null;
      for (const e of pending) deliver(e);
    });
  }

  const deadline = started + req.budgetSeconds * 1000;
  const running = new Set<TrainerHandle>();
  let cancelled = false;
  let outOfTime = false;
  let final: RunHandle | null = null;
  const timer = setTimeout(() => {
    outOfTime = true;
    for (const h of running) h.cancel();
  }, Math.max(0, deadline - performance.now()));
  timer.unref?.();

  const results: CandidateResult[] = [];
  const perFold = new Map<OptimizeModel, number>();
  const timings = new Map<OptimizeModel, number[]>();
  let foldsDone = 0;
  const plsCandidates: Candidate[] = recipes.flatMap((recipe) => models.filter((m) => !isNetwork(m)).map((model) => ({ recipe, model })));
  const networks = models.filter(isNetwork);
  let totalFolds = (plsCandidates.length + recipes.length * networks.length) * k;
  let current: string | null = null;

  const progress = () => {
    const best = rankCandidates(results, metric)[0];
    const tried = new Set(results.map((r) => candidateName(r)));
    const queued = [...plsCandidates, ...networkOrder(recipes, [], networks)].filter((c) => !tried.has(candidateName({ recipe: c.recipe.name, model: c.model }))).map((c) => ({ model: c.model, folds: k }));
    const eta = searchEta(queued, perFold, parallel, Math.max(0, (deadline - performance.now()) / 1000));
    emit(parentId, null, { type: 'search', done: foldsDone, total: totalFolds, current, best: best && best.status === 'done' ? { name: candidateName(best), mean: best.mean!, std: best.std! } : null, elapsedSeconds: (performance.now() - started) / 1000, etaSeconds: eta });
  };

  /** Trains and scores one candidate on one outer fold; null when it was stopped (time, cancel). */
  const scoreFold = async (c: Candidate, f: number): Promise<{ score: number; seconds: number; components?: number; decision?: string } | { error: string } | null> => {
    const t0 = performance.now();
    const fold = outer[f]!;
    const request = candidateRequest(base, c);
    let plan;
    try {
      // A network's augmentation changes are chosen in its trainer, not here.
      plan = planRun({ request, data: dataset.data, target: columnData, fold: { parentRunId: parentId, position: { index: f, count: k, label: fold.label }, train: fold.train, test: fold.test }, spectralChoiceInTrainer: true });
    } catch (err) {
      if (err instanceof UserError) return { error: err.message };
      throw err;
    }
    const handle = pool.start(plan.job);
    running.add(handle);
    const o = await handle.outcome;
    running.delete(handle);
    if (o.kind === 'cancelled' || (o.kind === 'done' && o.done.stopped === 'cancelled')) return null;
    if (o.kind === 'failed') return { error: o.message };
    if (o.done.stopped === 'diverged') return { error: o.done.message ?? 'the loss diverged' };
    const truth = fold.test.map((r) => plan.target.values[r]!);
    const evaluation = evaluateOutputs(plan.task, truth, o.done.evaluations[0]!, plan.target.classes.length, { unscale: plan.unscale, pls: request.model === 'pls' });
    const pls = o.done.pls?.model as PlsModel | undefined;
    return { score: evaluation.summary[metric]!, seconds: (performance.now() - t0) / 1000, ...(pls ? { components: pls.components, decision: pls.decision?.rule ?? 'pls-da' } : {}) };
  };

  /** Scores a candidate's folds with `width` at once; its result is pushed when it ends. */
  const scoreCandidate = async (c: Candidate, width: number): Promise<CandidateResult> => {
    const result: CandidateResult = { recipe: c.recipe.name, model: c.model, status: 'done', mean: null, std: null, foldScores: [], seconds: 0 };
    const scores: number[] = new Array<number>(k);
    const components: number[] = [];
    const decisions: string[] = [];
    let next = 0;
    let stop: CandidateResult['status'] | null = null;
    current = candidateName(result);
    progress();
    const worker = async () => {
      while (!stop && next < k) {
        if (cancelled) stop = 'cancelled';
        else if (outOfTime) stop = 'budget';
        else {
          // A network fold measured slower than the time left would be stopped half-way: leave it.
          const per = perFold.get(c.model);
          if (isNetwork(c.model) && per !== undefined && performance.now() + per * 1000 > deadline) {
            stop = 'budget';
            break;
          }
          const f = next++;
          const r = await scoreFold(c, f);
          if (r === null) stop = cancelled ? 'cancelled' : 'budget';
          else if ('error' in r) {
            stop = 'failed';
            result.note = r.error;
          } else {
            scores[f] = r.score;
            result.seconds += r.seconds;
            if (r.components !== undefined) components[f] = r.components;
            if (r.decision !== undefined) decisions[f] = r.decision;
            const seen = [...(timings.get(c.model) ?? []), r.seconds];
            timings.set(c.model, seen);
            perFold.set(c.model, seen.reduce((a, b) => a + b, 0) / seen.length);
            foldsDone++;
            progress();
          }
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(width, k) }, worker));
    result.foldScores = scores.filter((s) => s !== undefined);
    if (stop) {
      result.status = stop;
      // `next` counts the folds started: one the deadline stopped before any was scored was still tried.
      if (stop === 'budget') result.note = result.foldScores.length ? `stopped by the budget after ${result.foldScores.length} of ${k} folds` : next ? `stopped by the budget during its first ${next === 1 ? 'fold' : `${next} folds`}` : 'not tried: out of time';
      totalFolds -= k - result.foldScores.length;
    } else {
      Object.assign(result, foldSpread(result.foldScores));
      if (components.length) result.components = components;
      if (decisions.length && task === 'classification') result.decisions = decisions;
    }
    results.push(result);
    progress();
    return result;
  };

  const run = async (): Promise<OptimizeOutcome> => {
    // PLS: candidates one after another, each candidate's folds `parallel` at once.
    for (const c of plsCandidates) await scoreCandidate(c, parallel);
    const plsRanked = rankCandidates(results, metric).filter((r) => r.status === 'done').map((r) => r.recipe);
    const ranked = [...new Set(plsRanked)];
    for (const c of networkOrder(recipes, ranked, networks)) await scoreCandidate(c, 1);
    clearTimeout(timer);
    pool.close();
    const searchSeconds = (performance.now() - started) / 1000;
    const board = rankCandidates(results, metric);
    const top = board[0]?.status === 'done' ? board[0] : null;
    const leaderboard: Leaderboard = {
      metric,
      folds: k,
      trainSamples: train.length,
      budgetSeconds: req.budgetSeconds,
      searchSeconds,
      parallel,
      candidates: board,
      // A cancelled search retrains nothing, so it names no winner.
      winner: top && !cancelled ? { recipe: top.recipe, model: top.model } : null,
      notes,
    };
    current = top ? `retraining the winner: ${candidateName(top)}` : null;
    progress();
    let child: RunOutcome | null = null;
    if (top && !cancelled) {
      const winner: Candidate = { recipe: recipes.find((r) => r.name === top.recipe)!, model: top.model };
      final = trainSingle(db, candidateRequest(base, winner), trainDeps, { rows: { parentRunId: parentId, position: { index: 0, count: 1, label: `winner: ${candidateName(top)}` }, train, test }, dataset });
      child = await final.outcome;
    }
    const status: RunOutcome['status'] = child?.status === 'done' ? 'done' : cancelled || child?.status === 'cancelled' ? 'cancelled' : 'failed';
    const message = status === 'done' ? undefined : status === 'cancelled' ? 'The search was cancelled.' : top ? `The winner could not be retrained: ${child?.message ?? 'see its run'}` : 'No candidate could be scored on these spectra.';
    const mean = child?.metrics?.test ?? {};
    const std = Object.fromEntries(Object.keys(mean).map((key) => [key, 0]));
    const folds = child ? [{ index: 0, label: `winner: ${candidateName(top!)}`, runId: child.runId, status: child.status, trainSamples: train.length, testSamples: test.length, metrics: child.metrics ? { test: child.metrics.test } : null }] : [];
    recordCrossValidationEnd(db, parentId, { status, mean, std, folds, warnings: [], ...(message ? { message } : {}), backend: child?.backend ?? null, log: [leaderboardSummary(leaderboard), ...notes, message ?? ''].filter(Boolean).join('\n'), leaderboard, ...(child ? { model: child.model } : {}) });
    return {
      runId: parentId,
      model: child?.model ?? base.model,
      task,
      status,
      ...(message ? { message } : {}),
      backend: child?.backend ?? null,
      engine: child?.engine ?? null,
      epochs: child?.epochs ?? 0,
      bestEpoch: null,
      spectraPerSecond: child?.spectraPerSecond ?? 0,
      classes,
      metrics: child?.metrics ?? null,
      durationMs: performance.now() - started,
      ...(child?.components !== undefined ? { components: child.components } : {}),
      ...(child?.decision ? { decision: child.decision } : {}),
      folds,
      leaderboard,
    };
  };
  const outcome = run()
    .then((o) => finished(trainDeps, parentId, null, o) as OptimizeOutcome)
    .catch((err: unknown): never => {
      // An error once the search is stored (a trainer that would not start, a write): its end, as for any run.
      const message = toErrorInfo(err).message;
      recordError(db, parentId, message);
      emit(parentId, null, { type: 'finished', status: 'failed', message, metrics: null, std: null, bestEpoch: null });
      throw err;
    })
    .finally(() => {
      clearTimeout(timer);
      pool.close();
    });
  return {
    runId: parentId,
    outcome,
    cancel: () => {
      cancelled = true;
      for (const h of running) h.cancel();
      final?.cancel();
    },
  };
}
