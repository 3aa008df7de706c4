/**
 * "Find the best model", pure: the candidates (starter recipes × models), the order they are
 * tried in, the budget, the leaderboard a search stores and the rule that picks its winner. The
 * search itself (services/optimize.ts) scores every candidate by k-fold cross-validation of the
 * training split only — each fold fits the recipe and chooses PLS components on its own training
 * part, so the scores are nested and no test spectrum takes part — then retrains the winner on
 * the whole training split and scores it once on the test split.
 */
import { z } from 'zod';
import { UserError } from '../errors';
import { headlineKey, lowerIsBetter } from '../format/metric-labels';
import type { PlsDecision } from '../ml/pls';
import type { ModelName } from '../ml/templates';
import type { RecipeCandidate } from './recipe-choice';
import type { RunRequest } from './schema';

/** What a search may cross with the recipes, cheapest first: PLS fits take seconds, networks minutes. */
export const OPTIMIZE_MODELS = ['pls', 'plslda', 'cnn', 'resnet1d', 'mlp', 'cnn-dense'] as const;
export type OptimizeModel = (typeof OPTIMIZE_MODELS)[number];
/** The models of a search when none are named. */
export const DEFAULT_OPTIMIZE_MODELS: readonly OptimizeModel[] = ['pls', 'plslda', 'cnn', 'resnet1d', 'mlp'];
const NETWORKS: readonly OptimizeModel[] = ['cnn', 'resnet1d', 'mlp', 'cnn-dense'];

export const OPTIMIZE_DEFAULTS = { budgetSeconds: 600, folds: 5 } as const;

/** `runs:optimize` from the app: absent fields take the defaults (every default model, 10 minutes, the given split, 5 folds). */
export const optimizeStartInput = z
  .object({
    datasetId: z.number().int().positive(),
    target: z.string().min(1).max(200),
    models: z.array(z.enum(OPTIMIZE_MODELS)).min(1).optional(),
    budgetSeconds: z.number().positive().max(7 * 86400).optional(),
    /** given or holdout:F: the split the winner is scored on. */
    validation: z.string().min(1).max(300).optional(),
    folds: z.number().int().min(2).max(20).optional(),
    seed: z.number().int().min(0).max(2 ** 31).optional(),
  })
  .strict();
export type OptimizeStartInput = z.infer<typeof optimizeStartInput>;

/** How the leaderboard names a model. */
export const OPTIMIZE_MODEL_LABELS: Record<OptimizeModel, string> = {
  pls: 'PLS',
  plslda: 'PLS-LDA',
  cnn: 'CNN',
  resnet1d: 'ResNet 1D',
  mlp: 'MLP',
  'cnn-dense': 'CNN + dense',
};

export function isNetwork(model: OptimizeModel): boolean {
  return NETWORKS.includes(model);
}

/** `10m`, `90s`, `1h`, `1h30m` or a number of seconds → seconds; refused when it is not one of those or not positive. */
export function parseBudget(text: string): number {
  const t = text.trim().toLowerCase();
  const parts = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s?)?$/.exec(t);
  const seconds = parts && t ? Number(parts[1] ?? 0) * 3600 + Number(parts[2] ?? 0) * 60 + Number(parts[3] ?? 0) : NaN;
  if (!(seconds > 0) || seconds > 7 * 86400) throw new UserError('BAD_INPUT', `--budget ${JSON.stringify(text)}: give a time such as 10m, 90s or 1h (at most a week).`, { field: 'budget' });
  return seconds;
}

/** `pls,plslda,cnn` → the models, in the order given; refused when one is unknown or the list is empty. */
export function parseModels(text: string): OptimizeModel[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.find((n) => !(OPTIMIZE_MODELS as readonly string[]).includes(n));
  if (bad !== undefined || !names.length) throw new UserError('BAD_INPUT', `--models: ${bad === undefined ? 'name at least one model' : `unknown model "${bad}"`}; choose from ${OPTIMIZE_MODELS.join(', ')}.`, { field: 'models' });
  return [...new Set(names)] as OptimizeModel[];
}

/** One cell of the search: a recipe and a model. */
export interface Candidate {
  recipe: RecipeCandidate;
  model: OptimizeModel;
}

export function candidateName(c: { recipe: string; model: OptimizeModel }): string {
  return `${OPTIMIZE_MODEL_LABELS[c.model]} · ${c.recipe}`;
}

/**
 * The models of a search on a task: PLS-LDA is a class decision, so a regression leaves it out
 * (and says so); networks follow the PLS models whatever order they were named in.
 */
export function searchModels(models: readonly OptimizeModel[], task: 'classification' | 'regression'): { models: OptimizeModel[]; notes: string[] } {
  const usable = models.filter((m) => task === 'classification' || m !== 'plslda');
  const notes = usable.length < models.length ? ['PLS-LDA is a class decision: left out of a regression search.'] : [];
  if (!usable.length) throw new UserError('BAD_INPUT', 'No model of the search fits a regression: add pls or a network.', { field: 'models' });
  return { models: [...usable.filter((m) => !isNetwork(m)), ...usable.filter(isNetwork)], notes };
}

/**
 * The network candidates in the order they are tried: each network on the recipe that PLS ranked
 * best, then every network on the next recipe, and so on, so a budget that runs out has tried the
 * most promising pairs. `ranked` are the recipes' names, best first.
 */
export function networkOrder(recipes: readonly RecipeCandidate[], ranked: readonly string[], networks: readonly OptimizeModel[]): Candidate[] {
  const byName = new Map(recipes.map((r) => [r.name, r]));
  const order = [...ranked, ...recipes.map((r) => r.name).filter((n) => !ranked.includes(n))];
  return order.flatMap((name) => networks.map((model) => ({ recipe: byName.get(name)!, model })));
}

/** The run request a candidate trains with: the search's dataset, target and settings, its own model and recipe. */
export function candidateRequest(base: RunRequest, c: Candidate): RunRequest {
  const { autoRecipe: _auto, plsDecision: _decision, components: _components, optimizer, momentum, ...rest } = base;
  const model: ModelName = c.model === 'plslda' ? 'pls' : c.model;
  return {
    ...rest,
    model,
    recipe: c.recipe.spec ? { name: c.recipe.name, spec: c.recipe.spec } : null,
    ...(c.model === 'plslda' ? { plsDecision: 'lda' as const } : {}),
    // An optimiser is a network's setting; PLS refuses one.
    ...(model !== 'pls' && optimizer ? { optimizer, ...(momentum !== undefined ? { momentum } : {}) } : {}),
  };
}

export const candidateResultSchema = z.object({
  recipe: z.string(),
  model: z.enum(OPTIMIZE_MODELS),
  /** done: every fold scored; budget: not started or stopped when the time ran out; failed: a fold could not be trained. */
  status: z.enum(['done', 'budget', 'failed', 'cancelled']),
  /** Mean and standard deviation (ddof 1) of the per-fold scores; null until every fold is scored. */
  mean: z.number().nullable(),
  std: z.number().nullable(),
  foldScores: z.array(z.number()),
  /** Wall-clock seconds spent on the candidate's folds (summed over the folds). */
  seconds: z.number(),
  /** PLS: the components each fold chose; PLS-DA also the class decision of each fold. */
  components: z.array(z.number().int()).optional(),
  decisions: z.array(z.string()).optional(),
  note: z.string().optional(),
});
export type CandidateResult = z.infer<typeof candidateResultSchema>;

/** What a search stores with its parent run (metrics.leaderboard): every candidate, best first, and the winner. */
export const leaderboardSchema = z.object({
  metric: z.enum(['balancedAccuracy', 'rmse']),
  folds: z.number().int().min(2),
  trainSamples: z.number().int(),
  budgetSeconds: z.number(),
  /** Seconds the search took, before the winner was retrained. */
  searchSeconds: z.number(),
  /** Cores used at once by the PLS candidates (networks use every core, one candidate at a time). */
  parallel: z.number().int().min(1),
  candidates: z.array(candidateResultSchema),
  winner: z.object({ recipe: z.string(), model: z.enum(OPTIMIZE_MODELS) }).nullable(),
  notes: z.array(z.string()),
});
export type Leaderboard = z.infer<typeof leaderboardSchema>;

/** Mean and standard deviation (ddof 1; 0 for one fold) of the per-fold scores. */
export function foldSpread(scores: readonly number[]): { mean: number; std: number } {
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std = scores.length > 1 ? Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / (scores.length - 1)) : 0;
  return { mean, std };
}

/**
 * The leaderboard's order: candidates with every fold scored, best mean first (highest balanced
 * accuracy, or lowest RMSECV); on a tie the one tried first — the simpler recipe, PLS before
 * networks — wins. Candidates not scored follow in the order they were tried.
 */
export function rankCandidates(results: readonly CandidateResult[], metric: Leaderboard['metric']): CandidateResult[] {
  const low = lowerIsBetter(metric);
  const scored = results.map((r, i) => ({ r, i })).filter((x) => x.r.status === 'done' && x.r.mean !== null);
  scored.sort((a, b) => (a.r.mean === b.r.mean ? a.i - b.i : low ? a.r.mean! - b.r.mean! : b.r.mean! - a.r.mean!));
  return [...scored.map((x) => x.r), ...results.filter((r) => !scored.some((x) => x.r === r))];
}

export function searchMetric(task: 'classification' | 'regression'): Leaderboard['metric'] {
  return headlineKey(task);
}

/** One candidate's score as the leaderboard shows it: `0.9657 ± 0.0080`, or why it has none. */
export function candidateScoreText(c: CandidateResult): string {
  if (c.mean === null || c.status !== 'done') return c.note ?? { done: '', budget: 'not tried: out of time', failed: 'failed', cancelled: 'cancelled' }[c.status];
  return `${c.mean.toFixed(4)} ± ${(c.std ?? 0).toFixed(4)}`;
}

/** What the run page and the CLI say above the leaderboard. */
export function leaderboardSummary(b: Leaderboard): string {
  const scored = b.candidates.filter((c) => c.status === 'done').length;
  const metric = b.metric === 'rmse' ? 'RMSECV (lowest wins)' : 'cross-validated balanced accuracy (highest wins)';
  const winner = b.winner ? `Winner: ${candidateName(b.winner)}, retrained on all ${b.trainSamples} training spectra and scored once on the test split.` : scored ? 'The search was cancelled before its winner was retrained.' : 'No candidate was scored.';
  return `${scored} of ${b.candidates.length} candidates scored by ${b.folds}-fold cross-validation of the ${b.trainSamples} training spectra (recipe and PLS components fitted inside each fold; test spectra take no part), ranked by ${metric}, in ${Math.round(b.searchSeconds)} s of a ${Math.round(b.budgetSeconds)} s budget. ${winner}`;
}

/** A candidate's status in words: scored, not reached in the budget (or stopped by it), failed, cancelled. */
export function candidateStatusText(c: CandidateResult, folds: number): string {
  if (c.status === 'done') return 'scored';
  if (c.status === 'budget') return c.foldScores.length ? `stopped by the budget after ${c.foldScores.length} of ${folds} folds` : c.note?.startsWith('stopped by the budget') ? c.note : 'not reached in the budget';
  if (c.status === 'failed') return c.note ? `failed: ${c.note}` : 'failed';
  return 'cancelled';
}

/**
 * Why the winner won, in one sentence: the best mean cross-validated score of the candidates
 * scored, and, where another candidate scored the same mean, that the one tried first wins.
 */
export function winnerReason(b: Leaderboard): string | null {
  const w = b.winner ? b.candidates.find((c) => c.recipe === b.winner!.recipe && c.model === b.winner!.model && c.status === 'done') : undefined;
  if (!w) return null;
  const scored = b.candidates.filter((c) => c.status === 'done' && c.mean !== null);
  const metric = b.metric === 'rmse' ? 'the lowest mean RMSECV' : 'the highest mean cross-validated balanced accuracy';
  const tied = scored.filter((c) => c !== w && c.mean === w.mean);
  const tie = tied.length ? `; ${tied.length === 1 ? `${candidateName(tied[0]!)} scored the same` : `${tied.length} other candidates scored the same`}, and the candidate tried first (the simpler recipe, PLS before networks) wins a tie` : '';
  return `${candidateName(w)} won with ${metric}, ${candidateScoreText(w)} over the ${b.folds} folds, of the ${scored.length} candidate${scored.length === 1 ? '' : 's'} scored${tie}.`;
}

/**
 * Seconds the search still needs: the queued candidate folds at the mean time per fold measured
 * so far for their model (a PLS model not yet measured at the other PLS model's time), PLS spread
 * over `parallel` cores; never more than the budget left, and the budget left while a queued
 * network has not been measured (networks take minutes, and use what the budget leaves them).
 * Null before any fold has been timed.
 */
export function searchEta(queued: readonly { model: OptimizeModel; folds: number }[], secondsPerFold: ReadonlyMap<OptimizeModel, number>, parallel: number, budgetLeft: number): number | null {
  if (!secondsPerFold.size) return null;
  const plsPerFold = Math.max(...[...secondsPerFold].filter(([m]) => !isNetwork(m)).map(([, s]) => s), 0);
  let pls = 0;
  let networks = 0;
  for (const q of queued) {
    const per = secondsPerFold.get(q.model);
    if (isNetwork(q.model)) {
      if (per === undefined) return budgetLeft;
      networks += per * q.folds;
    } else pls += (per ?? plsPerFold) * q.folds;
  }
  return Math.max(0, Math.min(budgetLeft, pls / parallel + networks));
}

/** The decision a PLS candidate used, in the leaderboard's words. */
export function decisionWord(d: PlsDecision): string {
  return d === 'pls-da' ? 'PLS-DA' : d === 'lda' ? 'LDA' : d === 'centroid' ? 'class centre' : 'nearest spectrum';
}
