/**
 * The auto recipe: the rule that offers the Raman recipe, the cross-validated scores on UCR
 * Coffee (as archived, and with the scale, offsets and tilts of raw absorbance added) and Tecator
 * fat, and the proof that a fold's choice never reads that fold's test spectra.
 */
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
import { chooseRecipe, isRamanAxis, RAW_RECIPE_NAME, recipeCandidates, SNV_RECIPE_NAME } from '../../../src-main/common/runs/recipe-choice';
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
  it('Coffee as archived (z-normalised per spectrum): every recipe scores balanced accuracy 1, so the first, raw spectra, wins', () => {
    const { target, rows } = trainRows(coffee.data, 'class', coffee.classes);
    const { choice, recipe } = chooseRecipe({ block: coffee.data.block, rows, target, candidates: recipeCandidates({ raman: false }), seed: 1 });
    expect(choice).toEqual({
      candidates: [RAW_RECIPE_NAME, SNV_RECIPE_NAME, FIRST, SNV_FIRST, SECOND, MSC].map((name) => ({ name, score: 1, standardError: 0 })),
      winner: RAW_RECIPE_NAME,
      metric: 'balanced accuracy',
      folds: 5,
      scoredWith: 'PLS-DA with components and class decision chosen by an inner 5-fold cross-validation, on stratified 5-fold cross-validation of the 28 training spectra',
      trainSamples: 28,
    });
    expect(recipe).toEqual({ name: RAW_RECIPE_NAME, spec: null });
  });

  it('Coffee with a scale, offset and tilt per spectrum: raw 26 of 28 (0.929), the first derivative 28 of 28 and wins', () => {
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
    expect(choice.winner).toBe(FIRST);
    expect(recipe.spec).toEqual(parsePipelineSpec(STARTER_RECIPES[0]!.spec));
  });

  it('Tecator fat: RMSECV in % fat per recipe; SNV is lowest (1.948) and wins', () => {
    const { data, fat } = tecator();
    const { target, rows } = trainRows(data, 'number', fat);
    const { choice } = chooseRecipe({ block: data.block, rows, target, candidates: recipeCandidates({ raman: false }), seed: 1 });
    const expected: [string, number, number][] = [
      [RAW_RECIPE_NAME, 2.465208690558911, 0.19976583997649774],
      [SNV_RECIPE_NAME, 1.9475452432368283, 0.12061926164699124],
      [FIRST, 2.8871206550562545, 0.17078727896474075],
      [SNV_FIRST, 2.0708271226103676, 0.09692340531363536],
      [SECOND, 2.794692446556269, 0.2270083800890166],
      [MSC, 2.1409269637606605, 0.07269958904163314],
    ];
    expected.forEach(([name, score, se], i) => {
      expect(choice.candidates[i]!.name).toBe(name);
      expect(choice.candidates[i]!.score).toBeCloseTo(score, 10);
      expect(choice.candidates[i]!.standardError).toBeCloseTo(se, 10);
    });
    expect(choice).toMatchObject({ winner: SNV_RECIPE_NAME, metric: 'RMSECV', folds: 5, trainSamples: 172 });
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
    expect(plan.config.recipe).toBe(FIRST);
    expect(plan.config.recipeChoice!.winner).toBe(FIRST);
    expect(plan.recipe).toEqual({ name: FIRST, spec: parsePipelineSpec(STARTER_RECIPES[0]!.spec) });
    expect(plan.fittedState).toEqual([null]);
    expect(plan.notes).toEqual([
      `Recipe: auto chose "${FIRST}" (balanced accuracy 1.0000) among 6 recipes, each scored with PLS-DA with components and class decision chosen by an inner 5-fold cross-validation, on stratified 5-fold cross-validation of the 28 training spectra; the cnn network was then trained once with it.`,
    ]);
    // The same inputs as a run asked for the first derivative by name.
    const named = planRun({ request: request({ autoRecipe: undefined, recipe: { name: FIRST, spec: parsePipelineSpec(STARTER_RECIPES[0]!.spec) } }), data, target: { kind: 'class', values: coffee.classes } });
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
