/**
 * A small set whose epochs are left at their default stops once its training loss has converged,
 * through the trainer process, with the rule in the run's message, log, config and metrics;
 * explicit epochs train to the end.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject } from '../../src-main/db/connection';
import { getRun, runEpochs } from '../../src-main/db/runs';
import { importFiles } from '../../src-main/services/import';
import { requestByName, startTraining } from '../../src-main/services/train';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { mulberry32 } from '../../src-main/common/ml/random';
import { tmpDir, writeFile } from '../helpers/tmp';

const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));

/** A UCR-style table (class, then 32 values) of two classes with a peak at point 8 or 24, plus noise. */
function peaks(rows: number, seed: number): string {
  const rand = mulberry32(seed);
  return Array.from({ length: rows }, (_, i) => {
    const centre = i % 2 ? 24 : 8;
    const values = Array.from({ length: 32 }, (_, j) => (Math.exp(-(((j - centre) / 3) ** 2)) + 0.05 * (rand() - 0.5)).toFixed(4));
    return [i % 2, ...values].join('\t');
  }).join('\n');
}

describe('training a small set with default epochs', () => {
  it('stops converged once past the 1000-step minimum (500 epochs of 2 batches, of 2000): at epoch 548 with these kernels, saying so; explicit epochs train them all', async () => {
    const dir = tmpDir();
    const db = openProject(path.join(dir, 'p.spectra'), { create: true });
    await importFiles(db, { files: [writeFile(dir, 'peaks_TRAIN.tsv', peaks(24, 1))], dataset: 'peaks', splitTag: 'train' });
    await importFiles(db, { files: [writeFile(dir, 'peaks_TEST.tsv', peaks(12, 2))], dataset: 'peaks', splitTag: 'test' });
    const request = { dataset: 'peaks', target: 'class', model: 'mlp' as const, validation: { kind: 'given' as const }, seed: 1 };

    const o = await startTraining(db, requestByName(db, request), { spawn }).outcome;
    const last20 = runEpochs(db, o.runId).slice(-20);
    const mean = last20.reduce((s, e) => s + e.trainLoss, 0) / 20;
    expect(mean).toBeLessThan(1e-3);
    const message =
      `Training stopped at epoch 548 of 2000: the training loss has converged. Its mean over the last 20 epochs (${mean.toPrecision(2)}) is below 0.001 and fell by less than 10 % over the last 50 epochs ` +
      '(checked after at least 1000 optimiser steps, since the epochs were left at their default and no spectra are held back to stop early).';
    expect(o).toMatchObject({ status: 'done', epochs: 548, message, metrics: { test: { accuracy: 1 } } });
    const run = getRun(db, o.runId);
    expect(run.config).toMatchObject({ epochs: 2000, batchSize: 16, earlyStopping: 'on the training loss (fewer than 200 training samples, none held back): stops once it has converged, at most 2000 epochs' });
    expect(run.metrics).toMatchObject({ stopped: 'converged', trainedEpochs: 548, message });
    expect(run.log).toContain(`Stopped: converged`);
    expect(run.log).toContain(message);
    expect(runEpochs(db, o.runId)).toHaveLength(548);

    const fixed = await startTraining(db, requestByName(db, { ...request, epochs: 520 }), { spawn }).outcome;
    expect(fixed).toMatchObject({ status: 'done', epochs: 520 });
    expect(getRun(db, fixed.runId).metrics).toMatchObject({ stopped: 'completed', trainedEpochs: 520 });
    expect(getRun(db, fixed.runId).config).toMatchObject({ earlyStopping: 'off (fewer than 200 training samples): fixed epochs' });
    db.close();
  }, 120_000);
});
