/**
 * How a run ended, as the training services resolve it and `spectra-desk train --json` prints
 * it: status, engine, training figures and test metrics (a cross-validation: the mean over its
 * folds, their spread, each fold and the design's warnings).
 */
import type { EngineId } from '../ml/protocol';
import type { PlsDecision } from '../ml/pls';
import type { ModelName } from '../ml/templates';
import type { RecipeChoice } from './recipe-choice';
import type { FoldSummary, MetricValues } from './schema';

export interface RunOutcome {
  runId: number;
  model: ModelName;
  task: 'classification' | 'regression';
  status: 'done' | 'failed' | 'cancelled';
  message?: string;
  backend: EngineId | null;
  engine: string | null;
  epochs: number;
  bestEpoch: number | null;
  spectraPerSecond: number;
  classes: string[];
  /** Test metrics; for a cross-validation the mean over folds (`test`, `mean`) and the standard deviation (`std`); a target channel's RMSE at each point (`pointRmse`). */
  metrics: { test: MetricValues; mean?: MetricValues; std?: MetricValues; pointRmse?: number[] } | null;
  durationMs: number;
  /** PLS: the number of components used. */
  components?: number;
  /** PLS-DA: how classes are decided. */
  decision?: PlsDecision;
  /** The auto recipe: every recipe's cross-validated score and the one trained with. */
  recipeChoice?: RecipeChoice;
  /** Cross-validation: each fold's run and test metrics, their mean and standard deviation, and leak warnings. */
  folds?: FoldSummary[];
  spread?: { mean: MetricValues; std: MetricValues };
  warnings?: string[];
}

/** A run in progress: its id (known before any event), how it ends, and a way to stop it. */
export interface RunHandle {
  runId: number;
  outcome: Promise<RunOutcome>;
  cancel(): void;
}
