/**
 * Class activation maps on tiny networks against direct computations: the CAM identity
 * (mean over positions of CAM_c = logit_c − bias_c), the captured activations, the output
 * gradient Grad-CAM uses, and the centre-aligned upsampling.
 */
import { describe, expect, it } from 'vitest';
import type { LayerSpec } from '../../src-main/common/ml/model';
import { Net } from '../../src-main/ml/engine/net';
import { createJsKernels } from '../../src-main/ml/kernels/js';
import { mulberry32 } from '../../src-main/common/ml/random';
import { camPlan, classActivationMaps, outputLayer, upsampleCentres } from '../../src-main/ml/cam';

const conv = (filters: number, kernelSize: number, strides = 1): LayerSpec => ({ type: 'conv1d', filters, kernelSize, strides, dilation: 1, padding: 'same', useBias: true });
const bn: LayerSpec = { type: 'batchNorm', momentum: 0.9, epsilon: 1e-3 };
const relu: LayerSpec = { type: 'relu' };

function randomNet(layers: LayerSpec[], length: number, classes: number, seed = 3): Net {
  const net = new Net(createJsKernels(), { layers, input: [length, 1], task: { kind: 'classification', classes }, maxBatch: 4, seed });
  const rand = mulberry32(seed + 100);
  // Non-trivial biases and batch-norm statistics, so nothing cancels by accident.
  net.setWeights(net.getWeights().map((v) => v + (rand() - 0.5) * 0.2));
  net.setState(net.getState().map((v, i) => (net.stateInfo.some((s) => s.name.endsWith('moving_variance') && i >= s.offset && i < s.offset + s.size) ? 0.5 + rand() : (rand() - 0.5) * 0.3)));
  return net;
}

function inputs(n: number, length: number, seed = 9): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n * length }, (_, i) => Math.sin(i / 5) + (rand() - 0.5));
}

describe('class activation maps', () => {
  it('GAP + dense: the mean of CAM_c over the reduced positions equals logit_c − bias_c (6 samples, 3 classes)', () => {
    const layers = [conv(4, 5), bn, relu, { type: 'maxPool1d', poolSize: 2 } as LayerSpec, conv(6, 3), relu, { type: 'globalAvgPool1d' } as LayerSpec];
    const net = randomNet(layers, 37, 3);
    expect(camPlan(net)).toEqual({ method: 'cam', layerIndex: 5, reducedLength: 18, channels: 6 });
    const n = 6;
    const x = inputs(n, 37);
    const cam = classActivationMaps(net, x, n);
    const logits = net.predict(x, n);
    expect(cam.outputs).toEqual(logits);
    const { bias } = outputLayer(net);
    const gaps: number[] = [];
    const expected: number[] = [];
    for (let s = 0; s < n; s++) {
      for (let c = 0; c < 3; c++) {
        const r = cam.reduced.subarray((s * 3 + c) * 18, (s * 3 + c + 1) * 18);
        gaps.push(r.reduce((a, b) => a + b, 0) / 18);
        expected.push(logits[s * 3 + c]! - bias[c]!);
      }
    }
    gaps.forEach((g, i) => expect(Math.abs(g - expected[i]!)).toBeLessThan(1e-5));
    expect(cam.maps.length).toBe(n * 3 * 37);
  });

  it('CAM equals Σ_k w[k,c]·A_k(j) computed by hand from the captured activations, and resnet1d-style nets use CAM', () => {
    const layers = [conv(3, 3), relu, { type: 'globalAvgPool1d' } as LayerSpec];
    const net = randomNet(layers, 8, 2);
    const x = inputs(1, 8);
    net.setInput(x, 1);
    const A = net.forwardCapture(1, 1);
    const { kernel } = outputLayer(net);
    const byHand = [0, 1].flatMap((c) => Array.from({ length: 8 }, (_, j) => [0, 1, 2].reduce((s, k) => s + kernel[k * 2 + c]! * A[j * 3 + k]!, 0)));
    const cam = classActivationMaps(net, x, 1);
    Array.from(cam.reduced).forEach((v, i) => expect(v).toBeCloseTo(byHand[i]!, 6));
    // Same length: the map on the input axis is the reduced map itself.
    Array.from(cam.maps).forEach((v, i) => expect(v).toBeCloseTo(byHand[i]!, 5));
    const res: LayerSpec[] = [conv(4, 3), relu, { type: 'residual', layers: [conv(4, 3), bn] }, relu, { type: 'globalAvgPool1d' }];
    expect(camPlan(randomNet(res, 16, 2)).method).toBe('cam');
  });

  it('the output gradient of a GAP network is w[k,c] / length at every position', () => {
    const net = randomNet([conv(3, 3), relu, { type: 'globalAvgPool1d' }], 10, 2);
    net.setInput(inputs(2, 10), 2);
    net.forwardCapture(2, 1);
    const { kernel } = outputLayer(net);
    const g = net.outputGradient(2, 1, 1);
    expect(g.length).toBe(2 * 10 * 3);
    for (let i = 0; i < g.length; i++) expect(g[i]).toBeCloseTo(kernel[(i % 3) * 2 + 1]! / 10, 7);
  });

  it('Grad-CAM through flatten, batch norm and dense equals the analytic gradient (the logits are linear in A there)', () => {
    const layers: LayerSpec[] = [conv(3, 3, 2), relu, { type: 'flatten' }, bn];
    const net = randomNet(layers, 12, 2);
    expect(camPlan(net)).toEqual({ method: 'grad-cam', layerIndex: 1, reducedLength: 6, channels: 3 });
    const x = inputs(1, 12);
    const cam = classActivationMaps(net, x, 1);
    net.setInput(x, 1);
    const A = net.forwardCapture(1, 1);
    const w = net.getWeights();
    const st = net.getState();
    const gamma = net.params.find((q) => q.name.endsWith('batchNorm/gamma'))!;
    const dense = net.params.find((q) => q.name.endsWith('dense/kernel'))!;
    const rv = net.stateInfo.find((s) => s.name.endsWith('moving_variance'))!;
    // logit_c = Σ_i dense[i, c]·(A_i·scale_i + shift_i), i = j·3 + k (channels-last flatten).
    const scale = Array.from({ length: 18 }, (_, i) => w[gamma.offset + i]! / Math.sqrt(st[rv.offset + i]! + 1e-3));
    for (const c of [0, 1]) {
      const grad = (j: number, k: number) => w[dense.offset + (j * 3 + k) * 2 + c]! * scale[j * 3 + k]!;
      const alpha = [0, 1, 2].map((k) => Array.from({ length: 6 }, (_, j) => grad(j, k)).reduce((a, b) => a + b, 0) / 6);
      const expected = Array.from({ length: 6 }, (_, j) => Math.max(0, [0, 1, 2].reduce((s, k) => s + alpha[k]! * A[j * 3 + k]!, 0)));
      expected.forEach((v, j) => expect(cam.reduced[c * 6 + j]).toBeCloseTo(v, 5));
    }
    expect(cam.reduced.some((v) => v > 0)).toBe(true);
    expect(() => camPlan(randomNet([{ type: 'flatten' }, { type: 'dense', units: 4, useBias: true }], 12, 2))).toThrow('Activation maps need a convolutional network');
  });

  it('Grad-CAM of a published Raman layout (leaky ReLU, same pooling, dropout, flatten, two dense layers) reads the last sequence layer', () => {
    const layers: LayerSpec[] = [
      { type: 'conv1d', filters: 4, kernelSize: 5, strides: 2, dilation: 1, padding: 2, useBias: true },
      { type: 'leakyRelu', alpha: 0.01 },
      { type: 'maxPool1d', poolSize: 2, strides: 2, padding: 'same' },
      { type: 'dropout', rate: 0.5 },
      { type: 'flatten' },
      { type: 'dense', units: 6, useBias: true },
      { type: 'tanh' },
    ];
    const net = randomNet(layers, 23, 2);
    expect(camPlan(net)).toEqual({ method: 'grad-cam', layerIndex: 3, reducedLength: 6, channels: 4 });
    const cam = classActivationMaps(net, inputs(2, 23), 2);
    expect(cam.maps.length).toBe(2 * 2 * 23);
    expect(cam.reduced.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(cam.reduced.some((v) => v > 0)).toBe(true);
    // The output gradient through tanh and the dense layers, by hand: d logit_c / dA_i = Σ_u W1[i,u]·(1 − h_u²)·W2[u,c].
    net.setInput(inputs(1, 23), 1);
    const A = net.forwardCapture(1, 3);
    const w = net.getWeights();
    const [w1, b1, w2] = ['6_dense/kernel', '6_dense/bias', '8_dense/kernel'].map((name) => net.params.find((q) => q.name === name)!);
    const h = Array.from({ length: 6 }, (_, u) => Math.tanh(A.reduce((acc, a, i) => acc + a * w[w1!.offset + i * 6 + u]!, w[b1!.offset + u]!)));
    const g = net.outputGradient(1, 1, 3);
    for (let i = 0; i < 24; i++) expect(g[i]).toBeCloseTo(h.reduce((acc, hu, u) => acc + w[w1!.offset + i * 6 + u]! * (1 - hu * hu) * w[w2!.offset + u * 2 + 1]!, 0), 5);
  });

  it('upsampling aligns centres: a constant stays constant, a ramp stays a ramp, ends clamp', () => {
    expect(Array.from(upsampleCentres([2, 2, 2], 7))).toEqual([2, 2, 2, 2, 2, 2, 2]);
    expect(Array.from(upsampleCentres([0, 1], 4))).toEqual([0, 0.25, 0.75, 1]);
    expect(Array.from(upsampleCentres([5], 3))).toEqual([5, 5, 5]);
    expect(Array.from(upsampleCentres([1, 3, 5], 3))).toEqual([1, 3, 5]);
  });
});
