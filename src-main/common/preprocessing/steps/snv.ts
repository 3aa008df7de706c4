import { z } from 'zod';
import type { SpectraBlock, StepDefinition } from '../types';
import { mapRows } from '../block';
import { stepError } from '../step-error';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SnvParams {}

const KIND = 'snv';

/**
 * Standard normal variate: each spectrum minus its mean, divided by its standard deviation
 * (population, ddof = 0, as numpy's `std`). A spectrum whose spread is zero (or below 1e-12 of
 * its magnitude, i.e. flat up to rounding) is refused rather than turned into NaN/Inf.
 */
function transform(_p: SnvParams, input: SpectraBlock): SpectraBlock {
  return mapRows(input, (src, dst, o, n, row) => {
    // Shifted sums in one pass (shift = first value keeps them well conditioned), then a
    // correction term; accurate to rounding for spectra, and one read of the data fewer.
    const shift = src[o];
    let sum = 0;
    let sumSq = 0;
    let maxAbs = 0;
    for (let i = o; i < o + n; i++) {
      const v = src[i];
      const d = v - shift;
      sum += d;
      sumSq += d * d;
      const a = v < 0 ? -v : v;
      if (a > maxAbs) maxAbs = a;
    }
    const meanShifted = sum / n;
    const mean = shift + meanShifted;
    const ss = Math.max(0, sumSq - sum * meanShifted);
    const std = Math.sqrt(ss / n);
    if (!(std > 1e-12 * maxAbs) || !Number.isFinite(std)) {
      throw stepError(
        KIND,
        'values',
        `spectrum ${row + 1} is flat (standard deviation 0); SNV would divide by zero. Remove the step or crop to a region with signal.`,
      );
    }
    const inv = 1 / std;
    for (let i = o; i < o + n; i++) dst[i] = (src[i] - mean) * inv;
  });
}

export const snv: StepDefinition<SnvParams> = {
  kind: KIND,
  version: 1,
  title: 'Standard normal variate (SNV)',
  params: z.strictObject({}),
  fitted: false,
  transform,
};
