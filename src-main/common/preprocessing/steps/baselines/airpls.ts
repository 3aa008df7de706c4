import { z } from 'zod';
import type { StepDefinition } from '../../types';
import { baselineStep, fitOne, LAMBDA_INFO, type BaselineFitter } from './baseline-step';
import { checkCount, checkLambda, checkLength } from './checks';
import { WhittakerSmoother } from './whittaker';

export interface AirplsParams {
  /** Smoothness penalty λ on the second differences of the baseline; > 0. @default 100 */
  lambda: number;
  /** Most weighted solves per spectrum (the last one is returned as is). @default 15 */
  maxIterations: number;
}

const KIND = 'airpls';

export const AIRPLS_DEFAULTS: Readonly<AirplsParams> = { lambda: 100, maxIterations: 15 };

/** Stop once the negative residuals sum to less than this fraction of ‖y‖₁ (the paper's 0.001). */
const STOP_FRACTION = 0.001;

const params = z.strictObject({
  lambda: z.number().default(AIRPLS_DEFAULTS.lambda),
  maxIterations: z.number().default(AIRPLS_DEFAULTS.maxIterations),
});

function validate(p: AirplsParams, axis: { length: number }): void {
  checkLambda(KIND, p.lambda);
  checkCount(KIND, 'maxIterations', p.maxIterations, 1);
  checkLength(KIND, axis.length);
}

/** Fits into `z`; returns the number of solves. */
function fitInto(s: WhittakerSmoother, y: Float64Array, offset: number, p: AirplsParams, z: Float64Array): number {
  const { n, weights } = s;
  let yNorm1 = 0;
  for (let i = 0; i < n; i++) yNorm1 += Math.abs(y[offset + i]);
  weights.fill(1);
  let t = 0;
  for (;;) {
    t++;
    s.smooth(KIND, y, offset, z);
    let negSum = 0;
    let negMax = -Infinity;
    let anyNeg = false;
    for (let i = 0; i < n; i++) {
      const d = y[offset + i] - z[i];
      if (d < 0) {
        anyNeg = true;
        negSum += d;
        if (d > negMax) negMax = d;
      }
    }
    const dssn = Math.abs(negSum);
    if (!anyNeg || dssn < STOP_FRACTION * yNorm1 || t === p.maxIterations) break;
    // Points above the fit drop out; points below get exp(t·|d_i| / |d⁻|), growing with t.
    for (let i = 0; i < n; i++) {
      const d = y[offset + i] - z[i];
      weights[i] = d < 0 ? Math.exp((t * -d) / dssn) : 0;
    }
    // Both ends keep a (small) weight from the negative residual nearest zero, so the system
    // stays positive definite and the baseline is anchored at the edges.
    const edge = Math.exp((t * negMax) / dssn);
    weights[0] = edge;
    weights[n - 1] = edge;
  }
  return t;
}

function fitter(p: AirplsParams, axis: { length: number }): BaselineFitter {
  const smoother = new WhittakerSmoother(axis.length, p.lambda);
  return (y, offset, z) => fitInto(smoother, y, offset, p, z);
}

/**
 * The airPLS baseline with the number of weighted solves it took (for tests and diagnostics).
 * See {@link airplsBaseline}.
 */
export function airplsFit(y: Float64Array, options: Partial<AirplsParams> = {}): { baseline: Float64Array; iterations: number } {
  const p: AirplsParams = { ...AIRPLS_DEFAULTS, ...options };
  validate(p, y);
  return fitOne(KIND, y, () => fitter(p, y));
}

/**
 * The adaptive iteratively reweighted penalised least squares (airPLS) baseline of one
 * spectrum. Iteration t solves `(W + λ DᵀD) z = W y` (second differences, O(n) banded solve);
 * with `d = y − z` and `|d⁻|` the absolute sum of the negative residuals it stops when
 * `|d⁻| < 0.001 ‖y‖₁` (or at `maxIterations`), else sets `w_i = exp(t |d_i| / |d⁻|)` for
 * `d_i < 0`, `w_i = 0` otherwise, and `w_1 = w_n = exp(t max(d⁻) / |d⁻|)`, as in the authors'
 * reference code. Returns the last solve's z.
 *
 * Reference: Z.-M. Zhang, S. Chen & Y.-Z. Liang (2010), "Baseline correction using adaptive
 * iteratively reweighted penalized least squares", Analyst 135, 1138–1146.
 *
 * @param y - Intensities (not modified).
 * @param options - Missing fields take {@link AIRPLS_DEFAULTS}.
 */
export function airplsBaseline(y: Float64Array, options: Partial<AirplsParams> = {}): Float64Array {
  return airplsFit(y, options).baseline;
}

/** airPLS baseline correction: each spectrum minus its {@link airplsBaseline}. */
export const airpls: StepDefinition<AirplsParams> = baselineStep({
  kind: KIND,
  version: 1,
  title: 'Baseline: adaptive iteratively reweighted PLS (airPLS)',
  params,
  paramInfo: {
    lambda: LAMBDA_INFO,
    maxIterations: { label: 'Max. iterations', unit: 'iterations', help: 'Most weighted solves per spectrum; the last one is used as it is.' },
  },
  validate,
  fitter,
});
