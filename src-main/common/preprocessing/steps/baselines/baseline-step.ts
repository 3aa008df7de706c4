import type { z } from 'zod';
import type { ParamInfo, ParamInfoMap, SpectraBlock, StepDefinition } from '../../types';
import { mapRows } from '../../block';
import { checkFinite } from './checks';

/**
 * Fits the baseline of `y[offset .. offset + n)` into `z` (length n), reusing buffers made once
 * per block; returns the number of solves or refits (0 for a direct method).
 */
export type BaselineFitter = (y: Float64Array, offset: number, z: Float64Array) => number;

/** The smoothness penalty shared by the Whittaker-smoother baselines (AsLS, arPLS, airPLS). */
export const LAMBDA_INFO: ParamInfo = {
  label: 'Smoothness λ',
  help: 'Penalty on the second differences of the baseline; larger is stiffer (> 0, edited as log₁₀ λ).',
};

/**
 * One spectrum's baseline, for the exported single-spectrum functions: refuses non-finite
 * values, then builds the fitter (after the params were validated) and runs it once.
 */
export function fitOne(kind: string, y: Float64Array, makeFitter: () => BaselineFitter): { baseline: Float64Array; iterations: number } {
  checkFinite(kind, y, 0, y.length, -1);
  const baseline = new Float64Array(y.length);
  const iterations = makeFitter()(y, 0, baseline);
  return { baseline, iterations };
}

/**
 * A baseline-correction step: per spectrum, no fitted state, output = spectrum − baseline.
 * `validate` checks the params against the axis; `fitter` builds the per-block workspace (it may
 * assume `validate` passed).
 */
export function baselineStep<P>(spec: {
  kind: string;
  version: number;
  title: string;
  params: z.ZodType<P>;
  paramInfo: ParamInfoMap<P>;
  validate(p: P, axis: Float64Array): void;
  fitter(p: P, axis: Float64Array): BaselineFitter;
}): StepDefinition<P> {
  const { kind, version, title, params, paramInfo, validate, fitter } = spec;
  return {
    kind,
    version,
    title,
    params,
    paramInfo,
    fitted: false,
    validate,
    transform(p: P, input: SpectraBlock): SpectraBlock {
      validate(p, input.axis);
      const n = input.axis.length;
      const fit = fitter(p, input.axis);
      const baseline = new Float64Array(n);
      return mapRows(input, (src, dst, o, _n, row) => {
        checkFinite(kind, src, o, n, row);
        fit(src, o, baseline);
        for (let i = 0; i < n; i++) dst[o + i] = src[o + i] - baseline[i];
      });
    },
  };
}
