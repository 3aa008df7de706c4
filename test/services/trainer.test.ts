/**
 * The trainer process end to end: a small model trained through out/ml/trainer.cjs on every
 * engine available here, a cancelled run, and a trainer that crashes mid-run.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainJob } from '../../src-main/common/ml/protocol';
import { forkTrainer, startTrainer } from '../../src-main/services/trainer-client';
import { mulberry32 } from '../../src-main/common/ml/random';

const trainer = path.resolve(__dirname, '../../out/ml/trainer.cjs');

/** Two classes told apart by the width of a peak (narrow or broad) placed anywhere, plus noise. */
function peaks(n: number, length: number, seed: number) {
  const rand = mulberry32(seed);
  const x = new Float32Array(n * length);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const centre = length * (0.2 + 0.6 * rand());
    const width = y[i] ? 8 : 1.5;
    for (let j = 0; j < length; j++) x[i * length + j] = Math.exp(-(((j - centre) / width) ** 2)) + 0.1 * (rand() - 0.5);
  }
  return { x, y, n };
}

function job(over: Partial<TrainJob> = {}): TrainJob {
  return {
    layers: [
      { type: 'conv1d', filters: 8, kernelSize: 5, strides: 1, dilation: 1, padding: 'same', useBias: true },
      { type: 'relu' },
      { type: 'maxPool1d', poolSize: 2 },
      { type: 'conv1d', filters: 8, kernelSize: 3, strides: 1, dilation: 1, padding: 'same', useBias: true },
      { type: 'relu' },
      { type: 'globalAvgPool1d' },
    ],
    input: [64, 1],
    task: { kind: 'classification', classes: 2 },
    train: peaks(96, 64, 1),
    validation: peaks(40, 64, 2),
    epochs: 25,
    batchSize: 16,
    learningRate: 0.01,
    seed: 1,
    engine: 'auto',
    ...over,
  };
}

describe('trainer process', () => {
  it.each([['wasm'], ['js']] as const)('trains a small CNN end to end on the %s engine', async (engine) => {
    const epochs: number[] = [];
    const h = startTrainer(forkTrainer(trainer), job({ engine, threads: 2 }), (e) => e.type === 'epoch' && epochs.push(e.report.epoch));
    const o = await h.outcome;
    expect(o.kind).toBe('done');
    if (o.kind !== 'done') return;
    expect(o.engine?.id).toBe(engine);
    expect(o.engine?.label).toContain(engine === 'wasm' ? 'WebAssembly SIMD · 2 threads' : 'plain JavaScript');
    expect(o.done.stopped).toBe('completed');
    expect(epochs).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    // The validation peaks sit where the training peaks did: the model must have learned them.
    const out = o.done.validationOutputs!;
    let correct = 0;
    for (let i = 0; i < 40; i++) if ((out[i * 2 + 1]! > out[i * 2]! ? 1 : 0) === i % 2) correct++;
    expect(correct).toBe(40);
    expect(o.done.weights.length).toBe(o.done.paramNames.reduce((a, p) => a + p.size, 0));
  }, 60_000);

  it('auto picks the WebAssembly engine here and says why the native ones were not used', async () => {
    const h = startTrainer(forkTrainer(trainer), job({ epochs: 1 }));
    const o = await h.outcome;
    expect(o.engine?.id).toBe('wasm');
    expect(o.engine?.fallbacks).toEqual([
      '@tensorflow/tfjs-node-gpu is not installed (its install needs internet to download libtensorflow)',
      '@tensorflow/tfjs-node is not installed (its install needs internet to download libtensorflow)',
    ]);
  }, 30_000);

  it('cancel stops a run within a second and keeps the weights so far', async () => {
    let sawEpoch!: () => void;
    const firstEpoch = new Promise<void>((r) => (sawEpoch = r));
    const h = startTrainer(forkTrainer(trainer), job({ epochs: 100000, threads: 1 }), (e) => e.type === 'epoch' && sawEpoch());
    await firstEpoch;
    const t0 = performance.now();
    h.cancel();
    const o = await h.outcome;
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(1000);
    expect(o.kind).toBe('done');
    if (o.kind === 'done') expect(o.done.stopped).toBe('cancelled');
  }, 30_000);

  it('a trainer that crashes is reported as failed with its log, and the caller keeps running', async () => {
    const h = startTrainer(forkTrainer(trainer), job({ crashAtEpoch: 2 }));
    const o = await h.outcome;
    expect(o.kind).toBe('failed');
    if (o.kind === 'failed') expect(o.message).toBe('The trainer process stopped unexpectedly (exit code 70). The run is marked failed; the app keeps running.');
    // This process still trains afterwards.
    const again = await startTrainer(forkTrainer(trainer), job({ epochs: 1 })).outcome;
    expect(again.kind).toBe('done');
  }, 30_000);
});
