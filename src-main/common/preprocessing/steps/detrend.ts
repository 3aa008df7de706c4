import { z } from 'zod';
import type { SpectraBlock, StepDefinition } from '../types';
import { mapRows } from '../block';
import { thinQr } from '../linalg';
import { stepError } from '../step-error';

export interface DetrendParams {
  /** Order of the polynomial trend removed from each spectrum (0 = mean). @default 1 */
  order: number;
}

const KIND = 'detrend';

const params = z.strictObject({ order: z.number().int().min(0).max(10).default(1) });

function validate(p: DetrendParams, axis: Float64Array): void {
  if (p.order >= axis.length) {
    throw stepError(KIND, 'order', `order ${p.order} needs more than ${p.order} points but the spectrum has ${axis.length}; lower the order.`);
  }
}

/**
 * Subtracts the least-squares polynomial of `order` fitted against the axis values scaled to
 * [−1, 1] (for conditioning), i.e. `x − polyval(polyfit(t, x, order), t)`.
 */
function transform(p: DetrendParams, input: SpectraBlock): SpectraBlock {
  validate(p, input.axis);
  const axis = input.axis;
  const n = axis.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, axis[i]);
    max = Math.max(max, axis[i]);
  }
  const span = max - min;
  if (!(span > 0)) throw stepError(KIND, 'axis', 'the axis has a single value; a trend cannot be fitted.');
  const t = axis.map((a) => (2 * (a - min)) / span - 1);
  const columns: Float64Array[] = [];
  for (let k = 0; k <= p.order; k++) columns.push(t.map((v) => v ** k));
  const { q } = thinQr(columns);
  return mapRows(input, (src, dst, o) => {
    for (let i = 0; i < n; i++) dst[o + i] = src[o + i];
    for (const qk of q) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += qk[i] * src[o + i];
      for (let i = 0; i < n; i++) dst[o + i] -= dot * qk[i];
    }
  });
}

export const detrend: StepDefinition<DetrendParams> = {
  kind: KIND,
  version: 1,
  title: 'Detrend (polynomial)',
  params,
  paramInfo: {
    order: { label: 'Polynomial order', help: 'Degree of the polynomial trend removed from each spectrum (0 removes the mean; up to 10).' },
  },
  fitted: false,
  validate,
  transform,
};
