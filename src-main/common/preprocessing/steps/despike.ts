import { z } from 'zod';
import type { SpectraBlock, StepDefinition } from '../types';
import { mapRows } from '../block';
import { stepError } from '../step-error';

export interface DespikeParams {
  /** Modified z-score (of the first difference) above which a point is a spike. @default 7 */
  threshold: number;
  /** Half-width in points of the neighbourhood whose non-spike mean replaces a spike. @default 2 */
  window: number;
}

const KIND = 'despike';

const params = z.strictObject({
  threshold: z.number().positive().default(7),
  window: z.number().int().min(1).max(50).default(2),
});

function validate(_p: DespikeParams, axis: Float64Array): void {
  if (axis.length < 3) throw stepError(KIND, 'axis', `the spectrum has ${axis.length} points; despiking needs at least 3.`);
}

function median(sorted: Float64Array): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

/**
 * Whitaker–Hayes cosmic-ray removal. Modified z-score of the first difference
 * `z = 0.6745·(d − median(d)) / MAD`; when MAD is 0 the mean absolute deviation is used
 * (`z = (d − median) / (1.253314·meanAD)`), and when that is 0 too nothing is a spike. Point i
 * is a spike when either difference touching it (d[i−1] or d[i]) has |z| > threshold; it is
 * replaced by the mean of the non-spike points within `window` of it (left as is if none).
 */
function transform(p: DespikeParams, input: SpectraBlock): SpectraBlock {
  validate(p, input.axis);
  const n = input.axis.length;
  const d = new Float64Array(n - 1);
  const dev = new Float64Array(n - 1);
  const zBig = new Uint8Array(n - 1);
  const spike = new Uint8Array(n);
  return mapRows(input, (src, dst, o) => {
    for (let i = 0; i < n - 1; i++) d[i] = src[o + i + 1] - src[o + i];
    const med = median(Float64Array.from(d).sort());
    let meanAd = 0;
    for (let i = 0; i < n - 1; i++) {
      dev[i] = Math.abs(d[i] - med);
      meanAd += dev[i];
    }
    meanAd /= n - 1;
    const mad = median(Float64Array.from(dev).sort());
    const scale = mad > 0 ? mad / 0.6745 : 1.253314 * meanAd;
    for (let i = 0; i < n - 1; i++) zBig[i] = scale > 0 && dev[i] / scale > p.threshold ? 1 : 0;
    for (let i = 0; i < n; i++) spike[i] = (i > 0 && zBig[i - 1]) || (i < n - 1 && zBig[i]) ? 1 : 0;
    for (let i = 0; i < n; i++) {
      dst[o + i] = src[o + i];
      if (!spike[i]) continue;
      let sum = 0;
      let count = 0;
      for (let j = Math.max(0, i - p.window); j <= Math.min(n - 1, i + p.window); j++) {
        if (!spike[j]) {
          sum += src[o + j];
          count++;
        }
      }
      if (count > 0) dst[o + i] = sum / count;
    }
  });
}

export const despike: StepDefinition<DespikeParams> = {
  kind: KIND,
  version: 1,
  title: 'Despike (Whitaker–Hayes)',
  params,
  paramInfo: {
    threshold: { label: 'Spike threshold', help: 'Modified z-score of the first difference above which a point counts as a spike (> 0).' },
    window: { label: 'Neighbourhood', unit: 'points', help: 'Half-width of the neighbourhood whose non-spike mean replaces a spike (1–50).' },
  },
  fitted: false,
  validate,
  transform,
};
