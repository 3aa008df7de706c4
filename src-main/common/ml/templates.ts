/** Named model layouts. */
import type { LayerSpec } from './model';

/**
 * The benchmark's reference 1D CNN (the same network as ../shared/bench/torch_reference.py):
 * conv 16×7 → ReLU → max pool 2 → conv 32×5 → ReLU → max pool 2 → conv 64×3 → ReLU → global
 * average pooling → dense (the output layer, added by the trainer).
 */
export const REFERENCE_CNN: LayerSpec[] = [
  { type: 'conv1d', filters: 16, kernelSize: 7, strides: 1, dilation: 1, padding: 'same', useBias: true },
  { type: 'relu' },
  { type: 'maxPool1d', poolSize: 2 },
  { type: 'conv1d', filters: 32, kernelSize: 5, strides: 1, dilation: 1, padding: 'same', useBias: true },
  { type: 'relu' },
  { type: 'maxPool1d', poolSize: 2 },
  { type: 'conv1d', filters: 64, kernelSize: 3, strides: 1, dilation: 1, padding: 'same', useBias: true },
  { type: 'relu' },
  { type: 'globalAvgPool1d' },
];

const conv = (filters: number, kernelSize: number, strides = 1): LayerSpec => ({ type: 'conv1d', filters, kernelSize, strides, dilation: 1, padding: 'same', useBias: true });
const bn: LayerSpec = { type: 'batchNorm', momentum: 0.9, epsilon: 1e-3 };
const relu: LayerSpec = { type: 'relu' };

/** The models that learn a target: the named networks and PLS. */
const TARGET_MODEL_NAMES = ['cnn', 'resnet1d', 'cnn-dense', 'mlp', 'pls'] as const;
/** The models the training view offers (the one list: contract, CLI, Train view and report read it): those and the autoencoder. */
export const APP_MODEL_NAMES = [...TARGET_MODEL_NAMES, 'ae'] as const;
/** Everything the CLI trains: the app's models and your own layer list. */
export const MODEL_NAMES = [...TARGET_MODEL_NAMES, 'custom', 'ae'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];
export type AppModelName = (typeof APP_MODEL_NAMES)[number];

/** How the training view names each model. */
export const MODEL_LABELS: Record<AppModelName, string> = {
  cnn: 'CNN (default)',
  resnet1d: 'ResNet 1D',
  'cnn-dense': 'CNN + dense (literature layout)',
  mlp: 'MLP',
  pls: 'PLS (PLS-DA / PLS regression)',
  ae: 'Autoencoder (no target)',
};

export const MODEL_DESCRIPTIONS: Record<ModelName, string> = {
  cnn: 'Four convolution blocks (conv, batch norm, ReLU, pooling; 16 to 128 filters) and global average pooling — the default; class activation maps show which bands drive a prediction.',
  resnet1d: 'Residual 1D network in the style of Ho et al. 2019 (bacteria Raman): a stem and three residual blocks, global average pooling.',
  'cnn-dense': 'The common literature layout: two strided conv + max-pool + dropout blocks, a dense layer, the output.',
  mlp: 'A multilayer perceptron on the whole spectrum (two dense layers with dropout).',
  pls: 'PLS-DA for classes, PLS regression for values; components chosen by cross-validation on the training split.',
  custom: 'Your own layer list (JSON): conv1d, pooling, batch norm, dropout, dense, global pooling, residual.',
  ae: 'Convolutional autoencoder (no target): strided convolutions down to a small latent vector, upsampling and convolutions back to the spectrum; its reconstruction error flags spectra unlike the training set.',
};

/**
 * The default cnn's convolution blocks, [filters, kernel] each (conv, batch norm, ReLU, then a
 * max pool of 2 between blocks). Four blocks ending in 128 filters: their receptive field spans
 * 39 input points and the pooled features are 128 wide. Chosen on UCR Meat and Strawberry
 * (given splits, seeds 1–3) against the three blocks of 16/32/64 it replaced; see
 * docs/architecture.md ("The default cnn").
 */
const CNN_BLOCKS: readonly (readonly [number, number])[] = [
  [16, 7],
  [32, 5],
  [64, 3],
  [128, 3],
];

/**
 * The hidden layers of each named network for an input of `length` points. Shapes follow from
 * the data; a pooling step is skipped when the sequence is already short, so every template fits
 * spectra from a few dozen to tens of thousands of points.
 */
export function templateLayers(name: Exclude<ModelName, 'pls' | 'custom' | 'ae'>, length: number): LayerSpec[] {
  const pool = (len: number): LayerSpec[] => (len >= 16 ? [{ type: 'maxPool1d', poolSize: 2 }] : []);
  switch (name) {
    case 'cnn': {
      const layers: LayerSpec[] = [];
      let len = length;
      CNN_BLOCKS.forEach(([filters, kernel], i) => {
        layers.push(conv(filters, kernel), bn, relu);
        if (i === CNN_BLOCKS.length - 1) return;
        const pooled = pool(len);
        layers.push(...pooled);
        if (pooled.length) len = Math.floor(len / 2);
      });
      return [...layers, { type: 'globalAvgPool1d' }];
    }
    case 'resnet1d': {
      const block = (filters: number, strides: number): LayerSpec => ({ type: 'residual', layers: [conv(filters, 5, strides), bn, relu, conv(filters, 5), bn] });
      return [conv(32, 7), bn, relu, block(32, 1), relu, block(64, length >= 32 ? 2 : 1), relu, block(64, length >= 64 ? 2 : 1), relu, { type: 'globalAvgPool1d' }];
    }
    case 'cnn-dense': {
      const l1 = Math.ceil(length / 2);
      const l2 = l1 >= 16 ? Math.floor(l1 / 2) : l1;
      const l3 = Math.ceil(l2 / 2);
      return [
        conv(16, 21, 2), relu, ...pool(l1), { type: 'dropout', rate: 0.2 },
        conv(32, 11, 2), relu, ...pool(l3), { type: 'dropout', rate: 0.2 },
        { type: 'flatten' }, { type: 'dense', units: 64, useBias: true }, relu, { type: 'dropout', rate: 0.3 },
      ];
    }
    case 'mlp':
      return [{ type: 'flatten' }, { type: 'dense', units: 128, useBias: true }, relu, { type: 'dropout', rate: 0.2 }, { type: 'dense', units: 64, useBias: true }, relu];
  }
}

/**
 * A template with one branch per channel, for channels on different axes (`channelLayout:
 * 'branches'`): each branch is the template for its channel's length up to and including its
 * first flatten or global pooling layer, the branches are joined by concatenation, and the
 * template's layers after that point (its dense layers, if any) follow the join.
 */
export function branchLayers(name: Exclude<ModelName, 'pls' | 'custom' | 'ae'>, channels: { name: string; points: number }[]): LayerSpec[] {
  const split = (layers: LayerSpec[]) => {
    const at = layers.findIndex((l) => l.type === 'flatten' || l.type === 'globalAvgPool1d');
    return at < 0 ? { branch: layers, after: [] } : { branch: layers.slice(0, at + 1), after: layers.slice(at + 1) };
  };
  const parts = channels.map((c) => split(templateLayers(name, c.points)));
  return [{ type: 'branches', branches: channels.map((c, k) => ({ name: c.name, points: c.points, layers: parts[k]!.branch })) }, ...parts[0]!.after];
}

/** The autoencoder's latent size when none is asked for. */
export const AE_LATENT = 8;

/**
 * The `ae` template for spectra of `length` points × `channels`: an encoder of up to three
 * stride-2 convolutions (16 × 9, 32 × 7, 32 × 5, each with ReLU; a stage is left out once fewer
 * than 16 points remain) flattened into a dense latent vector of `latent` values (linear), and a
 * decoder that mirrors it: dense back to the last encoder shape, then per stage a ×2 upsampling
 * and a convolution, the last one linear with one filter per channel, cropped to `length`. Its
 * layer table reads encoder → latent → decoder; {@link latentLayerIndex} finds the latent layer.
 */
export function autoencoderLayers(length: number, channels: number, latent: number = AE_LATENT): LayerSpec[] {
  const stages: { filters: number; kernel: number }[] = [];
  let len = length;
  for (const s of [{ filters: 16, kernel: 9 }, { filters: 32, kernel: 7 }, { filters: 32, kernel: 5 }]) {
    if (len < 16) break;
    stages.push(s);
    len = Math.ceil(len / 2);
  }
  const width = stages.length ? stages[stages.length - 1]!.filters : channels;
  const encoder: LayerSpec[] = stages.flatMap((s) => [conv(s.filters, s.kernel, 2), relu]);
  const decoder: LayerSpec[] = [];
  for (let i = stages.length - 1; i >= 0; i--) {
    const last = i === 0;
    decoder.push({ type: 'upsample1d', size: 2 }, conv(last ? channels : stages[i - 1]!.filters, stages[i]!.kernel), ...(last ? [] : [relu]));
  }
  const excess = len * 2 ** stages.length - length;
  return [
    ...encoder,
    { type: 'flatten' },
    { type: 'dense', units: latent, useBias: true },
    { type: 'dense', units: len * width, useBias: true },
    relu,
    { type: 'reshape', targetShape: [len, width] },
    ...decoder,
    ...(stages.length ? [] : [conv(channels, 1)]),
    ...(excess ? [{ type: 'crop1d', cropping: [Math.floor(excess / 2), excess - Math.floor(excess / 2)] } satisfies LayerSpec] : []),
  ];
}

/** The latent layer of an autoencoder's top-level layers: the dense layer with the fewest units (0-based), or -1 when it has none. */
export function latentLayerIndex(layers: LayerSpec[]): number {
  let best = -1;
  layers.forEach((l, i) => {
    if (l.type === 'dense' && (best < 0 || l.units < (layers[best] as { units: number }).units)) best = i;
  });
  return best;
}
