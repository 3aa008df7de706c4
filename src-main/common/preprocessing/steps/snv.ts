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
  return mapRows(input, snvRow);
}

/** Each row's statistics are computed before the row is written, so this is safe in place. */
function transformInPlace(_p: SnvParams, input: SpectraBlock): SpectraBlock {
  return mapRows(input, snvRow, true);
}

function snvRow(src: Float64Array, dst: Float64Array, o: number, n: number, row: number): void {
  {
    // Two tight passes: the mean, then the sum of squared deviations from it (numpy's `std`
    // with ddof = 0). Four accumulators per pass break the add dependency chain (and sum more
    // like numpy's pairwise summation than one running total would).
    const end = o + n;
    const end4 = o + (n & ~3);
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = o;
    for (; i < end4; i += 4) {
      s0 += src[i];
      s1 += src[i + 1];
      s2 += src[i + 2];
      s3 += src[i + 3];
    }
    for (; i < end; i++) s0 += src[i];
    const mean = (s0 + s1 + (s2 + s3)) / n;
    s0 = 0;
    s1 = 0;
    s2 = 0;
    s3 = 0;
    for (i = o; i < end4; i += 4) {
      const d0 = src[i] - mean;
      const d1 = src[i + 1] - mean;
      const d2 = src[i + 2] - mean;
      const d3 = src[i + 3] - mean;
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; i < end; i++) {
      const d = src[i] - mean;
      s0 += d * d;
    }
    const ss = s0 + s1 + (s2 + s3);
    const std = Math.sqrt(ss / n);
    // Flatness test against the largest magnitude, which is at most |mean| + sqrt(ss) (no
    // deviation exceeds the root of their sum of squares); only a spread that passes that bound
    // narrowly needs the exact maximum, so the common case skips a third pass.
    let maxAbs = (Math.abs(mean) + Math.sqrt(ss)) * (1 + 1e-9);
    if (!(std > 1e-12 * maxAbs)) {
      maxAbs = 0;
      for (let j = o; j < end; j++) {
        const v = src[j];
        const a = v < 0 ? -v : v;
        if (a > maxAbs) maxAbs = a;
      }
    }
    if (!(std > 1e-12 * maxAbs) || !Number.isFinite(std)) {
      throw stepError(
        KIND,
        'values',
        `spectrum ${row + 1} is flat (standard deviation 0); SNV would divide by zero. Remove the step or crop to a region with signal.`,
      );
    }
    const inv = 1 / std;
    for (let j = o; j < end; j++) dst[j] = (src[j] - mean) * inv;
  }
}

export const snv: StepDefinition<SnvParams> = {
  kind: KIND,
  version: 1,
  title: 'Standard normal variate (SNV)',
  params: z.strictObject({}),
  paramInfo: {},
  fitted: false,
  transform,
  transformInPlace,
};
