/**
 * Model packages: a folder that predicts without the project it came from.
 *
 * - `model.json`: networks as a TensorFlow.js layers model (`modelTopology` — Sequential, or the
 *   functional format when the network has residual blocks — and a `weightsManifest` pointing at
 *   `weights.bin`, tfjs weight names); classification models end in a softmax, so
 *   `tf.loadLayersModel` gives class probabilities. PLS models: the PLS model JSON
 *   (`coefficients`, `intercepts`, loadings, …; no `weights.bin`).
 * - `weights.bin`: little-endian float32 weights in manifest order (networks).
 * - `spectra-desk.json`: what prediction needs besides the model — task, classes, the raw axis
 *   and its unit, the recipe with its fitted state, input and target scaling, the out-of-model
 *   check (fitted on the run's training spectra: T² and Q limits and the PCA or PLS statistics
 *   behind them), our own layer list, the app version and the engine the run trained on.
 * - `pipeline.json`: the recipe spec (resolved), usable with `spectra-desk preprocess --pipeline`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection';
import { getRun } from '../db/runs';
import { UserError } from '../common/errors';
import type { AxisUnit } from '../common/domain/spectra';
import { inferShapes, shortcutStride, type LayerSpec } from '../common/ml/model';
import type { TaskSpec } from '../common/ml/protocol';
import type { PlsModel } from '../common/ml/pls';
import type { FittedPipeline } from '../common/preprocessing/pipeline';
import { Net } from '../ml/engine/net';
import { createJsKernels } from '../ml/kernels/js';
import { loadPredictor, type NetworkModel, type OutlierModel, type Predictor } from './predict';
import { requireOneChannel, type ChannelsRecord } from '../common/runs/channels';
import { APP_VERSION } from './version';

export const PACKAGE_FORMAT = 'spectra-desk-model';
/**
 * The newest package format this app reads. Packages are written with the lowest version that
 * holds them, so older apps keep reading what they can: 2 only for a PLS-DA model with the
 * class-centre or nearest-neighbour decision (an app that reads 1 would ignore the decision and
 * predict wrongly).
 */
export const PACKAGE_VERSION = 2;

/** The contents of `spectra-desk.json`. */
export interface PackageManifest {
  format: typeof PACKAGE_FORMAT;
  formatVersion: number;
  appVersion: string;
  createdAt: string;
  /** Where the model was trained: run id, dataset, target column, engine and library versions. */
  trainedOn: { runId: number; dataset: string; targetColumn: string; backend: string | null; versions: Record<string, unknown> | null; createdAt: string; finishedAt: string | null };
  kind: 'network' | 'pls';
  model: string;
  task: 'classification' | 'regression';
  classes: string[];
  /** What model.json's output is. */
  output: string;
  /** The raw axis new spectra are resampled onto, and its unit. */
  axis: { unit: AxisUnit; values: number[] };
  /** The model's input axis after the recipe. */
  modelAxis: number[];
  recipe: FittedPipeline | null;
  inputScaling: { mean: number; std: number; note: string };
  targetScaling: { mean: number; std: number } | null;
  /** A model of several targets: each one's column and scaling, in output order (`targetScaling` is the first's). */
  targets?: { name: string; mean: number; std: number }[];
  network: { layers: LayerSpec[]; input: [number, number]; task: TaskSpec; kernels: string } | null;
  outOfModel: (OutlierModel & { note: string }) | null;
  /** A model whose target is a channel: its name, the axis of the predicted spectra (one output per point, scaled as `targets`) and its unit, and the channels it reads. */
  targetChannel?: { name: string; unit: AxisUnit; axis: number[]; inputs: string[] };
}

/** tfjs layer name of one of our layers ("5_residual/1_conv1d" → "l5_residual_1_conv1d"). */
function tfLayerName(ours: string): string {
  return `l${ours.replace(/\//g, '_')}`;
}

/** tfjs weight name of one of our parameter or state names ("3_batchNorm/moving_mean" → "l3_batchNorm/moving_mean"). */
export function tfWeightName(ours: string): string {
  const cut = ours.lastIndexOf('/');
  return `${tfLayerName(ours.slice(0, cut))}/${ours.slice(cut + 1)}`;
}

type KerasLayer = { class_name: string; config: Record<string, unknown>; name?: string; inbound_nodes?: unknown[] };
type SeqShape = [number, number] | [number];

/**
 * The Keras layers of one of ours, given its input shape: usually one. A convolution with p
 * zeros of padding on each side becomes Reshape → ZeroPadding2D → Reshape → Conv1D 'valid'
 * (tfjs-layers has no ZeroPadding1D), named after the convolution, whose weights they carry none of.
 */
function kerasLayers(l: LayerSpec, name: string, s: SeqShape): KerasLayer[] {
  const base = { name, trainable: true, dtype: 'float32' };
  const activation = (fn: string): KerasLayer => ({ class_name: 'Activation', config: { ...base, activation: fn } });
  switch (l.type) {
    case 'conv1d': {
      const conv: KerasLayer = { class_name: 'Conv1D', config: { ...base, filters: l.filters, kernel_size: [l.kernelSize], strides: [l.strides], padding: typeof l.padding === 'number' ? 'valid' : l.padding, data_format: 'channels_last', dilation_rate: [l.dilation], activation: 'linear', use_bias: l.useBias } };
      if (typeof l.padding !== 'number' || l.padding === 0) return [conv];
      const [L, C] = s as [number, number];
      const part = (suffix: string) => ({ ...base, name: `${name}_${suffix}` });
      return [
        { class_name: 'Reshape', config: { ...part('rows'), target_shape: [L, 1, C] } },
        { class_name: 'ZeroPadding2D', config: { ...part('pad'), padding: [[l.padding, l.padding], [0, 0]], data_format: 'channels_last' } },
        { class_name: 'Reshape', config: { ...part('padded'), target_shape: [L + 2 * l.padding, C] } },
        conv,
      ];
    }
    case 'batchNorm':
      return [{ class_name: 'BatchNormalization', config: { ...base, axis: -1, momentum: l.momentum, epsilon: l.epsilon, center: true, scale: true } }];
    case 'relu':
    case 'tanh':
    case 'sigmoid':
      return [activation(l.type)];
    case 'leakyRelu':
      return [{ class_name: 'LeakyReLU', config: { ...base, alpha: l.alpha } }];
    case 'elu':
      return [{ class_name: 'ELU', config: { ...base, alpha: 1 } }];
    case 'maxPool1d':
    case 'avgPool1d':
      return [{ class_name: l.type === 'maxPool1d' ? 'MaxPooling1D' : 'AveragePooling1D', config: { ...base, pool_size: [l.poolSize], strides: [l.strides ?? l.poolSize], padding: l.padding ?? 'valid' } }];
    case 'globalAvgPool1d':
      return [{ class_name: 'GlobalAveragePooling1D', config: { ...base, data_format: 'channels_last' } }];
    case 'flatten':
      return [{ class_name: 'Flatten', config: base }];
    case 'dropout':
      return [{ class_name: 'Dropout', config: { ...base, rate: l.rate } }];
    case 'dense':
      return [{ class_name: 'Dense', config: { ...base, units: l.units, activation: 'linear', use_bias: l.useBias } }];
    case 'reshape':
      return [{ class_name: 'Reshape', config: { ...base, target_shape: l.targetShape } }];
    case 'upsample1d':
    case 'crop1d': {
      // tfjs-layers has neither UpSampling1D nor Cropping1D: their 2D forms over [length, 1, channels].
      const [L, C] = s as [number, number];
      const part = (suffix: string) => ({ ...base, name: `${name}_${suffix}` });
      const lOut = l.type === 'upsample1d' ? L * l.size : L - l.cropping[0] - l.cropping[1];
      const inner: KerasLayer =
        l.type === 'upsample1d'
          ? { class_name: 'UpSampling2D', config: { ...base, size: [l.size, 1], data_format: 'channels_last', interpolation: 'nearest' } }
          : { class_name: 'Cropping2D', config: { ...base, cropping: [l.cropping, [0, 0]], data_format: 'channels_last' } };
      return [{ class_name: 'Reshape', config: { ...part('rows'), target_shape: [L, 1, C] } }, inner, { class_name: 'Reshape', config: { ...part('seq'), target_shape: [lOut, C] } }];
    }
    case 'residual':
    case 'branches':
      return [];
  }
}

/**
 * The Keras/tfjs topology of a network: Sequential when it has no residual blocks or branches,
 * else the functional format (blocks become an Add of the body and the shortcut, branches a
 * Concatenate of their flattened outputs, as Net computes them).
 */
export function tfjsTopology(network: { layers: LayerSpec[]; input: [number, number]; task: TaskSpec }): Record<string, unknown> {
  // An autoencoder's last layer is its output (the reconstruction); other networks get their output layer.
  const all: LayerSpec[] = network.task.kind === 'reconstruction' ? network.layers : [...network.layers, { type: 'dense', units: network.task.kind === 'classification' ? network.task.classes : (network.task.outputs ?? 1), useBias: true }];
  const batchInputShape = [null, ...network.input];
  const softmax: KerasLayer | null = network.task.kind === 'classification' ? { class_name: 'Activation', config: { name: 'probabilities', trainable: true, dtype: 'float32', activation: 'softmax' } } : null;
  const keras = { keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' };
  if (!all.some((l) => l.type === 'residual' || l.type === 'branches')) {
    let s: SeqShape = network.input;
    const layers = all.flatMap((l, i) => {
      const out = kerasLayers(l, tfLayerName(`${i + 1}_${l.type}`), s);
      s = nextShape(l, s);
      return out;
    });
    layers[0]!.config.batch_input_shape = batchInputShape;
    if (softmax) layers.push(softmax);
    return { class_name: 'Sequential', config: { name: 'spectra_desk', layers }, ...keras };
  }
  const nodes: KerasLayer[] = [{ class_name: 'InputLayer', name: 'input', config: { name: 'input', batch_input_shape: batchInputShape, dtype: 'float32', sparse: false }, inbound_nodes: [] }];
  const add = (layer: KerasLayer, inputs: string[]): string => {
    const name = layer.config.name as string;
    nodes.push({ ...layer, name, inbound_nodes: [inputs.map((i) => [i, 0, 0, {}])] });
    return name;
  };
  const chain = (layers: KerasLayer[], input: string): string => layers.reduce((current, layer) => add(layer, [current]), input);
  // Mirrors Net's Residual: a shape-changing body gets a 1×1 convolution + batch norm shortcut.
  const walk = (layers: LayerSpec[], prefix: string, input: string, shape: SeqShape): { out: string; shape: SeqShape } => {
    let current = input;
    let s = shape;
    layers.forEach((l, i) => {
      const ours = `${prefix}${i + 1}_${l.type}`;
      if (l.type === 'residual') {
        const body = walk(l.layers, `${ours}/`, current, s);
        let shortcut = current;
        const same = body.shape.length === s.length && body.shape.every((v, j) => v === s[j]);
        if (!same) {
          const [L] = s as [number, number];
          const [lOut, cOut] = body.shape as [number, number];
          const stride = shortcutStride(L, lOut);
          shortcut = chain(kerasLayers({ type: 'conv1d', filters: cOut, kernelSize: 1, strides: stride, dilation: 1, padding: 'same', useBias: false }, tfLayerName(`${ours}/shortcut_conv`), s), shortcut);
          shortcut = chain(kerasLayers({ type: 'batchNorm', momentum: 0.9, epsilon: 1e-3 }, tfLayerName(`${ours}/shortcut_bn`), body.shape), shortcut);
        }
        current = add({ class_name: 'Add', config: { name: tfLayerName(ours), trainable: true, dtype: 'float32' } }, [body.out, shortcut]);
        s = body.shape;
        return;
      }
      if (l.type === 'branches') {
        // Each branch's run of the input: tfjs-layers has no Cropping1D, so Cropping2D over [points, 1, 1].
        const total = (s as [number, number])[0];
        let from = 0;
        const outs = l.branches.map((b, k) => {
          const branchName = `${ours}/b${k + 1}`;
          const part = (suffix: string) => ({ name: tfLayerName(`${branchName}_${suffix}`), trainable: true, dtype: 'float32' });
          const crop = chain([
            { class_name: 'Reshape', config: { ...part('rows'), target_shape: [total, 1, 1] } },
            { class_name: 'Cropping2D', config: { ...part('crop'), cropping: [[from, total - from - b.points], [0, 0]], data_format: 'channels_last' } },
            { class_name: 'Reshape', config: { ...part('seq'), target_shape: [b.points, 1] } },
          ], current);
          from += b.points;
          const branch = walk(b.layers, `${branchName}_`, crop, [b.points, 1]);
          return branch.shape.length === 2 ? add({ class_name: 'Flatten', config: part('flat') }, [branch.out]) : branch.out;
        });
        current = add({ class_name: 'Concatenate', config: { name: tfLayerName(ours), trainable: true, dtype: 'float32', axis: -1 } }, outs);
        s = nextShape(l, s);
        return;
      }
      current = chain(kerasLayers(l, tfLayerName(ours), s), current);
      s = nextShape(l, s);
    });
    return { out: current, shape: s };
  };
  let { out } = walk(all, '', 'input', network.input);
  if (softmax) out = add(softmax, [out]);
  return { class_name: 'Model', config: { name: 'spectra_desk', layers: nodes, input_layers: [['input', 0, 0]], output_layers: [[out, 0, 0]] }, ...keras };
}

/** A layer's output shape (the same rule as the layer table's). */
const nextShape = (l: LayerSpec, s: SeqShape): SeqShape => inferShapes([l], s).output;

/** Parameter and state layout of a network (names, shapes, offsets), from our engine. */
function layoutOf(network: { layers: LayerSpec[]; input: [number, number]; task: TaskSpec }) {
  const net = new Net(createJsKernels(), { layers: network.layers, input: network.input, task: network.task, maxBatch: 1, seed: 0 });
  return { params: net.params, state: net.stateInfo };
}

/** A network as TF.js layers files: `model.json`'s contents and the float32 weights of `weights.bin`, in manifest order. */
export function tfjsModelFiles(network: NetworkModel): { modelJson: Record<string, unknown>; bin: Float32Array } {
  const { params, state } = layoutOf(network);
  const entries = [...params.map((x) => ({ info: x, from: network.weights })), ...state.map((x) => ({ info: x, from: network.state }))];
  const bin = new Float32Array(entries.reduce((a, e) => a + e.info.size, 0));
  let at = 0;
  for (const e of entries) {
    bin.set(e.from.subarray(e.info.offset, e.info.offset + e.info.size), at);
    at += e.info.size;
  }
  const modelJson = {
    format: 'layers-model',
    generatedBy: `Spectra Desk ${APP_VERSION}`,
    convertedBy: null,
    modelTopology: tfjsTopology(network),
    weightsManifest: [{ paths: ['weights.bin'], weights: entries.map((e) => ({ name: tfWeightName(e.info.name), shape: e.info.shape, dtype: 'float32' })) }],
  };
  return { modelJson, bin };
}

/** How a PLS-DA model's output columns and class are read, per class decision. */
function plsClassOutput(pls: PlsModel): string {
  const rule = pls.decision?.rule;
  if (rule === 'centroid') {
    return 'PLS model JSON with decision "centroid": ŷ = x·coefficients + intercepts on the scaled recipe output; the class is the one whose row of decision.centroids (classes × classes, the mean ŷ of its training spectra) is nearest to ŷ (Euclidean), and column c holds (1/d_c)/Σ(1/d_k)';
  }
  if (rule === 'nearest-neighbour') {
    return 'PLS model JSON with decision "nearest-neighbour": scores t = ((x − xMeans)/xScales)·R with R = xWeights·(xLoadingsᵀ·xWeights)⁻¹ on the scaled recipe output; the class is that of the training row of decision.scores nearest to t (Euclidean), and column c holds (1/d_c)/Σ(1/d_k) for the distance d_c to the nearest training row of class c';
  }
  return 'PLS model JSON: ŷ = x·coefficients + intercepts on the scaled recipe output, one column per class (one-hot); the class is the largest';
}

function writeJson(file: string, value: unknown): void {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 1)}\n`);
}

function manifestOf(p: Predictor, run: ReturnType<typeof getRun>): PackageManifest {
  return {
    format: PACKAGE_FORMAT,
    formatVersion: p.pls?.decision ? 2 : 1,
    appVersion: APP_VERSION,
    createdAt: new Date().toISOString(),
    trainedOn: { runId: run.id, dataset: run.datasetName, targetColumn: run.targetColumn, backend: run.backend, versions: run.versions, createdAt: run.createdAt, finishedAt: run.finishedAt },
    kind: p.pls ? 'pls' : 'network',
    model: p.model,
    task: p.task,
    classes: p.classes,
    output: p.pls
      ? p.task === 'classification'
        ? plsClassOutput(p.pls)
        : p.targets
          ? 'PLS model JSON: ŷ = x·coefficients + intercepts on the scaled recipe output, one column per target; value of target k = ŷₖ·targets[k].std + targets[k].mean'
          : 'PLS model JSON: ŷ = x·coefficients + intercepts on the scaled recipe output; value = ŷ·targetScaling.std + targetScaling.mean'
      : p.network?.task.kind === 'reconstruction'
        ? 'tfjs layers model: the reconstruction [points, channels] of its standardised input; Q = Σ (input − output)² and max |input − output| / check.point.sd are the out-of-model checks'
        : p.task === 'classification'
        ? 'tfjs layers model: class probabilities (softmax), one column per class'
        : p.targetChannel
          ? `tfjs layers model: the spectrum of channel "${p.targetChannel.name}", one standardised value per point; value at point k (targetChannel.axis[k]) = output[k]·targets[k].std + targets[k].mean`
          : p.targets
          ? 'tfjs layers model: one standardised value per target; value of target k = output[k]·targets[k].std + targets[k].mean'
          : 'tfjs layers model: one standardised value; value = output·targetScaling.std + targetScaling.mean',
    axis: { unit: p.axisUnit, values: Array.from(p.rawAxis) },
    modelAxis: Array.from(p.modelAxis),
    recipe: p.recipe,
    inputScaling: { ...p.inputScaling, note: 'model input = (recipe output − mean) / std, every point alike' },
    targetScaling: p.targetScaling,
    ...(p.targets ? { targets: p.targets } : {}),
    network: p.network ? { layers: p.network.layers, input: p.network.input, task: p.network.task, kernels: p.kernels } : null,
    ...(p.targetChannel ? { targetChannel: { name: p.targetChannel.name, unit: p.targetChannel.unit, axis: Array.from(p.targetChannel.axis), inputs: p.targetChannel.inputs } } : {}),
    outOfModel: p.outlier
      ? {
          ...p.outlier,
          note:
            p.outlier.kind === 'reconstruction'
              ? `Q of the reconstruction residual (Σ (input − output)² of the standardised input) and its largest standardised point (max over points of |input − output| / check.point.sd); out of model when Q exceeds check.limit (Box's χ² approximation) or the point residual exceeds check.point.limit (the Gumbel quantile of the held-out spectra's leave-one-out largest point residuals, never below check.point.studentLimit, Student t with check.spectra degrees of freedom at the two-sided 1 − ${(1 - p.outlier.check.confidence).toFixed(2)}/points), both learned at ${p.outlier.check.confidence * 100} % on ${p.outlier.check.learnedOn === 'held-out' ? 'the training-split spectra held out of training' : 'the training spectra'}; the prediction CSV's flaggedBy column says which flagged a spectrum`
              : p.outlier.kind === 'pls'
              ? 'Hotelling T² and Q of the PLS X scores of the scaled recipe output (see PLS model); out of model when either exceeds its 95 % limit'
              : 'Hotelling T² and Q of a PCA of the penultimate-layer features (the input of the last dense layer); out of model when either exceeds its 95 % limit',
        }
      : null,
  };
}

/**
 * Writes a run's model package into `dir` (created when missing; a folder holding anything but
 * a previous package is refused).
 * @returns the files written, relative to `dir`
 */
export function writeModelPackage(db: Db, runId: number, dir: string): { files: string[]; manifest: PackageManifest } {
  // The package's manifest and TF.js model describe one channel; a run on several predicts from the project.
  requireOneChannel(runId, getRun(db, runId).config as { channels?: ChannelsRecord }, 'writing a model package');
  const p = loadPredictor(db, runId);
  const run = getRun(db, runId);
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new UserError('BAD_INPUT', `${dir} is a file; give a folder for the model package.`, { file: dir });
    const there = fs.readdirSync(dir);
    if (there.length && !there.includes('spectra-desk.json')) throw new UserError('CONFLICT', `Folder ${dir} is not empty; choose a new folder for the model package.`, { file: dir });
  } else fs.mkdirSync(dir, { recursive: true });
  const manifest = manifestOf(p, run);
  const files = ['model.json', 'spectra-desk.json', 'pipeline.json'];
  if (p.network) {
    const { modelJson, bin } = tfjsModelFiles(p.network);
    fs.writeFileSync(path.join(dir, 'weights.bin'), new Uint8Array(bin.buffer));
    writeJson(path.join(dir, 'model.json'), modelJson);
    files.push('weights.bin');
  } else {
    writeJson(path.join(dir, 'model.json'), p.pls);
    fs.rmSync(path.join(dir, 'weights.bin'), { force: true });
  }
  writeJson(path.join(dir, 'spectra-desk.json'), manifest);
  writeJson(path.join(dir, 'pipeline.json'), p.recipe ? p.recipe.spec : { schemaVersion: 1, steps: [] });
  return { files, manifest };
}

function readJson<T>(dir: string, name: string): T {
  const file = path.join(dir, name);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UserError('NOT_FOUND', `${dir} is not a Spectra Desk model package: ${name} is missing. Export one with spectra-desk export-model.`, { file: name });
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new UserError('BAD_INPUT', `${name} in ${dir} is not valid JSON (${(err as Error).message}).`, { file: name });
  }
}

/** A predictor from a model package folder alone (no project). */
export function readModelPackage(dir: string): Predictor {
  const m = readJson<PackageManifest>(dir, 'spectra-desk.json');
  if (m.format !== PACKAGE_FORMAT) throw new UserError('BAD_INPUT', `${dir}/spectra-desk.json is not a Spectra Desk model manifest.`, { file: 'spectra-desk.json' });
  if (m.formatVersion > PACKAGE_VERSION) throw new UserError('BAD_INPUT', `The model package in ${dir} was written by a newer Spectra Desk (${m.appVersion}); update the app to use it.`, { file: 'spectra-desk.json' });
  let network: NetworkModel | null = null;
  let pls: PlsModel | null = null;
  if (m.kind === 'pls') pls = readJson<PlsModel>(dir, 'model.json');
  else {
    const spec = m.network!;
    const model = readJson<{ weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[] }>(dir, 'model.json');
    const { params, state } = layoutOf(spec);
    const weights = new Float32Array(params.reduce((a, x) => a + x.size, 0));
    const stateValues = new Float32Array(state.reduce((a, x) => a + x.size, 0));
    const slots = new Map<string, { to: Float32Array; offset: number; size: number }>();
    for (const x of params) slots.set(tfWeightName(x.name), { to: weights, offset: x.offset, size: x.size });
    for (const x of state) slots.set(tfWeightName(x.name), { to: stateValues, offset: x.offset, size: x.size });
    const filled = new Set<string>();
    for (const group of model.weightsManifest) {
      const bytes = Buffer.concat(group.paths.map((f) => fs.readFileSync(path.join(dir, f))));
      const copy = new Uint8Array(bytes.byteLength);
      copy.set(bytes);
      const values = new Float32Array(copy.buffer, 0, Math.floor(copy.byteLength / 4));
      let at = 0;
      for (const w of group.weights) {
        const size = w.shape.reduce((a, b) => a * b, 1);
        const slot = slots.get(w.name);
        if (!slot || slot.size !== size || at + size > values.length) throw new UserError('BAD_INPUT', `model.json in ${dir}: weight ${w.name} does not fit the network in spectra-desk.json.`, { file: 'model.json' });
        slot.to.set(values.subarray(at, at + size), slot.offset);
        filled.add(w.name);
        at += size;
      }
    }
    const missing = [...slots.keys()].filter((k) => !filled.has(k));
    if (missing.length) throw new UserError('BAD_INPUT', `model.json in ${dir} lacks weights ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}.`, { file: 'model.json' });
    network = { layers: spec.layers, input: spec.input, task: spec.task, weights, state: stateValues };
  }
  let outlier: OutlierModel | null = null;
  if (m.outOfModel) {
    const { note: _note, ...rest } = m.outOfModel;
    void _note;
    outlier = rest as OutlierModel;
  }
  return {
    source: `model package ${path.basename(path.resolve(dir))}`,
    model: m.model,
    task: m.task,
    targetColumn: m.trainedOn.targetColumn,
    classes: m.classes,
    rawAxis: Float64Array.from(m.axis.values),
    axisUnit: m.axis.unit,
    modelAxis: Float64Array.from(m.modelAxis),
    recipe: m.recipe,
    inputScaling: { mean: m.inputScaling.mean, std: m.inputScaling.std },
    targetScaling: m.targetScaling,
    ...(m.targets ? { targets: m.targets } : {}),
    network,
    pls,
    outlier,
    kernels: m.network?.kernels === 'js' ? 'js' : 'wasm-simd',
    ...(m.targetChannel ? { targetChannel: { name: m.targetChannel.name, unit: m.targetChannel.unit, axis: Float64Array.from(m.targetChannel.axis), inputs: m.targetChannel.inputs } } : {}),
  };
}
