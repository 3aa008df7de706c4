/**
 * The `auto` recipe, pure: the starter recipes scored by cross-validation on a run's training
 * rows only, and the most parsimonious of those within one standard error of the best taken. Networks are too slow to train once per recipe and fold,
 * so every recipe is scored with PLS (its components and class decision chosen by an inner
 * cross-validation, as a PLS run chooses them) and the requested model is trained once with the
 * winner. Inside a cross-validated run each fold plans itself, so the choice sees that fold's
 * training rows and nothing of its test rows.
 */
import { UserError } from '../errors';
import { classificationMetrics, regressionMetrics } from '../ml/metrics';
import { choosePlsComponents, fitPlsDa, fitPlsRegression, predictPls, predictPlsDa } from '../ml/pls';
import type { TargetInfo } from '../ml/prepare';
import { makeFolds } from '../ml/splits';
import { selectRows } from '../preprocessing/block';
import { applyPipeline, fitPipeline, parsePipelineSpec, type ResolvedPipeline } from '../preprocessing/pipeline';
import { getStep } from '../preprocessing/registry';
import { STARTER_RECIPES } from '../preprocessing/starters';
import type { SpectraBlock } from '../preprocessing/types';

/** A recipe `auto` may choose; `spec` null is the raw spectra. */
export interface RecipeCandidate {
  name: string;
  spec: ResolvedPipeline | null;
}

/** One candidate's cross-validated score; `skipped` says why a recipe could not be scored. */
export interface RecipeScore {
  name: string;
  /** Balanced accuracy (higher is better) or RMSECV in the target's units (lower is better); null when skipped. */
  score: number | null;
  /** The spread of the per-fold scores over √folds. */
  standardError?: number;
  /** PLS latent variables the inner cross-validation chose, the mean over the outer folds: fewer means the recipe left less variance unrelated to the target. */
  components?: number;
  skipped?: string;
}

/** What a run stores of the choice (config.recipeChoice). */
export interface RecipeChoice {
  candidates: RecipeScore[];
  winner: string;
  metric: 'balanced accuracy' | 'RMSECV';
  folds: number;
  /** How every recipe was scored, in one sentence. */
  scoredWith: string;
  trainSamples: number;
  /** A streamed run's choice on an evenly spaced sample: the training spectra it was drawn from (absent: on all of them). */
  sampledFrom?: number;
  /** The one-standard-error bound: the best score less (balanced accuracy) or plus (RMSECV) its standard error; recipes within it compete on components. Absent in runs recorded before the rule. */
  threshold?: number;
  /** Why the winner won, in one sentence. */
  reason?: string;
}

export const RAW_RECIPE_NAME = 'None — raw spectra';
export const SNV_RECIPE_NAME = 'SNV (standard normal variate)';
/** The starter recipe offered only for Raman spectra. */
const RAMAN_STARTER = STARTER_RECIPES.find((r) => r.name.startsWith('Raman'))!;
/** Outer folds of the choice. */
export const RECIPE_CHOICE_FOLDS = 5;
/** Fewer training spectra than this leave too few in each fold to score a recipe. */
export const RECIPE_CHOICE_MIN_ROWS = 10;

/** Intensity units that only Raman instruments write (WiRE's counts and electrons, OPUS "raman"). */
const RAMAN_INTENSITY = /raman|counts|electrons/i;

/**
 * Raman or not, from the data: the axis is in cm⁻¹ and either the intensity unit read from the
 * files is one of Raman's, or the axis starts below 400 cm⁻¹ and ends at or below 4000 cm⁻¹ (a
 * Raman shift range: mid-IR instruments seldom reach below 400 cm⁻¹, NIR in cm⁻¹ starts near 4000).
 */
export function isRamanAxis(axisUnit: string | undefined, axis: ArrayLike<number>, intensityUnit: string | null | undefined): boolean {
  if (axisUnit !== 'cm-1' || !axis.length) return false;
  if (intensityUnit && RAMAN_INTENSITY.test(intensityUnit)) return true;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < axis.length; i++) {
    lo = Math.min(lo, axis[i]!);
    hi = Math.max(hi, axis[i]!);
  }
  return lo < 400 && hi <= 4000;
}

/** Raw, SNV and the starter recipes in order of simplicity (the earlier one wins a tie in components); the Raman one only for Raman spectra. */
export function recipeCandidates(opts: { raman: boolean }): RecipeCandidate[] {
  const starters = STARTER_RECIPES.filter((r) => opts.raman || r !== RAMAN_STARTER);
  return [
    { name: RAW_RECIPE_NAME, spec: null },
    { name: SNV_RECIPE_NAME, spec: parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'snv' }] }) },
    ...starters.map((r) => ({ name: r.name, spec: parsePipelineSpec(r.spec) })),
  ];
}

export interface RecipeChoiceInput {
  block: SpectraBlock;
  /** The training rows of `block`: the only ones read. */
  rows: number[];
  target: TargetInfo;
  candidates: RecipeCandidate[];
  seed: number;
  /** `rows` are an evenly spaced sample of this many training spectra (a streamed run, services/streamed-run.ts). */
  sampledFrom?: number;
}

/** The choice and the candidate that won, as a plan takes it (common/runs/plan.ts). */
export interface ChosenRecipe {
  choice: RecipeChoice;
  recipe: RecipeCandidate;
}

/** After each candidate is scored: how many of how many, and which one. */
export type RecipeChoiceProgress = (done: number, total: number, candidate: string) => void;

/**
 * The same choice with only the rows it reads, renumbered from 0 (in order), so that it can cross
 * to another process without the test spectra: {@link chooseRecipe} gives the same result on it.
 */
export function trainingRowsOnly(input: RecipeChoiceInput): RecipeChoiceInput {
  const { block, rows, target } = input;
  return { ...input, block: selectRows(block, rows), rows: rows.map((_, i) => i), target: { ...target, values: Float64Array.from(rows, (r) => target.values[r]!) } };
}

/**
 * Scores every candidate by stratified 5-fold cross-validation of `rows`: the recipe fitted on
 * each fold's training part, PLS with components and decision chosen by 5-fold cross-validation
 * of that part, predictions for the held-out part. The score is over all out-of-fold predictions.
 * The winner is chosen by {@link pickRecipe}.
 */
export function chooseRecipe({ block, rows, target, candidates, seed, sampledFrom }: RecipeChoiceInput, onProgress?: RecipeChoiceProgress): ChosenRecipe {
  if (rows.length < RECIPE_CHOICE_MIN_ROWS) {
    throw new UserError('BAD_INPUT', `The auto recipe needs at least ${RECIPE_CHOICE_MIN_ROWS} training spectra to compare recipes by cross-validation; there are ${rows.length}. Choose a recipe instead.`, { field: 'recipe' });
  }
  const isClass = target.kind === 'classification';
  const classes = target.classes.length;
  const train = selectRows(block, rows);
  const y = Float64Array.from(rows, (r) => target.values[r]!);
  const local = rows.map((_, i) => i);
  const folds = makeFolds({ kind: 'kfold', k: RECIPE_CHOICE_FOLDS }, { rows: local, target: y, kind: target.kind, splits: [], seed });
  const scores = candidates.map((c, i): RecipeScore => {
    const scored = ((): RecipeScore => {
      try {
        return { name: c.name, ...scoreRecipe(c.spec, train, y, folds, isClass, classes, seed) };
      } catch (err) {
        if (err instanceof UserError && err.code !== 'CANCELLED') return { name: c.name, score: null, skipped: err.message };
        throw err;
      }
    })();
    onProgress?.(i + 1, candidates.length, c.name);
    return scored;
  });
  const metric = isClass ? 'balanced accuracy' : 'RMSECV';
  const picked = pickRecipe(scores, metric);
  if (!picked) throw new UserError('BAD_INPUT', `No recipe could be scored on these spectra: ${scores[0]?.skipped ?? 'no candidates'}`, { field: 'recipe' });
  const choice: RecipeChoice = {
    candidates: scores,
    winner: picked.winner,
    metric,
    folds: RECIPE_CHOICE_FOLDS,
    scoredWith: `PLS${isClass ? '-DA' : ''} with components${isClass ? ' and class decision' : ''} chosen by an inner 5-fold cross-validation, on stratified ${RECIPE_CHOICE_FOLDS}-fold cross-validation of the ${sampledFrom === undefined ? '' : 'sample of '}${rows.length} training spectra${sampledFrom === undefined ? '' : ` of ${sampledFrom} (evenly spaced)`}`,
    trainSamples: rows.length,
    ...(sampledFrom === undefined ? {} : { sampledFrom }),
    threshold: picked.threshold,
    reason: picked.reason,
  };
  return { choice, recipe: candidates.find((c) => c.name === picked.winner)! };
}

/**
 * The one-standard-error rule with parsimony: every recipe whose score is within one standard
 * error of the best one is as good as the data can tell, and of those the one whose PLS needed
 * the fewest latent variables wins (it removed the most variance unrelated to the target, which
 * a network must otherwise learn to ignore); the earlier in the list on equal components. Null
 * when no candidate was scored.
 */
export function pickRecipe(scores: RecipeScore[], metric: RecipeChoice['metric']): { winner: string; threshold: number; reason: string } | null {
  const higher = metric === 'balanced accuracy';
  let best: RecipeScore | null = null;
  for (const s of scores) if (s.score !== null && (!best || (higher ? s.score > best.score! : s.score < best.score!))) best = s;
  if (!best) return null;
  const se = best.standardError ?? 0;
  const threshold = higher ? best.score! - se : best.score! + se;
  const within = scores.filter((s) => s.score !== null && (higher ? s.score >= threshold : s.score <= threshold));
  let winner = within[0]!;
  for (const s of within) if ((s.components ?? Infinity) < (winner.components ?? Infinity)) winner = s;
  const bound = `${metric} ${higher ? '≥' : '≤'} ${threshold.toFixed(4)}`;
  const lv = (s: RecipeScore) => (s.components === undefined ? '' : ` (${s.components.toFixed(1)} PLS components on average over the folds)`);
  const reason =
    within.length === 1
      ? `“${winner.name}” scored best, ${best.score!.toFixed(4)} ± ${se.toFixed(4)}, and no other recipe is within one standard error of it (${bound}).`
      : `${within.length} recipes are within one standard error of the best score, ${best.score!.toFixed(4)} ± ${se.toFixed(4)} (${bound}); of these “${winner.name}” needed the fewest latent variables${lv(winner)}${within.some((s) => s !== winner && s.components === winner.components) ? ', the earliest in the list of those that needed as few' : ''}.`;
  return { winner: winner.name, threshold, reason };
}

/** Out-of-fold PLS predictions of one recipe; throws a UserError when the recipe does not apply to these spectra. */
function scoreRecipe(spec: ResolvedPipeline | null, train: SpectraBlock, y: Float64Array, folds: { train: number[]; test: number[] }[], isClass: boolean, classes: number, seed: number): { score: number; standardError: number; components: number } {
  const enabled = spec ? spec.steps.filter((s) => s.enabled) : [];
  // Recipes of per-spectrum steps give the same spectra in every fold: apply them once.
  const perSpectrum = enabled.every((s) => !getStep(s.kind).fitted);
  const once = perSpectrum ? transformed(spec, train, train) : null;
  const predicted = new Float64Array(y.length);
  const foldScores: number[] = [];
  let components = 0;
  for (const fold of folds) {
    const x = once ?? transformed(spec, selectRows(train, fold.train), train);
    const cols = x.axis.length;
    const xTrain = selectRows(x, fold.train).values;
    const yTrain = Float64Array.from(fold.train, (r) => y[r]!);
    const n = fold.train.length;
    const cv = choosePlsComponents(xTrain, yTrain, n, cols, { kind: isClass ? 'classification' : 'regression', ...(isClass ? { classes } : {}), folds: 5, rule: 'best', seed, decision: 'auto' });
    components += cv.components;
    const model = isClass ? fitPlsDa(xTrain, Int32Array.from(yTrain), n, cols, classes, cv.components, { decision: cv.decision }) : fitPlsRegression(xTrain, yTrain, n, cols, cv.components);
    const xTest = selectRows(x, fold.test).values;
    const out = isClass ? predictPlsDa(model, xTest, fold.test.length).classes : predictPls(model, xTest, fold.test.length);
    fold.test.forEach((r, i) => (predicted[r] = out[i]!));
    const truth = fold.test.map((r) => y[r]!);
    const mine = fold.test.map((r) => predicted[r]!);
    foldScores.push(isClass ? classificationMetrics(truth, mine, classes).balancedAccuracy : regressionMetrics(truth, mine).rmse);
  }
  const score = isClass ? classificationMetrics(y, predicted, classes).balancedAccuracy : regressionMetrics(y, predicted).rmse;
  const mean = foldScores.reduce((a, b) => a + b, 0) / foldScores.length;
  const variance = foldScores.reduce((a, b) => a + (b - mean) ** 2, 0) / (foldScores.length - 1);
  return { score, standardError: Math.sqrt(variance / foldScores.length), components: components / folds.length };
}

/** `block` through the recipe fitted on `fitOn`, refused when a value is missing or infinite. */
function transformed(spec: ResolvedPipeline | null, fitOn: SpectraBlock, block: SpectraBlock): SpectraBlock {
  if (!spec) return block;
  const out = applyPipeline(fitPipeline(spec, fitOn), block);
  if (!out.values.every(Number.isFinite)) throw new UserError('BAD_INPUT', 'The recipe gives missing or infinite values on these spectra.');
  return out;
}

/** One candidate's cross-validated score as the run page and the report show it: `0.9657 ± 0.0080`, or why it was skipped. */
export function recipeScoreText(c: RecipeScore): string {
  if (c.score === null) return `skipped: ${c.skipped ?? 'not scored'}`;
  return c.standardError === undefined ? c.score.toFixed(4) : `${c.score.toFixed(4)} ± ${c.standardError.toFixed(4)}`;
}

/** A candidate's PLS components (mean over the folds) as the table shows them; a dash when not recorded. */
export function recipeComponentsText(c: RecipeScore): string {
  return c.components === undefined ? '–' : c.components.toFixed(1);
}

/** What the run page and the report say above the table of candidates. */
export function recipeChoiceSummary(c: RecipeChoice): string {
  const scored = `Recipe chosen automatically: “${c.winner}”, by ${c.folds}-fold cross-validation of the ${c.sampledFrom === undefined ? `${c.trainSamples} training spectra` : `${c.trainSamples} evenly spaced training spectra of ${c.sampledFrom}`} (test spectra take no part) of ${c.candidates.length} recipes, each scored with ${c.scoredWith.replace(/, on stratified .*$/, '')}.`;
  if (c.reason) return `${scored} ${c.reason}`;
  const better = c.metric === 'RMSECV' ? 'lowest RMSECV' : 'highest balanced accuracy';
  return `${scored} It had the ${better}; on a tie the simpler recipe, earlier in the list, won.`;
}
