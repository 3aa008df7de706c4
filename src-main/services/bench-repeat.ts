/**
 * The spread of a benchmark repeated N times (`spectra-desk bench --repeat N`): one quiet run
 * says little on a shared machine, so the bench reports the least, middle and greatest figure.
 */
import { median as middle } from '../common/ml/median';

export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** The middle value (one rule for the project: common/ml/stats.ts); no runs is a caller's error. */
export function median(values: readonly number[]): number {
  if (!values.length) throw new RangeError('median of no values');
  return middle(values);
}

export function spread(values: readonly number[]): Spread {
  return { min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

export interface RepeatRun {
  ours: number;
  /** The reference's spectra/s in the same repetition; null when it did not run. */
  reference: number | null;
}

export interface RepeatSummary {
  ours: Spread;
  reference: Spread | null;
  /** Of the per-run ratios ours / reference (each pair measured back to back), not of the medians. */
  ratio: Spread | null;
}

/** The spread of ours, the reference and their per-run ratio; the reference parts only when every run had one. */
export function summariseRepeats(runs: readonly RepeatRun[]): RepeatSummary {
  const ours = spread(runs.map((r) => r.ours));
  const refs = runs.map((r) => r.reference);
  if (refs.some((v) => v === null)) return { ours, reference: null, ratio: null };
  const reference = refs as number[];
  return { ours, reference: spread(reference), ratio: spread(runs.map((r, i) => r.ours / reference[i]!)) };
}
