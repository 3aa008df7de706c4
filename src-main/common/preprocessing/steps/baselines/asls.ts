import { z } from 'zod';
import type { StepDefinition } from '../../types';
import { stepError } from '../../step-error';
import { baselineStep, fitOne, LAMBDA_INFO, type BaselineFitter } from './baseline-step';
import { checkCount, checkLambda, checkLength } from './checks';
import { WhittakerSmoother } from './whittaker';

export interface AslsParams {
  /** Smoothness penalty λ on the second differences of the baseline; > 0. @default 1e5 */
  lambda: number;
  /** Asymmetry: weight of points above the baseline (1 − p below); in (0, 1). @default 0.01 */
  p: number;
  /** Number of weighted solves (fixed; no convergence test). @default 10 */
  iterations: number;
}

const KIND = 'asls';

export const ASLS_DEFAULTS: Readonly<AslsParams> = { lambda: 1e5, p: 0.01, iterations: 10 };

const params = z.strictObject({
  lambda: z.number().default(ASLS_DEFAULTS.lambda),
  p: z.number().default(ASLS_DEFAULTS.p),
  iterations: z.number().default(ASLS_DEFAULTS.iterations),
});

function validate(p: AslsParams, axis: { length: number }): void {
  checkLambda(KIND, p.lambda);
  if (!(p.p > 0 && p.p < 1)) {
    throw stepError(KIND, 'p', `p must be between 0 and 1 (exclusive); got ${p.p}.`);
  }
  checkCount(KIND, 'iterations', p.iterations, 1);
  checkLength(KIND, axis.length);
}

/**
 * Fits the AsLS baseline of `y[offset .. offset + n)` into `z`, reusing the smoother's buffers.
 * Starts from w = 1; after each solve, w_i = p where y_i > z_i, else 1 − p.
 */
function fitInto(s: WhittakerSmoother, y: Float64Array, offset: number, p: AslsParams, z: Float64Array): number {
  const { n, weights } = s;
  weights.fill(1);
  const q = 1 - p.p;
  for (let it = 0; it < p.iterations; it++) {
    s.smooth(KIND, y, offset, z);
    if (it + 1 === p.iterations) break;
    for (let i = 0; i < n; i++) weights[i] = y[offset + i] > z[i] ? p.p : q;
  }
  return p.iterations;
}

function fitter(p: AslsParams, axis: { length: number }): BaselineFitter {
  const smoother = new WhittakerSmoother(axis.length, p.lambda);
  return (y, offset, z) => fitInto(smoother, y, offset, p, z);
}

/**
 * The asymmetric least squares (AsLS) baseline of one spectrum: z minimising
 * `Σ w_i (y_i − z_i)² + λ Σ (Δ² z_i)²` with asymmetric weights, re-weighted a fixed number of
 * times. Each iteration is one O(n) banded solve of `(W + λ DᵀD) z = W y`.
 *
 * Reference: P. H. C. Eilers & H. F. M. Boelens (2005), "Baseline correction with asymmetric
 * least squares smoothing", Leiden University Medical Centre report.
 *
 * @param y - Intensities (not modified).
 * @param options - Missing fields take {@link ASLS_DEFAULTS}.
 * @returns The baseline, same length as `y`.
 */
export function aslsBaseline(y: Float64Array, options: Partial<AslsParams> = {}): Float64Array {
  const p: AslsParams = { ...ASLS_DEFAULTS, ...options };
  validate(p, y);
  return fitOne(KIND, y, () => fitter(p, y)).baseline;
}

/**
 * AsLS baseline correction: each spectrum minus its {@link aslsBaseline}. Per spectrum, no
 * fitted state.
 */
export const asls: StepDefinition<AslsParams> = baselineStep({
  kind: KIND,
  version: 1,
  title: 'Baseline: asymmetric least squares (AsLS)',
  params,
  paramInfo: {
    lambda: LAMBDA_INFO,
    p: { label: 'Asymmetry p', help: 'Weight of the points above the baseline (1 − p below); between 0 and 1.' },
    iterations: { label: 'Iterations', unit: 'iterations', help: 'Number of weighted solves; there is no convergence test.' },
  },
  validate,
  fitter,
});
