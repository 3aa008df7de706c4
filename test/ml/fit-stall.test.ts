/** The not-learning check: a classifier whose training loss stays at the chance level stops with a message. */
import { describe, expect, it } from 'vitest';
import { fit } from '../../src-main/ml/fit';
import type { Runtime } from '../../src-main/ml/runtime';
import { stepRuntime } from '../helpers/step-runtime';

/** A runtime whose every step reports the same loss. */
function flat(loss: number): Runtime {
  return stepRuntime('flat', () => ({ loss, gradNorm: 1, applied: true }));
}

describe('fit: not learning', () => {
  // 8 of class 0, 2 of class 1: a constant answer of (0.8, 0.2) scores 0.500 (its entropy).
  const train = { x: new Float32Array(10), y: Int32Array.of(0, 0, 0, 0, 0, 0, 0, 0, 1, 1), n: 10 };
  const task = { kind: 'classification' as const, classes: 2 };

  it('stops after 300 steps (here 100 epochs of 3 batches) at or above the chance level, naming the learning rate', async () => {
    const r = await fit(flat(0.6), { task, train, epochs: 150, batchSize: 4, seed: 1, learningRate: 10 });
    expect(r.stopped).toBe('diverged');
    expect(r.epochs).toHaveLength(100);
    expect(r.message).toBe(
      'Training stopped at epoch 100: the network is not learning. Its training loss (0.600 over the last 10 epochs) is no better than answering the class frequencies for every spectrum (0.500). ' +
        'The best weights so far are kept. Try, in this order: a smaller learning rate (now 10; try 1); a recipe that scales the spectra (SNV, or autoscale); checking that the labels belong to the spectra.',
    );
    const slow = await fit(flat(0.6), { task, train, epochs: 150, batchSize: 4, seed: 1, learningRate: 1e-5 });
    expect(slow.message).toContain('Try, in this order: a larger learning rate (now 0.00001; try 0.0001);');
  });

  it('a loss below the chance level trains on; balanced class weights raise the chance level to ln 2', async () => {
    expect((await fit(flat(0.45), { task, train, epochs: 150, batchSize: 4, seed: 1 })).stopped).toBe('completed');
    expect((await fit(flat(0.6), { task, train, epochs: 150, batchSize: 4, seed: 1, classWeights: [0.625, 2.5] })).stopped).toBe('completed');
    expect((await fit(flat(0.7), { task, train, epochs: 150, batchSize: 4, seed: 1, classWeights: [0.625, 2.5] })).stopped).toBe('diverged');
  });

  it('regression is not checked', async () => {
    const r = await fit(flat(5), { task: { kind: 'regression', loss: 'mse' }, train: { ...train, y: new Float32Array(10) }, epochs: 120, batchSize: 4, seed: 1 });
    expect(r.stopped).toBe('completed');
  });
});
