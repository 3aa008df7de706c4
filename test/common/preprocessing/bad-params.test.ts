import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src-main/common/errors';
import { getStep } from '../../../src-main/common/preprocessing/registry';
import type { SpectraBlock } from '../../../src-main/common/preprocessing/types';
import { blockOf, linspace, ordinaryBlock } from './helpers';

/** Parses params, validates against the axis and transforms (fitting first when needed). */
function runStep(kind: string, rawParams: Record<string, unknown>, block: SpectraBlock): SpectraBlock {
  const step = getStep(kind);
  const params: unknown = step.params.parse(rawParams);
  step.validate?.(params, block.axis);
  const state: unknown = step.fitted ? step.fit!(params, block) : null;
  return step.transform(params, block, state);
}

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected a UserError');
}

const axis = linspace(1000, 1800, 81);
const data = ordinaryBlock(axis, 3);

describe('bad parameters give a UserError naming the step and parameter', () => {
  it.each([
    ['window longer than the spectrum', 'savitzkyGolay', { windowSize: 11 }, ordinaryBlock(linspace(1, 9, 9), 2), 'windowSize',
      'savitzkyGolay: windowSize 11 is longer than the spectrum (9 points).'],
    ['even window', 'savitzkyGolay', { windowSize: 10 }, data, 'windowSize',
      'savitzkyGolay: windowSize 10 is even; use an odd number of points (e.g. 9 or 11).'],
    ['polynomial ≥ window', 'savitzkyGolay', { windowSize: 5, polynomial: 5 }, data, 'polynomial',
      'savitzkyGolay: polynomial 5 must be less than windowSize 5; lower the polynomial order or widen the window.'],
    ['derivative > polynomial', 'savitzkyGolay', { polynomial: 1, derivative: 2 }, data, 'derivative',
      'savitzkyGolay: derivative 2 is higher than polynomial 1, so it would be zero everywhere; raise the polynomial order or lower the derivative.'],
    ['crop range outside the axis', 'crop', { ranges: [[200, 400]] }, data, 'ranges',
      'crop: ranges entry [200, 400] is outside the axis (1000 to 1800) or between two of its points; give ranges within the axis.'],
    ['crop exclusion outside the axis', 'crop', { exclude: [[2000, 2100]] }, data, 'exclude',
      'crop: exclude entry [2000, 2100] is outside the axis (1000 to 1800) or between two of its points; give ranges within the axis.'],
    ['crop leaving < 2 points', 'crop', { ranges: [[1100, 1100]] }, data, 'ranges',
      'crop: 1 point is left after cropping (at least 2 needed); widen the ranges or remove an exclusion.'],
    ['flat spectrum under SNV', 'snv', {}, blockOf([1, 2, 3, 4], [[1, 2, 3, 5], [0, 1, 0, 1], [2, 2, 2, 2]]), 'values',
      'snv: spectrum 3 is flat (standard deviation 0); SNV would divide by zero. Remove the step or crop to a region with signal.'],
    ['zero area under normalize', 'normalize', { method: 'area' }, blockOf([1, 2, 3], [[1, 2, 3], [0, 0, 0]]), 'method',
      "normalize: spectrum 2 has zero area (method 'area'); normalising would divide by zero. Choose another method or remove the step."],
    ['zero norm under normalize', 'normalize', { method: 'vector' }, blockOf([1, 2, 3], [[0, 0, 0]]), 'method',
      "normalize: spectrum 1 has zero norm (method 'vector'); normalising would divide by zero. Choose another method or remove the step."],
    ['flat spectrum under minmax', 'normalize', { method: 'minmax' }, blockOf([1, 2, 3], [[4, 4, 4]]), 'method',
      "normalize: spectrum 1 has zero range (max − min) (method 'minmax'); normalising would divide by zero. Choose another method or remove the step."],
    ['band with one point', 'normalize', { method: 'band', band: [1100, 1105] }, data, 'band',
      'normalize: band [1100, 1105] covers 1 axis point; it needs at least 2 consecutive points. Widen the band.'],
    ['band missing', 'normalize', { method: 'band' }, data, 'band',
      "normalize: method 'band' needs a band range `band: [min, max]` in axis units."],
    ['T ≤ 0 for absorbance', 'transmittanceToAbsorbance', {}, blockOf([1000, 1001, 1002], [[0.5, 0.4, 0.3], [0.5, 0, 0.2]]), 'values',
      'transmittanceToAbsorbance: spectrum 2 has transmittance 0 at axis 1001; A = −log10(T) needs values > 0. Check that the data are transmittance, or crop that region.'],
    ['negative %T', 'transmittanceToAbsorbance', { percent: true }, blockOf([1, 2], [[-5, 50]]), 'values',
      'transmittanceToAbsorbance: spectrum 1 has transmittance -5 at axis 1; A = −log10(T) needs values > 0. Check that the data are transmittance in %, or crop that region.'],
    ['R ≤ 0 for Kubelka–Munk', 'kubelkaMunk', {}, blockOf([1, 2], [[0.5, -0.1]]), 'values',
      'kubelkaMunk: spectrum 1 has reflectance -0.1 at axis 2; (1 − R)²/2R needs values > 0. Check that the data are reflectance, or crop that region.'],
    ['detrend order too high', 'detrend', { order: 3 }, blockOf([1, 2, 3], [[1, 2, 4]]), 'order',
      'detrend: order 3 needs more than 3 points but the spectrum has 3; lower the order.'],
    ['resample beyond the axis', 'resample', { axis: [990, 1000, 1010] }, data, 'axis',
      'resample: target point 990 is outside the input axis (1000 to 1800) by more than 5 (maxExtrapolation); crop the target axis or raise maxExtrapolation.'],
    ['resample axis and step', 'resample', { axis: [1000, 1010], step: 2 }, data, 'step',
      'resample: give either a target axis or a step, not both.'],
  ] as const)('%s', (_what, kind, params, block, field, message) => {
    const err = errorOf(() => runStep(kind, params, block));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.field).toBe(field);
    expect(err.message).toBe(message);
  });

  it('MSC refuses a fitted reference of another length', () => {
    const step = getStep('msc');
    const err = errorOf(() => step.transform({}, data, { reference: [1, 2, 3] }));
    expect(err.message).toBe(
      'msc: the fitted reference has 3 points but the spectra have 81; refit the pipeline on data with the same axis.',
    );
  });

  it('an unknown kind lists the known kinds', () => {
    const err = errorOf(() => getStep('smooth'));
    expect(err.message).toMatch(/^Unknown preprocessing step "smooth"\. Known steps: crop, resample, .*savitzkyGolay, snv/);
  });
});
