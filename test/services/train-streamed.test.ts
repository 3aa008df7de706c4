/**
 * Streamed training on a real map (the chondrocyte Raman map, 875 pixels of 300 points) in a real
 * project file: with one window holding every training spectrum the streamed run is the
 * in-memory run, to the last bit; with small windows the batches come in another order, and
 * every step of an epoch gives the same loss as the in-memory model trained on the same batches.
 * A cross-validation's folds stream as runs of their own do, with the same results.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { importFiles } from '../../src-main/services/import';
import { beginTraining, requestByName, startTraining } from '../../src-main/services/train';
import { defaultValidation, readDatasetForRun, targetColumnsOf } from '../../src-main/services/run-data';
import { planStreamed, streamedRecipeChoice } from '../../src-main/services/streamed-run';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { foldRuns, getRun, listRuns, runArtifact, runEpochs, runTestPredictions } from '../../src-main/db/runs';
import { parseScheme } from '../../src-main/common/ml/splits';
import type { RecipeChoiceReport } from '../../src-main/services/auto-recipe';
import { planRun, recipeChoiceInput } from '../../src-main/common/runs/plan';
import { chooseRecipe, trainingRowsOnly, type RecipeChoice } from '../../src-main/common/runs/recipe-choice';
import { parsePipelineSpec } from '../../src-main/common/preprocessing/pipeline';
import { mulberry32 } from '../../src-main/common/ml/random';
import { streamedOrder } from '../../src-main/common/ml/streamed';
import { deriveSeed } from '../../src-main/ml/engine/rng';
import { createOwnRuntime } from '../../src-main/ml/runtime';
import { StreamedFeed } from '../../src-main/ml/streamed-feed';
import { openStreamedRows } from '../../src-main/db/streamed-rows';
import { fixture } from '../helpers/datasets';

const WINNER_ALL = 'SNV, then first derivative';
const WINNER_SAMPLE = 'SNV, then first derivative';
const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
const RECIPE = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'crop', params: { ranges: [[700, 1700]] } }, { kind: 'snv' }, { kind: 'meanCenter' }] });
let dir = '';
let project = '';

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-streamed-'));
  project = path.join(dir, 'chondro.spectra');
  const db = openProject(project, { create: true });
  await importFiles(db, { files: [fixture('raman_map_chondro', 'chondro.csv')], dataset: 'chondro', axisUnit: 'cm-1' });
  db.close();
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const named = (db: Db) => ({ dataset: 'chondro', target: 'cluster', model: 'cnn' as const, validation: defaultValidation(db, 1), seed: 3, epochs: 2, pipeline: RECIPE, recipeName: 'crop-snv-centre', engine: 'wasm' as const, threads: 1 });

describe('streamedOrder', () => {
  it('shuffles blocks of consecutive rows, then the rows within each window; one window is the in-memory permutation', () => {
    const order = Array.from(streamedOrder(12, 4, 2, mulberry32(5)));
    expect([...order].sort((a, b) => a - b)).toEqual([...Array(12).keys()]);
    // Each window of 4 holds two whole blocks of 2.
    for (let w = 0; w < 3; w++) {
      const blocks = new Set(order.slice(w * 4, w * 4 + 4).map((r) => Math.floor(r / 2)));
      expect(blocks.size).toBe(2);
    }
    expect(order).toEqual([5, 4, 11, 10, 0, 3, 2, 1, 9, 6, 7, 8]);
  });
});

describe('streamed training on a map', () => {
  it('with every training spectrum in one window, trains exactly as in memory: same split, epochs, weights and test metrics', async () => {
    const db = openProject(project);
    try {
      const req = requestByName(db, named(db));
      const memory = await startTraining(db, req, { spawn, stream: { when: 'never' } }).outcome;
      const streamed = await startTraining(db, req, { spawn, stream: { when: 'always' } }).outcome;
      expect(memory.status).toBe('done');
      expect(streamed.message).toBeUndefined();
      expect(streamed.status).toBe('done');
      const [a, b] = [getRun(db, memory.runId), getRun(db, streamed.runId)];
      expect(b.split).toEqual(a.split);
      expect(b.config).toEqual(a.config);
      const epochs = (id: number) => runEpochs(db, id).map((e) => [e.trainLoss, e.validationLoss]);
      expect(epochs(streamed.runId)).toEqual(epochs(memory.runId));
      expect(streamed.metrics).toEqual(memory.metrics);
      for (const name of ['weights.f32', 'state.f32']) expect(runArtifact(db, streamed.runId, name)!.equals(runArtifact(db, memory.runId, name)!)).toBe(true);
      expect(b.metrics!.test).toEqual(a.metrics!.test);
      expect(b.log).toContain('Training spectra streamed from the project file: 590 training spectra read 4096 at a time');
      expect(b.log).toContain('the recipe and the input scaling fitted on every training spectrum; batch-norm statistics from the last window.');
    } finally {
      db.close();
    }
  }, 400_000);

  it('in windows of 64 from blocks of 16, every step of the first epoch has the loss of the in-memory model on the same batch', async () => {
    const db = openProject(project);
    try {
      const req = requestByName(db, named(db));
      const s = planStreamed(db, req, { when: 'always', windowRows: 64, blockRows: 16, fitRows: 100 }, {})!;
      const dataset = readDatasetForRun(db, req.datasetId);
      const memory = planRun({ request: req, data: dataset.data, ...targetColumnsOf(dataset, req) });
      const stream = s.plan.job.stream!;
      expect(Array.from(stream.train)).toEqual(memory.split.train);
      expect(stream.windowRows).toBe(64);
      // The in-memory inputs scaled as the streamed ones: the recipe and scaling the streamed plan fitted on its 100 rows.
      const rows = openStreamedRows(stream);
      const feed = new StreamedFeed(rows, stream, s.plan.job.train.y, 1);
      const n = stream.train.length;
      const width = feed.inputWidth;
      const all = new Float32Array(n * width);
      const { streamedInputs } = await import('../../src-main/common/ml/streamed');
      const raw = rows.read(stream.train);
      streamedInputs({ axis: stream.axis, values: raw.values, rows: n }, raw.keys, stream.recipe, stream.scaling, all);
      const job = s.plan.job;
      const runtimeOf = (x: Float32Array, y: Int32Array | Float32Array) => createOwnRuntime({ layers: job.layers, input: job.input, task: job.task, batchSize: job.batchSize, seed: job.seed, optimizer: { kind: 'adam', learningRate: job.learningRate, clipNorm: job.clipNorm, warmupSteps: job.warmupSteps, decaySteps: job.decaySteps }, x, y, kernels: 'wasm-simd', threads: 1 });
      const streamedRuntime = await runtimeOf(feed.x, feed.y);
      const memoryRuntime = await runtimeOf(all, job.train.y);
      const order = feed.order(mulberry32(deriveSeed(job.seed, 'shuffle')));
      const losses: [number, number][] = [];
      for (let from = 0; from < n; from += job.batchSize) {
        const size = Math.min(job.batchSize, n - from);
        const fed = feed.batch(order, from, size);
        losses.push([streamedRuntime.step(fed.index, fed.at, size).loss, memoryRuntime.step(order, from, size).loss]);
      }
      expect(feed.windowsRead).toBe(Math.ceil(n / 64));
      expect(losses.map(([a]) => a)).toEqual(losses.map(([, b]) => b));
      expect(losses.length).toBe(Math.ceil(n / job.batchSize));
      // Not the in-memory order: the blocks were shuffled.
      expect(Array.from(order)).not.toEqual(Array.from(streamedOrder(n, n, 1, mulberry32(deriveSeed(job.seed, 'shuffle')))));
      await streamedRuntime.dispose();
      await memoryRuntime.dispose();
      rows.close();
      expect(s.plan.notes.at(-1)).toBe('Training spectra streamed from the project file: 590 training spectra read 64 at a time (blocks of 16 consecutive spectra in shuffled order, then shuffled within each window), the test spectra likewise; the recipe and the input scaling fitted on 100 evenly spaced training spectra of 590; batch-norm statistics from the last window.');
    } finally {
      db.close();
    }
  }, 400_000);

  it('trains in small windows through the trainer process and scores the streamed test spectra', async () => {
    const db = openProject(project);
    try {
      const req = requestByName(db, named(db));
      const o = await startTraining(db, req, { spawn, stream: { when: 'always', windowRows: 64, blockRows: 16 } }).outcome;
      expect(o.status).toBe('done');
      expect(o.epochs).toBe(2);
      const run = getRun(db, o.runId);
      expect(runTestPredictions(db, o.runId).map((p) => p.sampleId)).toEqual((run.split as { test: number[] }).test);
      expect(o.metrics!.test.accuracy).toBeGreaterThan(0.5);
    } finally {
      db.close();
    }
  }, 400_000);

  it('refuses what needs every training spectrum at once, by name', () => {
    const db = openProject(project);
    try {
      const pls = requestByName(db, { ...named(db), model: 'pls' });
      expect(() => planStreamed(db, pls, { when: 'always' }, {})).toThrow('Dataset "chondro" is trained on streamed from the project file (its training spectra are too many to hold in memory), and PLS needs them all at once. Train a network (cnn, resnet1d, cnn-dense, mlp), or PLS on a subset of the pixels.');
      const ae = requestByName(db, { ...named(db), target: '', model: 'ae', validation: { kind: 'holdout', fraction: 0.2 } });
      expect(() => planStreamed(db, ae, { when: 'always' }, {})).toThrow('and the autoencoder needs them all at once. Train the autoencoder on a subset of the pixels.');
      const channel = { ...requestByName(db, named(db)), targetChannel: 'Raman' };
      expect(() => planStreamed(db, channel, { when: 'always' }, {})).toThrow('A target channel needs every channel of every sample at once; it cannot be streamed from the project file.');
      expect(() => streamedRecipeChoice(db, { ...channel, recipe: null, autoRecipe: true as const }, { when: 'always' })).toThrow('A target channel needs every channel of every sample at once');
      // Refused before any recipe is chosen for it.
      expect(() => streamedRecipeChoice(db, { ...pls, recipe: null, autoRecipe: true as const }, { when: 'always' })).toThrow('and PLS needs them all at once.');
      const near = requestByName(db, { ...named(db), validation: { kind: 'blocked-holdout', fraction: 0.2, buffer: 1 }, neighbourhood: { radius: 1, mode: 'mean' } });
      expect(() => planStreamed(db, near, { when: 'always' }, {})).toThrow("and a pixel's neighbourhood needs them all at once. Train on the pixels alone, or on a cropped part of the map.");
      // Small enough to train in memory: 'auto' does not stream it.
      expect(planStreamed(db, requestByName(db, named(db)), {}, {})).toBeNull();
    } finally {
      db.close();
    }
  });

  it('chooses the auto recipe on the training split as in memory when every spectrum fits in the sample, and on an evenly spaced sample otherwise', () => {
    const db = openProject(project);
    try {
      const req = { ...requestByName(db, named(db)), recipe: null, autoRecipe: true as const };
      const dataset = readDatasetForRun(db, req.datasetId);
      const memory = chooseRecipe(trainingRowsOnly(recipeChoiceInput({ request: req, data: dataset.data, ...targetColumnsOf(dataset, req) })));
      const all = streamedRecipeChoice(db, req, { when: 'always' })!;
      expect(all.rows.length).toBe(695);
      expect(all.sampledFrom).toBeUndefined();
      const streamed = chooseRecipe(trainingRowsOnly(all));
      expect(streamed).toEqual(memory);
      expect(streamed.choice.winner).toBe(WINNER_ALL);
      const sample = streamedRecipeChoice(db, req, { when: 'always', fitRows: 200 })!;
      expect([sample.rows.length, sample.sampledFrom, sample.block.rows]).toEqual([200, 695, 200]);
      const sampled = chooseRecipe(trainingRowsOnly(sample)).choice;
      expect([sampled.winner, sampled.trainSamples, sampled.sampledFrom]).toEqual([WINNER_SAMPLE, 200, 695]);
      // Too small to stream by default: the choice is made in memory.
      expect(streamedRecipeChoice(db, req, {})).toBeNull();
    } finally {
      db.close();
    }
  }, 400_000);

  it('trains a streamed run with the auto recipe chosen in the trainer on 200 of the 695 training spectra, and says so', async () => {
    const db = openProject(project);
    try {
      const req = { ...requestByName(db, named(db)), recipe: null, autoRecipe: true as const };
      const o = await (await beginTraining(db, req, { spawn, stream: { when: 'always', fitRows: 200 } })).outcome;
      expect(o.message).toBeUndefined();
      expect(o.status).toBe('done');
      const run = getRun(db, o.runId);
      const choice = (run.config as { recipeChoice: RecipeChoice }).recipeChoice;
      expect([choice.winner, choice.trainSamples, choice.sampledFrom]).toEqual([WINNER_SAMPLE, 200, 695]);
      expect((run.config as { recipe: string }).recipe).toBe(WINNER_SAMPLE);
      expect(run.log).toContain('on stratified 5-fold cross-validation of the sample of 200 training spectra of 695 (evenly spaced)');
      // No augmented copies on a streamed run (they are for fewer than 200 training spectra, none held back), so no spectral changes to choose.
      expect((run.config as { augmentation: unknown }).augmentation).toBeNull();
    } finally {
      db.close();
    }
  }, 400_000);
});

describe('a cross-validation whose folds stream', () => {
  it('streams every fold from the project file and trains each exactly as the in-memory cross-validation does', async () => {
    const db = openProject(project);
    try {
      const req = { ...requestByName(db, named(db)), validation: parseScheme('kfold:3') };
      const memory = await startTraining(db, req, { spawn, stream: { when: 'never' } }).outcome;
      const streamed = await startTraining(db, req, { spawn, stream: { when: 'always' } }).outcome;
      expect(streamed.message).toBeUndefined();
      expect([memory.status, streamed.status]).toEqual(['done', 'done']);
      expect(getRun(db, streamed.runId).split).toEqual(getRun(db, memory.runId).split);
      expect(streamed.spread).toEqual(memory.spread);
      const [a, b] = [foldRuns(db, memory.runId), foldRuns(db, streamed.runId)];
      expect(b.map((r) => r.id)).toHaveLength(3);
      for (let k = 0; k < 3; k++) {
        expect(getRun(db, b[k]!.id).split).toEqual(getRun(db, a[k]!.id).split);
        for (const name of ['weights.f32', 'state.f32']) expect(runArtifact(db, b[k]!.id, name)!.equals(runArtifact(db, a[k]!.id, name)!)).toBe(true);
        expect(runTestPredictions(db, b[k]!.id)).toEqual(runTestPredictions(db, a[k]!.id));
        const train = (getRun(db, b[k]!.id).split as { train: number[] }).train.length;
        expect(getRun(db, b[k]!.id).log).toContain(`Training spectra streamed from the project file: ${train} training spectra read 4096 at a time`);
        expect(getRun(db, a[k]!.id).log).not.toContain('streamed from the project file');
      }
    } finally {
      db.close();
    }
  }, 400_000);

  it("chooses each fold's auto recipe on a sample of that fold's training spectra alone, and reports the fold", async () => {
    const db = openProject(project);
    try {
      const req = { ...requestByName(db, named(db)), recipe: null, autoRecipe: true as const, validation: parseScheme('kfold:2'), epochs: 1 };
      const reports: RecipeChoiceReport[] = [];
      const o = await startTraining(db, req, { spawn, stream: { when: 'always', fitRows: 200 }, onRecipeProgress: (r) => reports.push(r) }).outcome;
      expect(o.message).toBeUndefined();
      expect(o.status).toBe('done');
      const folds = foldRuns(db, o.runId);
      expect(folds).toHaveLength(2);
      const parent = getRun(db, o.runId).split as { folds: { train: number[] }[] };
      folds.forEach((f, k) => {
        const choice = (getRun(db, f.id).config as { recipeChoice: RecipeChoice }).recipeChoice;
        // The fold's training split (its early-stopping rows included), sampled to 200.
        expect([choice.trainSamples, choice.sampledFrom]).toEqual([200, parent.folds[k]!.train.length]);
      });
      expect([...new Set(reports.map((r) => r.fold?.index))].sort()).toEqual([0, 1]);
    } finally {
      db.close();
    }
  }, 400_000);

  it('refuses PLS on folds that stream before anything is stored, and keeps small folds in memory by default', async () => {
    const db = openProject(project);
    try {
      const before = listRuns(db).length;
      const pls = { ...requestByName(db, { ...named(db), model: 'pls' }), validation: parseScheme('kfold:3') };
      expect(() => startTraining(db, pls, { spawn, stream: { when: 'always' } })).toThrow('and PLS needs them all at once. Train a network (cnn, resnet1d, cnn-dense, mlp), or PLS on a subset of the pixels.');
      expect(listRuns(db)).toHaveLength(before);
      const o = await startTraining(db, { ...pls, validation: parseScheme('kfold:2') }, { spawn }).outcome;
      expect(o.status).toBe('done');
      for (const f of foldRuns(db, o.runId)) expect(getRun(db, f.id).log).not.toContain('streamed from the project file');
    } finally {
      db.close();
    }
  }, 400_000);
});
