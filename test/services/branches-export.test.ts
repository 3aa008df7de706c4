/**
 * A network with one branch per channel exported as TF.js layers files: a functional model whose
 * branches crop their run of the input (Reshape → Cropping2D → Reshape), go through their layers
 * and meet in a Concatenate; `tf.loadLayersModel` must read it and give our engine's outputs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { summarizeModel, type LayerSpec } from '../../src-main/common/ml/model';
import { branchLayers } from '../../src-main/common/ml/templates';
import { mulberry32 } from '../../src-main/common/ml/random';
import { Net, type Task } from '../../src-main/ml/engine/net';
import { createJsKernels } from '../../src-main/ml/kernels/js';
import { tfjsModelFiles } from '../../src-main/services/model-package';
import { expectLoadedModelGives } from '../helpers/tfjs-layers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const conv = (filters: number, kernelSize: number, padding: 'same' | number = 'same'): LayerSpec => ({ type: 'conv1d', filters, kernelSize, strides: 1, dilation: 1, padding, useBias: true });

const CASES: [string, LayerSpec[], [number, number], Task][] = [
  ['the cnn template per channel (31 and 20 points), regression', branchLayers('cnn', [{ name: 'NIR 1', points: 31 }, { name: 'NIR 2', points: 20 }]), [51, 1], { kind: 'regression', loss: 'mse' }],
  [
    'three branches (explicit padding, a sequence flattened at the join), dense after the join, 3 classes',
    [
      { type: 'branches', branches: [
        { name: 'a', points: 12, layers: [conv(2, 3, 1), { type: 'relu' }, { type: 'globalAvgPool1d' }] },
        { name: 'b', points: 9, layers: [conv(3, 3), { type: 'batchNorm', momentum: 0.9, epsilon: 1e-3 }, { type: 'maxPool1d', poolSize: 2 }] },
        { name: 'c', points: 5, layers: [{ type: 'flatten' }] },
      ] },
      { type: 'dense', units: 4, useBias: true },
      { type: 'elu' },
    ],
    [26, 1],
    { kind: 'classification', classes: 3 },
  ],
];

/** The exported classifier ends in a softmax; our engine's predict gives logits. */
function softmaxRows(logits: Float32Array, k: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length / k; r++) {
    const row = logits.subarray(r * k, r * k + k);
    const top = Math.max(...row);
    const e = Array.from(row, (v) => Math.exp(v - top));
    const sum = e.reduce((a, v) => a + v, 0);
    e.forEach((v, j) => (out[r * k + j] = v / sum));
  }
  return out;
}

describe('multi-branch export to TF.js layers', () => {
  it.each(CASES)('%s: tf.loadLayersModel gives the same outputs', async (_name, layers, input, task) => {
    const rand = mulberry32(5);
    const net = new Net(createJsKernels(), { layers, input, task, maxBatch: 8, seed: 3 });
    net.setWeights(Float32Array.from(net.getWeights(), (w) => w + (rand() - 0.5) * 0.2));
    net.setState(Float32Array.from(net.getState(), (v, i) => (i % 2 ? 1 + rand() * 0.5 : v + (rand() - 0.5) * 0.2)));
    const n = 5;
    const x = Float32Array.from({ length: n * input[0] }, () => rand() * 2 - 1);
    const logits = net.predict(x, n);
    const ours = task.kind === 'classification' ? softmaxRows(logits, task.classes) : logits;
    const { modelJson, bin } = tfjsModelFiles({ layers, input, task, weights: net.getWeights(), state: net.getState() });
    const topology = modelJson.modelTopology as { class_name: string; config: { layers: { class_name: string }[] } };
    expect(topology.class_name).toBe('Model');
    expect(topology.config.layers.filter((l) => l.class_name === 'Concatenate')).toHaveLength(1);
    await expectLoadedModelGives({ modelJson, bin }, x, [n, ...input], [n, task.kind === 'classification' ? task.classes : 1], ours);
  });

  it('the layer table shows each branch, its layers and the join', () => {
    const layers = branchLayers('cnn', [{ name: 'NIR 1', points: 31 }, { name: 'NIR 2', points: 20 }]);
    const { layers: rows, params } = summarizeModel({ schemaVersion: 1, name: 'cnn', layers }, [51, 1], { units: 1 });
    const brief = rows.map((r) => `${r.path} ${r.type} ${r.input.join('×')}→${r.output.join('×')}`);
    expect(brief).toEqual([
      '1 branches 51×1→256',
      '1.1.1 conv1d 31×1→31×16', '1.1.2 batchNorm 31×16→31×16', '1.1.3 relu 31×16→31×16', '1.1.4 maxPool1d 31×16→15×16',
      '1.1.5 conv1d 15×16→15×32', '1.1.6 batchNorm 15×32→15×32', '1.1.7 relu 15×32→15×32',
      '1.1.8 conv1d 15×32→15×64', '1.1.9 batchNorm 15×64→15×64', '1.1.10 relu 15×64→15×64',
      '1.1.11 conv1d 15×64→15×128', '1.1.12 batchNorm 15×128→15×128', '1.1.13 relu 15×128→15×128', '1.1.14 globalAvgPool1d 15×128→128',
      '1.2.1 conv1d 20×1→20×16', '1.2.2 batchNorm 20×16→20×16', '1.2.3 relu 20×16→20×16', '1.2.4 maxPool1d 20×16→10×16',
      '1.2.5 conv1d 10×16→10×32', '1.2.6 batchNorm 10×32→10×32', '1.2.7 relu 10×32→10×32',
      '1.2.8 conv1d 10×32→10×64', '1.2.9 batchNorm 10×64→10×64', '1.2.10 relu 10×64→10×64',
      '1.2.11 conv1d 10×64→10×128', '1.2.12 batchNorm 10×128→10×128', '1.2.13 relu 10×128→10×128', '1.2.14 globalAvgPool1d 10×128→128',
      '1.c concatenate 256→256',
      '2 dense 256→1',
    ]);
    expect(rows[0]!.detail).toBe('2 branches: "NIR 1" 31 points, "NIR 2" 20 points');
    expect(rows[29]!.detail).toBe('128 + 128 = 256');
    // Per branch (a pool only while 16 or more points remain): convs 16·7+16, 32·16·5+32, 64·32·3+64,
    // 128·64·3+128 and batch norms 4·(16+32+64+128); the output 256+1.
    expect(params).toBe(2 * (128 + 2592 + 6208 + 24704 + 960) + 257);
  });

  it('refuses an input that is not the branches\' points end to end', () => {
    const layers = branchLayers('cnn', [{ name: 'A', points: 31 }, { name: 'B', points: 20 }]);
    expect(() => summarizeModel({ schemaVersion: 1, name: 'cnn', layers }, [31, 2], { units: 1 })).toThrow('Layer 1 (branches) cannot take input [31, 2]: its branches read 31 + 20 = 51 points of one channel laid end to end, [51, 1].');
  });
});
