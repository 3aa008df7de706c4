import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect } from 'vitest';
import type { tfjsModelFiles } from '../../src-main/services/model-package';

/**
 * Reads TF.js layers files as tfjsModelFiles writes them through `tf.loadLayersModel`, predicts
 * `x` (of shape `xShape`) with the model, and checks its output has shape `yShape` and is `ours`
 * (the worst absolute difference under 1e-5 of the largest output).
 */
export async function expectLoadedModelGives(files: ReturnType<typeof tfjsModelFiles>, x: Float32Array, xShape: [number, number, number], yShape: number[], ours: Float32Array): Promise<void> {
  const { modelJson, bin } = files;
  const manifest = modelJson.weightsManifest as { weights: tf.io.WeightsManifestEntry[] }[];
  const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology as tf.io.ModelJSON['modelTopology'], weightSpecs: manifest[0]!.weights, weightData: bin.buffer as ArrayBuffer }));
  const y = model.predict(tf.tensor3d(x, xShape)) as tf.Tensor;
  expect(y.shape).toEqual(yShape);
  const theirs = (await y.data()) as Float32Array;
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < ours.length; i++) {
    worst = Math.max(worst, Math.abs(ours[i]! - theirs[i]!));
    scale = Math.max(scale, Math.abs(theirs[i]!));
  }
  expect(worst / scale).toBeLessThan(1e-5);
  y.dispose();
  model.dispose();
}
