/**
 * Data-parallel training steps. The batch is cut into chunks that the replicas (worker threads,
 * each with its own WebAssembly heap and a copy of the network) claim one at a time from a shared
 * counter, so a thread whose core is busy takes fewer chunks and the others do not wait for a
 * fixed half of the batch. Each chunk's gradient goes to a slot of its own, and the coordinator
 * combines the slots in chunk order in proportion to each chunk's loss weight (so the result
 * equals the full-batch gradient and does not depend on which thread ran which chunk; dropout
 * draws from a stream per chunk and step for the same reason), applies the optimiser once and
 * publishes the new weights. Batch norm normalises over each chunk, as PyTorch's
 * DistributedDataParallel does over each replica's part without SyncBatchNorm; networks with
 * batch norm therefore get one chunk per replica, the others four, of at least 4 spectra. The
 * exchange is over SharedArrayBuffers with Atomics, so no step pays for message passing. With one
 * replica everything runs in the calling thread.
 */
import { Worker } from 'node:worker_threads';
import type { Net, NetOptions } from './net';
import type { KernelKind } from './kernel-choice';
import { deriveSeed } from './rng';

export interface StepResult {
  /** Weighted mean loss over the whole batch. */
  loss: number;
}

export interface Replicas {
  readonly count: number;
  /** Runs forward + backward for rows index[from .. from+batch) and leaves the combined gradient in master.grads. */
  step(index: Int32Array, from: number, batch: number): StepResult;
  /** Publishes master weights to the replicas (after the optimiser ran). */
  publishWeights(): void;
  /** Averages the replicas' batch-norm running statistics into the master network. */
  syncState(): void;
  dispose(): Promise<void>;
}

/** One replica: the master network itself. */
export class LocalReplica implements Replicas {
  readonly count = 1;
  constructor(
    private readonly net: Net,
    private readonly x: Float32Array,
    private readonly y: ArrayLike<number>,
  ) {}
  step(index: Int32Array, from: number, batch: number): StepResult {
    const net = this.net;
    net.gatherInput(this.x, index, from, batch);
    net.setTargets(this.y, index, from, batch);
    net.forward(batch, true);
    const { loss } = net.loss(batch);
    net.backward(batch);
    return { loss };
  }
  publishWeights() {}
  syncState() {}
  async dispose() {}
}

// Control words in the shared Int32Array.
const SEQ = 0; // bumped by the coordinator for every command
const CMD = 1; // 1 = step, 2 = exit
const FROM = 2;
const BATCH = 3;
const DONE = 4; // replicas finished with the current command
const WVER = 5; // weights version
const FAILED = 6; // a replica failed (its message is posted)
const NEXT = 7; // the next chunk of the current step to claim
const CONTROL_WORDS = 8;

/** Spectra per chunk for a batch of `maxBatch` over `count` replicas. */
export function chunkSize(maxBatch: number, count: number, batchNorm: boolean): number {
  const even = Math.ceil(maxBatch / count);
  return batchNorm ? even : Math.min(even, Math.max(4, Math.ceil(maxBatch / (4 * count))));
}

export interface WorkerInit {
  kernels: KernelKind;
  wasmPath: string | null;
  net: Omit<NetOptions, 'maxBatch' | 'seed'>;
  /** Spectra per chunk (the replica network's batch). */
  chunk: number;
  seed: number;
  replica: number;
  replicas: number;
  control: SharedArrayBuffer;
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
  yIsInt: boolean;
  index: SharedArrayBuffer;
  weights: SharedArrayBuffer;
  /** One gradient slot per chunk. */
  grads: SharedArrayBuffer;
  states: SharedArrayBuffer;
  /** Loss and loss weight per chunk. */
  losses: SharedArrayBuffer;
  classWeights: Float32Array;
}

export class WorkerReplicas implements Replicas {
  readonly count: number;
  private readonly workers: Worker[] = [];
  private readonly control: Int32Array;
  private readonly index: Int32Array;
  private readonly weights: Float32Array;
  private readonly grads: Float32Array;
  private readonly states: Float32Array;
  private readonly losses: Float64Array;
  private failure: Error | null = null;
  private readonly P: number;
  private readonly S: number;
  private readonly chunk: number;

  private constructor(
    private readonly master: Net,
    count: number,
    init: (shared: Omit<WorkerInit, 'replica'>) => Worker[],
    opts: { kernels: KernelKind; wasmPath: string | null; x: Float32Array; y: Int32Array | Float32Array; seed: number; maxBatch: number; classWeights: Float32Array },
  ) {
    this.count = count;
    this.P = master.paramCount;
    this.S = master.stateCount;
    this.chunk = chunkSize(opts.maxBatch, count, master.hasBatchNorm);
    const chunks = Math.ceil(opts.maxBatch / this.chunk);
    const sab = (bytes: number) => new SharedArrayBuffer(Math.max(bytes, 8));
    const control = sab(CONTROL_WORDS * 4);
    const x = sab(opts.x.byteLength);
    new Float32Array(x).set(opts.x);
    const y = sab(opts.y.byteLength);
    if (opts.y instanceof Int32Array) new Int32Array(y).set(opts.y);
    else new Float32Array(y).set(opts.y);
    const index = sab(opts.maxBatch * 4);
    const weights = sab(this.P * 4);
    const grads = sab(chunks * this.P * 4);
    const states = sab(count * this.S * 4);
    const losses = sab(chunks * 2 * 8);
    this.control = new Int32Array(control);
    this.index = new Int32Array(index);
    this.weights = new Float32Array(weights);
    this.grads = new Float32Array(grads);
    this.states = new Float32Array(states);
    this.losses = new Float64Array(losses);
    this.weights.set(master.getWeights());
    const { layers, input, task } = master;
    this.workers = init({
      kernels: opts.kernels,
      wasmPath: opts.wasmPath,
      net: { layers, input, task },
      chunk: this.chunk,
      seed: opts.seed,
      replicas: count,
      control,
      x,
      y,
      yIsInt: opts.y instanceof Int32Array,
      index,
      weights,
      grads,
      states,
      losses,
      classWeights: opts.classWeights,
    });
    for (const w of this.workers) {
      w.on('error', (err) => {
        this.failure = err instanceof Error ? err : new Error(String(err));
        Atomics.store(this.control, FAILED, 1);
        Atomics.notify(this.control, DONE);
      });
    }
  }

  /** Starts `count` worker threads running `workerFile` (out/ml/replica-worker.cjs) and waits until each has built its network. */
  static async start(master: Net, count: number, workerFile: string, opts: { kernels: KernelKind; wasmPath: string | null; x: Float32Array; y: Int32Array | Float32Array; seed: number; maxBatch: number; classWeights: Float32Array }): Promise<WorkerReplicas> {
    const ready: Promise<void>[] = [];
    const r = new WorkerReplicas(
      master,
      count,
      (shared) =>
        Array.from({ length: count }, (_, replica) => {
          const w = new Worker(workerFile, { workerData: { ...shared, replica } satisfies WorkerInit });
          ready.push(
            new Promise((resolve, reject) => {
              w.once('message', (m: { ready?: boolean; error?: string }) => (m.ready ? resolve() : reject(new Error(m.error ?? 'replica failed to start'))));
              w.once('error', reject);
            }),
          );
          return w;
        }),
      opts,
    );
    await Promise.all(ready);
    return r;
  }

  step(index: Int32Array, from: number, batch: number): StepResult {
    if (this.failure) throw this.failure;
    const c = this.control;
    this.index.set(index.subarray(from, from + batch));
    Atomics.store(c, FROM, 0);
    Atomics.store(c, BATCH, batch);
    Atomics.store(c, CMD, 1);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, NEXT, 0);
    Atomics.add(c, SEQ, 1);
    Atomics.notify(c, SEQ);
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done >= this.count) break;
      if (Atomics.load(c, FAILED)) throw this.failure ?? new Error('A training thread failed.');
      Atomics.wait(c, DONE, done, 5000);
    }
    // Combine in chunk order: g = Σ_j (w_j / Σw) g_j; loss likewise.
    const chunks = Math.ceil(batch / this.chunk);
    let total = 0;
    for (let j = 0; j < chunks; j++) total += this.losses[j * 2 + 1]!;
    const f = this.master.k.f32();
    const base = this.master.grads >> 2;
    const P = this.P;
    let loss = 0;
    f.fill(0, base, base + P);
    for (let j = 0; j < chunks; j++) {
      const w = total > 0 ? this.losses[j * 2 + 1]! / total : 0;
      if (w === 0) continue;
      loss += w * this.losses[j * 2]!;
      const g = this.grads.subarray(j * P, j * P + P);
      for (let i = 0; i < P; i++) f[base + i] += w * g[i]!;
    }
    return { loss };
  }

  publishWeights() {
    this.weights.set(this.master.getWeights());
    Atomics.add(this.control, WVER, 1);
  }

  syncState() {
    const S = this.S;
    if (!S) return;
    const avg = new Float32Array(S);
    for (let r = 0; r < this.count; r++) for (let i = 0; i < S; i++) avg[i] += this.states[r * S + i]! / this.count;
    this.master.setState(avg);
  }

  async dispose() {
    const c = this.control;
    Atomics.store(c, CMD, 2);
    Atomics.add(c, SEQ, 1);
    Atomics.notify(c, SEQ);
    await Promise.all(this.workers.map((w) => new Promise<void>((resolve) => {
      const t = setTimeout(() => void w.terminate().then(() => resolve()), 2000);
      w.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    })));
  }
}

/** The replica's side (runs in a worker thread; see replica-worker.ts). */
export function runReplica(init: WorkerInit, net: Net, post: (m: unknown) => void) {
  const c = new Int32Array(init.control);
  const index = new Int32Array(init.index);
  const x = new Float32Array(init.x);
  const y = init.yIsInt ? new Int32Array(init.y) : new Float32Array(init.y);
  const weights = new Float32Array(init.weights);
  const P = net.paramCount;
  const S = net.stateCount;
  const grads = new Float32Array(init.grads);
  const states = new Float32Array(init.states, init.replica * S * 4, S);
  const losses = new Float64Array(init.losses);
  net.setClassWeights(init.classWeights);
  let seq = Atomics.load(c, SEQ);
  let wver = -1;
  post({ ready: true });
  for (;;) {
    Atomics.wait(c, SEQ, seq);
    seq = Atomics.load(c, SEQ);
    const cmd = Atomics.load(c, CMD);
    if (cmd === 2) return;
    const v = Atomics.load(c, WVER);
    if (v !== wver) {
      net.setWeights(weights);
      wver = v;
    }
    const batch = Atomics.load(c, BATCH);
    const chunks = Math.ceil(batch / init.chunk);
    for (let j = Atomics.add(c, NEXT, 1); j < chunks; j = Atomics.add(c, NEXT, 1)) {
      const from = j * init.chunk;
      const mine = Math.min(init.chunk, batch - from);
      net.reseed(deriveSeed(init.seed, 'chunk', seq, j));
      net.gatherInput(x, index, from, mine);
      net.setTargets(y, index, from, mine);
      net.forward(mine, true);
      const { loss, weight } = net.loss(mine);
      net.backward(mine);
      const f = net.k.f32();
      grads.set(f.subarray(net.grads >> 2, (net.grads >> 2) + P), j * P);
      if (S) states.set(f.subarray(net.state >> 2, (net.state >> 2) + S));
      losses[j * 2] = loss;
      losses[j * 2 + 1] = weight;
    }
    Atomics.add(c, DONE, 1);
    Atomics.notify(c, DONE);
  }
}
