/**
 * Model specs: a layer list in JSON with every shape worked out from the data. Pure (runs in the
 * renderer for the layer summary, in the trainer for both engines). Inputs are always
 * `[length, channels]` per sample (channels-last, as tfjs); the batch dimension is implicit.
 * Nobody computes a flatten size by hand: `inferShapes` does, and a layer that cannot fit gets
 * an error naming the layer and the shapes.
 */
import { z } from 'zod';
import { UserError } from '../errors';

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * How a layer's kernel starts: Glorot (Xavier) or He (Kaiming), uniform or normal, with Keras's
 * fans (a convolution's fan-in is kernel size × input channels). Absent: Glorot uniform. The
 * normal ones draw from a normal truncated at two standard deviations, scaled so the variance is
 * the nominal one (2 / (fanIn + fanOut) for Glorot, 2 / fanIn for He), as Keras does.
 */
export const KERNEL_INITIALIZERS = ['glorotUniform', 'glorotNormal', 'heUniform', 'heNormal'] as const;
export type KernelInitializer = (typeof KERNEL_INITIALIZERS)[number];
const kernelInitializer = z.enum(KERNEL_INITIALIZERS).optional();

/**
 * 'same' and 'valid' as tfjs/Keras; a whole number p pads p zeros on each side (PyTorch's
 * `padding=p`), so a layer from a PyTorch paper rebuilds exactly.
 */
export const convPadding = z.union([z.enum(['same', 'valid']), int(0, 4096)]);
export type ConvPadding = z.output<typeof convPadding>;

export const conv1dLayer = z.object({
  type: z.literal('conv1d'),
  filters: int(1, 4096),
  kernelSize: int(1, 4096),
  strides: int(1, 1024).default(1),
  dilation: int(1, 1024).default(1),
  padding: convPadding.default('same'),
  useBias: z.boolean().default(true),
  kernelInitializer,
});
export const batchNormLayer = z.object({
  type: z.literal('batchNorm'),
  /** Running statistics: running = momentum·running + (1 − momentum)·batch (tfjs convention). */
  momentum: z.number().min(0).max(1).default(0.9),
  epsilon: z.number().positive().max(1).default(1e-3),
});
export const reluLayer = z.object({ type: z.literal('relu') });
/** max(x, alpha·x): alpha defaults to 0.3 as in tfjs and Keras (PyTorch's default is 0.01: say it when rebuilding a PyTorch model). */
export const leakyReluLayer = z.object({ type: z.literal('leakyRelu'), alpha: z.number().min(0).max(1).default(0.3) });
/** x for x ≥ 0, exp(x) − 1 below (alpha 1, the only one tfjs's ELU layer takes). */
export const eluLayer = z.object({ type: z.literal('elu') });
export const tanhLayer = z.object({ type: z.literal('tanh') });
export const sigmoidLayer = z.object({ type: z.literal('sigmoid') });
/**
 * Pooling padding as tfjs: 'valid' (the default) keeps only whole windows; 'same' gives
 * ceil(length / stride) windows, the edge windows reading only the points they cover (the
 * average divides by how many they are).
 */
const poolPadding = z.enum(['same', 'valid']).optional();
export const maxPoolLayer = z.object({ type: z.literal('maxPool1d'), poolSize: int(1, 4096), strides: int(1, 4096).optional(), padding: poolPadding });
export const avgPoolLayer = z.object({ type: z.literal('avgPool1d'), poolSize: int(1, 4096), strides: int(1, 4096).optional(), padding: poolPadding });
export const globalAvgPoolLayer = z.object({ type: z.literal('globalAvgPool1d') });
export const flattenLayer = z.object({ type: z.literal('flatten') });
export const dropoutLayer = z.object({ type: z.literal('dropout'), rate: z.number().min(0).max(0.95) });
export const denseLayer = z.object({ type: z.literal('dense'), units: int(1, 65536), useBias: z.boolean().default(true), kernelInitializer });
/** Decoders: each point repeated `size` times along the axis (Keras UpSampling1D, nearest neighbour). */
export const upsampleLayer = z.object({ type: z.literal('upsample1d'), size: int(2, 64) });
/** Decoders: drops `cropping[0]` points at the start of the axis and `cropping[1]` at the end (Keras Cropping1D). */
export const cropLayer = z.object({ type: z.literal('crop1d'), cropping: z.tuple([int(0, 65536), int(0, 65536)]) });
/** Decoders: a vector read back as a sequence [length, channels] (the same values, channels-last). */
export const reshapeLayer = z.object({ type: z.literal('reshape'), targetShape: z.tuple([int(1, 65536), int(1, 4096)]) });

export type Conv1dLayer = z.output<typeof conv1dLayer>;
export type BatchNormLayer = z.output<typeof batchNormLayer>;
export type MaxPoolLayer = z.output<typeof maxPoolLayer>;
export type AvgPoolLayer = z.output<typeof avgPoolLayer>;
export type DropoutLayer = z.output<typeof dropoutLayer>;
export type DenseLayer = z.output<typeof denseLayer>;
export type LeakyReluLayer = z.output<typeof leakyReluLayer>;
export type UpsampleLayer = z.output<typeof upsampleLayer>;
export type CropLayer = z.output<typeof cropLayer>;
export type ReshapeLayer = z.output<typeof reshapeLayer>;

type PlainLayer =
  | Conv1dLayer
  | BatchNormLayer
  | { type: 'relu' }
  | LeakyReluLayer
  | { type: 'elu' }
  | { type: 'tanh' }
  | { type: 'sigmoid' }
  | MaxPoolLayer
  | AvgPoolLayer
  | { type: 'globalAvgPool1d' }
  | { type: 'flatten' }
  | DropoutLayer
  | DenseLayer
  | UpsampleLayer
  | CropLayer
  | ReshapeLayer;

/**
 * A residual block: output = body(x) + shortcut(x). The shortcut is the identity when the body
 * keeps the shape, else a 1×1 convolution (with the body's total stride) followed by batch norm.
 */
export interface ResidualLayer {
  type: 'residual';
  layers: LayerSpec[];
}
/**
 * Channels on different axes, one branch each: the input is the channels' points one after the
 * other ([Σ points, 1]); branch k reads its channel's `points` (a run of consecutive input points,
 * in order), goes through its own layers, and the branches' outputs, each flattened, are joined by
 * a concatenate layer into one vector for the layers after it.
 */
export interface BranchesLayer {
  type: 'branches';
  branches: { name: string; points: number; layers: LayerSpec[] }[];
}
export type LayerSpec = PlainLayer | ResidualLayer | BranchesLayer;

export const layerSpec: z.ZodType<LayerSpec, unknown> = z.lazy(() =>
  z.discriminatedUnion('type', [
    conv1dLayer,
    batchNormLayer,
    reluLayer,
    leakyReluLayer,
    eluLayer,
    tanhLayer,
    sigmoidLayer,
    maxPoolLayer,
    avgPoolLayer,
    globalAvgPoolLayer,
    flattenLayer,
    dropoutLayer,
    denseLayer,
    upsampleLayer,
    cropLayer,
    reshapeLayer,
    z.object({ type: z.literal('residual'), layers: z.array(layerSpec).min(1) }),
    z.object({ type: z.literal('branches'), branches: z.array(z.object({ name: z.string().min(1), points: int(1, 1 << 20), layers: z.array(layerSpec).min(1) })).min(2).max(16) }),
  ]),
) as z.ZodType<LayerSpec, unknown>;

/** The model: hidden layers; the output layer (dense to the classes, or to 1 value) is added by the trainer. */
export const modelSpec = z.object({
  schemaVersion: z.literal(1).default(1),
  name: z.string().default('custom'),
  layers: z.array(layerSpec).min(1),
});
export type ModelSpec = z.output<typeof modelSpec>;

/** [length, channels] for sequences, [units] after flatten / global pooling / dense. */
export type Shape = [number, number] | [number];

export interface LayerSummary {
  /** Path such as "3" or "5.2" (layer 2 inside residual block 5; "1.2.3": layer 3 of branch 2 of layer 1), 1-based as shown to users. */
  path: string;
  type: LayerSpec['type'] | 'shortcut' | 'concatenate';
  input: Shape;
  output: Shape;
  params: number;
  /** Short human description, e.g. "16 filters × 7, stride 1, same". */
  detail: string;
}

export const fmtShape = (s: Shape): string => `[${s.join(', ')}]`;

/**
 * Output length and left padding of a convolution: tfjs/Keras 'same' and 'valid', or p zeros on
 * each side (then the right padding a stride leaves unread is never read).
 */
export function convGeometry(L: number, kernelSize: number, strides: number, dilation: number, padding: ConvPadding): { lOut: number; padLeft: number } {
  const span = (kernelSize - 1) * dilation + 1;
  if (typeof padding === 'number') return { lOut: Math.floor((L + 2 * padding - span) / strides) + 1, padLeft: padding };
  if (padding === 'valid') return { lOut: Math.floor((L - span) / strides) + 1, padLeft: 0 };
  const lOut = Math.ceil(L / strides);
  const total = Math.max((lOut - 1) * strides + span - L, 0);
  return { lOut, padLeft: Math.floor(total / 2) };
}

/** Output length and padding of a pooling layer, as tfjs ('same' pads as a convolution does, the extra point on the right). */
export function poolGeometry(L: number, poolSize: number, strides: number, padding: 'same' | 'valid' = 'valid'): { lOut: number; padLeft: number; padTotal: number } {
  if (padding === 'valid') return { lOut: Math.floor((L - poolSize) / strides) + 1, padLeft: 0, padTotal: 0 };
  const lOut = Math.ceil(L / strides);
  const padTotal = Math.max((lOut - 1) * strides + poolSize - L, 0);
  return { lOut, padLeft: Math.floor(padTotal / 2), padTotal };
}

/** How many of the input's L points each of the lOut pooling windows covers (the pool size except at padded edges). */
export function poolWindowCounts(L: number, poolSize: number, strides: number, padLeft: number, lOut: number): number[] {
  return Array.from({ length: lOut }, (_, o) => {
    const start = o * strides - padLeft;
    return Math.min(start + poolSize, L) - Math.max(start, 0);
  });
}

const paddingText = (p: ConvPadding) => (typeof p === 'number' ? `padding ${p}` : p);
/** The initializer in a layer's detail, when it is not the default. */
const initText = (i: KernelInitializer | undefined) => (i && i !== 'glorotUniform' ? `, ${i}` : '');

function fail(path: string, type: string, input: Shape, why: string): never {
  throw new UserError('BAD_INPUT', `Layer ${path} (${type}) cannot take input ${fmtShape(input)}: ${why}`, { field: `layers.${path}` });
}

/** Works out every layer's output shape and parameter count; throws a UserError naming the layer that cannot fit. */
export function inferShapes(layers: LayerSpec[], input: Shape, prefix = ''): { summary: LayerSummary[]; output: Shape } {
  const summary: LayerSummary[] = [];
  let shape = input;
  layers.forEach((layer, i) => {
    const path = `${prefix}${i + 1}`;
    const seq = (): [number, number] => {
      if (shape.length !== 2) fail(path, layer.type, shape, 'it needs a sequence [length, channels], but the data was already flattened or pooled to a vector. Move it before the global pooling / flatten / dense layers.');
      return shape as [number, number];
    };
    switch (layer.type) {
      case 'conv1d': {
        const [L, C] = seq();
        const span = (layer.kernelSize - 1) * layer.dilation + 1;
        const padded = typeof layer.padding === 'number' ? L + 2 * layer.padding : L;
        if (layer.padding !== 'same' && span > padded) fail(path, layer.type, shape, `the kernel spans ${span} points but only ${padded} are left${padded > L ? ' with the padding' : ''}. Use fewer pooling steps, a smaller kernel or 'same' padding.`);
        const { lOut } = convGeometry(L, layer.kernelSize, layer.strides, layer.dilation, layer.padding);
        const params = layer.kernelSize * C * layer.filters + (layer.useBias ? layer.filters : 0);
        summary.push({ path, type: layer.type, input: shape, output: [lOut, layer.filters], params, detail: `${layer.filters} filters × ${layer.kernelSize}, stride ${layer.strides}${layer.dilation > 1 ? `, dilation ${layer.dilation}` : ''}, ${paddingText(layer.padding)}${initText(layer.kernelInitializer)}` });
        shape = [lOut, layer.filters];
        break;
      }
      case 'batchNorm': {
        const C = shape[shape.length - 1]!;
        summary.push({ path, type: layer.type, input: shape, output: shape, params: 4 * C, detail: `${C} channels (2·${C} trained, 2·${C} running statistics)` });
        break;
      }
      case 'relu':
      case 'elu':
      case 'tanh':
      case 'sigmoid':
        summary.push({ path, type: layer.type, input: shape, output: shape, params: 0, detail: '' });
        break;
      case 'leakyRelu':
        summary.push({ path, type: layer.type, input: shape, output: shape, params: 0, detail: `slope ${layer.alpha} below 0` });
        break;
      case 'dropout':
        summary.push({ path, type: layer.type, input: shape, output: shape, params: 0, detail: `rate ${layer.rate}` });
        break;
      case 'maxPool1d':
      case 'avgPool1d': {
        const [L, C] = seq();
        const strides = layer.strides ?? layer.poolSize;
        const padding = layer.padding ?? 'valid';
        if (padding === 'valid' && layer.poolSize > L) fail(path, layer.type, shape, `the pool spans ${layer.poolSize} points but only ${L} are left. Remove a pooling layer, use a smaller pool or 'same' padding.`);
        const { lOut } = poolGeometry(L, layer.poolSize, strides, padding);
        summary.push({ path, type: layer.type, input: shape, output: [lOut, C], params: 0, detail: `pool ${layer.poolSize}, stride ${strides}${padding === 'same' ? ', same' : ''}` });
        shape = [lOut, C];
        break;
      }
      case 'globalAvgPool1d': {
        const [, C] = seq();
        summary.push({ path, type: layer.type, input: shape, output: [C], params: 0, detail: 'mean over the axis' });
        shape = [C];
        break;
      }
      case 'flatten': {
        const n = shape.reduce((a, b) => a * b, 1);
        summary.push({ path, type: layer.type, input: shape, output: [n], params: 0, detail: shape.length === 2 ? `${shape[0]} × ${shape[1]} = ${n}` : 'already flat' });
        shape = [n];
        break;
      }
      case 'dense': {
        if (shape.length !== 1) fail(path, layer.type, shape, 'a dense layer needs a vector. Add a flatten or global average pooling layer before it.');
        const n = shape[0];
        summary.push({ path, type: layer.type, input: shape, output: [layer.units], params: n * layer.units + (layer.useBias ? layer.units : 0), detail: `${n} → ${layer.units}${initText(layer.kernelInitializer)}` });
        shape = [layer.units];
        break;
      }
      case 'upsample1d': {
        const [L, C] = seq();
        summary.push({ path, type: layer.type, input: shape, output: [L * layer.size, C], params: 0, detail: `each point × ${layer.size}` });
        shape = [L * layer.size, C];
        break;
      }
      case 'crop1d': {
        const [L, C] = seq();
        const [a, b] = layer.cropping;
        if (a + b >= L) fail(path, layer.type, shape, `cropping ${a} + ${b} points leaves nothing of ${L}.`);
        summary.push({ path, type: layer.type, input: shape, output: [L - a - b, C], params: 0, detail: `${a} dropped at the start, ${b} at the end` });
        shape = [L - a - b, C];
        break;
      }
      case 'reshape': {
        const [L, C] = layer.targetShape;
        const n = shape.reduce((a, b) => a * b, 1);
        if (shape.length !== 1 || n !== L * C) fail(path, layer.type, shape, `a reshape to [${L}, ${C}] needs a vector of ${L * C} values.`);
        summary.push({ path, type: layer.type, input: shape, output: [L, C], params: 0, detail: `${n} = ${L} × ${C}` });
        shape = [L, C];
        break;
      }
      case 'residual': {
        const inner = inferShapes(layer.layers, shape, `${path}.`);
        const out = inner.output;
        const head: LayerSummary = { path, type: 'residual', input: shape, output: out, params: 0, detail: 'body + shortcut' };
        summary.push(head, ...inner.summary);
        if (out.length !== shape.length) fail(path, 'residual', shape, `its body turns ${fmtShape(shape)} into ${fmtShape(out)}; a residual body must keep a sequence.`);
        if (out.length === 2 && (out[0] !== shape[0] || out[1] !== shape[1])) {
          const [L, C] = shape as [number, number];
          const [lOut, cOut] = out as [number, number];
          const stride = Math.round(L / lOut);
          if (Math.ceil(L / stride) !== lOut) fail(path, 'residual', shape, `its body turns length ${L} into ${lOut}, which no strided 1×1 shortcut can match. Use 'same' padding inside residual blocks.`);
          const params = C * cOut + 2 * cOut + 2 * cOut; // 1×1 conv (no bias) + batch norm
          summary.push({ path: `${path}.s`, type: 'shortcut', input: shape, output: out, params, detail: `1×1 conv, stride ${stride}, + batch norm` });
        }
        shape = out;
        break;
      }
      case 'branches': {
        const total = layer.branches.reduce((a, b) => a + b.points, 0);
        if (shape.length !== 2 || shape[0] !== total || shape[1] !== 1) fail(path, 'branches', shape, `its branches read ${layer.branches.map((b) => b.points).join(' + ')} = ${total} points of one channel laid end to end, [${total}, 1].`);
        const inner = layer.branches.map((b, k) => {
          const r = inferShapes(b.layers, [b.points, 1], `${path}.${k + 1}.`);
          return { ...r, size: r.output.reduce((a, v) => a * v, 1) };
        });
        const joined = inner.reduce((a, r) => a + r.size, 0);
        summary.push({ path, type: 'branches', input: shape, output: [joined], params: 0, detail: `${layer.branches.length} branches: ${layer.branches.map((b) => `"${b.name}" ${b.points} points`).join(', ')}` });
        for (const r of inner) summary.push(...r.summary);
        summary.push({ path: `${path}.c`, type: 'concatenate', input: [joined], output: [joined], params: 0, detail: `${inner.map((r) => r.size).join(' + ')} = ${joined}${inner.some((r) => r.output.length === 2) ? ' (each branch flattened)' : ''}` });
        shape = [joined];
        break;
      }
    }
  });
  return { summary, output: shape };
}

/** The residual shortcut's stride (1 when the body keeps the length). */
/** Whether a layer of `type` appears anywhere in `layers`, inside residual blocks and branches too. */
export function hasLayerOfType(layers: LayerSpec[], type: LayerSpec['type']): boolean {
  return layers.some((l) => l.type === type || (l.type === 'residual' && hasLayerOfType(l.layers, type)) || (l.type === 'branches' && l.branches.some((b) => hasLayerOfType(b.layers, type))));
}

export function shortcutStride(inputLength: number, outputLength: number): number {
  return Math.round(inputLength / outputLength);
}

export function parseModelSpec(json: unknown): ModelSpec {
  const r = modelSpec.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const where = issue.path.join('.');
    throw new UserError('BAD_INPUT', `Model spec: ${where ? `${where}: ` : ''}${issue.message}`, { field: where || undefined });
  }
  return r.data;
}

export interface Head {
  /** Units of the output dense layer (number of classes, or 1 for a value). */
  units: number;
}

/**
 * Summary including the output layer the trainer adds; total parameters. An autoencoder
 * (`head` null) has no output layer added: its last layer must give back the input's shape.
 */
export function summarizeModel(spec: ModelSpec, input: [number, number], head: Head | null): { layers: LayerSummary[]; output: Shape; params: number } {
  const all: LayerSpec[] = head ? [...spec.layers, { type: 'dense', units: head.units, useBias: true }] : spec.layers;
  const { summary, output } = inferShapes(all, input);
  if (!head && (output.length !== 2 || output[0] !== input[0] || output[1] !== input[1])) {
    throw new UserError('BAD_INPUT', `An autoencoder must give back its input ${fmtShape(input)}, but its last layer gives ${fmtShape(output)}.`, { field: 'layers' });
  }
  return { layers: summary, output, params: summary.reduce((a, l) => a + l.params, 0) };
}
