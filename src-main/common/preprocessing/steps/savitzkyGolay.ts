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
 * Interior kernels: `y[i] = Σ_k c[k]·(x[i+k] ± x[i−k])` (plus `c[0]·x[i]` when even) for
 * `i ∈ [from, to)`, written out term by term for the common windows 5–15, with the window held
 * in locals that slide by one point per output (one load per point instead of `w`); together
 * about 2–3× faster than the loop over the window in V8. `a_j` holds `x[i − h + j]`. `c` holds
 * the folded centre weights (see `transform`); the terms are summed in the same order as the
 * generic loop, so results are bit-identical to it.
 */
type Kernel = (x: Float64Array, y: Float64Array, from: number, to: number, c: Float64Array) => void;

function even5(x: Float64Array, y: Float64Array, from: number, to: number, c: Float64Array): void {
  const c0 = c[0], c1 = c[1], c2 = c[2];
  let a0 = x[from - 2],
    a1 = x[from - 1],
    a2 = x[from],
    a3 = x[from + 1];
  for (let i = from; i < to; i++) {
    const a4 = x[i + 2];
    y[i] = c0 * a2 + c1 * (a3 + a1) + c2 * (a4 + a0);
    a0 = a1;
    a1 = a2;
    a2 = a3;
    a3 = a4;
  }
}

function odd5(x: Float64Array, y: Float64Array, from: number, to: number, c: Float64Array): void {
  const c1 = c[1], c2 = c[2];
  let a0 = x[from - 2],
    a1 = x[from - 1],
    a2 = x[from],
    a3 = x[from + 1];
  for (let i = from; i < to; i++) {
    const a4 = x[i + 2];
    y[i] = c1 * (a3 - a1) + c2 * (a4 - a0);
    a0 = a1;
    a1 = a2;
    a2 = a3;
    a3 = a4;
  }
}

function even7(x: Float64Array, y: Float64Array, from: number, to: number, c: Float64Array): void {
  const c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3];
  let a0 = x[from - 3],
    a1 = x[from - 2],
    a2 = x[from - 1],
    a3 = x[from],
    a4 = x[from + 1],
    a5 = x[from + 2];
  for (let i = from; i < to; i++) {
    const a6 = x[i + 3];
    y[i] = c0 * a3 + c1 * (a4 + a2) + c2 * (a5 + a1) + c3 * (a6 + a0);
    a0 = a1;
    a1 = a2;
    a2 = a3;
    a3 = a4;
    a4 = a5;
    a5 = a6;
  }
}

function odd7(x: Float64Array, y: Float64Array, from: number, to: number, c: Float64Array): void {
  const c1 = c[1], c2 = c[2], c3 = c[3];
  let a0 = x[from - 3],
    a1 = x[from - 2],
    a2 = x[from - 1],
    a3 = x[from],
    a4 = x[from + 1],
    a5 = x[from + 2];
  for (let i = from; i < to; i++) {
    const a6 = x[i + 3];
    y[i] = c1 * (a4 - a2) + c2 * (a5 - a1) + c3 * (a6 - a0);
    a0 = a1;
    a1 = a2;
    a2 = a3;
    a3 = a4;
    a4 = a5;
    a5 = a6;
  }
}

function even9(x: Float64Array, y: Float64Array, from: number, to: number, c: Float64Array): void {
  const c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4];
  let a0 = x[from - 4],
    a1 = x[from - 3],
    a2 = x[from - 2],
    a3 = x[from - 1],
    a4 = x[from],
    a5 = x[from + 1],
    a6 = x[from + 2],
    a7 = x[from + 3];
  for (let i = from; i < to; i++) {
    const a8 = x[i + 4];
    y[i] = c0 * a4 + c1 * (a5 + a3) + c2 * (a6 + a2) + c3 * (a7 + a1) + c4 * (a8 + a0);
    a0 = a1;
    a1 = a2;
    a2 = a3;
    a3 = a4;
    a4 = a5;
    a5 = a6;
    a6 = a7;
    a7 = a8;
  }
}

function odd9(x: Float64Array, y: Float64Array, from: number, to: number, c: Float64Array): void {
  const c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4];
  let a0 = x[from - 4],
    a1 = x[from - 3],
    a2 = x[from - 2],
    a3 = x[from - 1],
    a4 = x[from],
    a5 = x[from + 1],
    a6 = x[from + 2],
    a7 = x[from + 3];
  for (let i = from; i < to; i++) {
    const a8 = x[i + 4];
    y[i] = c1 * (a5 - a3) + c2 * (a6 - a2) + c3 * (a7 - a1) + c4 * (a8 - a0);
    a0 = a1;
    a1 = a2;
    a2 = a3;
    a3 = a4;
    a4 = a5;
    a5 = a6;
    a6 = a7;
    a7 = a8;
  }
}

function even11(x: Float64Array, y: Float64Array, from: number, to: number, c: Float64Array): void {
  const c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4], c5 = c[5];
  let a0 = x[from - 5],
    a1 = x[from - 4],
    a2 = x[from - 3],
    a3 = x[from - 2],
    a4 = x[from - 1],
    a5 = x[from],
    a6 = x[from + 1],
    a7 = x[from + 2],
    a8 = x[from + 3],
    a9 = x[from + 4];
  for (let i = from; i < to; i++) {
    const a10 = x[i + 5];
    y[i] = c0 * a5 + c1 * (a6 + a4) + c2 * (a7 + a3) + c3 * (a8 + a2) + c4 * (a9 + a1) + c5 * (a10 + a0);
    a0 = a1;
    a1 = a2;
    a2 = a3;
    a3 = a4;
    a4 = a5;
    a5 = a6;
    a6 = a7;
    a7 = a8;
    a8 = a9;
    a9 = a10;
  }
}

function odd11(x: Float64Array, y: Float64Array, from: number, to: number, c: Float64Array): void {
  const c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4], c5 = c[5];
  let a0 = x[from - 5],
    a1 = x[from - 4],
    a2 = x[from - 3],
    a3 = x[from - 2],
    a4 = x[from - 1],
    a5 = x[from],
    a6 = x[from + 1],
    a7 = x[from + 2],
    a8 = x[from + 3],
    a9 = x[from + 4];
  for (let i = from; i < to; i++) {
    const a10 = x[i + 5];
    y[i] = c1 * (a6 - a4) + c2 * (a7 - a3) + c3 * (a8 - a2) + c4 * (a9 - a1) + c5 * (a10 - a0);
    a0 = a1;
    a1 = a2;
    a2 = a3;
    a3 = a4;
    a4 = a5;
    a5 = a6;
    a6 = a7;
    a7 = a8;
    a8 = a9;
    a9 = a10;
  }
}

function even13(x: Float64Array, y: Float64Array, from: number, to: number, c: Float64Array): void {
  const c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4], c5 = c[5], c6 = c[6];
  let a0 = x[from - 6],
    a1 = x[from - 5],
    a2 = x[from - 4],
    a3 = x[from - 3],
    a4 = x[from - 2],
    a5 = x[from - 1],
    a6 = x[from],
    a7 = x[from + 1],
    a8 = x[from + 2],
    a9 = x[from + 3],
    a10 = x[from + 4],
    a11 = x[from + 5];
  for (let i = from; i < to; i++) {
    const a12 = x[i + 6];
    y[i] = c0 * a6 + c1 * (a7 + a5) + c2 * (a8 + a4) + c3 * (a9 + a3) + c4 * (a10 + a2) + c5 * (a11 + a1) + c6 * (a12 + a0);
    a0 = a1;
    a1 = a2;
    a2 = a3;
    a3 = a4;
    a4 = a5;
    a5 = a6;
    a6 = a7;
    a7 = a8;
    a8 = a9;
    a9 = a10;
    a10 = a11;
    a11 = a12;
  }
}

function odd13(x: Float64Array, y: Float64Array, from: number, to: number, c: Float64Array): void {
  const c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4], c5 = c[5], c6 = c[6];
  let a0 = x[from - 6],
    a1 = x[from - 5],
    a2 = x[from - 4],
    a3 = x[from - 3],
    a4 = x[from - 2],
    a5 = x[from - 1],
    a6 = x[from],
    a7 = x[from + 1],
    a8 = x[from + 2],
    a9 = x[from + 3],
    a10 = x[from + 4],
    a11 = x[from + 5];
  for (let i = from; i < to; i++) {
    const a12 = x[i + 6];
    y[i] = c1 * (a7 - a5) + c2 * (a8 - a4) + c3 * (a9 - a3) + c4 * (a10 - a2) + c5 * (a11 - a1) + c6 * (a12 - a0);
    a0 = a1;
    a1 = a2;
    a2 = a3;
    a3 = a4;
    a4 = a5;
    a5 = a6;
    a6 = a7;
    a7 = a8;
    a8 = a9;
    a9 = a10;
    a10 = a11;
    a11 = a12;
  }
}

function even15(x: Float64Array, y: Float64Array, from: number, to: number, c: Float64Array): void {
  const c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4], c5 = c[5], c6 = c[6], c7 = c[7];
  let a0 = x[from - 7],
    a1 = x[from - 6],
    a2 = x[from - 5],
    a3 = x[from - 4],
    a4 = x[from - 3],
    a5 = x[from - 2],
    a6 = x[from - 1],
    a7 = x[from],
    a8 = x[from + 1],
    a9 = x[from + 2],
    a10 = x[from + 3],
    a11 = x[from + 4],
    a12 = x[from + 5],
    a13 = x[from + 6];
  for (let i = from; i < to; i++) {
    const a14 = x[i + 7];
    y[i] = c0 * a7 + c1 * (a8 + a6) + c2 * (a9 + a5) + c3 * (a10 + a4) + c4 * (a11 + a3) + c5 * (a12 + a2) + c6 * (a13 + a1) + c7 * (a14 + a0);
    a0 = a1;
    a1 = a2;
    a2 = a3;
    a3 = a4;
    a4 = a5;
    a5 = a6;
    a6 = a7;
    a7 = a8;
    a8 = a9;
    a9 = a10;
    a10 = a11;
    a11 = a12;
    a12 = a13;
    a13 = a14;
  }
}

function odd15(x: Float64Array, y: Float64Array, from: number, to: number, c: Float64Array): void {
  const c1 = c[1], c2 = c[2], c3 = c[3], c4 = c[4], c5 = c[5], c6 = c[6], c7 = c[7];
  let a0 = x[from - 7],
    a1 = x[from - 6],
    a2 = x[from - 5],
    a3 = x[from - 4],
    a4 = x[from - 3],
    a5 = x[from - 2],
    a6 = x[from - 1],
    a7 = x[from],
    a8 = x[from + 1],
    a9 = x[from + 2],
    a10 = x[from + 3],
    a11 = x[from + 4],
    a12 = x[from + 5],
    a13 = x[from + 6];
  for (let i = from; i < to; i++) {
    const a14 = x[i + 7];
    y[i] = c1 * (a8 - a6) + c2 * (a9 - a5) + c3 * (a10 - a4) + c4 * (a11 - a3) + c5 * (a12 - a2) + c6 * (a13 - a1) + c7 * (a14 - a0);
    a0 = a1;
    a1 = a2;
    a2 = a3;
    a3 = a4;
    a4 = a5;
    a5 = a6;
    a6 = a7;
    a7 = a8;
    a8 = a9;
    a9 = a10;
    a10 = a11;
    a11 = a12;
    a12 = a13;
    a13 = a14;
  }
}

const EVEN: Kernel[] = [even5, even7, even9, even11, even13, even15];
const ODD: Kernel[] = [odd5, odd7, odd9, odd11, odd13, odd15];

function evenGeneric(x: Float64Array, y: Float64Array, from: number, to: number, c: Float64Array): void {
  const h = c.length - 1;
  const c0 = c[0];
  for (let i = from; i < to; i++) {
    let s = c0 * x[i];
    for (let k = 1; k <= h; k++) s += c[k] * (x[i + k] + x[i - k]);
    y[i] = s;
  }
}

function oddGeneric(x: Float64Array, y: Float64Array, from: number, to: number, c: Float64Array): void {
  const h = c.length - 1;
  for (let i = from; i < to; i++) {
    let s = 0;
    for (let k = 1; k <= h; k++) s += c[k] * (x[i + k] - x[i - k]);
    y[i] = s;
  }
}

/** The kernel for half-window `h` (window `2h + 1`): unrolled for windows 5–15, else generic. */
function kernelFor(h: number, odd: boolean): Kernel {
  if (h >= 2 && h <= 7) return (odd ? ODD : EVEN)[h - 2];
  return odd ? oddGeneric : evenGeneric;
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
  const ck = new Float64Array(h + 1);
  ck[0] = center[h];
  for (let k = 1; k <= h; k++) ck[k] = odd ? (center[h + k] - center[h - k]) / 2 : (center[h + k] + center[h - k]) / 2;
  const kernel = kernelFor(h, odd);
  const src = input.values;
  const out = new Float64Array(input.rows * n);
  for (let r = 0; r < input.rows; r++) {
    const base = r * n;
    kernel(src, out, base + h, base + n - h, ck);
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
  paramInfo: {
    windowSize: { label: 'Window', unit: 'points', help: 'Odd number of points in the moving window, at most the spectrum length.' },
    polynomial: { label: 'Polynomial order', help: 'Order of the local polynomial; less than the window.' },
    derivative: { label: 'Derivative', help: '0 smooths; 1 or 2 gives the first or second derivative; at most the polynomial order.' },
    scaleByAxisStep: {
      label: 'Per axis unit',
      help: 'Divide derivatives by the mean axis spacing, so they are per axis unit (e.g. per cm⁻¹) rather than per point.',
    },
  },
  fitted: false,
  validate,
  transform,
};
