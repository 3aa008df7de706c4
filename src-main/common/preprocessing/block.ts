import type { SpectraBlock } from './types';
import { stepError } from './step-error';

/** A new block with the same axis (copied) and the given values. */
export function withValues(input: SpectraBlock, values: Float64Array): SpectraBlock {
  return { axis: Float64Array.from(input.axis), values, rows: input.rows };
}

/**
 * Applies `fn` to every spectrum. `fn` reads `src[offset .. offset + n)` and writes the same
 * range of `dst`; `row` is 0-based (messages say `row + 1`). With `inPlace`, `dst` is the input's
 * own array (for `transformInPlace`; `fn` must then read a row fully before writing it).
 */
export function mapRows(
  input: SpectraBlock,
  fn: (src: Float64Array, dst: Float64Array, offset: number, n: number, row: number) => void,
  inPlace = false,
): SpectraBlock {
  const n = input.axis.length;
  const out = inPlace ? input.values : new Float64Array(input.rows * n);
  for (let r = 0; r < input.rows; r++) fn(input.values, out, r * n, n, r);
  return withValues(input, out);
}

/**
 * A block on a new `axis` (crop, resample): point `j` of each output row is `point(src, o, j)`,
 * where the input row starts at `src[o]`.
 */
export function mapToAxis(input: SpectraBlock, axis: Float64Array, point: (src: Float64Array, offset: number, j: number) => number): SpectraBlock {
  const n = input.axis.length;
  const m = axis.length;
  const values = new Float64Array(input.rows * m);
  for (let r = 0; r < input.rows; r++) {
    const o = r * n;
    for (let j = 0; j < m; j++) values[r * m + j] = point(input.values, o, j);
  }
  return { axis, values, rows: input.rows };
}

/** A fitted state's per-point vector as an array, refused unless it matches the axis length. */
export function stateVector(kind: string, field: string, values: readonly number[], axis: Float64Array): Float64Array {
  if (values.length !== axis.length) {
    throw stepError(
      kind,
      field,
      `the fitted ${field} has ${values.length} points but the spectra have ${axis.length}; refit the pipeline on data with the same axis.`,
    );
  }
  return Float64Array.from(values);
}

/** Trapezoid area of |y| over |Δaxis| for points `from .. to` (inclusive) of one spectrum. */
export function absTrapezoid(values: Float64Array, offset: number, axis: Float64Array, from: number, to: number): number {
  let area = 0;
  for (let i = from; i < to; i++) {
    area += (Math.abs(values[offset + i]) + Math.abs(values[offset + i + 1])) * Math.abs(axis[i + 1] - axis[i]);
  }
  return area / 2;
}

/** Formats an axis value for messages without float noise. */
export function fmt(x: number): string {
  return String(Number(x.toPrecision(10)));
}

/** The given rows of a block, copied into a new block on the same axis. */
export function selectRows(block: SpectraBlock, rows: readonly number[]): SpectraBlock {
  const n = block.axis.length;
  const values = new Float64Array(rows.length * n);
  rows.forEach((r, i) => values.set(block.values.subarray(r * n, (r + 1) * n), i * n));
  return { axis: block.axis, values, rows: rows.length };
}
