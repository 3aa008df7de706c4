/**
 * Training a model on a dataset: the use case behind `spectra-desk train` and the training view,
 * and the one place that dispatches a request — one model (./train-single.ts) or a
 * cross-validation of one model per fold (./cross-validate.ts, which trains its folds with
 * train-single). Events go to `onEvent` stamped with the run's id, its parent and a sequence
 * number; the handle carries the run's id before any of them is delivered.
 */
import type { Db } from '../db/connection';
import { toErrorInfo } from '../common/errors';
import { eventStamper, type RunEvent } from '../common/runs/events';
import type { RunHandle } from '../common/runs/outcome';
import { runRequestSchema, type RunRequest, type RunStartInput } from '../common/runs/schema';
import type { ResolvedPipeline } from '../common/preprocessing/pipeline';
import { UserError } from '../common/errors';
import { datasetIdByNameOrId } from '../db/datasets';
import { parseScheme } from '../common/ml/splits';
import { readDatasetForRun, savedRecipe, type DatasetForRun } from './run-data';
import { chooseRecipeOnSample, chooseRunRecipe, type RecipeChoiceReport } from './auto-recipe';
import type { ChosenRecipe } from '../common/runs/recipe-choice';
import { isCrossValidation, startCrossValidation } from './cross-validate';
import { trainSingle } from './train-single';
import { encoderRecipe } from './encoder-source';
import { recordError } from './run-record';
import type { SpawnTrainer } from './trainer-client';
import { streamedRecipeChoice, type StreamOptions } from './streamed-run';

export { TRAIN_DEFAULTS, defaultEpochs } from '../common/runs/plan';
export type { RunOutcome as TrainOutcome, RunHandle as TrainHandle } from '../common/runs/outcome';

export interface StartDeps {
  spawn: SpawnTrainer;
  onEvent?: (e: RunEvent) => void;
  /**
   * Holds the events back until the caller has had the run's id (the app replies to
   * `runs:start` first); by default they are delivered as they happen.
   */
  deferEvents?: boolean;
  /** How far the auto recipe's choice has come (./auto-recipe.ts). */
  onRecipeProgress?: (r: RecipeChoiceReport) => void;
  /** When a run's training spectra are streamed from the project file (./streamed-run.ts). @default { when: 'auto' } */
  stream?: StreamOptions;
  /** Fits and stores a trained run's out-of-model check; by default in this thread (./predict.ts: storeOutOfModelCheck). */
  fitCheck?: (runId: number) => void;
}

/**
 * Validates nothing (the request was parsed where it came in), stores the run and starts
 * training; the handle resolves when it ends, after its `finished` event.
 */
export function startTraining(db: Db, req: RunRequest, deps: StartDeps, given?: { dataset?: DatasetForRun; chosen: ChosenRecipe }): RunHandle {
  const deliver = deps.onEvent ?? (() => {});
  let held: RunEvent[] | null = deps.deferEvents ? [] : null;
  const emit = eventStamper((e) => (held ? held.push(e) : deliver(e)));
  const trainDeps = { spawn: deps.spawn, emit, ...(deps.onRecipeProgress ? { onRecipeProgress: deps.onRecipeProgress } : {}), ...(deps.stream ? { stream: deps.stream } : {}), ...(deps.fitCheck ? { fitCheck: deps.fitCheck } : {}) };
  const handle = isCrossValidation(req.validation) ? startCrossValidation(db, req, trainDeps) : trainSingle(db, req, trainDeps, given);
  if (held) {
    setImmediate(() => {
      const pending = held ?? [];
      held = null;
      for (const e of pending) deliver(e);
    });
  }
  const outcome = handle.outcome.catch((err: unknown): never => {
    // An error after the run was stored (reading its model, writing its metrics): report it as the run's end.
    const message = toErrorInfo(err).message;
    recordError(db, handle.runId, message);
    emit(handle.runId, null, { type: 'finished', status: 'failed', message, metrics: null, std: null, bestEpoch: null });
    throw err;
  });
  return { runId: handle.runId, outcome, cancel: () => handle.cancel() };
}

/**
 * {@link startTraining} for the app and the CLI, which must not wait on the auto recipe's choice:
 * a run of its own with the auto recipe has it chosen in a trainer process first (progress to
 * `onRecipeProgress`), and is recorded and started once it is known; a cross-validation chooses
 * inside each fold in the same way. Other requests start at once.
 */
export async function beginTraining(db: Db, req: RunRequest, deps: StartDeps): Promise<RunHandle> {
  if (!req.autoRecipe || isCrossValidation(req.validation)) return startTraining(db, req, deps);
  // A run that streams chooses on a sample of its training split and reads no other spectrum for it (./streamed-run.ts).
  const sample = streamedRecipeChoice(db, req, deps.stream ?? {});
  if (sample) return startTraining(db, req, deps, { chosen: await chooseRecipeOnSample(deps.spawn, sample, deps.onRecipeProgress).chosen });
  const dataset = readDatasetForRun(db, req.datasetId);
  const chosen = await chooseRunRecipe(deps.spawn, req, dataset, undefined, deps.onRecipeProgress).chosen;
  return startTraining(db, req, deps, { dataset, chosen });
}

/** The app's `runs:start` as a request: the recipe looked up by id, the scheme parsed. */
export function requestFromApp(db: Db, input: RunStartInput): RunRequest {
  const { recipeId, channelRecipeIds, validation, ...asked } = input;
  // A network started from an autoencoder's encoder is a layer list of its own (the request's custom model), whichever template was selected.
  const rest = asked.encoderFrom !== undefined ? { ...asked, model: 'custom' as const } : asked;
  if (asked.encoderFrom !== undefined && (asked.model === 'pls' || asked.model === 'ae')) throw new UserError('BAD_INPUT', `An autoencoder's encoder starts a network of a target, not ${asked.model === 'pls' ? 'PLS' : 'another autoencoder'}.`, { field: 'encoderFrom' });
  // The auto recipe of such a network is the autoencoder's (its weights were trained on spectra read through it).
  if (asked.encoderFrom !== undefined && recipeId === 'auto' && !channelRecipeIds) return parseRunRequest({ ...rest, recipe: encoderRecipe(db, asked.encoderFrom), validation: parseScheme(validation) });
  // Parsed as a request too, so the app meets the rules between settings the CLI meets (a neighbourhood's buffer, say).
  if (channelRecipeIds) {
    if (recipeId !== null) throw new UserError('BAD_INPUT', 'Choose one recipe for every channel or one per channel, not both.', { field: 'recipeId' });
    return parseRunRequest({ ...rest, recipe: null, channelRecipes: channelRecipeIds.map((r) => (r === null ? null : savedRecipe(db, r))), validation: parseScheme(validation) });
  }
  if (recipeId === 'auto') return parseRunRequest({ ...rest, recipe: null, autoRecipe: true, validation: parseScheme(validation) });
  return parseRunRequest({ ...rest, recipe: recipeId === null ? null : savedRecipe(db, recipeId), validation: parseScheme(validation) });
}

/** A request as the command line (and scripts) name things: the dataset by name or id, the recipe by its spec. */
export type NamedRunRequest = Omit<RunRequest, 'datasetId' | 'recipe'> & { dataset: string; pipeline?: ResolvedPipeline | null; recipeName?: string | null };

/** Resolves the names of a {@link NamedRunRequest} and parses the result, naming the field that is wrong. */
export function requestByName(db: Db, named: NamedRunRequest): RunRequest {
  const { dataset, pipeline, recipeName, ...rest } = named;
  return parseRunRequest({ ...rest, datasetId: datasetIdByNameOrId(db, dataset), recipe: pipeline ? { name: recipeName ?? null, spec: pipeline } : null });
}

/** Parses a training request where it comes in (CLI, scripts), with the first problem as a user error. */
export function parseRunRequest(raw: unknown): RunRequest {
  const r = runRequestSchema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.') || 'request';
  throw new UserError('BAD_INPUT', issue.code === 'custom' ? `${issue.message[0]!.toUpperCase()}${issue.message.slice(1)}${issue.message.endsWith('.') ? '' : '.'}` : `Training request: ${field}: ${issue.message}.`, { field });
}
