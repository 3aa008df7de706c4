/**
 * Inference over several threads: worker threads (predict-worker.ts, bundled to
 * out/ml/predict-worker.cjs), each with its own WebAssembly heap and its own copy of the network
 * (same layers, weights, batch-norm state and kernel build as the calling thread's), started once
 * and reused until {@link PredictPool.close}. A call cuts its rows into contiguous chunks, one per
 * thread, each a whole number of the network's batches (`maxBatch` rows) counted from the first
 * row, so every thread runs exactly the batches the calling thread would have run alone: the
 * outputs and features are bit-identical to the one-thread path whatever the kernels' tiling. The
 * calling thread runs the first chunk and waits synchronously (Atomics) for the others, whose
 * results come back over a MessagePort read with `receiveMessageOnPort`, so callers stay
 * synchronous (progress and cancel work as before: cancelling terminates the thread that owns the
 * pool, and its workers with it).
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { LayerSpec } from '../../common/ml/model';
import type { Net, Task } from './net';
import type { KernelKind } from './kernel-choice';

/** What a worker needs to build the network (see predict-worker.ts). */
export interface PredictWorkerInit {
  kernels: KernelKind;
  wasmPath: string | null;
  layers: LayerSpec[];
  input: [number, number];
  task: Task;
  maxBatch: number;
  weights: Float32Array;
  state: Float32Array;
  /** Int32 slot per worker, bumped after each reply is posted. */
  signal: SharedArrayBuffer;
  index: number;
  port: MessagePort;
}

export interface PredictRequest {
  x: Float32Array;
  n: number;
  features: boolean;
}

export type PredictReply = { outputs: Float32Array; features: Float32Array | null } | { error: string };

/** A reply may take this long (a band of a big map on a busy core) before the pool gives up on its thread. */
const REPLY_TIMEOUT_MS = 30 * 60 * 1000;

/** One forward pass over `x` [n, inputSize] on a network: outputs, and features when asked. */
export function forwardRows(net: Net, x: Float32Array, n: number, features: boolean): { outputs: Float32Array; features: Float32Array | null } {
  if (!features) return { outputs: net.predict(x, n), features: null };
  return net.predictWithFeatures(x, n);
}

/**
 * Row ranges of `n` rows over `threads` threads: contiguous, each a multiple of `batch` rows but
 * the last, as even as that allows (fewer ranges than threads when there are few batches).
 */
export function rowChunks(n: number, threads: number, batch: number): [number, number][] {
  const batches = Math.ceil(n / batch);
  const parts = Math.max(1, Math.min(threads, batches));
  const out: [number, number][] = [];
  let from = 0;
  for (let t = 0; t < parts; t++) {
    const take = Math.floor(batches / parts) + (t < batches % parts ? 1 : 0);
    const to = Math.min(n, from + take * batch);
    out.push([from, to]);
    from = to;
  }
  return out;
}

let running = 0;

/** Prediction worker threads started and not yet exited (in this thread): 0 once every pool closed and its threads ended. */
export function predictionThreadsRunning(): number {
  return running;
}

export class PredictPool {
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly signal: Int32Array;
  private closed = false;

  /** Starts `count` workers running `workerFile`; they build their networks while the caller goes on. */
  constructor(
    private readonly net: Net,
    count: number,
    workerFile: string,
    init: Omit<PredictWorkerInit, 'signal' | 'index' | 'port' | 'layers' | 'input' | 'task' | 'maxBatch'>,
  ) {
    const sab = new SharedArrayBuffer(4 * count);
    this.signal = new Int32Array(sab);
    for (let i = 0; i < count; i++) {
      const { port1, port2 } = new MessageChannel();
      const data: PredictWorkerInit = { ...init, layers: net.layers, input: net.input, task: net.task, maxBatch: net.maxBatch, signal: sab, index: i, port: port2 };
      const w = new Worker(workerFile, { workerData: data, transferList: [port2] });
      running++;
      w.once('exit', () => running--);
      this.workers.push(w);
      this.ports.push(port1);
    }
  }

  /** Threads a call runs on: the workers and the calling thread. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** {@link forwardRows} over the pool: the same numbers as on the calling thread alone. */
  run(x: Float32Array, n: number, features: boolean): { outputs: Float32Array; features: Float32Array | null } {
    if (this.closed) throw new Error('The prediction threads were closed.');
    const net = this.net;
    const size = net.inputSize;
    const chunks = rowChunks(n, this.threads, net.maxBatch);
    if (chunks.length === 1) return forwardRows(net, x, n, features);
    const seen = chunks.slice(1).map((_, i) => Atomics.load(this.signal, i));
    chunks.slice(1).forEach(([from, to], i) => {
      const req: PredictRequest = { x: x.slice(from * size, to * size), n: to - from, features };
      this.ports[i]!.postMessage(req, [req.x.buffer as ArrayBuffer]);
    });
    const [, first] = chunks[0]!;
    const mine = forwardRows(net, x.subarray(0, first * size), first, features);
    const outputs = new Float32Array(n * net.outputs);
    const feats = features ? new Float32Array(n * net.featureSize) : null;
    outputs.set(mine.outputs, 0);
    if (feats) feats.set(mine.features!, 0);
    let failure: string | null = null;
    chunks.slice(1).forEach(([from], i) => {
      const reply = this.reply(i, seen[i]!);
      if ('error' in reply) failure ??= reply.error;
      else {
        outputs.set(reply.outputs, from * net.outputs);
        if (feats) feats.set(reply.features!, from * net.featureSize);
      }
    });
    if (failure) throw new Error(failure);
    return { outputs, features: feats };
  }

  private reply(i: number, seen: number): PredictReply {
    const start = Date.now();
    for (;;) {
      const got = receiveMessageOnPort(this.ports[i]!);
      if (got) return got.message as PredictReply;
      if (Date.now() - start > REPLY_TIMEOUT_MS) return { error: `Prediction thread ${i + 2} gave no answer in ${REPLY_TIMEOUT_MS / 60000} minutes; it has stopped.` };
      Atomics.wait(this.signal, i, seen, 1000);
      seen = Atomics.load(this.signal, i);
    }
  }

  /** Stops the workers (idempotent). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.ports) p.close();
    for (const w of this.workers) void w.terminate();
  }
}
