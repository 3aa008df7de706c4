/**
 * A model being trained, on whichever engine: one step over a batch (forward, loss, backward,
 * optimiser), inference, and weight snapshots. The fit loop (fit.ts) only talks to this.
 */
import type { LayerSpec } from '../common/ml/model';
import { Net, type ParamInfo, type Task } from './engine/net';
import { Optimizer, type OptimizerOptions } from './engine/optimizer';
import { LocalReplica, WorkerReplicas, type Replicas } from './engine/replicas';
import { createKernelsOf } from './engine/kernels-factory';
import type { Kernels } from './kernels/types';
import type { KernelKind } from './engine/kernel-choice';
import { findBuilt } from './built-files';
import { chooseWasmBuild } from './kernels/index';

export interface Snapshot {
  weights: Float32Array;
  state: Float32Array;
}

export interface StepOutcome {
  loss: number;
  /** Global gradient norm before clipping (NaN when the loss was not finite and no update was made). */
  gradNorm: number;
  /** False when the loss or gradient was not finite: the weights were left unchanged. */
  applied: boolean;
}

export interface Runtime {
  /** Engine label, e.g. "WebAssembly SIMD · 2 threads". */
  readonly description: string;
  readonly paramCount: number;
  /** Names, shapes and offsets of the parameters in the flat weight layout every engine shares. */
  readonly params: ParamInfo[];
  step(index: Int32Array, from: number, batch: number): StepOutcome;
  /** Loss and gradient (in our parameter layout) for rows index[from .. from+batch), without an update: for tests that hold engines to each other. */
  gradients(index: Int32Array, from: number, batch: number): { loss: number; grads: Float32Array };
  /** Outputs [n, outputs] (logits, or standardised values) for inputs [n, length·channels]. */
  predict(x: Float32Array, n: number): Float32Array;
  snapshot(): Snapshot;
  restore(s: Snapshot): void;
  /** Live tensor count where the engine has one (tfjs), for leak checks. */
  tensors(): number | null;
  dispose(): Promise<void>;
}

export interface RuntimeOptions {
  layers: LayerSpec[];
  input: [number, number];
  task: Task;
  batchSize: number;
  seed: number;
  optimizer: OptimizerOptions;
  /** Training inputs [n, length·channels] and targets (class indices or standardised values). */
  x: Float32Array;
  y: Int32Array | Float32Array;
  classWeights?: Float32Array;
}

/** Our own engine: WebAssembly SIMD (or plain JS) kernels, data-parallel over `threads` worker threads. */
export async function createOwnRuntime(opts: RuntimeOptions & { kernels: KernelKind; threads: number; kernelsOverride?: Kernels }): Promise<Runtime> {
  const wasmPath = opts.kernels === 'wasm-simd' ? (chooseWasmBuild()?.file ?? null) : null;
  const k = opts.kernelsOverride ?? createKernelsOf(opts.kernels, wasmPath);
  const evalBatch = Math.max(opts.batchSize, 64);
  const master = new Net(k, { layers: opts.layers, input: opts.input, task: opts.task, maxBatch: evalBatch, seed: opts.seed });
  const classes = opts.task.kind === 'classification' ? opts.task.classes : 1;
  const classWeights = opts.classWeights ?? new Float32Array(classes).fill(1);
  master.setClassWeights(classWeights);
  const optimizer = new Optimizer(k, master.weights, master.grads, master.paramCount, opts.optimizer);
  let replicas: Replicas;
  const threads = Math.max(1, Math.min(opts.threads, opts.batchSize));
  if (threads > 1) {
    const workerFile = findBuilt('ml/replica-worker.cjs');
    if (!workerFile) throw new Error('out/ml/replica-worker.cjs was not found; run the build.');
    replicas = await WorkerReplicas.start(master, threads, workerFile, { kernels: opts.kernels, wasmPath, x: opts.x, y: opts.y, seed: opts.seed, maxBatch: opts.batchSize, classWeights });
  } else {
    replicas = new LocalReplica(master, opts.x, opts.y);
  }
  const label = `${opts.kernels === 'wasm-simd' ? 'WebAssembly SIMD' : 'plain JavaScript'} · ${threads} thread${threads > 1 ? 's' : ''}`;
  // Replicas update batch-norm running statistics from whole-batch statistics (the same in every
  // replica; engine/replicas.ts), but inference does not use them:
  // batch-norm statistics for inference are recomputed from the training data under the
  // current weights ("precise batch norm", Net.calibrateBatchNorm) whenever weights changed.
  let stateFresh = false;
  const sync = () => {
    if (stateFresh) return;
    if (master.hasBatchNorm) master.calibrateBatchNorm(opts.x, opts.x.length / (opts.input[0] * opts.input[1]));
    else replicas.syncState();
    stateFresh = true;
  };
  return {
    description: label,
    paramCount: master.paramCount,
    params: master.params,
    step(index, from, batch) {
      stateFresh = false;
      const { loss } = replicas.step(index, from, batch);
      if (!Number.isFinite(loss)) return { loss, gradNorm: NaN, applied: false };
      const gradNorm = Math.sqrt(k.sumSquares(master.grads, master.paramCount));
      if (!Number.isFinite(gradNorm)) return { loss, gradNorm, applied: false };
      optimizer.apply();
      replicas.publishWeights();
      return { loss, gradNorm, applied: true };
    },
    gradients(index, from, batch) {
      stateFresh = false;
      const { loss } = replicas.step(index, from, batch);
      return { loss, grads: master.getGrads() };
    },
    predict(x, n) {
      sync();
      return master.predict(x, n);
    },
    snapshot() {
      sync();
      return { weights: master.getWeights(), state: master.getState() };
    },
    restore(s) {
      master.setWeights(s.weights);
      master.setState(s.state);
      stateFresh = true;
      replicas.publishWeights();
    },
    tensors: () => null,
    dispose: () => replicas.dispose(),
  };
}
