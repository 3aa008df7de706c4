/**
 * Our engine's networks against TensorFlow.js's autodiff (tfjs-core on its plain-JS CPU backend,
 * the reference): the same weights and batch must give the same loss and the same gradient for
 * every layer kind, stride, padding and dilation the models use — on the naive reference kernels,
 * the plain-JS kernels and the WebAssembly SIMD kernels (SIMD128, and the relaxed SIMD build where
 * this node has relaxed SIMD; kernels-relaxed.test.ts runs those on Node 20).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { LayerSpec } from '../../src-main/common/ml/model';
import { autoencoderLayers } from '../../src-main/common/ml/templates';
import { createOwnRuntime, type Runtime } from '../../src-main/ml/runtime';
import { createTfjsRuntime } from '../../src-main/ml/tfjs-runtime';
import { fit } from '../../src-main/ml/fit';
import type { Task } from '../../src-main/ml/engine/net';
import { mulberry32 } from '../../src-main/common/ml/random';
import { createNaiveKernels } from './naive-kernels';
import { createJsKernels } from '../../src-main/ml/kernels/js';
import { createKernelsOf } from '../../src-main/ml/engine/kernels-factory';
import { findBuilt } from '../../src-main/ml/built-files';
import type { Kernels } from '../../src-main/ml/kernels/types';
import { wasmRelaxedSimdSupported } from '../../src-main/ml/kernels/features';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

interface Case {
  name: string;
  layers: LayerSpec[];
  input: [number, number];
  task: Task;
  batch: number;
}

const conv = (filters: number, kernelSize: number, extra: Partial<Extract<LayerSpec, { type: 'conv1d' }>> = {}): LayerSpec => ({ type: 'conv1d', filters, kernelSize, strides: 1, dilation: 1, padding: 'same', useBias: true, ...extra });
const bn: LayerSpec = { type: 'batchNorm', momentum: 0.9, epsilon: 1e-3 };

export const CASES: Case[] = [
  {
    name: 'reference CNN shape (conv same, max pool, global average pool)',
    layers: [conv(4, 7), { type: 'relu' }, { type: 'maxPool1d', poolSize: 2 }, conv(6, 5), { type: 'relu' }, { type: 'maxPool1d', poolSize: 2 }, conv(8, 3), { type: 'relu' }, { type: 'globalAvgPool1d' }],
    input: [40, 1],
    task: { kind: 'classification', classes: 3 },
    batch: 5,
  },
  {
    name: 'strided and dilated convs, even kernel, valid padding, batch norm, overlapping pools',
    layers: [conv(5, 4, { strides: 2 }), bn, { type: 'relu' }, conv(4, 3, { dilation: 2, padding: 'valid' }), { type: 'maxPool1d', poolSize: 3, strides: 2 }, conv(6, 5, { strides: 3, padding: 'valid' }), { type: 'avgPool1d', poolSize: 2, strides: 1 }, { type: 'flatten' }, { type: 'dense', units: 7, useBias: true }, { type: 'relu' }],
    input: [61, 2],
    task: { kind: 'classification', classes: 4 },
    batch: 6,
  },
  {
    name: 'residual blocks (identity and strided projection shortcut), regression',
    layers: [conv(4, 3), bn, { type: 'relu' }, { type: 'residual', layers: [conv(4, 3), bn, { type: 'relu' }, conv(4, 3), bn] }, { type: 'relu' }, { type: 'residual', layers: [conv(8, 5, { strides: 2 }), bn, { type: 'relu' }, conv(8, 3), bn] }, { type: 'relu' }, { type: 'globalAvgPool1d' }, { type: 'dense', units: 5, useBias: false }, bn, { type: 'relu' }],
    input: [33, 1],
    task: { kind: 'regression', loss: 'mse' },
    batch: 4,
  },
  {
    name: 'literature layout (strided conv, pool, dropout 0, flatten, dense), Huber',
    layers: [conv(3, 9, { strides: 2, padding: 'valid' }), { type: 'relu' }, { type: 'maxPool1d', poolSize: 2 }, { type: 'dropout', rate: 0 }, { type: 'flatten' }, { type: 'dense', units: 6, useBias: true }, { type: 'relu' }],
    input: [50, 3],
    task: { kind: 'regression', loss: 'huber', huberDelta: 0.5 },
    batch: 7,
  },
  {
    name: 'published Raman layouts: explicit conv padding, leaky ReLU, same max and average pooling, He and Glorot normal kernels',
    layers: [
      conv(6, 5, { strides: 2, padding: 2 }),
      { type: 'leakyRelu', alpha: 0.3 },
      { type: 'maxPool1d', poolSize: 2, strides: 2, padding: 'same' },
      conv(4, 5, { strides: 2, padding: 2, kernelInitializer: 'heNormal' }),
      bn,
      { type: 'leakyRelu', alpha: 0.01 },
      { type: 'avgPool1d', poolSize: 3, strides: 2, padding: 'same' },
      { type: 'flatten' },
      { type: 'dense', units: 5, useBias: true, kernelInitializer: 'glorotNormal' },
      bn,
      { type: 'leakyRelu', alpha: 0.3 },
    ],
    input: [45, 2],
    task: { kind: 'classification', classes: 3 },
    batch: 6,
  },
  {
    name: 'ELU, tanh and sigmoid; same pooling with padding on both sides; He uniform; regression',
    layers: [
      conv(4, 3, { kernelInitializer: 'heUniform' }),
      { type: 'elu' },
      { type: 'avgPool1d', poolSize: 3, strides: 1, padding: 'same' },
      conv(3, 4, { padding: 1 }),
      { type: 'tanh' },
      { type: 'maxPool1d', poolSize: 3, strides: 2, padding: 'same' },
      { type: 'globalAvgPool1d' },
      { type: 'dense', units: 4, useBias: true },
      { type: 'sigmoid' },
    ],
    input: [31, 1],
    task: { kind: 'regression', loss: 'mse' },
    batch: 5,
  },
  {
    name: 'several targets: one output each, MSE over every target of every row',
    layers: [conv(3, 5, { strides: 2 }), { type: 'relu' }, { type: 'flatten' }, { type: 'dense', units: 6, useBias: true }, { type: 'relu' }],
    input: [24, 2],
    task: { kind: 'regression', loss: 'mse', outputs: 3 },
    batch: 5,
  },
  {
    name: 'the autoencoder template on 2 channels (strided convs, latent dense, reshape, upsampling, crop), reconstruction loss',
    layers: autoencoderLayers(37, 2, 3),
    input: [37, 2],
    task: { kind: 'reconstruction' },
    batch: 4,
  },
  {
    name: 'upsampling by 3 and an uneven crop after a reshape, then pooling, reconstruction loss',
    layers: [conv(2, 3, { strides: 2 }), { type: 'flatten' }, { type: 'dense', units: 27, useBias: true }, { type: 'tanh' }, { type: 'reshape', targetShape: [9, 3] }, { type: 'upsample1d', size: 3 }, { type: 'crop1d', cropping: [1, 4] }, conv(3, 3), { type: 'avgPool1d', poolSize: 1 }, conv(1, 1)],
    input: [22, 1],
    task: { kind: 'reconstruction' },
    batch: 3,
  },
  {
    name: 'two branches on channels of 23 and 17 points (conv, batch norm, pooling; one ends as a sequence), concatenated, then dense',
    layers: [
      { type: 'branches', branches: [
        { name: 'a', points: 23, layers: [conv(3, 5), bn, { type: 'relu' }, { type: 'maxPool1d', poolSize: 2 }, conv(4, 3), { type: 'relu' }, { type: 'globalAvgPool1d' }] },
        { name: 'b', points: 17, layers: [conv(2, 3, { strides: 2 }), { type: 'leakyRelu', alpha: 0.2 }, { type: 'avgPool1d', poolSize: 2 }] },
      ] },
      { type: 'dense', units: 6, useBias: true },
      { type: 'relu' },
    ],
    input: [40, 1],
    task: { kind: 'regression', loss: 'mse' },
    batch: 4,
  },
];

export function dataFor(c: Case, seed = 3) {
  const rand = mulberry32(seed);
  const n = c.batch * 2;
  const size = c.input[0] * c.input[1];
  const x = new Float32Array(n * size).map(() => rand() * 2 - 1);
  const y = c.task.kind === 'classification' ? new Int32Array(n).map((_, i) => i % (c.task as { classes: number }).classes) : new Float32Array(n * (c.task.kind === 'regression' ? (c.task.outputs ?? 1) : 1)).map(() => rand() * 3 - 1.5);
  const index = new Int32Array(n).map((_, i) => n - 1 - i);
  return { x, y, n, index };
}

function relErr(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < a.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst / (scale || 1);
}

const KERNELS: [string, () => Kernels | null][] = [
  ['naive reference kernels', () => createNaiveKernels()],
  ['plain-JS kernels', () => createJsKernels()],
  ['WebAssembly SIMD kernels', () => (findBuilt('ml/kernels.wasm') ? createKernelsOf('wasm-simd', findBuilt('ml/kernels.wasm')) : null)],
  ...(wasmRelaxedSimdSupported() ? [['WebAssembly relaxed SIMD kernels', () => (findBuilt('ml/kernels-relaxed.wasm') ? createKernelsOf('wasm-simd', findBuilt('ml/kernels-relaxed.wasm')) : null)] as [string, () => Kernels | null]] : []),
];

describe.each(KERNELS)('engine on %s matches tfjs autodiff', (_label, make) => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const kernels = make();
    expect(kernels, 'out/ml/kernels.wasm must be built (npm test builds it)').not.toBeNull();
    const { x, y, n, index } = dataFor(c);
    const classWeights = c.task.kind === 'classification' ? new Float32Array(c.task.classes).map((_, i) => 1 + i * 0.5) : undefined;
    const common = { layers: c.layers, input: c.input, task: c.task, batchSize: c.batch, seed: 11, optimizer: { learningRate: 1e-2, epsilon: 1e-2 }, x, y, classWeights };
    const ours: Runtime = await createOwnRuntime({ ...common, kernels: 'js', threads: 1, kernelsOverride: kernels! });
    const ref = createTfjsRuntime(tf, common);
    try {
      const initial = ours.snapshot();
      for (const from of [0, c.batch]) {
        const a = ours.gradients(index, from, c.batch);
        const b = ref.gradients(index, from, c.batch);
        expect(Math.abs(a.loss - b.loss) / Math.max(Math.abs(b.loss), 1e-3)).toBeLessThan(1e-5);
        expect(a.grads.length).toBe(b.grads.length);
        expect(relErr(a.grads, b.grads)).toBeLessThan(1e-4);
      }
      // Inference (batch norm folded into scale/shift) after a few identical training steps. A large
      // Adam epsilon keeps gradients that are zero up to rounding (biases ahead of a batch norm)
      // from taking full ±lr steps in directions rounding decides.
      ours.restore(initial); // our forward passes above moved the batch-norm running statistics
      for (let s = 0; s < 3; s++) {
        ours.step(index, 0, c.batch);
        ref.step(index, 0, c.batch);
      }
      expect(relErr(ours.snapshot().weights, ref.snapshot().weights)).toBeLessThan(1e-4);
      expect(relErr(ours.predict(x, n), ref.predict(x, n))).toBeLessThan(1e-4);
    } finally {
      await ours.dispose();
      await ref.dispose();
    }
  });
});

/** SGD with momentum and RMSprop, each in our runtime and in the tfjs runtime (tf.train.momentum, tf.train.rmsprop): the weights after every step. */
const OPTIMIZERS = [
  ['sgd with momentum 0.9', { kind: 'sgd' as const, learningRate: 2e-2 }],
  ['rmsprop', { kind: 'rmsprop' as const, learningRate: 1e-3, epsilon: 1e-2 }],
  ['rmsprop with momentum 0.5, clipping and warm-up', { kind: 'rmsprop' as const, learningRate: 1e-3, momentum: 0.5, epsilon: 1e-2, clipNorm: 0.5, warmupSteps: 2 }],
] as const;

describe.each(KERNELS)('optimisers on %s match tfjs step by step', (_label, make) => {
  it.each(OPTIMIZERS.flatMap(([o, opt]) => [CASES[1]!, CASES[4]!].map((c) => [`${o}: ${c.name}`, c, opt] as const)))('%s', async (_n, c, optimizer) => {
    const kernels = make();
    expect(kernels, 'out/ml/kernels.wasm must be built (npm test builds it)').not.toBeNull();
    const { x, y, index } = dataFor(c);
    const common = { layers: c.layers, input: c.input, task: c.task, batchSize: c.batch, seed: 11, optimizer, x, y };
    const ours: Runtime = await createOwnRuntime({ ...common, kernels: 'js', threads: 1, kernelsOverride: kernels! });
    const ref = createTfjsRuntime(tf, common);
    try {
      for (let s = 0; s < 4; s++) {
        const from = (s % 2) * c.batch;
        const a = ours.step(index, from, c.batch);
        const b = ref.step(index, from, c.batch);
        expect(Math.abs(a.loss - b.loss) / Math.max(Math.abs(b.loss), 1e-3)).toBeLessThan(1e-4);
        expect(relErr(ours.snapshot().weights, ref.snapshot().weights), `weights after step ${s + 1}`).toBeLessThan(1e-4);
      }
    } finally {
      await ours.dispose();
      await ref.dispose();
    }
  });
});

describe('memory stays flat across epochs', () => {
  const c = CASES[2]!; // residual + batch norm: the most state to leak
  const { x, y, n } = dataFor(c);
  const common = { layers: c.layers, input: c.input, task: c.task, batchSize: c.batch, seed: 5, optimizer: { learningRate: 1e-3, clipNorm: 1, warmupSteps: 2 }, x, y };

  it('tfjs: the number of live tensors is the same after every epoch', async () => {
    const rt = createTfjsRuntime(tf, common);
    const counts: number[] = [];
    await fit(rt, { task: c.task, train: { x, y, n }, validation: { x, y, n }, epochs: 12, batchSize: c.batch, seed: 1, onEpoch: () => void counts.push(tf.memory().numTensors) });
    expect(counts).toHaveLength(12);
    expect(new Set(counts.slice(1)).size).toBe(1);
    expect(counts[11]).toBe(counts[0]);
    await rt.dispose();
  });

  it('our engine: the heap does not grow after the first epoch', async () => {
    const k = createJsKernels();
    const rt = await createOwnRuntime({ ...common, kernels: 'js', threads: 1, kernelsOverride: k });
    const used: number[] = [];
    await fit(rt, { task: c.task, train: { x, y, n }, validation: { x, y, n }, epochs: 12, batchSize: c.batch, seed: 1, onEpoch: () => void used.push(k.used()) });
    expect(new Set(used).size).toBe(1);
    await rt.dispose();
  });
});
