import { z } from 'zod';
import type { StepDefinition } from '../../types';
import { stepError } from '../../step-error';
import { baselineStep, fitOne, type BaselineFitter } from './baseline-step';
import { checkLength } from './checks';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface RubberbandParams {}

const KIND = 'rubberband';

const params = z.strictObject({});

/** 1 for a strictly increasing axis, −1 for strictly decreasing; throws otherwise. */
function axisDirection(axis: Float64Array): 1 | -1 {
  checkLength(KIND, axis.length);
  const dir = axis[axis.length - 1] > axis[0] ? 1 : -1;
  for (let i = 1; i < axis.length; i++) {
    const step = (axis[i] - axis[i - 1]) * dir;
    if (!(step > 0)) {
      throw stepError(
        KIND,
        'axis',
        `the axis must be strictly increasing or decreasing, but points ${i} and ${i + 1} are ${axis[i - 1]} and ${axis[i]}; sort or de-duplicate the axis first.`,
      );
    }
  }
  return dir;
}

/**
 * Writes the rubber-band baseline of `y[offset .. offset + n)` into `z`. `hull` (length ≥ n)
 * is scratch for the hull's point indices, in increasing-axis order `k` (point `k` is axis index
 * `k` when `dir` is 1, `n − 1 − k` when −1).
 */
function fitInto(axis: Float64Array, dir: 1 | -1, y: Float64Array, offset: number, z: Float64Array, hull: Int32Array): number {
  const n = axis.length;
  const at = (k: number): number => (dir === 1 ? k : n - 1 - k);
  // Andrew's monotone chain, lower half: drop the last vertex while it does not make a strict
  // left (counter-clockwise) turn, so collinear points are not vertices.
  let h = 0;
  for (let k = 0; k < n; k++) {
    const xk = axis[at(k)];
    const yk = y[offset + at(k)];
    while (h >= 2) {
      const o = at(hull[h - 2]);
      const a = at(hull[h - 1]);
      const xo = axis[o];
      const yo = y[offset + o];
      const cross = (axis[a] - xo) * (yk - yo) - (y[offset + a] - yo) * (xk - xo);
      if (cross <= 0) h--;
      else break;
    }
    hull[h++] = k;
  }
  for (let s = 0; s + 1 < h; s++) {
    const a = at(hull[s]);
    const b = at(hull[s + 1]);
    const xa = axis[a];
    const ya = y[offset + a];
    const dy = y[offset + b] - ya;
    const dx = axis[b] - xa;
    z[a] = ya;
    for (let k = hull[s] + 1; k < hull[s + 1]; k++) {
      const j = at(k);
      z[j] = ya + dy * ((axis[j] - xa) / dx);
    }
  }
  const last = at(hull[h - 1]);
  z[last] = y[offset + last];
  return 0;
}

function fitter(_p: RubberbandParams, axis: Float64Array): BaselineFitter {
  const dir = axisDirection(axis);
  const hull = new Int32Array(axis.length);
  return (y, offset, z) => fitInto(axis, dir, y, offset, z, hull);
}

/**
 * The rubber-band baseline: the lower convex hull of the points (axis_i, y_i), found with
 * Andrew's monotone chain in O(n), linearly interpolated between hull vertices. The baseline
 * touches the spectrum at the hull vertices (always including both ends) and lies on or below
 * it everywhere. The axis may run either way but must be strictly monotone.
 *
 * References: A. M. Andrew (1979), "Another efficient algorithm for convex hulls in two
 * dimensions", Inf. Process. Lett. 9, 216; the "rubberband" baseline of OPUS and of
 * hyperSpec's `spc.rubberband`.
 *
 * @param axis - Axis values (wavenumbers, wavelengths, …), strictly monotone, same length as `y`.
 * @param y - Intensities (not modified).
 * @returns The baseline, same length as `y`.
 */
export function rubberbandBaseline(axis: Float64Array, y: Float64Array): Float64Array {
  if (axis.length !== y.length) {
    throw stepError(KIND, 'axis', `the axis has ${axis.length} points but the spectrum has ${y.length}.`);
  }
  axisDirection(axis);
  return fitOne(KIND, y, () => fitter({}, axis)).baseline;
}

function validate(_p: RubberbandParams, axis: Float64Array): void {
  axisDirection(axis);
}

/** Rubber-band baseline correction: each spectrum minus its {@link rubberbandBaseline}. */
export const rubberband: StepDefinition<RubberbandParams> = baselineStep({
  kind: KIND,
  version: 1,
  title: 'Baseline: rubber band (convex hull)',
  params,
  paramInfo: {},
  validate,
  fitter,
});
