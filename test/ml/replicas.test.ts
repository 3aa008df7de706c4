/**
 * Data-parallel replicas (worker threads claiming chunks of the batch): the combined gradient is
 * the one-thread gradient, and it does not depend on which thread ran which chunk. Needs
 * out/ml/replica-worker.cjs and out/ml/kernels.wasm (`node scripts/build.mjs --node-only`).
 */
import { describe, expect, it } from 'vitest';
import type { LayerSpec } from '../../src-main/common/ml/model';
import { mulberry32 } from '../../src-main/common/ml/random';
import { chunkSize } from '../../src-main/ml/engine/replicas';
import { createOwnRuntime, type Runtime } from '../../src-main/ml/runtime';

const conv = (filters: number, kernelSize: number): LayerSpec => ({ type: 'conv1d', filters, kernelSize, strides: 1, dilation: 1, padding: 'same', useBias: true });
const CNN: LayerSpec[] = [conv(8, 7), { type: 'relu' }, { type: 'maxPool1d', poolSize: 2 }, conv(16, 5), { type: 'relu' }, { type: 'globalAvgPool1d' }];
const BATCH = 32;
const LENGTH = 60;

function data() {
  const rand = mulberry32(5);
  const n = BATCH * 2;
  return { x: new Float32Array(n * LENGTH).map(() => rand() * 2 - 1), y: new Int32Array(n).map((_, i) => (i * 7) % 3), index: new Int32Array(n).map((_, i) => n - 1 - i) };
}

async function runtime(layers: LayerSpec[], threads: number): Promise<Runtime> {
  const { x, y } = data();
  return createOwnRuntime({ layers, input: [LENGTH, 1], task: { kind: 'classification', classes: 3 }, batchSize: BATCH, seed: 3, optimizer: { learningRate: 1e-3 }, x, y, kernels: 'wasm-simd', threads });
}

function maxRelErr(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst / scale;
}

describe('data-parallel replicas', () => {
  it('chunks: four per replica of at least 4 spectra, one per replica with batch norm', () => {
    expect(chunkSize(32, 2, false)).toBe(4);
    expect(chunkSize(200, 2, false)).toBe(25);
    expect(chunkSize(10, 3, false)).toBe(4);
    expect(chunkSize(6, 4, false)).toBe(2);
    expect(chunkSize(32, 2, true)).toBe(16);
    expect(chunkSize(33, 2, true)).toBe(17);
  });

  it('two threads give the one-thread loss and gradient, a full and a short batch', async () => {
    const one = await runtime(CNN, 1);
    const two = await runtime(CNN, 2);
    const { index } = data();
    try {
      for (const [from, batch] of [[0, BATCH], [BATCH, 13]] as const) {
        const a = one.gradients(index, from, batch);
        const b = two.gradients(index, from, batch);
        expect(Math.abs(b.loss - a.loss) / a.loss).toBeLessThan(1e-6);
        expect(maxRelErr(b.grads, a.grads)).toBeLessThan(1e-5);
      }
    } finally {
      await one.dispose();
      await two.dispose();
    }
  });

  it('with dropout, two runs on two threads give the same weights after three steps (each chunk has its own stream)', async () => {
    const layers: LayerSpec[] = [...CNN, { type: 'dropout', rate: 0.3 }];
    const { index } = data();
    const weights: Float32Array[] = [];
    for (let run = 0; run < 2; run++) {
      const rt = await runtime(layers, 2);
      try {
        for (let s = 0; s < 3; s++) rt.step(index, (s % 2) * BATCH, BATCH);
        weights.push(rt.snapshot().weights);
      } finally {
        await rt.dispose();
      }
    }
    expect(Array.from(weights[1]!)).toEqual(Array.from(weights[0]!));
  });
});
