/**
 * Training one model: plan (pure, common/runs/plan.ts) → record the run → train it in the
 * trainer process, recording each epoch as it arrives → evaluate on the test rows
 * (common/runs/evaluate.ts) → record metrics and model. A run of its own, or one fold of a
 * cross-validation (./cross-validate.ts), which hands over the spectra it read once, or, when its
 * folds stream, only the fold's rows.
 */
import type { Db } from '../db/connection';
import type { EngineInfo } from '../common/ml/protocol';
import type { RunEventBody } from '../common/runs/events';
import { evaluateOutputs, evaluateTargets } from '../common/runs/evaluate';
import { evaluateReconstruction, noTargetColumn } from '../common/runs/autoencoder';
import type { RunHandle, RunOutcome } from '../common/runs/outcome';
import { planRun, withSpectralChoice, type FoldRows } from '../common/runs/plan';
import type { RunRequest } from '../common/runs/schema';
import type { ChosenRecipe } from '../common/runs/recipe-choice';
import type { RecipeChoiceReport } from './auto-recipe';
import { plsDecisionOf, recordEngine, recordEpoch, recordError, recordPlannedRun, recordStopped, recordTrained, recordTrainerChoice } from './run-record';
import { readDatasetForRun, targetColumnsOf, type DatasetForRun } from './run-data';
import { startTrainer, type SpawnTrainer, type TrainerHandle } from './trainer-client';
import { toErrorInfo } from '../common/errors';
import type { PlsModel } from '../common/ml/pls';
import { encoderSource } from './encoder-source';
import { pointErrors } from '../common/runs/vector-target';
import { regressionReport } from '../common/ml/metrics';
import { planStreamed, type StreamOptions } from './streamed-run';
import { storeOutOfModelCheck } from './predict';

/** How a training reports: `emit(runId, parentRunId, body)` stamps and sends one event. */
export interface TrainDeps {
  spawn: SpawnTrainer;
  emit: (runId: number, parentRunId: number | null, body: RunEventBody) => void;
  /** How far the auto recipe's choice has come, where it is made before a run (./auto-recipe.ts). */
  onRecipeProgress?: (r: RecipeChoiceReport) => void;
  /** When the training spectra are streamed from the project file instead of held in memory. @default { when: 'auto' } */
  stream?: StreamOptions;
  /** Fits and stores a trained run's out-of-model check; by default in this thread (./predict.ts: storeOutOfModelCheck). */
  fitCheck?: (runId: number) => void;
}

/** Plans, records and starts one model; the handle resolves when it has been evaluated and stored. */
/**
 * `given`: the spectra already read, a fold's rows, and the auto recipe's choice when it was made
 * beforehand in a trainer process (./auto-recipe.ts; absent, the plan makes it here).
 */
export function trainSingle(db: Db, req: RunRequest, deps: TrainDeps, given?: { dataset?: DatasetForRun; rows?: FoldRows; chosen?: ChosenRecipe }): RunHandle {
  const started = performance.now();
  const encoder = req.encoderFrom !== undefined ? { encoder: encoderSource(db, req.encoderFrom) } : {};
  const chosen = given?.chosen;
  const fold = given?.rows;
  // Spectra already read (a fold of an in-memory cross-validation, an in-memory auto recipe's run) train in memory; others stream when large (./streamed-run.ts).
  const streamed = given?.dataset ? null : planStreamed(db, req, deps.stream ?? {}, { ...encoder, ...(chosen ? { chosen } : {}), ...(fold ? { fold } : {}) });
  const dataset = streamed?.dataset ?? given?.dataset ?? readDatasetForRun(db, req.datasetId);
  const plan = streamed?.plan ?? planRun({ request: req, data: dataset.data, ...(req.model === 'ae' ? { target: noTargetColumn(dataset.data.keys.length) } : targetColumnsOf(dataset, req)), ...(fold ? { fold } : {}), ...(chosen ? { chosen } : {}), ...encoder, spectralChoiceInTrainer: true });
  const runId = recordPlannedRun(db, req, plan, fold);
  const parentRunId = fold?.parentRunId ?? null;
  const emit = (body: RunEventBody) => deps.emit(runId, parentRunId, body);
  const { problem, target } = plan;
  emit({
    type: 'started',
    datasetId: req.datasetId,
    dataset: dataset.name,
    model: req.model,
    target: req.target,
    task: plan.task,
    summary: plan.layers,
    params: plan.params,
    trainSamples: problem.train.length,
    monitorSamples: problem.monitor.length,
    testSamples: problem.test.length,
    fold: fold?.position ?? null,
    folds: null,
  });

  let engine: EngineInfo | null = null;
  // An error once the run is stored ends it as failed, so that it is not left running.
  const failStored: (err: unknown) => never = (err) => {
    recordError(db, runId, toErrorInfo(err).message);
    throw err;
  };
  let handle: TrainerHandle;
  try {
    handle = startTrainer(deps.spawn, plan.job, (e) => {
      if (e.type === 'engine') {
        engine = e.engine;
        recordEngine(db, runId, e.engine);
        emit(e);
      } else if (e.type === 'epoch') emit({ ...e, report: recordEpoch(db, runId, plan, e.report) });
      else emit(e);
    }, {
      // The trainer chose the augmented copies' spectral changes on the training rows: stored and logged as if the plan had.
      onAugmentationChosen: (choice) => {
        Object.assign(plan, withSpectralChoice(plan, choice));
        recordTrainerChoice(db, runId, plan.config);
      },
    });
  } catch (err) {
    failStored(err);
  }

  const isClass = plan.task === 'classification';
  const row = (r: number) => ({ sampleId: dataset.data.sampleIds[r]!, key: dataset.data.keys[r]! });
  const scoreTarget = (outputs: Float32Array) => {
    const truth = problem.test.map((r) => target.values[r]!);
    const evaluation = evaluateOutputs(plan.task, truth, outputs, target.classes.length, { unscale: plan.unscale, pls: req.model === 'pls' });
    const predictions = problem.test.map((r, i) => ({
      ...row(r),
      truth: isClass ? target.classes[truth[i]!]! : truth[i]!,
      predicted: isClass ? target.classes[evaluation.predicted[i]!]! : evaluation.predicted[i]!,
    }));
    return { evaluation, predictions };
  };
  // Several targets: every target's truth read again from its column, in the config's order.
  const scoreTargets = (outputs: Float32Array) => {
    const columns = plan.scales.map((s) => dataset.valuesOf(s.name));
    const truth = problem.test.map((r) => columns.map((c) => Number(c[r])));
    const e = evaluateTargets(truth, outputs, plan.scales);
    const predictions = problem.test.map((r, i) => ({ ...row(r), truth: truth[i]![0]!, predicted: e.predicted[i]![0]!, targets: truth[i]!.map((t, j) => ({ truth: t, predicted: e.predicted[i]![j]! })) }));
    return { evaluation: { summary: e.summary, detail: e.targets[0]!.detail, targets: e.targets }, predictions };
  };
  // A target channel: one spectrum out per test spectrum, scored over all its points and at each point, in the channel's units.
  const scoreChannel = (outputs: Float32Array, values: Float64Array[]) => {
    const k = plan.scales.length;
    const n = problem.test.length;
    const e = pointErrors(outputs, values.map((v) => problem.test.map((r) => v[r]!)), plan.scales, n);
    const predictions = problem.test.map((r, i) => {
      const truth = values.map((v) => v[r]!);
      const predicted = plan.scales.map((s, j) => outputs[i * k + j]! * s.std + s.mean);
      return { ...row(r), truth: 0, predicted: Math.sqrt(predicted.reduce((a, p, j) => a + (p - truth[j]!) ** 2, 0) / k), channel: { truth, predicted } };
    });
    return { evaluation: { summary: { rmse: e.rmse }, detail: regressionReport(predictions.flatMap((p) => p.channel.truth), predictions.flatMap((p) => p.channel.predicted)), pointRmse: e.perPoint }, predictions };
  };
  // An autoencoder: its reconstructions of the test spectra, and of the spectra the limit is learned on (those held out of training, if any).
  const scoreReconstruction = (test: Float32Array, limit: Float32Array) => {
    const [testSet, limitSet] = plan.job.evaluate!;
    const learnedOn = problem.monitor.length ? 'held-out' : 'training';
    const e = evaluateReconstruction({ x: testSet!.x, out: test, n: testSet!.n }, { x: limitSet!.x, out: limit, n: limitSet!.n, learnedOn }, plan.job.input[0] * plan.job.input[1]);
    const predictions = problem.test.map((r, i) => ({ ...row(r), truth: 0, predicted: e.spectra[i]!.rmse, reconstruction: { q: e.spectra[i]!.q, maxResidual: e.spectra[i]!.maxResidual, flaggedBy: e.spectra[i]!.flaggedBy, outOfModel: e.spectra[i]!.outOfModel } }));
    return { evaluation: { summary: e.summary, detail: e.detail, reconstruction: e.detail }, predictions };
  };
  const evaluated = (o: Awaited<typeof handle.outcome>): RunOutcome => {
    const base = { runId, model: req.model, task: plan.task, backend: engine?.id ?? null, engine: engine?.label ?? null, classes: target.classes, durationMs: performance.now() - started, ...(plan.config.recipeChoice ? { recipeChoice: plan.config.recipeChoice } : {}), ...(plan.warnings.length ? { warnings: plan.warnings } : {}) };
    if (o.kind !== 'done') {
      const cancelled = o.kind === 'cancelled';
      const message = cancelled ? 'Training was cancelled.' : o.message;
      recordStopped(db, runId, cancelled ? 'cancelled' : 'failed', message, o.kind === 'failed' ? o.log : '');
      return { ...base, status: cancelled ? 'cancelled' : 'failed', message, epochs: o.epochs, bestEpoch: null, spectraPerSecond: 0, metrics: null };
    }
    const d = o.done;
    const { evaluation, predictions } = req.model === 'ae' ? scoreReconstruction(d.evaluations[0]!, d.evaluations[1]!) : plan.channelValues ? scoreChannel(d.evaluations[0]!, plan.channelValues) : plan.scales.length > 1 ? scoreTargets(d.evaluations[0]!) : scoreTarget(d.evaluations[0]!);
    const { status } = recordTrained(db, runId, d, evaluation, predictions, engine, isClass, plan.notes);
    // The out-of-model check is fitted once, here, so no prediction reads the training spectra again; a
    // failure only means the first prediction fits it, so it never fails the run.
    if (status === 'done' && parentRunId === null) {
      try {
        if (deps.fitCheck) deps.fitCheck(runId);
        else storeOutOfModelCheck(db, runId);
      } catch {
        /* fitted at the first prediction instead */
      }
    }
    return {
      ...base,
      status,
      ...(d.message ? { message: d.message } : {}),
      epochs: d.epochs.length,
      bestEpoch: d.bestEpoch,
      spectraPerSecond: d.spectraPerSecond,
      metrics: { test: evaluation.summary, ...('pointRmse' in evaluation ? { pointRmse: evaluation.pointRmse } : {}) },
      ...(d.pls ? { components: (d.pls.model as PlsModel).components, ...(isClass ? { decision: plsDecisionOf(d.pls.model) } : {}) } : {}),
    };
  };
  const outcome = handle.outcome.then((o) => finished(deps, runId, parentRunId, evaluated(o))).catch(failStored);
  return { runId, outcome, cancel: () => handle.cancel() };
}

/** Reports a run's end (`finished`, the last event of a run) and passes its outcome on. */
export function finished(deps: TrainDeps, runId: number, parentRunId: number | null, o: RunOutcome): RunOutcome {
  deps.emit(runId, parentRunId, { type: 'finished', status: o.status, message: o.message ?? null, metrics: o.metrics?.test ?? null, std: o.metrics?.std ?? null, bestEpoch: o.bestEpoch });
  return o;
}
