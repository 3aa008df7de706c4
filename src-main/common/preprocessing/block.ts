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

/** Throws unless the fitted state's per-point vector matches the axis length. */
export function checkStateLength(kind: string, field: string, length: number, axis: Float64Array): void {
  if (length !== axis.length) {
    throw stepError(
      kind,
      field,
      `the fitted ${field} has ${length} points but the spectra have ${axis.length}; refit the pipeline on data with the same axis.`,
    );
  }
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
