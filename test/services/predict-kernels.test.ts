/**
 * Which kernels a prediction runs on: the build training chooses on this runtime (the relaxed
 * SIMD one where WebAssembly.validate accepts it, else SIMD128), which is also the kernel set the
 * run recorded; plain JS for a run trained on it. On Node 20 test/ml/kernels-relaxed.test.ts runs
 * this file again in a node with relaxed SIMD, where the relaxed build is the one reported.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../src-main/db/connection';
import { getRun, runArtifact } from '../../src-main/db/runs';
import { importFiles } from '../../src-main/services/import';
import { requestByName, startTraining } from '../../src-main/services/train';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { loadPredictor, predictionKernels, predictSpectra, runSpectra } from '../../src-main/services/predict';
import { fixture } from '../helpers/datasets';
import { expectedKernelSet } from '../helpers/kernel-set';

const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-predict-kernels-'));
const project = path.join(dir, 'coffee.spectra');
let runId = 0;

beforeAll(async () => {
  const db = openProject(project, { create: true });
  await importFiles(db, { files: [fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv')], dataset: 'Coffee', splitTag: 'train' });
  await importFiles(db, { files: [fixture('ucr_spectro/Coffee/Coffee_TEST.tsv')], dataset: 'Coffee', splitTag: 'test' });
  const cnn = await startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model: 'cnn', validation: { kind: 'given' }, seed: 3, epochs: 2 }), { spawn }).outcome;
  expect(cnn.status).toBe('done');
  runId = cnn.runId;
  db.close();
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the kernels a prediction runs on', () => {
  it(`are the build training chose on this runtime (${expectedKernelSet()}), and predict the stored test classes`, () => {
    const db = openProject(project);
    const run = getRun(db, runId);
    const p = loadPredictor(db, runId);
    expect(predictionKernels(p)).toBe(expectedKernelSet());
    expect((run.versions as { engine: { kernels: string } }).engine.kernels).toBe(expectedKernelSet());
    const t = runSpectra(db, run, (run.split as { test: number[] }).test);
    const L = t.axis.length;
    const predicted = predictSpectra(p, t.keys.map((key, i) => ({ key, axis: t.axis, values: t.rows.subarray(i * L, (i + 1) * L) })));
    const stored = JSON.parse(runArtifact(db, runId, 'test-predictions.json')!.toString()) as { key: string; predicted: string }[];
    expect(predicted.map((r) => [r.key, r.predicted])).toEqual(stored.map((s) => [s.key, s.predicted]));
    db.close();
  }, 60_000);

  it('are the SIMD128 build with SPECTRA_KERNELS_BUILD=simd128, and plain JS for a run trained on it', () => {
    const db = openProject(project);
    const p = loadPredictor(db, runId);
    db.close();
    const before = process.env.SPECTRA_KERNELS_BUILD;
    process.env.SPECTRA_KERNELS_BUILD = 'simd128';
    try {
      expect(predictionKernels(p)).toBe('spectra-desk wasm-simd');
    } finally {
      if (before === undefined) delete process.env.SPECTRA_KERNELS_BUILD;
      else process.env.SPECTRA_KERNELS_BUILD = before;
    }
    expect(predictionKernels({ ...p, kernels: 'js' })).toBe('spectra-desk js');
  });
});
