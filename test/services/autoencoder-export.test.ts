/**
 * An autoencoder exported as TF.js layers files: tfjs-layers has no UpSampling1D or Cropping1D,
 * so they go out as Reshape → UpSampling2D / Cropping2D → Reshape; `tf.loadLayersModel` must read
 * the files and give our engine's reconstructions.
 */
import { beforeAll, describe, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { LayerSpec } from '../../src-main/common/ml/model';
import { autoencoderLayers } from '../../src-main/common/ml/templates';
import { mulberry32 } from '../../src-main/common/ml/random';
import { Net } from '../../src-main/ml/engine/net';
import { createJsKernels } from '../../src-main/ml/kernels/js';
import { tfjsModelFiles } from '../../src-main/services/model-package';
import { expectLoadedModelGives } from '../helpers/tfjs-layers';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const CASES: [string, LayerSpec[], [number, number]][] = [
  ['the ae template on 45 points × 2 channels (two stages, a crop of 3)', autoencoderLayers(45, 2, 4), [45, 2]],
  ['upsampling by 3 and an uneven crop', [{ type: 'flatten' }, { type: 'dense', units: 12, useBias: true }, { type: 'reshape', targetShape: [4, 3] }, { type: 'upsample1d', size: 3 }, { type: 'crop1d', cropping: [0, 2] }, { type: 'conv1d', filters: 1, kernelSize: 3, strides: 1, dilation: 1, padding: 'same', useBias: true }], [10, 1]],
];

describe('autoencoder export to TF.js layers', () => {
  it.each(CASES)('%s: tf.loadLayersModel gives the same reconstructions', async (_name, layers, input) => {
    const rand = mulberry32(7);
    const net = new Net(createJsKernels(), { layers, input, task: { kind: 'reconstruction' }, maxBatch: 8, seed: 3 });
    // Non-zero biases too, so that every parameter's place in the files is checked.
    net.setWeights(Float32Array.from(net.getWeights(), (w) => w + (rand() - 0.5) * 0.2));
    const n = 5;
    const size = input[0] * input[1];
    const x = Float32Array.from({ length: n * size }, () => rand() * 2 - 1);
    const ours = net.predict(x, n);
    const files = tfjsModelFiles({ layers, input, task: { kind: 'reconstruction' }, weights: net.getWeights(), state: net.getState() });
    await expectLoadedModelGives(files, x, [n, ...input], [n, ...input], ours);
  });
});
