/**
 * Streamed training's pure parts (docs/architecture.md, Training, "Streamed training"): the
 * epoch's order over training rows read a window at a time, and a window's raw spectra made into
 * the model's inputs exactly as `prepareInputs` makes the in-memory ones.
 */
import { applyPipeline } from '../preprocessing/pipeline';
import type { SpectraBlock } from '../preprocessing/types';
import { permutation, shuffleInPlace } from './random';
import { requireFinite, type Scaling } from './prepare';
import type { StreamedInput } from './protocol';

/**
 * One epoch's order of `n` training rows (positions 0 … n − 1) read `windowRows` at a time:
 * blocks of `blockRows` consecutive rows in shuffled order, then the rows of each window
 * shuffled among themselves, so that every window is read as a few runs of consecutive rows.
 * When one window holds every row this is the in-memory loop's order (`permutation(n, rand)`),
 * so a streamed run then trains exactly as the in-memory one.
 */
export function streamedOrder(n: number, windowRows: number, blockRows: number, rand: () => number): Int32Array {
  if (!(windowRows >= 1) || !(blockRows >= 1)) throw new Error(`streamedOrder: windowRows ${windowRows} and blockRows ${blockRows} must be at least 1.`);
  if (n <= windowRows) return permutation(n, rand);
  const blocks = permutation(Math.ceil(n / blockRows), rand);
  const order = new Int32Array(n);
  let k = 0;
  for (const b of blocks) for (let r = b * blockRows, end = Math.min(n, r + blockRows); r < end; r++) order[k++] = r;
  for (let from = 0; from < n; from += windowRows) shuffleInPlace(order.subarray(from, Math.min(n, from + windowRows)), rand);
  return order;
}

/**
 * Raw spectra (rows of `raw`, named by `keys`) through the run's fitted recipe and input scaling
 * into `out` ([rows, points] float32, from row 0; null: only the width is wanted); a missing or
 * infinite value is refused naming its spectra, as in memory. Returns the points per row after
 * the recipe.
 */
export function streamedInputs(raw: SpectraBlock, keys: string[], recipe: StreamedInput['recipe'], scaling: Scaling, out: Float32Array | null): number {
  const prepared = recipe && recipe.spec.steps.some((s) => s.enabled) ? applyPipeline(recipe, raw) : raw;
  requireFinite(prepared, keys, recipe !== null);
  const width = prepared.axis.length;
  if (!out) return width;
  const { mean, std } = scaling;
  const values = prepared.values;
  const count = prepared.rows * width;
  if (count > out.length) throw new Error(`streamedInputs: ${prepared.rows} rows of ${width} points do not fit a window of ${out.length} values.`);
  for (let i = 0; i < count; i++) out[i] = (values[i]! - mean) / std;
  return width;
}
