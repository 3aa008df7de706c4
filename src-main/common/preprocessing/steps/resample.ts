import { z } from 'zod';
import type { SpectraBlock, StepDefinition } from '../types';
import { fmt, mapToAxis } from '../block';
import { stepError } from '../step-error';

export interface ResampleParams {
  /** Target axis in axis units (any order). Exclusive with `step`. @default null */
  axis: number[] | null;
  /**
   * Target spacing in axis units: a uniform grid from the first axis value towards the last.
   * Exclusive with `axis`; with neither, a uniform grid with the same number of points.
   * @default null
   */
  step: number | null;
  /**
   * How far (axis units) a target point may lie outside the input axis; such points take the
   * nearest edge value. Null means half the mean input spacing — enough to align spectra whose
   * axes differ by rounding or a small calibration shift. Further out is refused.
   * @default null
   */
  maxExtrapolation: number | null;
}

const KIND = 'resample';

const params = z.strictObject({
  axis: z.array(z.number()).min(2).nullable().default(null),
  step: z.number().positive().nullable().default(null),
  maxExtrapolation: z.number().min(0).nullable().default(null),
});

function targetAxis(p: ResampleParams, axis: Float64Array): Float64Array {
  const n = axis.length;
  if (n < 2) throw stepError(KIND, 'axis', 'the spectra have fewer than 2 points; nothing to interpolate.');
  for (let i = 1; i < n; i++) {
    if (!((axis[i] - axis[i - 1]) * (axis[n - 1] - axis[0]) > 0)) {
      throw stepError(KIND, 'axis', `the input axis is not strictly increasing or decreasing (at point ${i + 1}, ${fmt(axis[i])}); sort or deduplicate it first.`);
    }
  }
  if (p.axis !== null && p.step !== null) throw stepError(KIND, 'step', 'give either a target axis or a step, not both.');
  const first = axis[0];
  const last = axis[n - 1];
  const dir = Math.sign(last - first);
  const span = Math.abs(last - first);
  let target: Float64Array;
  if (p.axis !== null) target = Float64Array.from(p.axis);
  else {
    const step = p.step ?? span / (n - 1);
    const count = Math.floor(span / step + 1e-9) + 1;
    if (count < 2) throw stepError(KIND, 'step', `step ${fmt(step)} is wider than the axis span (${fmt(span)}); use a smaller step.`);
    if (count > 1_000_000) throw stepError(KIND, 'step', `step ${fmt(step)} would give ${count} points; use a larger step.`);
    target = new Float64Array(count);
    for (let i = 0; i < count; i++) target[i] = first + dir * i * step;
  }
  const tol = p.maxExtrapolation ?? span / (n - 1) / 2;
  const lo = Math.min(first, last);
  const hi = Math.max(first, last);
  for (const t of target) {
    if (t < lo - tol || t > hi + tol) {
      throw stepError(
        KIND,
        p.axis !== null ? 'axis' : 'step',
        `target point ${fmt(t)} is outside the input axis (${fmt(lo)} to ${fmt(hi)}) by more than ${fmt(tol)} (maxExtrapolation); crop the target axis or raise maxExtrapolation.`,
      );
    }
  }
  return target;
}

/** Linear interpolation onto the target axis; points just outside the input take the edge value. */
function transform(p: ResampleParams, input: SpectraBlock): SpectraBlock {
  const target = targetAxis(p, input.axis);
  const n = input.axis.length;
  const ascending = input.axis[n - 1] > input.axis[0];
  // Work on ascending positions: pos(k) is the k-th smallest axis index.
  const pos = (k: number): number => (ascending ? k : n - 1 - k);
  const m = target.length;
  const idx = new Int32Array(m);
  const frac = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const t = target[j];
    let lo = 0;
    let hi = n - 1;
    if (t <= input.axis[pos(0)]) {
      idx[j] = 0;
      frac[j] = 0;
      continue;
    }
    if (t >= input.axis[pos(n - 1)]) {
      idx[j] = n - 2;
      frac[j] = 1;
      continue;
    }
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (input.axis[pos(mid)] <= t) lo = mid;
      else hi = mid;
    }
    idx[j] = lo;
    const a0 = input.axis[pos(lo)];
    frac[j] = (t - a0) / (input.axis[pos(lo + 1)] - a0);
  }
  return mapToAxis(input, target, (src, o, j) => {
    const y0 = src[o + pos(idx[j])];
    const y1 = src[o + pos(idx[j] + 1)];
    return y0 + frac[j] * (y1 - y0);
  });
}

export const resample: StepDefinition<ResampleParams> = {
  kind: KIND,
  version: 1,
  title: 'Resample (linear interpolation)',
  params,
  paramInfo: {
    axis: { label: 'Target axis', unit: 'axis', help: 'Axis values to interpolate onto (any order); give this or Step, not both.' },
    step: { label: 'Step', unit: 'axis', help: 'Spacing of a uniform grid from the first axis value; with neither, the same number of points, evenly spaced.' },
    maxExtrapolation: {
      label: 'Max. extrapolation',
      unit: 'axis',
      help: 'How far a target point may lie outside the input axis (it takes the edge value); empty means half the mean spacing.',
    },
  },
  fitted: false,
  validate(p, axis) {
    targetAxis(p, axis);
  },
  transform,
};
