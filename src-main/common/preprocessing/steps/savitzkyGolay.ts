import { z } from 'zod';
import type { SpectraBlock, StepDefinition } from '../types';
import { withValues } from '../block';
import { savgolCoeffs } from '../savgol-coeffs';
import { stepError } from '../step-error';

export interface SavitzkyGolayParams {
  /** Points in the moving window; odd, at most the spectrum length. @default 11 */
  windowSize: number;
  /** Order of the local polynomial; less than `windowSize`. @default 2 */
  polynomial: number;
  /** Derivative order 0–2, at most `polynomial`. @default 0 */
  derivative: number;
  /**
   * Divide the derivative by `delta^derivative`, where `delta` is the mean axis spacing
   * `|axis[n−1] − axis[0]| / (n − 1)` in axis units (scipy's `delta` argument), so a first
   * derivative is per axis unit (e.g. per cm⁻¹). When false, derivatives are per point
   * (`delta = 1`). No effect when `derivative` is 0.
   * @default true
   */
  scaleByAxisStep: boolean;
}

const KIND = 'savitzkyGolay';

const params = z.strictObject({
  windowSize: z.number().int().min(1).default(11),
  polynomial: z.number().int().min(0).default(2),
  derivative: z.number().int().min(0).max(2).default(0),
  scaleByAxisStep: z.boolean().default(true),
});

function validate(p: SavitzkyGolayParams, axis: Float64Array): void {
  if (p.windowSize % 2 === 0) {
    throw stepError(KIND, 'windowSize', `windowSize ${p.windowSize} is even; use an odd number of points (e.g. ${p.windowSize - 1} or ${p.windowSize + 1}).`);
  }
  if (p.polynomial >= p.windowSize) {
    throw stepError(KIND, 'polynomial', `polynomial ${p.polynomial} must be less than windowSize ${p.windowSize}; lower the polynomial order or widen the window.`);
  }
  if (p.derivative > p.polynomial) {
    throw stepError(
      KIND,
      'derivative',
      `derivative ${p.derivative} is higher than polynomial ${p.polynomial}, so it would be zero everywhere; raise the polynomial order or lower the derivative.`,
    );
  }
  if (p.windowSize > axis.length) {
    throw stepError(KIND, 'windowSize', `windowSize ${p.windowSize} is longer than the spectrum (${axis.length} points).`);
  }
}

/**
 * Savitzky–Golay smoothing/derivative, matching scipy's `savgol_filter(x, windowSize,
 * polynomial, deriv=derivative, delta=delta, mode='interp')`: interior points by convolution
 * with precomputed weights; the first and last `windowSize // 2` points from the least-squares
 * polynomial through the first/last window, evaluated (and differentiated) there — done here
 * with per-position weights, which is the same linear map as scipy's polyfit/polyval.
 */
function transform(p: SavitzkyGolayParams, input: SpectraBlock): SpectraBlock {
  const axis = input.axis;
  validate(p, axis);
  const n = axis.length;
  const w = p.windowSize;
  const h = (w - 1) >> 1;
  const delta = p.scaleByAxisStep && n > 1 ? Math.abs(axis[n - 1] - axis[0]) / (n - 1) : 1;
  const center = savgolCoeffs(w, p.polynomial, p.derivative, delta, h);
  const left: Float64Array[] = [];
  const right: Float64Array[] = [];
  for (let i = 0; i < h; i++) {
    left.push(savgolCoeffs(w, p.polynomial, p.derivative, delta, i));
    right.push(savgolCoeffs(w, p.polynomial, p.derivative, delta, h + 1 + i));
  }
  // Central weights are symmetric (even derivative) or antisymmetric (odd) about the centre,
  // so each pair of points shares one multiply: s = c0·x[i] + Σ ck·(x[i+k] ± x[i−k]).
  const odd = p.derivative % 2 === 1;
  const c0 = center[h];
  const ck = new Float64Array(h + 1);
  for (let k = 1; k <= h; k++) ck[k] = odd ? (center[h + k] - center[h - k]) / 2 : (center[h + k] + center[h - k]) / 2;
  const src = input.values;
  const out = new Float64Array(input.rows * n);
  for (let r = 0; r < input.rows; r++) {
    const base = r * n;
    const stop = base + n - h;
    if (odd) {
      for (let i = base + h; i < stop; i++) {
        let s = 0;
        for (let k = 1; k <= h; k++) s += ck[k] * (src[i + k] - src[i - k]);
        out[i] = s;
      }
    } else {
      for (let i = base + h; i < stop; i++) {
        let s = c0 * src[i];
        for (let k = 1; k <= h; k++) s += ck[k] * (src[i + k] + src[i - k]);
        out[i] = s;
      }
    }
    for (let i = 0; i < h; i++) {
      const cl = left[i];
      const cr = right[i];
      let sl = 0;
      let sr = 0;
      const kr = base + n - w;
      for (let j = 0; j < w; j++) {
        sl += cl[j] * src[base + j];
        sr += cr[j] * src[kr + j];
      }
      out[base + i] = sl;
      out[base + n - h + i] = sr;
    }
  }
  return withValues(input, out);
}

export const savitzkyGolay: StepDefinition<SavitzkyGolayParams> = {
  kind: KIND,
  version: 1,
  title: 'Savitzky–Golay smoothing / derivative',
  params,
  fitted: false,
  validate,
  transform,
};
