/**
 * Data-parallel training steps. The batch is cut into chunks, each run by a replica (a worker
 * thread with its own WebAssembly heap and a copy of the network). Each chunk's gradient goes to a
 * slot of its own, and the coordinator combines the slots in chunk order (so the result equals
 * the full-batch gradient and does not depend on which thread ran which chunk; dropout draws from
 * a stream per chunk and step for the same reason), applies the optimiser once and publishes the
 * new weights. The exchange is over SharedArrayBuffers with Atomics, so no step pays for message
 * passing. With one replica everything runs in the calling thread.
 *
 * Without batch norm the replicas claim chunks (four per replica, of at least 4 spectra) one at a
 * time from a shared counter, so a thread whose core is busy takes fewer and the others do not
 * wait for a fixed half of the batch; the slots are weighted by each chunk's loss weight.
 *
 * With batch norm, normalisation is over the whole batch (synchronised batch norm, as PyTorch's
 * SyncBatchNorm): replica r runs chunk r (the batch cut evenly over the replicas, so every
 * participant of a barrier is sure to reach it), and at every batch-norm layer, forward and
 * backward, each writes its chunk's partial sums (float64) to a shared slot, waits at a barrier
 * for the others, and reduces all the slots in chunk order, so every replica gets bit-identical
 * whole-batch statistics: the mean and variance forward, the sums of dy and dy·x̂ backward. One
 * more exchange before backward gives each chunk its share of the whole batch's loss weight, by
 * which it scales its loss gradient, so the slots add up to the full-batch gradient. The running
 * statistics are updated from the whole-batch ones and are the same in every replica; replica 0's
 * (which always has a chunk) is the copy the others and the master take. A replica that fails
 * sets FAILED, which releases every barrier (they wait with a timeout, and give up after minutes
 * without an arrival if a thread vanished), and the step throws its message.
 */
import { Worker } from 'node:worker_threads';
import type { BatchNormSync, Net, NetOptions } from './net';
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
  /** Gives the master network the replicas' batch-norm running statistics (whole-batch ones with batch norm, so all replicas hold the same). */
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
const ARRIVE = 8; // arrivals at the current step's batch-norm barriers (all of them, in order)
const CONTROL_WORDS = 9;

/** A barrier re-checks FAILED this often (ms)... */
const BARRIER_WAIT_MS = 1000;
/** ...and gives up after this many waits in a row with no arrival (a thread that vanished without a word). */
const BARRIER_IDLE_WAITS = 300;
/** Bytes of the shared buffer a failing replica writes its message to. */
const ERROR_BYTES = 4096;

/** Spectra per chunk for a batch of `maxBatch` over `count` replicas. */
export function chunkSize(maxBatch: number, count: number, batchNorm: boolean): number {
  const even = Math.ceil(maxBatch / count);
  return batchNorm ? even : Math.min(even, Math.max(4, Math.ceil(maxBatch / (4 * count))));
}

/**
 * How a step of `batch` spectra is cut: chunks of `size` (the last may be shorter), `count` of
 * them. With batch norm the batch is cut evenly over the replicas, one chunk each (fewer chunks
 * than replicas only when the batch is smaller than that).
 */
export function stepChunks(batch: number, chunk: number, replicas: number, batchNorm: boolean): { size: number; count: number } {
  const size = batchNorm ? Math.ceil(batch / replicas) : chunk;
  return { size, count: Math.ceil(batch / size) };
}

/** Thrown inside a replica waiting at a barrier when another replica failed. */
class ReplicaStopped extends Error {}

/**
 * The barrier exchange of synchronised batch norm on one replica (see the header). Slots are
 * double-buffered by phase parity: a replica can only write phase p + 2's slot after every
 * replica has arrived at p + 1, that is after all have read phase p's.
 */
class SharedBatchNormSync implements BatchNormSync {
  private phase = 0;
  private chunk = 0;
  private participants = 0;
  constructor(
    private readonly c: Int32Array,
    private readonly slots: Float64Array,
    private readonly width: number,
    private readonly replicas: number,
  ) {}
  /** Starts a step in which this replica runs chunk `chunk` of `participants`. */
  begin(chunk: number, participants: number) {
    this.chunk = chunk;
    this.participants = participants;
    this.phase = 0;
  }
  exchange(part: Float64Array): Float64Array[] {
    if (part.length > this.width) throw new Error(`A batch-norm exchange of ${part.length} values does not fit the ${this.width} planned.`);
    const c = this.c;
    const area = (this.phase & 1) * this.replicas * this.width;
    this.slots.set(part, area + this.chunk * this.width);
    this.phase++;
    const target = this.phase * this.participants;
    Atomics.add(c, ARRIVE, 1);
    Atomics.notify(c, ARRIVE);
    let idle = 0;
    for (;;) {
      const arrived = Atomics.load(c, ARRIVE);
      if (arrived >= target) break;
      if (Atomics.load(c, FAILED)) throw new ReplicaStopped('another training thread failed');
      if (Atomics.wait(c, ARRIVE, arrived, BARRIER_WAIT_MS) !== 'timed-out') idle = 0;
      else if (++idle >= BARRIER_IDLE_WAITS) throw new Error(`Training thread ${this.chunk + 1} waited ${(BARRIER_WAIT_MS * idle) / 1000} s at a batch-norm exchange without another thread arriving; a training thread has stopped.`);
    }
    return Array.from({ length: this.participants }, (_, j) => this.slots.subarray(area + j * this.width, area + j * this.width + part.length));
  }
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
  /** Synchronised batch norm: two phases × replicas slots of `bnWidth` float64 each (empty without batch norm). */
  bnSlots: SharedArrayBuffer;
  bnWidth: number;
  /** A failing replica's message: its byte length (int32), then UTF-8. */
  errors: SharedArrayBuffer;
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
  private readonly errors: SharedArrayBuffer;
  private failure: Error | null = null;
  private readonly P: number;
  private readonly S: number;
  private readonly chunk: number;
  private readonly batchNorm: boolean;

  private constructor(
    private readonly master: Net,
    count: number,
    init: (shared: Omit<WorkerInit, 'replica'>) => Worker[],
    opts: { kernels: KernelKind; wasmPath: string | null; x: Float32Array; y: Int32Array | Float32Array; seed: number; maxBatch: number; classWeights: Float32Array },
  ) {
    this.count = count;
    this.P = master.paramCount;
    this.S = master.stateCount;
    this.batchNorm = master.hasBatchNorm;
    this.chunk = chunkSize(opts.maxBatch, count, this.batchNorm);
    const chunks = Math.ceil(opts.maxBatch / this.chunk);
    const sab = (bytes: number) => new SharedArrayBuffer(Math.max(bytes, 8));
    const control = sab(CONTROL_WORDS * 4);
    // Inputs already in a SharedArrayBuffer of their own (a streamed run's window, which the
    // feed rewrites between steps) are read in place; others are copied once.
    const shared = (a: Float32Array | Int32Array) => (a.buffer instanceof SharedArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.byteLength >= 8 ? a.buffer : null);
    const x = shared(opts.x) ?? sab(opts.x.byteLength);
    if (x !== opts.x.buffer) new Float32Array(x).set(opts.x);
    const y = shared(opts.y) ?? sab(opts.y.byteLength);
    if (y !== opts.y.buffer) {
      if (opts.y instanceof Int32Array) new Int32Array(y).set(opts.y);
      else new Float32Array(y).set(opts.y);
    }
    const index = sab(opts.maxBatch * 4);
    const weights = sab(this.P * 4);
    const grads = sab(chunks * this.P * 4);
    const states = sab(count * this.S * 4);
    const losses = sab(chunks * 2 * 8);
    const bnWidth = this.batchNorm ? master.batchNormSyncWidth : 0;
    const bnSlots = sab(2 * count * bnWidth * 8);
    this.errors = sab(ERROR_BYTES);
    this.control = new Int32Array(control);
    this.index = new Int32Array(index);
    this.weights = new Float32Array(weights);
    this.grads = new Float32Array(grads);
    this.states = new Float32Array(states);
    this.losses = new Float64Array(losses);
    this.weights.set(master.getWeights());
    // With batch norm the replicas start from the master's running statistics (replica 0's slot).
    if (this.batchNorm) this.states.set(master.getState());
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
      bnSlots,
      bnWidth,
      errors: this.errors,
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
    Atomics.store(c, ARRIVE, 0);
    Atomics.add(c, SEQ, 1);
    Atomics.notify(c, SEQ);
    for (;;) {
      const done = Atomics.load(c, DONE);
      if (done >= this.count) break;
      if (Atomics.load(c, FAILED)) throw (this.failure ??= this.replicaFailure());
      Atomics.wait(c, DONE, done, 5000);
    }
    // A replica that failed still counts itself done.
    if (Atomics.load(c, FAILED)) throw (this.failure ??= this.replicaFailure());
    // Combine in chunk order: g = Σ_j (w_j / Σw) g_j (with batch norm each chunk has already
    // scaled its loss gradient by its share, so g = Σ_j g_j); the loss is weighted alike.
    const chunks = stepChunks(batch, this.chunk, this.count, this.batchNorm).count;
    let total = 0;
    for (let j = 0; j < chunks; j++) total += this.losses[j * 2 + 1]!;
    const f = this.master.k.f32();
    const base = this.master.grads >> 2;
    const P = this.P;
    let loss = 0;
    f.fill(0, base, base + P);
    for (let j = 0; j < chunks; j++) {
      const w = total > 0 ? this.losses[j * 2 + 1]! / total : 0;
      if (w !== 0) loss += w * this.losses[j * 2]!;
      // A chunk of no weight still passes gradient through the whole-batch statistics.
      const gw = this.batchNorm ? 1 : w;
      if (gw === 0) continue;
      const g = this.grads.subarray(j * P, j * P + P);
      for (let i = 0; i < P; i++) f[base + i] += gw * g[i]!;
    }
    return { loss };
  }

  /** The error a replica wrote to the shared buffer when it failed. */
  private replicaFailure(): Error {
    const length = new Int32Array(this.errors, 0, 1)[0]!;
    if (!length) return new Error('A training thread failed.');
    const bytes = new Uint8Array(this.errors, 4, Math.min(length, ERROR_BYTES - 4)).slice();
    return new Error(new TextDecoder().decode(bytes));
  }

  publishWeights() {
    this.weights.set(this.master.getWeights());
    Atomics.add(this.control, WVER, 1);
  }

  syncState() {
    const S = this.S;
    if (!S) return;
    if (this.batchNorm) {
      this.master.setState(this.states.slice(0, S));
      return;
    }
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
  const batchNorm = init.bnWidth > 0;
  // With batch norm every replica's running statistics are the same: replica 0's slot holds them.
  const states = new Float32Array(init.states, (batchNorm ? 0 : init.replica) * S * 4, S);
  const losses = new Float64Array(init.losses);
  const sync = batchNorm ? new SharedBatchNormSync(c, new Float64Array(init.bnSlots), init.bnWidth, init.replicas) : null;
  net.setClassWeights(init.classWeights);
  net.setBatchNormSync(sync);
  let seq = Atomics.load(c, SEQ);
  let wver = -1;
  /** Whether this replica's running statistics lag replica 0's (at the start, and after a step it had no chunk in). */
  let stale = true;

  const runChunk = (j: number, from: number, mine: number) => {
    net.reseed(deriveSeed(init.seed, 'chunk', seq, j));
    net.gatherInput(x, index, from, mine);
    net.setTargets(y, index, from, mine);
    net.forward(mine, true);
    const { loss, weight } = net.loss(mine);
    losses[j * 2] = loss;
    losses[j * 2 + 1] = weight;
    if (sync) {
      // This chunk's share of the whole batch's loss: Σ over chunks in chunk order, as the coordinator sums.
      let total = 0;
      for (const p of sync.exchange(Float64Array.of(weight))) total += p[0]!;
      net.scaleLossGradient(total > 0 ? weight / total : 0, mine);
    }
    net.backward(mine);
    const f = net.k.f32();
    grads.set(f.subarray(net.grads >> 2, (net.grads >> 2) + P), j * P);
    if (S && (!batchNorm || init.replica === 0)) states.set(f.subarray(net.state >> 2, (net.state >> 2) + S));
  };

  const fail = (err: unknown) => {
    const message = `Training thread ${init.replica + 1} failed: ${err instanceof Error ? err.message : String(err)}`;
    if (Atomics.compareExchange(c, FAILED, 0, 1) === 0) {
      const bytes = new TextEncoder().encode(message).subarray(0, ERROR_BYTES - 4);
      new Uint8Array(init.errors, 4).set(bytes);
      Atomics.store(new Int32Array(init.errors, 0, 1), 0, bytes.length);
    }
    Atomics.notify(c, ARRIVE);
  };

  post({ ready: true });
  for (;;) {
    Atomics.wait(c, SEQ, seq);
    seq = Atomics.load(c, SEQ);
    const cmd = Atomics.load(c, CMD);
    if (cmd === 2) return;
    try {
      const v = Atomics.load(c, WVER);
      if (v !== wver) {
        net.setWeights(weights);
        wver = v;
      }
      const batch = Atomics.load(c, BATCH);
      const chunks = stepChunks(batch, init.chunk, init.replicas, batchNorm);
      if (sync) {
        // One chunk per replica, fixed, so every replica a barrier waits for runs a chunk.
        const j = init.replica;
        if (j < chunks.count) {
          if (stale && S) net.setState(states);
          stale = false;
          sync.begin(j, chunks.count);
          runChunk(j, j * chunks.size, Math.min(chunks.size, batch - j * chunks.size));
        } else stale = true;
      } else {
        for (let j = Atomics.add(c, NEXT, 1); j < chunks.count; j = Atomics.add(c, NEXT, 1)) runChunk(j, j * chunks.size, Math.min(chunks.size, batch - j * chunks.size));
      }
    } catch (err) {
      if (!(err instanceof ReplicaStopped)) fail(err);
      stale = true;
    }
    Atomics.add(c, DONE, 1);
    Atomics.notify(c, DONE);
  }
}
