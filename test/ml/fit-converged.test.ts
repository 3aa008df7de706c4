/** Stopping on a converged training loss: only when asked, never before the minimum of steps, the rule stated. */
import { describe, expect, it } from 'vitest';
import { fit } from '../../src-main/ml/fit';
import type { Runtime } from '../../src-main/ml/runtime';
import { stepRuntime } from '../helpers/step-runtime';

/** A runtime whose every step in epoch e (from 1) reports loss(e). */
function scripted(batches: number, loss: (epoch: number) => number): Runtime {
  let steps = 0;
  return stepRuntime('scripted', () => ({ loss: loss(Math.floor(steps++ / batches) + 1), gradNorm: 1, applied: true }));
}

describe('fit: converged training loss', () => {
  // 40 spectra in batches of 4: 10 steps an epoch, so the 1000-step minimum is epoch 100.
  const train = { x: new Float32Array(40), y: Int32Array.from({ length: 40 }, (_, i) => i % 2), n: 40 };
  const task = { kind: 'classification' as const, classes: 2 };
  const options = { task, train, epochs: 300, batchSize: 4, seed: 1 };
  // 0.1 up to epoch 150, then 0.0005: the 20-epoch mean is below 0.001 from epoch 170, and no
  // longer falling once the 50 epochs before it are all on the plateau, at epoch 220.
  const drop = (e: number) => (e <= 150 ? 0.1 : 5e-4);

  it('stops at the first epoch where the mean of the last 20 is below 0.001 and 50 epochs brought less than 10 %', async () => {
    const r = await fit(scripted(10, drop), { ...options, stopWhenConverged: true });
    expect(r.stopped).toBe('converged');
    expect(r.epochs).toHaveLength(220);
    expect(r.message).toBe(
      'Training stopped at epoch 220 of 300: the training loss has converged. Its mean over the last 20 epochs (0.00050) is below 0.001 and fell by less than 10 % over the last 50 epochs ' +
        '(checked after at least 1000 optimiser steps, since the epochs were left at their default and no spectra are held back to stop early).',
    );
  });

  it('trains every epoch when not asked', async () => {
    const r = await fit(scripted(10, drop), options);
    expect(r.stopped).toBe('completed');
    expect(r.epochs).toHaveLength(300);
  });

  it('not before 1000 optimiser steps: a loss at zero from the start stops at epoch 334 with 3 steps an epoch', async () => {
    const small = { x: new Float32Array(10), y: Int32Array.of(0, 1, 0, 1, 0, 1, 0, 1, 0, 1), n: 10 };
    const r = await fit(scripted(3, () => 1e-5), { ...options, train: small, epochs: 2000, stopWhenConverged: true });
    expect(r.stopped).toBe('converged');
    expect(r.epochs).toHaveLength(334);
  });

  it('a loss still falling by more than 10 % in 50 epochs, or resting above 0.001, trains on to the last epoch', async () => {
    const falling = await fit(scripted(10, (e) => 1e-3 * 0.99 ** e), { ...options, stopWhenConverged: true });
    expect(falling.stopped).toBe('completed');
    expect(falling.epochs).toHaveLength(300);
    const resting = await fit(scripted(10, () => 2e-3), { ...options, stopWhenConverged: true });
    expect(resting.stopped).toBe('completed');
    expect(resting.epochs).toHaveLength(300);
  });
});
