import { z } from 'zod';
import type { StepDefinition } from '../../types';
import { baselineStep, fitOne, LAMBDA_INFO, type BaselineFitter } from './baseline-step';
import { checkCount, checkLambda, checkLength, checkPositive } from './checks';
import { WhittakerSmoother } from './whittaker';

export interface ArplsParams {
  /** Smoothness penalty λ on the second differences of the baseline; > 0. @default 1e5 */
  lambda: number;
  /** Stop when ‖w_new − w‖ / ‖w‖ falls below this ratio; > 0. @default 1e-6 */
  ratio: number;
  /** Most weighted solves per spectrum. @default 50 */
  maxIterations: number;
}

const KIND = 'arpls';

export const ARPLS_DEFAULTS: Readonly<ArplsParams> = { lambda: 1e5, ratio: 1e-6, maxIterations: 50 };

const params = z.strictObject({
  lambda: z.number().default(ARPLS_DEFAULTS.lambda),
  ratio: z.number().default(ARPLS_DEFAULTS.ratio),
  maxIterations: z.number().default(ARPLS_DEFAULTS.maxIterations),
});

function validate(p: ArplsParams, axis: { length: number }): void {
  checkLambda(KIND, p.lambda);
  checkPositive(KIND, 'ratio', p.ratio);
  checkCount(KIND, 'maxIterations', p.maxIterations, 1);
  checkLength(KIND, axis.length);
}

interface Workspace {
  smoother: WhittakerSmoother;
  next: Float64Array;
}

/** Fits into `z`; returns the number of solves. */
function fitInto(ws: Workspace, y: Float64Array, offset: number, p: ArplsParams, z: Float64Array): number {
  const { smoother, next } = ws;
  const { n, weights } = smoother;
  weights.fill(1);
  let it = 0;
  while (it < p.maxIterations) {
    it++;
    smoother.smooth(KIND, y, offset, z);
    // Mean and sample standard deviation (n − 1, as MATLAB's `std` in the paper) of the
    // negative residuals.
    let count = 0;
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const d = y[offset + i] - z[i];
      if (d < 0) {
        count++;
        sum += d;
      }
    }
    if (count < 2) break;
    const mean = sum / count;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const d = y[offset + i] - z[i];
      if (d < 0) ss += (d - mean) * (d - mean);
    }
    const std = Math.sqrt(ss / (count - 1));
    if (!(std > 0)) break;
    // Generalised logistic weights; exp overflow gives weight 0, which is the intended limit.
    const shift = 2 * std - mean;
    let diff2 = 0;
    let norm2 = 0;
    for (let i = 0; i < n; i++) {
      const wt = 1 / (1 + Math.exp((2 * (y[offset + i] - z[i] - shift)) / std));
      next[i] = wt;
      const w = weights[i];
      diff2 += (w - wt) * (w - wt);
      norm2 += w * w;
    }
    if (Math.sqrt(diff2) / Math.sqrt(norm2) < p.ratio) break;
    weights.set(next);
  }
  return it;
}

function fitter(p: ArplsParams, axis: { length: number }): BaselineFitter {
  const ws: Workspace = { smoother: new WhittakerSmoother(axis.length, p.lambda), next: new Float64Array(axis.length) };
  return (y, offset, z) => fitInto(ws, y, offset, p, z);
}

/**
 * The arPLS baseline with the number of weighted solves it took (for tests and diagnostics).
 * See {@link arplsBaseline}.
 */
export function arplsFit(y: Float64Array, options: Partial<ArplsParams> = {}): { baseline: Float64Array; iterations: number } {
  const p: ArplsParams = { ...ARPLS_DEFAULTS, ...options };
  validate(p, y);
  return fitOne(KIND, y, () => fitter(p, y));
}

/**
 * The asymmetrically reweighted penalised least squares (arPLS) baseline of one spectrum.
 * Each iteration solves `(W + λ DᵀD) z = W y` (second differences, O(n) banded solve), then
 * sets `w_i = 1 / (1 + exp(2 (d_i − (2σ − m)) / σ))` with `d = y − z` and m, σ the mean and
 * sample standard deviation of the negative residuals; it stops when the weights change by
 * less than `ratio` (relative 2-norm), when fewer than two residuals are negative, or after
 * `maxIterations` solves. Returns the last solve's z.
 *
 * Reference: S.-J. Baek, A. Park, Y.-J. Ahn & J. Choo (2015), "Baseline correction using
 * asymmetrically reweighted penalized least squares smoothing", Analyst 140, 250–257.
 *
 * @param y - Intensities (not modified).
 * @param options - Missing fields take {@link ARPLS_DEFAULTS}.
 */
export function arplsBaseline(y: Float64Array, options: Partial<ArplsParams> = {}): Float64Array {
  return arplsFit(y, options).baseline;
}

/** arPLS baseline correction: each spectrum minus its {@link arplsBaseline}. */
export const arpls: StepDefinition<ArplsParams> = baselineStep({
  kind: KIND,
  version: 1,
  title: 'Baseline: asymmetrically reweighted PLS (arPLS)',
  params,
  paramInfo: {
    lambda: LAMBDA_INFO,
    ratio: { label: 'Stop ratio', help: 'Stop when the weights change by less than this (relative 2-norm); > 0.' },
    maxIterations: { label: 'Max. iterations', unit: 'iterations', help: 'Most weighted solves per spectrum.' },
  },
  validate,
  fitter,
});
