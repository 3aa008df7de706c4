import { z } from 'zod';
import type { StepDefinition } from '../../types';
import { stepError } from '../../step-error';
import { orthonormalBasis, project } from '../../linalg/orthonormal-basis';
import { baselineStep, fitOne, type BaselineFitter } from './baseline-step';
import { checkCount, checkLength, checkPositive } from './checks';

export interface ModpolyParams {
  /** Polynomial order (0 = constant); less than the number of points. @default 2 */
  order: number;
  /** Most refits per spectrum after the first fit. @default 100 */
  maxIterations: number;
  /** Stop when the fit changes by less than this (relative 2-norm); > 0. @default 1e-3 */
  tolerance: number;
}

const KIND = 'modpoly';

export const MODPOLY_DEFAULTS: Readonly<ModpolyParams> = { order: 2, maxIterations: 100, tolerance: 1e-3 };

const params = z.strictObject({
  order: z.number().default(MODPOLY_DEFAULTS.order),
  maxIterations: z.number().default(MODPOLY_DEFAULTS.maxIterations),
  tolerance: z.number().default(MODPOLY_DEFAULTS.tolerance),
});

function checkParams(p: ModpolyParams, n: number): void {
  checkLength(KIND, n);
  if (!Number.isInteger(p.order) || p.order < 0 || p.order >= n) {
    throw stepError(KIND, 'order', `order must be a whole number from 0 to ${n - 1} (less than the ${n} points); got ${p.order}.`);
  }
  checkCount(KIND, 'maxIterations', p.maxIterations, 1);
  checkPositive(KIND, 'tolerance', p.tolerance);
}

/**
 * An orthonormal basis of the polynomials of degree ≤ order on the axis scaled to [−1, 1]
 * (scaling keeps the Vandermonde columns well conditioned).
 */
function polynomialBasis(axis: Float64Array, order: number): Float64Array {
  const n = axis.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of axis) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const cols = order + 1;
  const v = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) {
    const xs = hi > lo ? (2 * (axis[i] - lo)) / (hi - lo) - 1 : 0;
    let pow = 1;
    for (let c = 0; c < cols; c++) {
      v[c * n + i] = pow;
      pow *= xs;
    }
  }
  const q = Number.isFinite(hi - lo) ? orthonormalBasis(v, n, cols) : null;
  if (q === null) {
    throw stepError(KIND, 'order', `order ${order} needs at least ${cols} distinct finite axis values; lower the order or check the axis.`);
  }
  return q;
}

interface Workspace {
  q: Float64Array;
  cols: number;
  work: Float64Array;
  next: Float64Array;
}

/** Fits into `fit`; returns the number of refits after the first fit. */
function fitInto(ws: Workspace, y: Float64Array, offset: number, p: ModpolyParams, fit: Float64Array): number {
  const { q, cols, work, next } = ws;
  const n = work.length;
  for (let i = 0; i < n; i++) work[i] = y[offset + i];
  project(q, n, cols, work, 0, fit);
  let it = 0;
  while (it < p.maxIterations) {
    it++;
    for (let i = 0; i < n; i++) if (fit[i] < work[i]) work[i] = fit[i];
    project(q, n, cols, work, 0, next);
    let num2 = 0;
    let den2 = 0;
    for (let i = 0; i < n; i++) {
      const d = next[i] - fit[i];
      num2 += d * d;
      den2 += fit[i] * fit[i];
    }
    const change = num2 === 0 ? 0 : den2 > 0 ? Math.sqrt(num2) / Math.sqrt(den2) : Infinity;
    fit.set(next);
    if (change < p.tolerance) break;
  }
  return it;
}

function fitter(p: ModpolyParams, axis: Float64Array): BaselineFitter {
  const n = axis.length;
  const ws: Workspace = { q: polynomialBasis(axis, p.order), cols: p.order + 1, work: new Float64Array(n), next: new Float64Array(n) };
  return (y, offset, z) => fitInto(ws, y, offset, p, z);
}

/**
 * The modified-polynomial baseline with the number of refits it took (for tests and
 * diagnostics). See {@link modpolyBaseline}.
 */
export function modpolyFit(
  axis: Float64Array,
  y: Float64Array,
  options: Partial<ModpolyParams> = {},
): { baseline: Float64Array; iterations: number } {
  const p: ModpolyParams = { ...MODPOLY_DEFAULTS, ...options };
  if (axis.length !== y.length) {
    throw stepError(KIND, 'axis', `the axis has ${axis.length} points but the spectrum has ${y.length}.`);
  }
  checkParams(p, y.length);
  return fitOne(KIND, y, () => fitter(p, axis));
}

/**
 * The modified polynomial (ModPoly) baseline of one spectrum: a least-squares polynomial of
 * degree `order` in the axis (scaled to [−1, 1]) is fitted, the working spectrum is clipped to
 * it (`y ← min(y, fit)`), and the fit repeated until it changes by less than `tolerance`
 * (‖fit_new − fit‖₂ / ‖fit‖₂) or after `maxIterations` refits. Peaks are thereby removed from
 * the data the polynomial sees; the last fit is the baseline.
 *
 * Reference: C. A. Lieber & A. Mahadevan-Jansen (2003), "Automated method for subtraction of
 * fluorescence from biological Raman spectra", Appl. Spectrosc. 57, 1363–1367.
 *
 * @param axis - Axis values, same length as `y` (any order; at least `order + 1` distinct).
 * @param y - Intensities (not modified).
 * @param options - Missing fields take {@link MODPOLY_DEFAULTS}.
 */
export function modpolyBaseline(axis: Float64Array, y: Float64Array, options: Partial<ModpolyParams> = {}): Float64Array {
  return modpolyFit(axis, y, options).baseline;
}

function validate(p: ModpolyParams, axis: Float64Array): void {
  checkParams(p, axis.length);
  polynomialBasis(axis, p.order);
}

/** Modified-polynomial baseline correction: each spectrum minus its {@link modpolyBaseline}. */
export const modpoly: StepDefinition<ModpolyParams> = baselineStep({
  kind: KIND,
  version: 1,
  title: 'Baseline: modified polynomial (ModPoly)',
  params,
  paramInfo: {
    order: { label: 'Polynomial order', help: 'Degree of the baseline polynomial (0 = constant); less than the number of points.' },
    maxIterations: { label: 'Max. iterations', unit: 'iterations', help: 'Most refits per spectrum after the first fit.' },
    tolerance: { label: 'Tolerance', help: 'Stop when the fit changes by less than this (relative 2-norm); > 0.' },
  },
  validate,
  fitter,
});
