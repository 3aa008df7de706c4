/** Mean ± standard deviation spectra per class, from a row-major block (pure TS). */

export interface ClassMean {
  /** The class; '(none)' for spectra without a value. */
  value: string;
  count: number;
  mean: Float64Array;
  /** Population standard deviation (divisor n, numpy's default), 0 for a class of one. */
  std: Float64Array;
}

export const NO_CLASS = '(none)';

/**
 * One mean and standard deviation spectrum per class of `groups` (one entry per row), in order
 * of first appearance. Two passes (mean, then squared deviations) so that spectra with a large
 * offset and small differences keep their digits.
 */
export function classMeans(values: ArrayLike<number>, rows: number, points: number, groups: readonly (string | number | null)[]): ClassMean[] {
  if (values.length !== rows * points) throw new Error(`Class means: expected ${rows} × ${points} values, got ${values.length}.`);
  if (groups.length !== rows) throw new Error(`Class means: ${groups.length} class values for ${rows} spectra.`);
  const members = new Map<string, number[]>();
  groups.forEach((g, r) => {
    const key = g === null || g === '' ? NO_CLASS : String(g);
    let list = members.get(key);
    if (!list) members.set(key, (list = []));
    list.push(r);
  });
  return [...members].map(([value, list]) => {
    const mean = new Float64Array(points);
    const std = new Float64Array(points);
    for (const r of list) for (let c = 0; c < points; c++) mean[c]! += values[r * points + c]!;
    for (let c = 0; c < points; c++) mean[c]! /= list.length;
    for (const r of list) for (let c = 0; c < points; c++) std[c]! += (values[r * points + c]! - mean[c]!) ** 2;
    for (let c = 0; c < points; c++) std[c] = Math.sqrt(std[c]! / list.length);
    return { value, count: list.length, mean, std };
  });
}
