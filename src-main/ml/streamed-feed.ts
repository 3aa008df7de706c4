/**
 * A streamed run's training rows in the trainer (docs/architecture.md, Training, "Streamed
 * training"): a window of `windowRows` float32 inputs and their targets in SharedArrayBuffers,
 * which the runtime (and its replica threads) read in place. Each batch falls in one window of
 * the epoch's order; when the fit loop reaches a window not yet loaded, its rows are read from
 * the project file in ascending sample id (runs of consecutive rows, as the order shuffles
 * blocks), through the run's fitted recipe and input scaling, into the window's slots.
 */
import type { StreamedInput } from '../common/ml/protocol';
import { streamedInputs, streamedOrder } from '../common/ml/streamed';
import type { BatchFeed } from './fit';
import type { Runtime } from './runtime';

/** Reads stored spectra; the trainer's is a read-only connection to the project file (db/streamed-rows.ts). */
export interface RowSource {
  /** Channel 0 of these samples, in the order given: their keys and their values, [rows, points] float64. */
  read(sampleIds: ArrayLike<number>): { keys: string[]; values: Float64Array };
  close(): void;
}

export class StreamedFeed implements BatchFeed {
  /** The window's inputs [rows, points] and targets [rows, outputs]: hand these to the runtime as its training set. */
  readonly x: Float32Array;
  readonly y: Int32Array | Float32Array;
  readonly rows: number;
  private readonly n: number;
  private readonly width: number;
  private readonly stride: number;
  private readonly local: Int32Array;
  private loadedOrder: Int32Array | null = null;
  private loadedWindow = -1;
  /** Windows read so far (for tests and the log). */
  windowsRead = 0;

  constructor(
    private readonly source: RowSource,
    private readonly stream: StreamedInput,
    private readonly trainY: Int32Array | Float32Array,
    outputsPerRow: number,
  ) {
    this.n = stream.train.length;
    this.rows = Math.min(this.n, stream.windowRows);
    this.stride = outputsPerRow;
    this.local = new Int32Array(this.rows);
    const targets = new SharedArrayBuffer(Math.max(8, this.rows * this.stride * 4));
    this.y = trainY instanceof Int32Array ? new Int32Array(targets) : new Float32Array(targets);
    // The input width is known once the recipe has run on a first row (a crop changes it).
    this.width = this.readInto([stream.train[0]!], null);
    this.x = new Float32Array(new SharedArrayBuffer(Math.max(8, this.rows * this.width * 4)));
  }

  /** Points per input row, after the recipe. */
  get inputWidth(): number {
    return this.width;
  }

  order(rand: () => number): Int32Array {
    return streamedOrder(this.n, this.stream.windowRows, this.stream.blockRows, rand);
  }

  batch(order: Int32Array, from: number, size: number): { index: Int32Array; at: number } {
    const W = this.stream.windowRows;
    const w = Math.floor(from / W);
    if (Math.floor((from + size - 1) / W) !== w) throw new Error(`StreamedFeed: batch ${from}–${from + size - 1} crosses a window of ${W} rows; the window must be a multiple of the batch size.`);
    if (order !== this.loadedOrder || w !== this.loadedWindow) this.load(order, w);
    return { index: this.local, at: from - w * W };
  }

  private load(order: Int32Array, w: number): void {
    const W = this.stream.windowRows;
    const part = order.subarray(w * W, Math.min(this.n, (w + 1) * W));
    const positions = Int32Array.from(part).sort();
    const slot = new Map<number, number>();
    positions.forEach((p, k) => slot.set(p, k));
    for (let i = 0; i < part.length; i++) this.local[i] = slot.get(part[i]!)!;
    this.readInto(Array.from(positions, (p) => this.stream.train[p]!), this.x);
    const s = this.stride;
    positions.forEach((p, k) => {
      for (let t = 0; t < s; t++) this.y[k * s + t] = this.trainY[p * s + t]!;
    });
    this.loadedOrder = order;
    this.loadedWindow = w;
    this.windowsRead++;
  }

  /** Reads samples and writes their inputs into `out` from row 0 (null: only measures the width); returns the width. */
  private readInto(sampleIds: number[], out: Float32Array | null): number {
    const { keys, values } = this.source.read(sampleIds);
    return streamedInputs({ axis: this.stream.axis, values, rows: sampleIds.length }, keys, this.stream.recipe, this.stream.scaling, out);
  }
}

/** The model's outputs on samples read `windowRows` at a time (a streamed run's test rows), in order. */
export function predictStreamed(runtime: Runtime, source: RowSource, stream: StreamedInput, sampleIds: Int32Array, width: number, outputsPerRow: number): Float32Array {
  const out = new Float32Array(sampleIds.length * outputsPerRow);
  const W = stream.windowRows;
  const x = new Float32Array(Math.min(W, sampleIds.length) * width);
  for (let from = 0; from < sampleIds.length; from += W) {
    const ids = Array.from(sampleIds.subarray(from, Math.min(sampleIds.length, from + W)));
    const { keys, values } = source.read(ids);
    streamedInputs({ axis: stream.axis, values, rows: ids.length }, keys, stream.recipe, stream.scaling, x);
    out.set(runtime.predict(x.subarray(0, ids.length * width), ids.length), from * outputsPerRow);
  }
  return out;
}
