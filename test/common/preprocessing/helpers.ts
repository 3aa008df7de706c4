import type { SpectraBlock } from '../../../src-main/common/preprocessing/types';

/** A block from rows of numbers. */
export function blockOf(axis: number[] | Float64Array, rows: number[][]): SpectraBlock {
  return { axis: Float64Array.from(axis), values: Float64Array.from(rows.flat()), rows: rows.length };
}

/** Rows of a block as plain arrays. */
export function rowsOf(block: SpectraBlock): number[][] {
  const n = block.axis.length;
  return Array.from({ length: block.rows }, (_, r) => Array.from(block.values.subarray(r * n, (r + 1) * n)));
}

/**
 * Ordinary smooth spectra: two Gaussian bands on a sloping baseline plus a deterministic
 * wiggle, all inside (0.05, 0.95) so conversions of reflectance/transmittance are defined.
 */
export function ordinaryBlock(axis: Float64Array, rows = 6): SpectraBlock {
  const n = axis.length;
  const values = new Float64Array(rows * n);
  const lo = Math.min(axis[0], axis[n - 1]);
  const span = Math.abs(axis[n - 1] - axis[0]);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < n; i++) {
      const t = (axis[i] - lo) / span;
      const band1 = Math.exp(-(((t - 0.3 - 0.01 * r) / 0.05) ** 2));
      const band2 = 0.6 * Math.exp(-(((t - 0.7) / 0.08) ** 2));
      values[r * n + i] = 0.1 + 0.1 * t + (0.4 + 0.05 * r) * band1 + 0.3 * band2 + 0.01 * Math.sin(37 * i + r);
    }
  }
  return { axis: Float64Array.from(axis), values, rows };
}

export function linspace(start: number, stop: number, count: number): Float64Array {
  return Float64Array.from({ length: count }, (_, i) => start + ((stop - start) * i) / (count - 1));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
