import type { SpectraBlock } from './types';
import { stepError } from './step-error';

/**
 * Per-point mean over the rows of `train`; an empty split is refused with `why` (what the mean
 * was for) ending the message.
 */
export function columnMean(kind: string, train: SpectraBlock, why = 'nothing to learn the mean from'): Float64Array {
  const n = train.axis.length;
  if (train.rows < 1) throw stepError(kind, 'rows', `the training split has no spectra; ${why}.`);
  const mean = new Float64Array(n);
  for (let r = 0; r < train.rows; r++) for (let i = 0; i < n; i++) mean[i] += train.values[r * n + i];
  for (let i = 0; i < n; i++) mean[i] /= train.rows;
  return mean;
}

/** Per-point mean and population standard deviation (ddof = 0) over the rows of `train`. */
export function columnStats(kind: string, train: SpectraBlock): { mean: Float64Array; std: Float64Array } {
  const n = train.axis.length;
  const mean = columnMean(kind, train);
  const std = new Float64Array(n);
  for (let r = 0; r < train.rows; r++) {
    for (let i = 0; i < n; i++) {
      const d = train.values[r * n + i] - mean[i];
      std[i] += d * d;
    }
  }
  for (let i = 0; i < n; i++) std[i] = Math.sqrt(std[i] / train.rows);
  return { mean, std };
}
