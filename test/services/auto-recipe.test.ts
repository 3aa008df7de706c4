/**
 * The auto recipe through the training service and the trainer process: on UCR Coffee made
 * raw-like (a scale, offset and tilt per spectrum) the second derivative wins (it ties with the
 * first at balanced accuracy 1 and needs fewer PLS components); the run stores it
 * as its recipe, so prediction, export and the report use it as any other; in a cross-validation
 * each fold chooses on its own training spectra; the choice is made in a trainer process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../src-main/db/connection';
import { getRun, runArtifact } from '../../src-main/db/runs';
import { exportRun, type ExportedMetrics } from '../../src-main/services/export';
import { importFiles } from '../../src-main/services/import';
import { loadPredictor, predictSpectra, runSpectra } from '../../src-main/services/predict';
import { AUTO_RECIPE_IN_FOLDS } from '../../src-main/services/cross-validate';
import { beginTraining, requestByName, startTraining } from '../../src-main/services/train';
import { chooseRunRecipe, type RecipeChoiceReport } from '../../src-main/services/auto-recipe';
import { readDatasetForRun, targetColumnsOf } from '../../src-main/services/run-data';
import { recipeChoiceInput } from '../../src-main/common/runs/plan';
import { chooseRecipe } from '../../src-main/common/runs/recipe-choice';
import { UserError } from '../../src-main/common/errors';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { parsePipelineSpec } from '../../src-main/common/preprocessing/pipeline';
import { STARTER_RECIPES } from '../../src-main/common/preprocessing/starters';
import { RAW_RECIPE_NAME } from '../../src-main/common/runs/recipe-choice';
import { trainedConfig, type SingleRunConfig } from '../../src-main/common/runs/schema';
import { ucr } from '../helpers/datasets';
import { rawLike } from '../helpers/raw-like';

const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-auto-recipe-'));
const project = path.join(dir, 'coffee.spectra');
const SECOND = STARTER_RECIPES[2]!;

beforeAll(async () => {
  // Coffee's train and test tables with raw-like distortions, one seed per split.
  for (const [split, seed] of [['train', 7], ['test', 8]] as const) {
    const lines = fs.readFileSync(ucr('Coffee', split), 'utf8').trim().split('\n').map((l) => l.split('\t'));
    const values = rawLike(Float64Array.from(lines.flatMap((l) => l.slice(1).map(Number))), lines.length, 286, seed);
    const text = lines.map((l, r) => [l[0], ...Array.from(values.subarray(r * 286, (r + 1) * 286), (v) => v.toPrecision(9))].join('\t')).join('\n');
    fs.writeFileSync(path.join(dir, `Coffee_${split}.tsv`), `${text}\n`);
    const db = openProject(project, { create: true });
    await importFiles(db, { files: [path.join(dir, `Coffee_${split}.tsv`)], dataset: 'CoffeeRaw', splitTag: split });
    db.close();
  }
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the auto recipe in a run', () => {
  it('is chosen in a trainer process, from the training rows alone, exactly as here; a user error stays one', async () => {
    const db = openProject(project);
    try {
      const req = requestByName(db, { dataset: 'CoffeeRaw', target: 'class', model: 'cnn', autoRecipe: true, validation: { kind: 'given' }, seed: 1 });
      const dataset = readDatasetForRun(db, req.datasetId);
      const reports: RecipeChoiceReport[] = [];
      const there = await chooseRunRecipe(spawn, req, dataset, undefined, (r) => reports.push(r)).chosen;
      const here = chooseRecipe(recipeChoiceInput({ request: req, data: dataset.data, ...targetColumnsOf(dataset, req) }));
      expect(there).toEqual(here);
      expect(there.recipe.name).toBe(SECOND.name);
      expect(reports.map((r) => [r.done, r.total, r.fold])).toEqual([1, 2, 3, 4, 5, 6].map((d) => [d, 6, null]));
      expect(reports.map((r) => r.candidate)).toEqual(there.choice.candidates.map((c) => c.name));

      // Nine training spectra are too few to compare recipes: the trainer's refusal arrives as the same user error.
      const trainRows = dataset.data.splits.flatMap((t, r) => (t === 'train' ? [r] : []));
      const fold = { parentRunId: 0, position: { index: 0, count: 1, label: 'fold 1' }, train: [...trainRows.slice(0, 5), ...trainRows.slice(-4)], test: [40] };
      const refused = await chooseRunRecipe(spawn, req, dataset, fold).chosen.catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(UserError);
      expect(refused).toMatchObject({ code: 'BAD_INPUT', field: 'recipe', message: 'The auto recipe needs at least 10 training spectra to compare recipes by cross-validation; there are 9. Choose a recipe instead.' });
    } finally {
      db.close();
    }
  }, 60_000);

  it('PLS: the second derivative wins on the training spectra; stored as the run’s recipe, used by predict and export, shown in the report', async () => {
    const db = openProject(project);
    try {
      const reports: RecipeChoiceReport[] = [];
      const o = await (await beginTraining(db, requestByName(db, { dataset: 'CoffeeRaw', target: 'class', model: 'pls', autoRecipe: true, validation: { kind: 'given' }, seed: 1 }), { spawn, onRecipeProgress: (r) => reports.push(r) })).outcome;
      expect(reports).toHaveLength(6);
      expect(o.status).toBe('done');
      expect(o.recipeChoice!.winner).toBe(SECOND.name);
      expect(o.recipeChoice!.trainSamples).toBe(28);
      expect(o.metrics!.test.accuracy).toBe(1);
      const run = getRun(db, o.runId);
      const cfg = trainedConfig(run.config, o.runId);
      expect(cfg.recipe).toBe(SECOND.name);
      expect(cfg.recipeChoice).toEqual(o.recipeChoice);
      expect(run.pipeline).toEqual(parsePipelineSpec(SECOND.spec));
      expect(run.fittedState).toEqual([null]);
      expect(run.log.split('\n')[0]).toMatch(/^Recipe: auto chose "Second derivative \(Savitzky–Golay, 15 points, quadratic\)" \(balanced accuracy 1\.0000\) among 6 recipes, each scored with PLS-DA .*; PLS was then trained once with it\.$/);

      // Predicting the run's own test spectra through the stored recipe gives the stored predictions.
      const split = run.split as { test: number[] };
      const t = runSpectra(db, run, split.test);
      const spectra = t.keys.map((key, i) => ({ key, axis: t.axis, values: t.rows.subarray(i * 286, (i + 1) * 286) }));
      const stored = JSON.parse(runArtifact(db, o.runId, 'test-predictions.json')!.toString()) as { key: string; predicted: string }[];
      expect(predictSpectra(loadPredictor(db, o.runId), spectra).map((p) => [p.key, p.predicted])).toEqual(stored.map((p) => [p.key, p.predicted]));

      const out = path.join(dir, 'export');
      exportRun(db, o.runId, out);
      const saved = JSON.parse(fs.readFileSync(path.join(out, 'pipeline.json'), 'utf8')) as { recipe: string; pipeline: { steps: { kind: string }[] } };
      expect(saved.recipe).toBe(SECOND.name);
      expect(saved.pipeline.steps.map((s) => s.kind)).toEqual(['savitzkyGolay']);
      expect((JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8')) as ExportedMetrics).recomputedPredictionsAgree).toBe(true);
      const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
      expect(html).toContain(`Recipe chosen automatically: “${SECOND.name}”, by 5-fold cross-validation of the 28 training spectra (test spectra take no part) of 6 recipes, each scored with PLS-DA with components and class decision chosen by an inner 5-fold cross-validation. 2 recipes are within one standard error of the best score, 1.0000 ± 0.0000 (balanced accuracy ≥ 1.0000); of these “${SECOND.name}” needed the fewest latent variables (4.2 PLS components on average over the folds).`);
      expect(html).toContain(`<td>${SECOND.name} <strong>(chosen)</strong></td><td class="n">1.0000 ± 0.0000</td><td class="n">4.2</td>`);
      expect(html).toContain(`<td>${RAW_RECIPE_NAME}</td>`);
    } finally {
      db.close();
    }
  }, 120_000);

  it('kfold:3: every fold chooses on its own training spectra and stores its choice; the parent says so', async () => {
    const db = openProject(project);
    try {
      const reports: RecipeChoiceReport[] = [];
      const o = await startTraining(db, requestByName(db, { dataset: 'CoffeeRaw', target: 'class', model: 'pls', autoRecipe: true, validation: { kind: 'kfold', k: 3 }, seed: 1 }), { spawn, onRecipeProgress: (r) => reports.push(r) }).outcome;
      expect(o.status).toBe('done');
      // Three folds are enough to show it (each fold's choice is a cross-validation of its own). Each fold's choice, in a trainer process before the fold's run: six candidates scored per fold.
      expect(reports.filter((r) => r.done === r.total).map((r) => r.fold!.index).sort()).toEqual([0, 1, 2]);
      expect(o.recipeChoice).toBeUndefined();
      expect(o.folds).toHaveLength(3);
      expect((getRun(db, o.runId).config as { recipe: string }).recipe).toBe(AUTO_RECIPE_IN_FOLDS);
      for (const f of o.folds!) {
        const fold = getRun(db, f.runId);
        const cfg = fold.config as SingleRunConfig;
        expect(cfg.recipeChoice!.trainSamples).toBe(f.trainSamples);
        expect((fold.split as { train: number[] }).train).toHaveLength(f.trainSamples);
        expect(cfg.recipe).toBe(cfg.recipeChoice!.winner === RAW_RECIPE_NAME ? null : cfg.recipeChoice!.winner);
      }
    } finally {
      db.close();
    }
  }, 120_000);
});
