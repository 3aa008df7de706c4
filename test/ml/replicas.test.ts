/**
 * Data-parallel replicas (worker threads claiming chunks of the batch): the combined gradient is
 * the one-thread gradient, and it does not depend on which thread ran which chunk. Needs
 * out/ml/replica-worker.cjs and out/ml/kernels.wasm (`node scripts/build.mjs --node-only`).
 */
import path from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import type { LayerSpec } from '../../src-main/common/ml/model';
import { mulberry32 } from '../../src-main/common/ml/random';
import { templateLayers } from '../../src-main/common/ml/templates';
import { findBuilt } from '../../src-main/ml/built-files';
import { createKernelsOf } from '../../src-main/ml/engine/kernels-factory';
import { Net } from '../../src-main/ml/engine/net';
import { Optimizer } from '../../src-main/ml/engine/optimizer';
import { chunkSize, LocalReplica, stepChunks, WorkerReplicas, type Replicas } from '../../src-main/ml/engine/replicas';
import { chooseWasmBuild } from '../../src-main/ml/kernels/index';
import { createOwnRuntime, type Runtime } from '../../src-main/ml/runtime';
import { NODE_BUNDLE } from '../main/helpers/bundle';
import { tmpDir } from '../helpers/tmp';

const conv = (filters: number, kernelSize: number): LayerSpec => ({ type: 'conv1d', filters, kernelSize, strides: 1, dilation: 1, padding: 'same', useBias: true });
const CNN: LayerSpec[] = [conv(8, 7), { type: 'relu' }, { type: 'maxPool1d', poolSize: 2 }, conv(16, 5), { type: 'relu' }, { type: 'globalAvgPool1d' }];
const BATCH = 32;
const LENGTH = 60;

function data() {
  const rand = mulberry32(5);
  const n = BATCH * 2;
  return { x: new Float32Array(n * LENGTH).map(() => rand() * 2 - 1), y: new Int32Array(n).map((_, i) => (i * 7) % 3), index: new Int32Array(n).map((_, i) => n - 1 - i) };
}

/** ResNet-1D as the app builds it for 60 points: batch norm in the stem, twice in each block and in the strided shortcut (8 layers). */
const RESNET = templateLayers('resnet1d', LENGTH);

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

  it('with batch norm, a step is cut evenly over the replicas, one chunk each', () => {
    expect(stepChunks(32, 16, 2, true)).toEqual({ size: 16, count: 2 });
    expect(stepChunks(13, 16, 2, true)).toEqual({ size: 7, count: 2 });
    expect(stepChunks(10, 4, 4, true)).toEqual({ size: 3, count: 4 });
    expect(stepChunks(3, 4, 4, true)).toEqual({ size: 1, count: 3 });
    expect(stepChunks(5, 2, 4, true)).toEqual({ size: 2, count: 3 });
    expect(stepChunks(13, 4, 2, false)).toEqual({ size: 4, count: 4 });
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

  it('with batch norm over the whole batch, two threads give the one-thread loss and gradient of ResNet-1D, a full and a short batch', async () => {
    const one = await runtime(RESNET, 1);
    const two = await runtime(RESNET, 2);
    const { index } = data();
    try {
      for (const [from, batch] of [[0, BATCH], [BATCH, 13]] as const) {
        const a = one.gradients(index, from, batch);
        const b = two.gradients(index, from, batch);
        expect(Math.abs(b.loss - a.loss) / a.loss).toBeLessThan(1e-5);
        expect(maxRelErr(b.grads, a.grads)).toBeLessThan(1e-5);
      }
    } finally {
      await one.dispose();
      await two.dispose();
    }
  });

  /** A master network of RESNET with its optimiser and replicas: one in this thread, or `threads` workers running `workerFile`. */
  async function replicated(threads: number, workerFile = findBuilt('ml/replica-worker.cjs')!) {
    const { x, y } = data();
    const wasmPath = chooseWasmBuild()!.file;
    const k = createKernelsOf('wasm-simd', wasmPath);
    const master = new Net(k, { layers: RESNET, input: [LENGTH, 1], task: { kind: 'classification', classes: 3 }, maxBatch: BATCH, seed: 3 });
    // SGD, not Adam: Adam steps by the sign of a near-zero gradient (a conv bias before batch norm), which rounding decides.
    const optimizer = new Optimizer(k, master.weights, master.grads, master.paramCount, { kind: 'sgd', learningRate: 0.05, momentum: 0.9 });
    const classWeights = new Float32Array([1, 2, 0.5]);
    master.setClassWeights(classWeights);
    const replicas: Replicas = threads > 1 ? await WorkerReplicas.start(master, threads, workerFile, { kernels: 'wasm-simd', wasmPath, x, y, seed: 3, maxBatch: BATCH, classWeights }) : new LocalReplica(master, x, y);
    return { master, optimizer, replicas };
  }

  it('with batch norm over the whole batch, the running mean and variance after four steps (weights moving) are the one-thread ones, on two and three threads', async () => {
    const { index } = data();
    const steps = [[0, BATCH], [BATCH, 13], [BATCH + 13, 19], [0, BATCH]] as const;
    const run = async (threads: number) => {
      const r = await replicated(threads);
      try {
        const losses: number[] = [];
        for (const [from, batch] of steps) {
          losses.push(r.replicas.step(index, from, batch).loss);
          r.optimizer.apply();
          r.replicas.publishWeights();
        }
        r.replicas.syncState();
        return { losses, state: r.master.getState(), blocks: r.master.stateInfo, weights: r.master.getWeights() };
      } finally {
        await r.replicas.dispose();
      }
    };
    const one = await run(1);
    for (const threads of [2, 3]) {
      const many = await run(threads);
      many.losses.forEach((l, i) => expect(Math.abs(l - one.losses[i]!) / one.losses[i]!).toBeLessThan(1e-5));
      expect(maxRelErr(many.weights, one.weights)).toBeLessThan(1e-5);
      // Each layer's moving mean and moving variance, on its own scale.
      expect(one.blocks.length).toBe(16);
      for (const b of one.blocks) {
        const [m, o] = [many.state.subarray(b.offset, b.offset + b.size), one.state.subarray(b.offset, b.offset + b.size)];
        expect(o.some((v) => v !== (b.name.endsWith('moving_mean') ? 0 : 1))).toBe(true);
        expect(maxRelErr(m, o), b.name).toBeLessThan(1e-5);
      }
    }
  });

  it('a replica failing in a batch-norm step ends the step with its error instead of leaving the others waiting at the exchange', async () => {
    const workerFile = path.join(tmpDir('sd-replicas-'), 'failing-replica-worker.cjs');
    await build({ ...NODE_BUNDLE, entryPoints: [path.join(__dirname, 'helpers', 'failing-replica-worker.ts')], outfile: workerFile });
    const r = await replicated(2, workerFile);
    const { index } = data();
    try {
      expect(Number.isFinite(r.replicas.step(index, 0, BATCH).loss)).toBe(true);
      expect(() => r.replicas.step(index, BATCH, BATCH)).toThrow('Training thread 2 failed: out of memory in the second backward pass');
      expect(() => r.replicas.step(index, 0, BATCH)).toThrow('Training thread 2 failed: out of memory in the second backward pass');
    } finally {
      await r.replicas.dispose();
    }
  });
});
