import { z } from 'zod';
import type { SpectraBlock, StepDefinition } from '../types';
import { absTrapezoid, fmt, mapRows } from '../block';
import { stepError } from '../step-error';

export type NormalizeMethod = 'minmax' | 'area' | 'vector' | 'max' | 'band';

export interface NormalizeParams {
  /**
   * `minmax`: (x − min)/(max − min); `area`: x / trapezoid area of |x| over the axis (|Δaxis|,
   * so axis direction does not matter); `vector`: x / ‖x‖₂; `max`: x / max|x|; `band`: x / the
   * trapezoid area of |x| over the points inside `band`.
   * @default 'vector'
   */
  method: NormalizeMethod;
  /** `[min, max]` in axis units, for `method: 'band'` (either order). @default null */
  band: [number, number] | null;
}

const KIND = 'normalize';

const params = z.strictObject({
  method: z.enum(['minmax', 'area', 'vector', 'max', 'band']).default('vector'),
  band: z.tuple([z.number(), z.number()]).nullable().default(null),
});

/** Inclusive index range of the axis points inside the band. */
function bandIndices(p: NormalizeParams, axis: Float64Array): [number, number] {
  if (p.band === null) {
    throw stepError(KIND, 'band', "method 'band' needs a band range `band: [min, max]` in axis units.");
  }
  const lo = Math.min(p.band[0], p.band[1]);
  const hi = Math.max(p.band[0], p.band[1]);
  let from = -1;
  let to = -1;
  let count = 0;
  for (let i = 0; i < axis.length; i++) {
    if (axis[i] >= lo && axis[i] <= hi) {
      if (from < 0) from = i;
      to = i;
      count++;
    }
  }
  if (count < 2 || to - from + 1 !== count) {
    throw stepError(
      KIND,
      'band',
      `band [${fmt(lo)}, ${fmt(hi)}] covers ${count} axis point${count === 1 ? '' : 's'}; it needs at least 2 consecutive points. Widen the band.`,
    );
  }
  return [from, to];
}

function validate(p: NormalizeParams, axis: Float64Array): void {
  if (p.method === 'band') bandIndices(p, axis);
}

const WHAT: Record<NormalizeMethod, string> = {
  minmax: 'range (max − min)',
  area: 'area',
  vector: 'norm',
  max: 'maximum',
  band: 'band area',
};

function transform(p: NormalizeParams, input: SpectraBlock): SpectraBlock {
  validate(p, input.axis);
  const axis = input.axis;
  const band = p.method === 'band' ? bandIndices(p, axis) : null;
  return mapRows(input, (src, dst, o, n, row) => {
    let shift = 0;
    let divisor: number;
    if (p.method === 'minmax') {
      let min = Infinity;
      let max = -Infinity;
      for (let i = o; i < o + n; i++) {
        if (src[i] < min) min = src[i];
        if (src[i] > max) max = src[i];
      }
      shift = min;
      divisor = max - min;
    } else if (p.method === 'area') {
      divisor = absTrapezoid(src, o, axis, 0, n - 1);
    } else if (p.method === 'vector') {
      let ss = 0;
      for (let i = o; i < o + n; i++) ss += src[i] * src[i];
      divisor = Math.sqrt(ss);
    } else if (p.method === 'max') {
      divisor = 0;
      for (let i = o; i < o + n; i++) divisor = Math.max(divisor, Math.abs(src[i]));
    } else {
      divisor = absTrapezoid(src, o, axis, (band as [number, number])[0], (band as [number, number])[1]);
    }
    if (!(divisor > 0) || !Number.isFinite(divisor)) {
      throw stepError(
        KIND,
        'method',
        `spectrum ${row + 1} has zero ${WHAT[p.method]} (method '${p.method}'); normalising would divide by zero. Choose another method or remove the step.`,
      );
    }
    for (let i = o; i < o + n; i++) dst[i] = (src[i] - shift) / divisor;
  });
}

export const normalize: StepDefinition<NormalizeParams> = {
  kind: KIND,
  version: 1,
  title: 'Normalise',
  params,
  paramInfo: {
    method: {
      label: 'Method',
      help: 'vector: unit length; area: unit area; max: largest |value| 1; minmax: range 0 to 1; band: unit area over Band.',
    },
    band: { label: 'Band', unit: 'axis', help: 'Axis range [from, to] whose area becomes 1, for method band.' },
  },
  fitted: false,
  validate,
  transform,
};
