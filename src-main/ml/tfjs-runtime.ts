/**
 * The TensorFlow.js runtime for the native engines (@tensorflow/tfjs-node-gpu on CUDA,
 * @tensorflow/tfjs-node on the CPU). The network is written with tfjs-core ops over variables
 * that carry our own parameter names and layout, initialised from the same seeded values as our
 * own engine, so a model moves between engines unchanged. Runs on any tfjs backend (the tests use
 * the plain-JS CPU backend, the only one installable here).
 */
import type * as TF from '@tensorflow/tfjs-core';
import { convGeometry, poolGeometry, poolWindowCounts, shortcutStride, type ConvPadding, type LayerSpec, type Shape } from '../common/ml/model';
import { Net, type Task } from './engine/net';
import { createJsKernels } from './kernels/js';
import { deriveSeed } from './engine/rng';
import { scheduledRate } from './engine/optimizer';
import { defaultMomentum } from '../common/ml/protocol';
import type { Runtime, RuntimeOptions, Snapshot } from './runtime';

type Tensor = TF.Tensor;
/** A batch-norm running-statistics update, applied only when the step's update is applied. */
interface Update {
  run(): void;
  drop(): void;
}

let runtimeCount = 0;

export function createTfjsRuntime(tf: typeof TF, opts: RuntimeOptions): Runtime {
  // Our engine's network (on the small JS heap) gives the parameter layout and initial values.
  const ref = new Net(createJsKernels(), { layers: opts.layers, input: opts.input, task: opts.task, maxBatch: 1, seed: opts.seed });
  const w0 = ref.getWeights();
  const s0 = ref.getState();
  const uid = `sd${++runtimeCount}`;
  const vars = new Map<string, TF.Variable>();
  for (const p of ref.params) vars.set(p.name, tf.variable(tf.tensor(w0.slice(p.offset, p.offset + p.size), p.shape), true, `${uid}/p_${p.name}`));
  const states = new Map<string, TF.Variable>();
  for (const s of ref.stateInfo) states.set(s.name, tf.variable(tf.tensor(s0.slice(s.offset, s.offset + s.size), s.shape), false, `${uid}/s_${s.name}`));
  const trainable = ref.params.map((p) => vars.get(p.name)!);
  const task: Task = opts.task;
  const [L, C] = opts.input;
  const reconstruction = task.kind === 'reconstruction';
  const outputs = task.kind === 'classification' ? task.classes : reconstruction ? L * C : (task.outputs ?? 1);
  const allLayers: LayerSpec[] = reconstruction ? opts.layers : [...opts.layers, { type: 'dense', units: outputs, useBias: true }];
  const o = opts.optimizer;
  const kind = o.kind ?? 'adam';
  const momentum = o.momentum ?? defaultMomentum(kind);
  const optimizer = kind === 'sgd' ? tf.train.momentum(o.learningRate, momentum) : kind === 'rmsprop' ? tf.train.rmsprop(o.learningRate, o.rho ?? 0.9, momentum, o.epsilon ?? 1e-7) : tf.train.adam(o.learningRate, o.beta1 ?? 0.9, o.beta2 ?? 0.999, o.epsilon ?? 1e-7);
  // SGD and momentum keep the rate as a tensor, renewed by setLearningRate; Adam and RMSprop read the field each step.
  const setRate = (lr: number) => {
    if ('setLearningRate' in optimizer) optimizer.setLearningRate(lr);
    else (optimizer as unknown as { learningRate: number }).learningRate = lr;
  };
  let step = 0;
  let dropoutSeed = deriveSeed(opts.seed, 'tf-dropout');
  const x = opts.x;
  const y = opts.y;
  const classWeights = opts.classWeights ?? new Float32Array(outputs).fill(1);

  const P = (name: string) => vars.get(name)!;
  /** Set while recomputing batch-norm statistics from the training data (see calibrate). */
  let calibration: Map<string, { mean: Float64Array; sq: Float64Array; rows: number }> | null = null;
  let calibrated = false;
  const hasBatchNorm = ref.stateInfo.length > 0;
  const S = (name: string) => states.get(name)!;

  function batchNorm(name: string, h: Tensor, training: boolean, momentum: number, eps: number, updates: Update[]): Tensor {
    const gamma = P(`${name}/gamma`);
    const beta = P(`${name}/beta`);
    const rm = S(`${name}/moving_mean`);
    const rv = S(`${name}/moving_variance`);
    if (!training) return tf.batchNorm(h, rm, rv, beta, gamma, eps);
    const axes = h.rank === 3 ? [0, 1] : [0];
    const { mean, variance } = tf.moments(h, axes);
    const rows = h.rank === 3 ? h.shape[0]! * h.shape[1]! : h.shape[0]!;
    if (calibration) {
      const m = mean.dataSync() as Float32Array;
      const v = variance.dataSync() as Float32Array;
      let a = calibration.get(name);
      if (!a) calibration.set(name, (a = { mean: new Float64Array(m.length), sq: new Float64Array(m.length), rows: 0 }));
      for (let c = 0; c < m.length; c++) {
        a.mean[c] += m[c]! * rows;
        a.sq[c] += (v[c]! + m[c]! * m[c]!) * rows;
      }
      a.rows += rows;
      return tf.batchNorm(h, mean, variance, beta, gamma, eps);
    }
    const unbias = rows > 1 ? rows / (rows - 1) : 1;
    const m = tf.keep(mean.clone());
    const v = tf.keep(tf.mul(variance, unbias));
    const drop = () => {
      m.dispose();
      v.dispose();
    };
    updates.push({
      run: () => {
        tf.tidy(() => {
          rm.assign(tf.add(tf.mul(rm, momentum), tf.mul(m, 1 - momentum)));
          rv.assign(tf.add(tf.mul(rv, momentum), tf.mul(v, 1 - momentum)));
        });
        drop();
      },
      drop,
    });
    return tf.batchNorm(h, mean, variance, beta, gamma, eps);
  }

  function conv(name: string, h: Tensor, shape: [number, number], filters: number, k: number, strides: number, dilation: number, padding: ConvPadding, useBias: boolean): Tensor {
    const w = P(`${name}/kernel`) as TF.Tensor3D;
    // tfjs-core's conv1d 'same' pads like ours (extra padding on the right); do it explicitly so
    // strides and dilations combine freely.
    const g = convGeometry(shape[0], k, strides, dilation, padding);
    let input = h as TF.Tensor3D;
    if (padding === 'same') {
      const span = (k - 1) * dilation + 1;
      const total = Math.max((g.lOut - 1) * strides + span - shape[0], 0);
      input = tf.pad(input, [[0, 0], [g.padLeft, total - g.padLeft], [0, 0]]);
    } else if (typeof padding === 'number' && padding > 0) input = tf.pad(input, [[0, 0], [padding, padding], [0, 0]]);
    let out: Tensor;
    if (dilation > 1) {
      // tfjs has no gradient for dilated convolutions: sum one matMul per tap instead.
      const [batch, , cIn] = input.shape;
      out = tf.zeros([batch * g.lOut, filters]);
      for (let t = 0; t < k; t++) {
        const start = t * dilation;
        // Every `strides`-th position from `start` (tfjs has no stridedSlice gradient): a contiguous
        // slice reshaped to [batch, lOut, strides, cIn], keeping position 0 of each group.
        const span = g.lOut * strides;
        const room = input.shape[1] - start;
        const src = room >= span ? input : tf.pad(input, [[0, 0], [0, span - room], [0, 0]]);
        const window = tf.slice(src, [0, start, 0], [batch, span, cIn]);
        const tap = strides === 1 ? window : tf.slice(tf.reshape(window, [batch, g.lOut, strides, cIn]), [0, 0, 0, 0], [batch, g.lOut, 1, cIn]);
        const wt = tf.reshape(tf.slice(w, [t, 0, 0], [1, cIn, filters]), [cIn, filters]);
        out = tf.add(out, tf.matMul(tf.reshape(tap, [batch * g.lOut, cIn]), wt as TF.Tensor2D));
      }
      out = tf.reshape(out, [batch, g.lOut, filters]);
    } else out = tf.conv1d(input, w, strides, 'valid', 'NWC', 1);
    return useBias ? tf.add(out, P(`${name}/bias`)) : out;
  }

  /**
   * Pooling over [batch, length, channels]. Average pooling with 'same' padding is written as a
   * zero-padded 'valid' pool rescaled at the edges: tfjs's CPU backend averages an edge window
   * over the points it covers but its gradient divides by the whole pool size.
   */
  function pool(h: Tensor, [len, ch]: [number, number], kind: 'max' | 'avg', size: number, strides: number, padding: 'same' | 'valid'): Tensor {
    const h4 = tf.reshape(h, [-1, len, 1, ch]) as TF.Tensor4D;
    if (kind === 'max') {
      const p = tf.maxPool(h4, [size, 1], [strides, 1], padding);
      return tf.reshape(p, [-1, p.shape[1]!, ch]);
    }
    const g = poolGeometry(len, size, strides, padding);
    if (!g.padTotal) {
      const p = tf.avgPool(h4, [size, 1], [strides, 1], 'valid');
      return tf.reshape(p, [-1, p.shape[1]!, ch]);
    }
    const padded = tf.pad(h4, [[0, 0], [g.padLeft, g.padTotal - g.padLeft], [0, 0], [0, 0]]);
    const p = tf.reshape(tf.avgPool(padded, [size, 1], [strides, 1], 'valid'), [-1, g.lOut, ch]);
    const factors = poolWindowCounts(len, size, strides, g.padLeft, g.lOut).map((c) => size / c);
    return tf.mul(p, tf.tensor2d(factors, [g.lOut, 1]));
  }

  function forwardLayers(layers: LayerSpec[], h: Tensor, shape: Shape, prefix: string, training: boolean, updates: Update[]): { h: Tensor; shape: Shape } {
    layers.forEach((l, i) => {
      const name = `${prefix}${i + 1}_${l.type}`;
      switch (l.type) {
        case 'conv1d': {
          h = conv(name, h, shape as [number, number], l.filters, l.kernelSize, l.strides, l.dilation, l.padding, l.useBias);
          shape = [h.shape[1]!, l.filters];
          break;
        }
        case 'dense': {
          h = tf.matMul(h as TF.Tensor2D, P(`${name}/kernel`) as TF.Tensor2D);
          if (l.useBias) h = tf.add(h, P(`${name}/bias`));
          shape = [l.units];
          break;
        }
        case 'relu':
          h = tf.relu(h);
          break;
        case 'leakyRelu':
          h = tf.leakyRelu(h, l.alpha);
          break;
        case 'elu':
          h = tf.elu(h);
          break;
        case 'tanh':
          h = tf.tanh(h);
          break;
        case 'sigmoid':
          h = tf.sigmoid(h);
          break;
        case 'maxPool1d':
        case 'avgPool1d': {
          h = pool(h, shape as [number, number], l.type === 'maxPool1d' ? 'max' : 'avg', l.poolSize, l.strides ?? l.poolSize, l.padding ?? 'valid');
          shape = [h.shape[1]!, (shape as [number, number])[1]];
          break;
        }
        case 'globalAvgPool1d':
          h = tf.mean(h, 1);
          shape = [(shape as [number, number])[1]];
          break;
        case 'flatten': {
          const n = shape.reduce((a, b) => a * b, 1);
          h = tf.reshape(h, [-1, n]);
          shape = [n];
          break;
        }
        case 'dropout':
          if (training && l.rate > 0) h = tf.dropout(h, l.rate, undefined, (dropoutSeed = (dropoutSeed + 1) >>> 0));
          break;
        case 'batchNorm':
          h = batchNorm(name, h, training, l.momentum, l.epsilon, updates);
          break;
        case 'upsample1d': {
          const [len, ch] = shape as [number, number];
          h = tf.reshape(tf.tile(tf.reshape(h, [-1, len, 1, ch]), [1, 1, l.size, 1]), [-1, len * l.size, ch]);
          shape = [len * l.size, ch];
          break;
        }
        case 'crop1d': {
          const [len, ch] = shape as [number, number];
          const lOut = len - l.cropping[0] - l.cropping[1];
          h = tf.slice(h, [0, l.cropping[0], 0], [-1, lOut, ch]);
          shape = [lOut, ch];
          break;
        }
        case 'reshape':
          h = tf.reshape(h, [-1, ...l.targetShape]);
          shape = l.targetShape;
          break;
        case 'residual': {
          const inShape = shape;
          const body = forwardLayers(l.layers, h, shape, `${name}/`, training, updates);
          let sc = h;
          const out = body.shape;
          if (out.length !== inShape.length || out.some((v, j) => v !== inShape[j])) {
            const [len, ch] = inShape as [number, number];
            const [lOut, cOut] = out as [number, number];
            sc = conv(`${name}/shortcut_conv`, h, [len, ch], cOut, 1, shortcutStride(len, lOut), 1, 'same', false);
            sc = batchNorm(`${name}/shortcut_bn`, sc, training, 0.9, 1e-3, updates);
          }
          h = tf.add(body.h, sc);
          shape = out;
          break;
        }
        case 'branches': {
          let from = 0;
          const outs = l.branches.map((b, k) => {
            const part = tf.slice(h, [0, from, 0], [-1, b.points, 1]);
            from += b.points;
            const r = forwardLayers(b.layers, part, [b.points, 1], `${name}/b${k + 1}_`, training, updates);
            return tf.reshape(r.h, [-1, r.shape.reduce((a, v) => a * v, 1)]);
          });
          h = tf.concat(outs, 1);
          shape = [h.shape[1]!];
          break;
        }
      }
    });
    return { h, shape };
  }

  const forward = (xb: Tensor, training: boolean, updates: Update[]) => forwardLayers(allLayers, xb, [L, C], '', training, updates).h;

  function lossOf(logits: Tensor, yb: Tensor, xb: Tensor): TF.Scalar {
    if (task.kind === 'reconstruction') return tf.mean(tf.square(tf.sub(logits, xb))) as TF.Scalar;
    if (task.kind === 'classification') {
      const labels = yb as TF.Tensor1D;
      const logp = tf.logSoftmax(logits as TF.Tensor2D);
      const onehot = tf.oneHot(labels, outputs);
      const w = tf.gather(tf.tensor1d(classWeights), labels);
      const nll = tf.neg(tf.sum(tf.mul(logp, onehot), 1));
      return tf.div(tf.sum(tf.mul(nll, w)), tf.sum(w)) as TF.Scalar;
    }
    const pred = tf.reshape(logits, [-1]);
    if (task.loss === 'huber') return tf.losses.huberLoss(yb, pred, undefined, task.huberDelta ?? 1) as TF.Scalar;
    return tf.mean(tf.square(tf.sub(pred, yb))) as TF.Scalar;
  }

  const size = L * C;
  /** Population batch-norm statistics of the training data under the current weights (as Net.calibrateBatchNorm). */
  function calibrate() {
    if (calibrated || !hasBatchNorm) return;
    calibration = new Map();
    const n = x.length / size;
    const chunk = 256;
    try {
      for (let from = 0; from < n; from += chunk) {
        const b = Math.min(chunk, n - from);
        tf.tidy(() => {
          const h = forwardLayers(allLayers.map((l) => (l.type === 'dropout' ? { ...l, rate: 0 } : l)), tf.tensor3d(x.subarray(from * size, (from + b) * size), [b, L, C]), [L, C], '', true, []).h;
          return h.dataSync();
        });
      }
      tf.tidy(() => {
        for (const [name, a] of calibration!) {
          const mean = Float32Array.from(a.mean, (v) => v / a.rows);
          const variance = Float32Array.from(a.sq, (v, c) => Math.max(v / a.rows - mean[c]! * mean[c]!, 0));
          S(`${name}/moving_mean`).assign(tf.tensor1d(mean));
          S(`${name}/moving_variance`).assign(tf.tensor1d(variance));
        }
      });
    } finally {
      calibration = null;
    }
    calibrated = true;
  }
  function gather(index: Int32Array, from: number, batch: number) {
    const xs = new Float32Array(batch * size);
    // Regression targets are `outputs` per row; the loss reads them flat, in the order of the flattened predictions.
    const width = task.kind === 'regression' ? outputs : 1;
    const ys = task.kind === 'classification' ? new Int32Array(batch) : new Float32Array(batch * width);
    for (let i = 0; i < batch; i++) {
      const r = index[from + i]!;
      xs.set(x.subarray(r * size, r * size + size), i * size);
      for (let j = 0; j < width; j++) ys[i * width + j] = y[r * width + j]!;
    }
    return { xs, ys };
  }
  return {
    description: `TensorFlow.js (${tf.getBackend()})`,
    paramCount: ref.paramCount,
    params: ref.params,
    step(index, from, batch) {
      const { xs, ys } = gather(index, from, batch);
      const updates: Update[] = [];
      const out = tf.tidy(() => {
        const xb = tf.tensor3d(xs, [batch, L, C]);
        const yb = task.kind === 'classification' ? tf.tensor1d(ys as Int32Array, 'int32') : tf.tensor1d(ys as Float32Array);
        const { value, grads } = tf.variableGrads(() => lossOf(forward(xb, true, updates), yb, xb), trainable);
        const names = Object.keys(grads);
        const norm = Math.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!)))).dataSync()[0]!);
        const loss = value.dataSync()[0]!;
        if (!Number.isFinite(loss) || !Number.isFinite(norm)) return { loss, norm, applied: false };
        const clip = o.clipNorm ?? 0;
        const scale = clip > 0 && norm > clip ? clip / norm : 1;
        const lr = scheduledRate(o, step);
        setRate(lr);
        optimizer.applyGradients(names.map((n) => ({ name: n, tensor: scale === 1 ? grads[n]! : tf.mul(grads[n]!, scale) })));
        if (o.weightDecay) for (const v of trainable) v.assign(tf.mul(v, 1 - lr * o.weightDecay));
        return { loss, norm, applied: true };
      });
      if (out.applied) {
        step++;
        calibrated = false;
        for (const u of updates) u.run();
      } else for (const u of updates) u.drop();
      return { loss: out.loss, gradNorm: out.norm, applied: out.applied };
    },
    gradients(index, from, batch) {
      const { xs, ys } = gather(index, from, batch);
      return tf.tidy(() => {
        const xb = tf.tensor3d(xs, [batch, L, C]);
        const yb = task.kind === 'classification' ? tf.tensor1d(ys as Int32Array, 'int32') : tf.tensor1d(ys as Float32Array);
        const updates: Update[] = [];
        const { value, grads } = tf.variableGrads(() => lossOf(forward(xb, true, updates), yb, xb), trainable);
        for (const u of updates) u.drop();
        const flat = new Float32Array(ref.paramCount);
        for (const p of ref.params) flat.set(grads[`${uid}/p_${p.name}`]!.dataSync() as Float32Array, p.offset);
        return { loss: value.dataSync()[0]!, grads: flat };
      });
    },
    predict(xin, n) {
      calibrate();
      const res = new Float32Array(n * outputs);
      const chunk = 256;
      for (let from = 0; from < n; from += chunk) {
        const b = Math.min(chunk, n - from);
        const data = tf.tidy(() => forward(tf.tensor3d(xin.subarray(from * size, (from + b) * size), [b, L, C]), false, []).dataSync() as Float32Array);
        res.set(data, from * outputs);
      }
      return res;
    },
    snapshot(): Snapshot {
      calibrate();
      const weights = new Float32Array(ref.paramCount);
      for (const p of ref.params) weights.set(vars.get(p.name)!.dataSync() as Float32Array, p.offset);
      const state = new Float32Array(ref.stateCount);
      for (const s of ref.stateInfo) state.set(states.get(s.name)!.dataSync() as Float32Array, s.offset);
      return { weights, state };
    },
    restore(s) {
      calibrated = true;
      tf.tidy(() => {
        for (const p of ref.params) vars.get(p.name)!.assign(tf.tensor(s.weights.slice(p.offset, p.offset + p.size), p.shape));
        for (const st of ref.stateInfo) states.get(st.name)!.assign(tf.tensor(s.state.slice(st.offset, st.offset + st.size), st.shape));
      });
    },
    tensors: () => tf.memory().numTensors,
    async dispose() {
      for (const v of [...vars.values(), ...states.values()]) v.dispose();
      optimizer.dispose();
    },
  };
}
