/**
 * Training a model on a real dataset (UCR Coffee, given train/test split) through the trainer
 * process: PLS-DA and a CNN, runs stored in the project file, reproducibility, divergence.
 */
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../src-main/db/connection';
import { requestByName, startTraining, type TrainOutcome } from '../../src-main/services/train';
import type { RunEvent } from '../../src-main/common/runs/events';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { getRun, runArtifact, runEpochs } from '../../src-main/db/runs';
import { importUcr } from '../helpers/projects';
import { planRun } from '../../src-main/common/runs/plan';
import { spectralChoiceNote } from '../../src-main/common/runs/augment-choice';
import { readDatasetForRun, targetColumnsOf } from '../../src-main/services/run-data';

const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
let project = '';

let dir = '';

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-train-'));
  project = path.join(dir, 'coffee.spectra');
  const db = openProject(project, { create: true });
  await importUcr(db, 'Coffee');
  db.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Trains on a connection closed at the end, so that what follows reads the run as a reopened project does. */
async function trainAndClose(request: Parameters<typeof requestByName>[1]): Promise<TrainOutcome> {
  const db = openProject(project);
  try {
    return await startTraining(db, requestByName(db, request), { spawn }).outcome;
  } finally {
    db.close();
  }
}

describe('training service', () => {
  it('PLS-DA on Coffee: components by repeated cross-validation, metrics and the model stored with the run', async () => {
    const db = openProject(project);
    const h = startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model: 'pls', validation: { kind: 'given' }, seed: 1 }), { spawn });
    const o = await h.outcome;
    expect(o).toMatchObject({ status: 'done', model: 'pls', task: 'classification', classes: ['0', '1'], components: 5 });
    expect(o.metrics!.test.accuracy).toBe(1);
    const run = getRun(db, o.runId);
    expect(run.status).toBe('done');
    expect(run.split).toMatchObject({ monitor: [] });
    expect((run.split as { train: number[] }).train).toHaveLength(28);
    expect((run.split as { test: number[] }).test).toHaveLength(28);
    expect(JSON.parse(runArtifact(db, o.runId, 'pls-model.json')!.toString()).components).toBe(5);
    db.close();
  }, 60_000);

  it('a CNN run stores config, per-epoch metrics and weights; the same seed gives the same result', async () => {
    const db = openProject(project);
    const events: RunEvent['type'][] = [];
    const req = requestByName(db, { dataset: 'Coffee', target: 'class', model: 'cnn', validation: { kind: 'given' }, seed: 7, epochs: 40 });
    const a = await startTraining(db, req, { spawn, onEvent: (e) => events.push(e.type) }).outcome;
    const b = await startTraining(db, req, { spawn }).outcome;
    expect(a.status).toBe('done');
    expect(a.backend).toBe('wasm');
    expect(events.slice(0, 2)).toEqual(['started', 'engine']);
    expect(events.filter((e) => e === 'epoch')).toHaveLength(40);
    expect(runEpochs(db, a.runId).map((e) => e.epoch)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const run = getRun(db, a.runId);
    expect(run.backend).toBe('wasm');
    expect(run.config).toMatchObject({ model: 'cnn', epochs: 40, batchSize: 16, input: [286, 1], params: 34850, earlyStopping: 'off (fewer than 200 training samples): fixed epochs', augmentation: { copies: 16, noise: expect.closeTo(0.0151334, 6), classSpread: expect.closeTo(0.0302669, 6) } });
    // The copies' spectral changes were chosen in the trainer, as the plan would have chosen them here.
    const dataset = readDatasetForRun(db, req.datasetId);
    const here = planRun({ request: req, data: dataset.data, ...targetColumnsOf(dataset, req) }).config;
    expect(run.config).toMatchObject({ augmentation: here.augmentation!, augmentationChoice: here.augmentationChoice! });
    expect(run.log).toContain(spectralChoiceNote(here.augmentationChoice!));
    expect(b.metrics).toEqual(a.metrics);
    expect(runArtifact(db, b.runId, 'weights.f32')!.equals(runArtifact(db, a.runId, 'weights.f32')!)).toBe(true);
    expect(runArtifact(db, a.runId, 'weights.f32')!.byteLength).toBe((34850 - 2 * (16 + 32 + 64 + 128)) * 4);
    db.close();
  }, 120_000);

  it('a run forced to diverge stops with a message that says why; the project reopens with the run failed and its curve kept', async () => {
    const o = await trainAndClose({ dataset: 'Coffee', target: 'class', model: 'mlp', validation: { kind: 'given' }, seed: 1, epochs: 50, learningRate: 10 });
    expect(o.status).toBe('failed');
    expect(o.message).toMatch(/^Training stopped at epoch \d+, batch \d+: the loss exploded to .*\. The weights from the last good step are kept\. Try, in this order: a smaller learning rate \(now 10; try 1\)/);
    const db = openProject(project);
    const run = getRun(db, o.runId);
    expect(run.status).toBe('failed');
    expect(run.log).toContain('the loss exploded');
    expect(runEpochs(db, o.runId).length).toBe(o.epochs);
    db.close();
  }, 60_000);

  it('a CNN that does not learn (learning rate 10: chance level, no explosion) stops with a message naming the rate', async () => {
    const o = await trainAndClose({ dataset: 'Coffee', target: 'class', model: 'cnn', validation: { kind: 'given' }, seed: 1, epochs: 400, learningRate: 10 });
    expect(o.status).toBe('failed');
    expect(o.epochs).toBe(150);
    expect(o.message).toMatch(
      /^Training stopped at epoch 150: the network is not learning\. Its training loss \(\d\.\d{3} over the last 10 epochs\) is no better than answering the class frequencies for every spectrum \(0\.69\d\)\. The best weights so far are kept\. Try, in this order: a smaller learning rate \(now 10; try 1\)/,
    );
    const db = openProject(project);
    expect(getRun(db, o.runId).status).toBe('failed');
    expect(runEpochs(db, o.runId)).toHaveLength(150);
    db.close();
  }, 60_000);

  it('bad requests are refused before anything is stored', async () => {
    const db = openProject(project);
    const before = (db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n;
    expect(() => startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'nope', model: 'cnn', validation: { kind: 'given' } }), { spawn })).toThrow('Dataset "Coffee" has no column "nope". Columns: class.');
    expect(() => startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model: 'custom', layers: [{ type: 'dense', units: 4, useBias: true }], validation: { kind: 'given' } }), { spawn })).toThrow(
      'Layer 1 (dense) cannot take input [286, 1]: a dense layer needs a vector. Add a flatten or global average pooling layer before it.',
    );
    expect((db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n).toBe(before);
    db.close();
  });
});
