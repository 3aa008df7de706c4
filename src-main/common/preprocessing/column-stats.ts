import type { SpectraBlock } from './types';
import { stepError } from './step-error';

/** Per-point mean and population standard deviation (ddof = 0) over the rows of `train`. */
export function columnStats(kind: string, train: SpectraBlock): { mean: Float64Array; std: Float64Array } {
  const n = train.axis.length;
  if (train.rows < 1) throw stepError(kind, 'rows', 'the training split has no spectra; nothing to learn the mean from.');
  const mean = new Float64Array(n);
  const std = new Float64Array(n);
  for (let r = 0; r < train.rows; r++) for (let i = 0; i < n; i++) mean[i] += train.values[r * n + i];
  for (let i = 0; i < n; i++) mean[i] /= train.rows;
  for (let r = 0; r < train.rows; r++) {
    for (let i = 0; i < n; i++) {
      const d = train.values[r * n + i] - mean[i];
      std[i] += d * d;
    }
  }
  for (let i = 0; i < n; i++) std[i] = Math.sqrt(std[i] / train.rows);
  return { mean, std };
}
