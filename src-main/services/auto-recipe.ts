/**
 * Where the auto recipe's choice is made for a run: in a trainer process of its own
 * (services/trainer-client.ts, `chooseRecipeInTrainer`), on exactly the rows the plan would
 * choose on (`recipeChoiceInput`, common/runs/plan.ts), so that the process that plans the run —
 * in the app, the Electron main process — is never held up by the PLS cross-validations. A
 * cross-validation makes it for each fold before the fold's run (./cross-validate.ts); a run of
 * its own before it is recorded (./train.ts, `beginTraining`); one that streams, on a sample of its
 * training split (`chooseRecipeOnSample`).
 */
import type { FoldPosition } from '../common/runs/events';
import { recipeChoiceInput, type FoldRows } from '../common/runs/plan';
import type { RunRequest } from '../common/runs/schema';
import type { RecipeChoiceInput } from '../common/runs/recipe-choice';
import { targetColumnsOf, type DatasetForRun } from './run-data';
import { chooseRecipeInTrainer, type RecipeChoiceHandle, type SpawnTrainer } from './trainer-client';

/** How far the choice has come: candidates scored of all of them, the last one scored, and the fold it is for (null: a run of its own). */
export interface RecipeChoiceReport {
  done: number;
  total: number;
  candidate: string;
  fold: FoldPosition | null;
}

/** Starts the choice for `req` on `dataset` (a fold's training rows when `fold` is given). */
export function chooseRunRecipe(spawn: SpawnTrainer, req: RunRequest, dataset: DatasetForRun, fold?: FoldRows, onProgress?: (r: RecipeChoiceReport) => void): RecipeChoiceHandle {
  const input = recipeChoiceInput({ request: req, data: dataset.data, ...targetColumnsOf(dataset, req), ...(fold ? { fold } : {}) });
  return chooseRecipeInTrainer(spawn, input, (done, total, candidate) => onProgress?.({ done, total, candidate, fold: fold?.position ?? null }));
}

/** Starts the choice of a run that streams (a run of its own, or a fold when `fold` is given), on its sample of the training split (./streamed-run.ts, `streamedRecipeChoice`). */
export function chooseRecipeOnSample(spawn: SpawnTrainer, input: RecipeChoiceInput, onProgress?: (r: RecipeChoiceReport) => void, fold?: FoldRows): RecipeChoiceHandle {
  return chooseRecipeInTrainer(spawn, input, (done, total, candidate) => onProgress?.({ done, total, candidate, fold: fold?.position ?? null }));
}
