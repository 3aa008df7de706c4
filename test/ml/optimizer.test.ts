/**
 * Our optimisers against tfjs's own (tf.train.adam, tf.train.momentum, tf.train.rmsprop on the
 * CPU backend), fed the same gradient sequence: the parameters after every step. Also the
 * kernel initialisers: the default (Glorot uniform) draws exactly what it always drew, and the
 * others have the variance and bounds they promise.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Optimizer, type OptimizerOptions } from '../../src-main/ml/engine/optimizer';
import { Net } from '../../src-main/ml/engine/net';
import { createJsKernels } from '../../src-main/ml/kernels/js';
import { createKernelsOf } from '../../src-main/ml/engine/kernels-factory';
import { findBuilt } from '../../src-main/ml/built-files';
import { mulberry32 } from '../../src-main/common/ml/random';
import type { KernelInitializer, LayerSpec } from '../../src-main/common/ml/model';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const N = 37;

function gradientSequence(steps: number): Float32Array[] {
  const rand = mulberry32(9);
  return Array.from({ length: steps }, () => new Float32Array(N).map(() => (rand() * 2 - 1) * 0.5));
}

/** Our optimiser over a parameter block on the plain-JS heap: the parameters after each step. */
function ours(opts: OptimizerOptions, start: Float32Array, grads: Float32Array[]): Float32Array[] {
  const k = createJsKernels();
  const w = k.alloc(N);
  const g = k.alloc(N);
  k.f32().set(start, w >> 2);
  const opt = new Optimizer(k, w, g, N, opts);
  return grads.map((grad) => {
    k.f32().set(grad, g >> 2);
    opt.apply();
    return k.f32().slice(w >> 2, (w >> 2) + N);
  });
}

function theirs(make: () => tf.Optimizer, start: Float32Array, grads: Float32Array[]): Float32Array[] {
  const v = tf.variable(tf.tensor1d(start));
  const opt = make();
  const out = grads.map((grad) => {
    tf.tidy(() => opt.applyGradients([{ name: v.name, tensor: tf.tensor1d(grad) }]));
    return v.dataSync().slice() as Float32Array;
  });
  opt.dispose();
  v.dispose();
  return out;
}

const CASES: [string, OptimizerOptions, () => tf.Optimizer][] = [
  ['adam', { kind: 'adam', learningRate: 0.01 }, () => tf.train.adam(0.01, 0.9, 0.999, 1e-7)],
  ['sgd, default momentum 0.9', { kind: 'sgd', learningRate: 0.05 }, () => tf.train.momentum(0.05, 0.9)],
  ['sgd, no momentum', { kind: 'sgd', learningRate: 0.05, momentum: 0 }, () => tf.train.momentum(0.05, 0)],
  ['rmsprop, defaults', { kind: 'rmsprop', learningRate: 0.01 }, () => tf.train.rmsprop(0.01)],
  ['rmsprop, rho 0.8, momentum 0.6, epsilon 1e-3', { kind: 'rmsprop', learningRate: 0.01, rho: 0.8, momentum: 0.6, epsilon: 1e-3 }, () => tf.train.rmsprop(0.01, 0.8, 0.6, 1e-3)],
];

describe('optimisers step by step against tfjs', () => {
  it.each(CASES)('%s', (_name, opts, make) => {
    const start = new Float32Array(N).map((_, i) => Math.sin(i));
    const grads = gradientSequence(8);
    const a = ours(opts, start, grads);
    const b = theirs(make, start, grads);
    a.forEach((w, s) => {
      let worst = 0;
      w.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b[s]![i]!))));
      expect(worst, `after step ${s + 1}`).toBeLessThan(1e-6);
    });
  });

  it('sgd applies the scheduled rate: warm-up steps move the weights by lr·(step+1)/warm-up', () => {
    const start = new Float32Array(N);
    const g = new Float32Array(N).fill(1);
    const [w1, w2] = ours({ kind: 'sgd', learningRate: 0.1, momentum: 0, warmupSteps: 4 }, start, [g, g]);
    expect(w1![0]).toBeCloseTo(-0.025, 7);
    expect(w2![0]).toBeCloseTo(-0.075, 7);
  });
});

describe('kernel initialisers', () => {
  const layers = (init?: KernelInitializer): LayerSpec[] => [
    { type: 'conv1d', filters: 3, kernelSize: 5, strides: 1, dilation: 1, padding: 'same', useBias: true, ...(init ? { kernelInitializer: init } : {}) },
    { type: 'flatten' },
    { type: 'dense', units: 4, useBias: true, ...(init ? { kernelInitializer: init } : {}) },
  ];

  it('the default is Glorot uniform, drawn exactly as before the choice existed', () => {
    const net = new Net(createJsKernels(), { layers: layers(), input: [10, 2], task: { kind: 'classification', classes: 2 }, maxBatch: 1, seed: 7 });
    // The draw as it always was: one uniform on ±√(6/(fanIn + fanOut)) per kernel weight, in parameter order; zero biases.
    const rand = mulberry32(7 ^ 0x9e3779b9);
    const fans: [number, number, number][] = [
      [5 * 2 * 3, 5 * 2, 5 * 3],
      [3, 0, 0],
      [30 * 4, 30, 4],
      [4, 0, 0],
      [4 * 2, 4, 2],
      [2, 0, 0],
    ];
    const expected = new Float32Array(fans.flatMap(([size, fanIn, fanOut]) => Array.from({ length: size }, () => (fanIn ? (rand() * 2 - 1) * Math.sqrt(6 / (fanIn + fanOut)) : 0))));
    expect(net.getWeights()).toEqual(expected);
    const explicit = new Net(createJsKernels(), { layers: layers('glorotUniform'), input: [10, 2], task: { kind: 'classification', classes: 2 }, maxBatch: 1, seed: 7 });
    expect(explicit.getWeights()).toEqual(expected);
  });

  it.each([
    ['glorotUniform', 2 / (400 + 300), Math.sqrt(6 / 700)],
    ['heUniform', 2 / 400, Math.sqrt(6 / 400)],
    ['glorotNormal', 2 / (400 + 300), 2 * Math.sqrt(2 / 700) / 0.8796256610342398],
    ['heNormal', 2 / 400, 2 * Math.sqrt(2 / 400) / 0.8796256610342398],
  ] as const)('%s: variance within 2 percent of its nominal value, every weight within its bound', (init, variance, bound) => {
    const net = new Net(createJsKernels(), { layers: [{ type: 'flatten' }, { type: 'dense', units: 300, useBias: true, kernelInitializer: init }], input: [400, 1], task: { kind: 'regression', loss: 'mse' }, maxBatch: 1, seed: 3 });
    const w = net.getWeights().subarray(0, 400 * 300);
    let sum = 0;
    let sq = 0;
    let max = 0;
    for (const v of w) {
      sum += v;
      sq += v * v;
      max = Math.max(max, Math.abs(v));
    }
    const mean = sum / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.01 * Math.sqrt(variance));
    expect(Math.abs(sq / w.length - mean * mean - variance) / variance).toBeLessThan(0.02);
    expect(max).toBeLessThanOrEqual(bound * (1 + 1e-6));
    expect(max).toBeGreaterThan(0.95 * bound);
  });

  it('the same initial weights on the WebAssembly kernels', () => {
    const wasm = findBuilt('ml/kernels.wasm');
    expect(wasm, 'out/ml/kernels.wasm must be built (npm test builds it)').not.toBeNull();
    const opts = { layers: layers('heNormal'), input: [10, 2] as [number, number], task: { kind: 'classification' as const, classes: 2 }, maxBatch: 1, seed: 7 };
    expect(new Net(createKernelsOf('wasm-simd', wasm), opts).getWeights()).toEqual(new Net(createJsKernels(), opts).getWeights());
  });
});
