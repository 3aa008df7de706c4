/**
 * The auto recipe: the rule that offers the Raman recipe, the cross-validated scores on UCR
 * Coffee (as archived, and with the scale, offsets and tilts of raw absorbance added) and Tecator
 * fat and generated raw NIR, the one-standard-error rule with the fewest components, and the
 * proof that a fold's choice never reads that fold's test spectra.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src-main/common/errors';
import { makeProblem, targetFromColumn } from '../../../src-main/common/ml/prepare';
import { makeFolds } from '../../../src-main/common/ml/splits';
import { parsePipelineSpec } from '../../../src-main/common/preprocessing/pipeline';
import { STARTER_RECIPES } from '../../../src-main/common/preprocessing/starters';
import { planRun, type RunData } from '../../../src-main/common/runs/plan';
import { chooseRecipe, isRamanAxis, pickRecipe, RAW_RECIPE_NAME, recipeCandidates, SNV_RECIPE_NAME, type RecipeScore } from '../../../src-main/common/runs/recipe-choice';
import { runRequestSchema, type RunRequest } from '../../../src-main/common/runs/schema';
import { openProject } from '../../../src-main/db/connection';
import { readDatasetForRun } from '../../../src-main/services/run-data';
import { fixture } from '../../helpers/datasets';
import { importUcr } from '../../helpers/projects';
import { rawLike } from '../../helpers/raw-like';

const [FIRST, SNV_FIRST, SECOND, MSC, RAMAN] = STARTER_RECIPES.map((r) => r.name) as [string, string, string, string, string];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-recipe-choice-'));
let coffee: { data: RunData; classes: (string | number | null)[] };

beforeAll(async () => {
  const db = openProject(path.join(dir, 'ucr.spectra'), { create: true });
  await importUcr(db, 'Coffee');
  const ds = readDatasetForRun(db, 1);
  coffee = { data: ds.data, classes: ds.valuesOf('class') };
  db.close();
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Tecator (215 spectra of 100 points): rows 1–172 train, 173–215 test, and the fat column. */
function tecator(): { data: RunData; fat: number[] } {
  const lines = fs.readFileSync(fixture('tecator', 'tecator.csv'), 'utf8').trim().split('\n').slice(1, 216);
  const rows = lines.map((l) => l.split(',').map(Number));
  const values = Float64Array.from(rows.flatMap((r) => r.slice(0, 100)));
  return {
    data: { block: { axis: Float64Array.from({ length: 100 }, (_, j) => 850 + 2 * j), values, rows: rows.length }, keys: rows.map((_, i) => `t${i + 1}`), splits: rows.map((_, i) => (i < 172 ? 'train' : 'test')), sampleIds: rows.map((_, i) => i + 1) },
    fat: rows.map((r) => r[123]!),
  };
}

/** Coffee with a scale, an offset and a tilt per spectrum, as raw absorbance has. */
function distorted(data: RunData): RunData {
  const { axis, values, rows } = data.block;
  return { ...data, block: { axis, values: rawLike(values, rows, axis.length), rows } };
}

function trainRows(data: RunData, kind: 'class' | 'number', values: (string | number | null)[]) {
  const target = targetFromColumn(kind, 'y', values);
  return { target, rows: makeProblem({ target, splits: data.splits, validation: { kind: 'given' }, seed: 1, monitorMin: Infinity }).train };
}

const request = (over: Partial<RunRequest> = {}): RunRequest => ({ datasetId: 1, target: 'class', model: 'cnn', recipe: null, autoRecipe: true, validation: { kind: 'given' }, seed: 1, ...over });

describe('which recipes auto chooses among', () => {
  it('the Raman recipe only for a cm⁻¹ axis with a Raman intensity unit, or one from below 400 up to at most 4000 cm⁻¹', () => {
    expect(isRamanAxis('cm-1', [100, 3200], null)).toBe(true);
    expect(isRamanAxis('cm-1', [3200, 150], 'absorbance')).toBe(true);
    expect(isRamanAxis('cm-1', [600, 1800], 'counts')).toBe(true);
    expect(isRamanAxis('cm-1', [600, 1800], 'raman')).toBe(true);
    expect(isRamanAxis('cm-1', [400, 4000], 'absorbance')).toBe(false);
    expect(isRamanAxis('cm-1', [350, 4500], null)).toBe(false);
    expect(isRamanAxis('nm', [100, 1000], 'counts')).toBe(false);
    expect(isRamanAxis('index', [1, 286], null)).toBe(false);
    expect(isRamanAxis(undefined, [100, 3200], null)).toBe(false);
  });

  it('raw and SNV first, then the starter recipes in their order; the Raman one last and only when asked', () => {
    expect(recipeCandidates({ raman: false }).map((c) => c.name)).toEqual([RAW_RECIPE_NAME, SNV_RECIPE_NAME, FIRST, SNV_FIRST, SECOND, MSC]);
    const raman = recipeCandidates({ raman: true });
    expect(raman.map((c) => c.name)).toEqual([RAW_RECIPE_NAME, SNV_RECIPE_NAME, FIRST, SNV_FIRST, SECOND, MSC, RAMAN]);
    expect(raman[0]!.spec).toBeNull();
    expect(raman[1]!.spec!.steps.map((s) => s.kind)).toEqual(['snv']);
    expect(raman[6]!.spec).toEqual(parsePipelineSpec(STARTER_RECIPES[4]!.spec));
  });
});

describe('chooseRecipe', () => {
  it('Coffee as archived (z-normalised per spectrum): every recipe scores balanced accuracy 1; raw spectra and SNV need the fewest components (5.2), and raw, the earlier, wins', () => {
    const { target, rows } = trainRows(coffee.data, 'class', coffee.classes);
    const { choice, recipe } = chooseRecipe({ block: coffee.data.block, rows, target, candidates: recipeCandidates({ raman: false }), seed: 1 });
    const components = [5.2, 5.2, 5.8, 5.8, 7.4, 5.4];
    expect(choice).toEqual({
      candidates: [RAW_RECIPE_NAME, SNV_RECIPE_NAME, FIRST, SNV_FIRST, SECOND, MSC].map((name, i) => ({ name, score: 1, standardError: 0, components: components[i] })),
      winner: RAW_RECIPE_NAME,
      metric: 'balanced accuracy',
      folds: 5,
      scoredWith: 'PLS-DA with components and class decision chosen by an inner 5-fold cross-validation, on stratified 5-fold cross-validation of the 28 training spectra',
      trainSamples: 28,
      threshold: 1,
      reason: `6 recipes are within one standard error of the best score, 1.0000 ± 0.0000 (balanced accuracy ≥ 1.0000); of these “${RAW_RECIPE_NAME}” needed the fewest latent variables (5.2 PLS components on average over the folds), the earliest in the list of those that needed as few.`,
    });
    expect(recipe).toEqual({ name: RAW_RECIPE_NAME, spec: null });
  });

  it('Coffee with a scale, offset and tilt per spectrum: raw 26 of 28 (0.929), both derivatives 28 of 28; the second needs fewer components (4.2 against 5.4) and wins', () => {
    const data = distorted(coffee.data);
    const { target, rows } = trainRows(data, 'class', coffee.classes);
    const { choice, recipe } = chooseRecipe({ block: data.block, rows, target, candidates: recipeCandidates({ raman: false }), seed: 1 });
    expect(choice.candidates.map((c) => [c.name, c.score])).toEqual([
      [RAW_RECIPE_NAME, 13 / 14],
      [SNV_RECIPE_NAME, 27 / 28],
      [FIRST, 1],
      [SNV_FIRST, 27 / 28],
      [SECOND, 1],
      [MSC, 13 / 14],
    ]);
    expect(choice.candidates[0]!.standardError).toBeCloseTo(1 / 15, 12);
    expect(choice.candidates.map((c) => c.components)).toEqual([7.6, 4.2, 5.4, 4.4, 4.2, 5.8]);
    expect(choice.winner).toBe(SECOND);
    expect(choice.reason).toBe(`2 recipes are within one standard error of the best score, 1.0000 ± 0.0000 (balanced accuracy ≥ 1.0000); of these “${SECOND}” needed the fewest latent variables (4.2 PLS components on average over the folds).`);
    expect(recipe.spec).toEqual(parsePipelineSpec(STARTER_RECIPES[2]!.spec));
  });

  it('Tecator fat: RMSECV in % fat per recipe; SNV is lowest (1.948 ± 0.121), no other is within one standard error, and it wins', () => {
    const { data, fat } = tecator();
    const { target, rows } = trainRows(data, 'number', fat);
    const { choice } = chooseRecipe({ block: data.block, rows, target, candidates: recipeCandidates({ raman: false }), seed: 1 });
    const expected: [string, number, number, number][] = [
      [RAW_RECIPE_NAME, 2.465208690558911, 0.19976583997649774, 14.2],
      [SNV_RECIPE_NAME, 1.9475452432368283, 0.12061926164699124, 10.4],
      [FIRST, 2.8871206550562545, 0.17078727896474075, 10.8],
      [SNV_FIRST, 2.0708271226103676, 0.09692340531363536, 10.4],
      [SECOND, 2.794692446556269, 0.2270083800890166, 10],
      [MSC, 2.1409269637606605, 0.07269958904163314, 9],
    ];
    expected.forEach(([name, score, se, components], i) => {
      expect(choice.candidates[i]!.name).toBe(name);
      expect(choice.candidates[i]!.score).toBeCloseTo(score, 10);
      expect(choice.candidates[i]!.standardError).toBeCloseTo(se, 10);
      expect(choice.candidates[i]!.components).toBe(components);
    });
    expect(choice).toMatchObject({ winner: SNV_RECIPE_NAME, metric: 'RMSECV', folds: 5, trainSamples: 172, reason: `“${SNV_RECIPE_NAME}” scored best, 1.9475 ± 0.1206, and no other recipe is within one standard error of it (RMSECV ≤ 2.0682).` });
    expect(choice.threshold).toBeCloseTo(1.9475452432368283 + 0.12061926164699124, 12);
  });

  it('generated raw NIR (scripts/raw-nir/generate.mjs): raw spectra and the first derivative both score 1 ± 0, the derivative with 6.0 components against 7.0, and wins', () => {
    const csv = path.join(dir, 'raw-nir.csv');
    execFileSync(process.execPath, [path.resolve(__dirname, '../../../scripts/raw-nir/generate.mjs'), csv], { stdio: 'ignore' });
    const lines = fs.readFileSync(csv, 'utf8').trim().split('\n').map((l) => l.split(','));
    const axis = Float64Array.from(lines[0]!.slice(2), Number);
    const records = lines.slice(1);
    const data: RunData = { block: { axis, values: Float64Array.from(records.flatMap((r) => r.slice(2).map(Number))), rows: records.length }, keys: records.map((_, i) => `n${i}`), splits: records.map((r) => (r[1] === 'train' ? 'train' : 'test')), sampleIds: records.map((_, i) => i + 1) };
    const { target, rows } = trainRows(data, 'class', records.map((r) => r[0]!));
    expect(rows).toHaveLength(120);
    const { choice } = chooseRecipe({ block: data.block, rows, target, candidates: recipeCandidates({ raman: false }), seed: 1 });
    expect(choice.candidates.map((c) => [c.name, c.score, c.components])).toEqual([
      [RAW_RECIPE_NAME, 1, 7],
      [SNV_RECIPE_NAME, 119 / 120, 6.4],
      [FIRST, 1, 6],
      [SNV_FIRST, 119 / 120, 5],
      [SECOND, 0.9833333333333334, 5],
      [MSC, 119 / 120, 5.4],
    ]);
    expect(choice.winner).toBe(FIRST);
    expect(choice.threshold).toBe(1);
    expect(choice.reason).toBe(`2 recipes are within one standard error of the best score, 1.0000 ± 0.0000 (balanced accuracy ≥ 1.0000); of these “${FIRST}” needed the fewest latent variables (6.0 PLS components on average over the folds).`);
  });

  it('a recipe that does not fit the spectra is skipped with the reason; the others are scored', () => {
    // 12 points: the second derivative's 15-point window does not fit.
    const short: RunData = { ...coffee.data, block: { axis: coffee.data.block.axis.slice(0, 12), values: Float64Array.from({ length: 56 * 12 }, (_, i) => coffee.data.block.values[Math.floor(i / 12) * 286 + (i % 12)]!), rows: 56 } };
    const { target, rows } = trainRows(short, 'class', coffee.classes);
    const { choice } = chooseRecipe({ block: short.block, rows, target, candidates: recipeCandidates({ raman: false }), seed: 1 });
    const second = choice.candidates.find((c) => c.name === SECOND)!;
    expect(second.score).toBeNull();
    expect(second.skipped).toMatch(/window/i);
    expect(choice.candidates.filter((c) => c.score === null)).toHaveLength(1);
  });

  it('refuses fewer than 10 training spectra, naming the recipe as the field', () => {
    const { target, rows } = trainRows(coffee.data, 'class', coffee.classes);
    let caught: unknown;
    try {
      chooseRecipe({ block: coffee.data.block, rows: rows.slice(0, 9), target, candidates: recipeCandidates({ raman: false }), seed: 1 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UserError);
    expect((caught as UserError).message).toBe('The auto recipe needs at least 10 training spectra to compare recipes by cross-validation; there are 9. Choose a recipe instead.');
    expect((caught as UserError).field).toBe('recipe');
  });
});

describe('pickRecipe: within one standard error of the best, the fewest components', () => {
  const score = (name: string, s: number | null, standardError: number, components: number): RecipeScore => (s === null ? { name, score: null, skipped: 'no fit' } : { name, score: s, standardError, components });
  const within = (n: number, best: string, bound: string, winner: string, lv: string, earliest = false) =>
    `${n} recipes are within one standard error of the best score, ${best} (${bound}); of these “${winner}” needed the fewest latent variables (${lv} PLS components on average over the folds)${earliest ? ', the earliest in the list of those that needed as few' : ''}.`;
  const cases: [string, RecipeScore[], 'balanced accuracy' | 'RMSECV', { winner: string; threshold: number; reason: string }][] = [
    ['raw ties with the derivative on score but needs more components: the derivative wins', [score('raw', 1, 0, 7), score('d1', 1, 0, 3), score('snv', 0.95, 0.02, 2)], 'balanced accuracy', { winner: 'd1', threshold: 1, reason: within(2, '1.0000 ± 0.0000', 'balanced accuracy ≥ 1.0000', 'd1', '3.0') }],
    ['RMSECV: lower is better, the bound is the best plus its standard error', [score('raw', 2.0, 0.25, 12), score('snv', 2.2, 0.1, 8), score('msc', 2.3, 0.1, 5)], 'RMSECV', { winner: 'snv', threshold: 2.25, reason: within(2, '2.0000 ± 0.2500', 'RMSECV ≤ 2.2500', 'snv', '8.0') }],
    ['equal components: the earlier in the list; a skipped recipe takes no part', [score('skip', null, 0, 0), score('raw', 0.9, 0.1, 4), score('snv', 1, 0.1, 4), score('d1', 0.8, 0.1, 1)], 'balanced accuracy', { winner: 'raw', threshold: 0.9, reason: within(2, '1.0000 ± 0.1000', 'balanced accuracy ≥ 0.9000', 'raw', '4.0', true) }],
    ['the best alone within its standard error wins on its score', [score('raw', 0.7, 0.05, 2), score('d1', 0.9, 0.05, 9)], 'balanced accuracy', { winner: 'd1', threshold: 0.9 - 0.05, reason: '“d1” scored best, 0.9000 ± 0.0500, and no other recipe is within one standard error of it (balanced accuracy ≥ 0.8500).' }],
  ];
  it.each(cases)('%s', (_, scores, metric, expected) => {
    expect(pickRecipe(scores, metric)).toEqual(expected);
  });

  it('a recipe below the best but within its standard error competes on components, one just outside does not; none scored gives null', () => {
    // Best 0.90 ± 0.05: 0.85 is within (bound 0.85), 0.849 is not.
    const scores = [score('raw', 0.9, 0.05, 6), score('snv', 0.85, 0.01, 4), score('d1', 0.849, 0.01, 1)];
    expect(pickRecipe(scores, 'balanced accuracy')!.winner).toBe('snv');
    expect(pickRecipe(scores, 'balanced accuracy')!.threshold).toBeCloseTo(0.85, 15);
    expect(pickRecipe([score('skip', null, 0, 0)], 'balanced accuracy')).toBeNull();
  });
});

describe('planRun with the auto recipe', () => {
  it('the request takes either a recipe or auto, not both', () => {
    const spec = parsePipelineSpec(STARTER_RECIPES[0]!.spec);
    expect(runRequestSchema.safeParse(request()).success).toBe(true);
    const both = runRequestSchema.safeParse(request({ recipe: { name: 'd1', spec } }));
    expect(both.success).toBe(false);
    expect(both.error!.issues[0]!.message).toBe('a run takes either a recipe or the auto recipe, not both');
  });

  it('plans with the winner: its name and the scores in the config, its spec as the run’s recipe, a line for the run log', () => {
    const data = distorted(coffee.data);
    const plan = planRun({ request: request(), data, target: { kind: 'class', values: coffee.classes } });
    expect(plan.config.recipe).toBe(SECOND);
    expect(plan.config.recipeChoice!.winner).toBe(SECOND);
    expect(plan.recipe).toEqual({ name: SECOND, spec: parsePipelineSpec(STARTER_RECIPES[2]!.spec) });
    expect(plan.fittedState).toEqual([null]);
    // The first line of the run log is the recipe's; the augmentation's lines follow it.
    expect(plan.notes[0]).toBe(
      `Recipe: auto chose "${SECOND}" (balanced accuracy 1.0000) among 6 recipes, each scored with PLS-DA with components and class decision chosen by an inner 5-fold cross-validation, on stratified 5-fold cross-validation of the 28 training spectra. 2 recipes are within one standard error of the best score, 1.0000 ± 0.0000 (balanced accuracy ≥ 1.0000); of these “${SECOND}” needed the fewest latent variables (4.2 PLS components on average over the folds); the cnn network was then trained once with it.`,
    );
    // The same inputs as a run asked for the second derivative by name.
    const named = planRun({ request: request({ autoRecipe: undefined, recipe: { name: SECOND, spec: parsePipelineSpec(STARTER_RECIPES[2]!.spec) } }), data, target: { kind: 'class', values: coffee.classes } });
    expect(Array.from(plan.job.train.x)).toEqual(Array.from(named.job.train.x));
    expect(named.config.recipeChoice).toBeUndefined();
  });

  it('a raw-spectra winner plans as no recipe (PLS on Coffee as archived)', () => {
    const plan = planRun({ request: request({ model: 'pls' }), data: coffee.data, target: { kind: 'class', values: coffee.classes } });
    expect(plan.recipe).toBeNull();
    expect(plan.config.recipe).toBeNull();
    expect(plan.config.recipeChoice!.winner).toBe(RAW_RECIPE_NAME);
    expect(plan.notes[0]).toMatch(/^Recipe: auto chose "None — raw spectra" .*; PLS was then trained once with it\.$/);
  });

  it('a network’s choice reads its early-stopping rows too (training split all the same), so every model on one split gets the same recipe', () => {
    const { data, fat } = tecator();
    const req = request({ target: 'fat', validation: { kind: 'holdout', fraction: 0.05 } });
    const mlp = planRun({ request: { ...req, model: 'mlp' }, data, target: { kind: 'number', values: fat } });
    expect([mlp.problem.train.length, mlp.problem.monitor.length, mlp.problem.test.length]).toEqual([173, 31, 11]);
    expect(mlp.config.recipeChoice!.trainSamples).toBe(204);
    const pls = planRun({ request: { ...req, model: 'pls' }, data, target: { kind: 'number', values: fat } });
    expect(pls.problem.monitor).toEqual([]);
    expect(pls.config.recipeChoice).toEqual(mlp.config.recipeChoice);
  });

  it('inside a cross-validation, a fold’s choice reads its training spectra only: altering its test spectra changes nothing, altering one training spectrum changes the scores', () => {
    const { data, fat } = tecator();
    const target = targetFromColumn('number', 'fat', fat);
    const all = data.sampleIds.map((_, r) => r);
    const fold = makeFolds({ kind: 'kfold', k: 5 }, { rows: all, target: target.values, kind: 'regression', splits: data.splits, seed: 1 })[2]!;
    const rows = { parentRunId: 9, position: { index: 2, count: 5, label: 'fold 3 of 5' }, train: fold.train, test: fold.test };
    const plan = (d: RunData) => planRun({ request: request({ target: 'fat', model: 'mlp', validation: { kind: 'kfold', k: 5 } }), data: d, target: { kind: 'number', values: fat }, fold: rows });
    const change = (which: number[]): RunData => {
      const values = Float64Array.from(data.block.values);
      for (const r of which) for (let j = 0; j < 100; j++) values[r * 100 + j] = -3 * values[r * 100 + j]! + j;
      return { ...data, block: { ...data.block, values } };
    };
    const before = plan(data);
    const testsAltered = plan(change(fold.test));
    expect(before.config.recipeChoice!.trainSamples).toBe(fold.train.length);
    expect(testsAltered.config.recipeChoice).toEqual(before.config.recipeChoice);
    expect(testsAltered.fittedState).toEqual(before.fittedState);
    const trainAltered = plan(change([before.problem.train[0]!]));
    expect(trainAltered.config.recipeChoice!.candidates.map((c) => c.score)).not.toEqual(before.config.recipeChoice!.candidates.map((c) => c.score));
  });
});
