/**
 * Class activation maps: which points of the input axis drove each class score of a trained 1D
 * network, on our own engine's Net.
 *
 * - Networks that end in global average pooling + the output dense layer (`cnn`, `resnet1d`):
 *   CAM_c(j) = Σ_k w[k, c] · A_k(j), A the input of the pooling layer (after the last ReLU) at
 *   reduced position j (Zhou et al. 2016). The mean of CAM_c over j is exactly logit_c − bias_c,
 *   so the map splits the class score over the axis.
 * - Other convolutional networks (`cnn-dense`, custom): Grad-CAM (Selvaraju et al. 2017) on the
 *   output of the last block that still has an axis: α_k = mean_j ∂logit_c/∂A_k(j),
 *   map_c(j) = ReLU(Σ_k α_k · A_k(j)).
 *
 * Maps are computed at the reduced length and mapped back onto the model's input axis by linear
 * interpolation with the points aligned on their centres (see {@link upsampleCentres}).
 */
import { UserError } from '../common/errors';
import type { LayerSpec } from '../common/ml/model';
import type { Net } from './engine/net';

export type CamMethod = 'cam' | 'grad-cam';

export interface CamPlan {
  method: CamMethod;
  /** Top-level node (0-based over net.nodes) whose output is the activation map A. */
  layerIndex: number;
  /** Length and channels of A. */
  reducedLength: number;
  channels: number;
}

const hasConv = (layers: LayerSpec[]): boolean => layers.some((l) => l.type === 'conv1d' || (l.type === 'residual' && hasConv(l.layers)));

/**
 * Chooses CAM or Grad-CAM for a network and the layer whose activations are mapped.
 * @throws UserError for networks without convolutions (an MLP has no axis to map onto)
 */
export function camPlan(net: Net): CamPlan {
  const layers = net.layers;
  // Each branch maps onto its own channel's axis; a map per branch is not drawn yet.
  if (layers.some((l) => l.type === 'branches')) throw new UserError('BAD_INPUT', 'Activation maps of a network with one branch per channel are not drawn yet (each branch has its own axis); train with the resample channel layout for activation maps per channel.');
  const last = layers.length - 1;
  if (last >= 1 && layers[last]!.type === 'globalAvgPool1d' && hasConv(layers.slice(0, last))) {
    const shape = net.nodes[last - 1]!.outShape;
    return { method: 'cam', layerIndex: last - 1, reducedLength: shape[0], channels: shape[1] ?? 1 };
  }
  let index = -1;
  net.nodes.forEach((n, i) => {
    if (n.outShape.length === 2 && i < layers.length) index = i;
  });
  if (index < 0 || !hasConv(layers.slice(0, index + 1))) {
    throw new UserError('BAD_INPUT', 'Activation maps need a convolutional network (cnn, resnet1d, cnn-dense or a custom network with conv1d layers); this model has no convolution over the axis. For PLS runs, look at the VIP scores instead.');
  }
  for (let i = index + 1; i < layers.length; i++) {
    if (layers[i]!.type === 'residual') throw new UserError('BAD_INPUT', 'Grad-CAM cannot pass through a residual block after the last sequence layer; end the network with global average pooling for class activation maps.');
  }
  const shape = net.nodes[index]!.outShape;
  return { method: 'grad-cam', layerIndex: index, reducedLength: shape[0], channels: shape[1]! };
}

/**
 * Linear interpolation of `values` (length l) onto `length` points, both spanning the same
 * extent with samples at their centres: output point t sits at (t + ½)·l/length − ½ on the
 * reduced grid (clamped to its ends). l = length returns a copy.
 */
export function upsampleCentres(values: ArrayLike<number>, length: number): Float64Array {
  const l = values.length;
  if (l < 1 || length < 1) throw new UserError('BAD_INPUT', `Cannot map ${l} values onto ${length} points.`);
  const out = new Float64Array(length);
  for (let t = 0; t < length; t++) {
    const u = Math.min(Math.max(((t + 0.5) * l) / length - 0.5, 0), l - 1);
    const i = Math.min(Math.floor(u), l - 2);
    if (i < 0) {
      out[t] = values[0]!;
      continue;
    }
    const f = u - i;
    out[t] = values[i]! * (1 - f) + values[i + 1]! * f;
  }
  return out;
}

export interface CamBatch {
  method: CamMethod;
  classes: number;
  reducedLength: number;
  inputLength: number;
  /** Per sample and class, at the reduced length: [n, classes, reducedLength] row-major. */
  reduced: Float64Array;
  /** Per sample and class on the input axis: [n, classes, inputLength] row-major. */
  maps: Float32Array;
  /** Network outputs (logits or standardised values): [n, classes]. */
  outputs: Float32Array;
}

/** Output-layer kernel [channels, classes] and bias [classes] of a Net (its last dense layer). */
export function outputLayer(net: Net): { kernel: Float32Array; bias: Float32Array; inputs: number } {
  const name = net.nodes[net.nodes.length - 1]!.name;
  const w = net.getWeights();
  const kernel = net.params.find((p) => p.name === `${name}/kernel`);
  const bias = net.params.find((p) => p.name === `${name}/bias`);
  if (!kernel || !bias) throw new Error(`The output layer ${name} has no kernel and bias.`);
  return { kernel: w.slice(kernel.offset, kernel.offset + kernel.size), bias: w.slice(bias.offset, bias.offset + bias.size), inputs: kernel.shape[0]! };
}

/**
 * Activation maps of every class for `n` inputs ([n, length·channels], preprocessed and scaled
 * exactly as the network was trained), in chunks of the net's maxBatch.
 */
export function classActivationMaps(net: Net, x: Float32Array, n: number): CamBatch {
  const plan = camPlan(net);
  const K = net.outputs;
  const l = plan.reducedLength;
  const C = plan.channels;
  const L = net.input[0];
  const reduced = new Float64Array(n * K * l);
  const maps = new Float32Array(n * K * L);
  const outputs = new Float32Array(n * K);
  const head = plan.method === 'cam' ? outputLayer(net) : null;
  const size = net.inputSize;
  for (let from = 0; from < n; from += net.maxBatch) {
    const b = Math.min(net.maxBatch, n - from);
    net.setInput(x.subarray(from * size, (from + b) * size), b);
    const A = net.forwardCapture(b, plan.layerIndex);
    outputs.set(net.readOutputs(b), from * K);
    const grads = head ? null : Array.from({ length: K }, (_, c) => net.outputGradient(b, c, plan.layerIndex));
    for (let s = 0; s < b; s++) {
      const a = s * l * C;
      for (let c = 0; c < K; c++) {
        // Per-channel weights: the output kernel's column (CAM) or the position-averaged gradient (Grad-CAM).
        const weights = new Float64Array(C);
        if (head) for (let k = 0; k < C; k++) weights[k] = head.kernel[k * K + c]!;
        else {
          const g = grads![c]!;
          for (let j = 0; j < l; j++) for (let k = 0; k < C; k++) weights[k] += g[a + j * C + k]!;
          for (let k = 0; k < C; k++) weights[k] /= l;
        }
        const r = ((from + s) * K + c) * l;
        for (let j = 0; j < l; j++) {
          let v = 0;
          for (let k = 0; k < C; k++) v += weights[k]! * A[a + j * C + k]!;
          reduced[r + j] = head ? v : Math.max(v, 0);
        }
        maps.set(upsampleCentres(reduced.subarray(r, r + l), L), ((from + s) * K + c) * L);
      }
    }
  }
  return { method: plan.method, classes: K, reducedLength: l, inputLength: L, reduced, maps, outputs };
}
