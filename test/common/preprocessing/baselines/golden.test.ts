import { describe, expect, it } from 'vitest';
import {
  airplsFit,
  arplsFit,
  aslsBaseline,
  modpolyFit,
  rubberbandBaseline,
} from '../../../../src-main/common/preprocessing/steps/baselines-index';
import { goldenCases, relativeError } from './golden';

// Tolerances, as max |ours − scipy| / max |y|:
// - AsLS (fixed iterations, each a linear solve) and rubber band (same arithmetic as the
//   reference): 1e-8.
// - arPLS / airPLS / ModPoly stop on thresholds; their iterations amplify solver rounding, so
//   1e-6 of the signal scale, and the iteration count must match exactly.
const LINEAR_TOL = 1e-8;
const ITERATIVE_TOL = 1e-6;

describe('baselines vs numpy/scipy goldens', () => {
  it.each(goldenCases('asls').map((c) => [`${c.spectrum.name} ${JSON.stringify(c.params)}`, c] as const))('asls %s', (_n, c) => {
    const z = aslsBaseline(c.spectrum.y, c.params);
    expect(relativeError(z, c.baseline, c.spectrum.y)).toBeLessThan(LINEAR_TOL);
  });

  it.each(goldenCases('rubberband').map((c) => [c.spectrum.name, c] as const))('rubberband %s', (_n, c) => {
    const z = rubberbandBaseline(c.spectrum.axis, c.spectrum.y);
    expect(relativeError(z, c.baseline, c.spectrum.y)).toBeLessThan(LINEAR_TOL);
  });

  it.each(goldenCases('arpls').map((c) => [c.spectrum.name, c] as const))('arpls %s', (_n, c) => {
    const { baseline, iterations } = arplsFit(c.spectrum.y, c.params);
    expect(iterations).toBe(c.iterations);
    expect(relativeError(baseline, c.baseline, c.spectrum.y)).toBeLessThan(ITERATIVE_TOL);
  });

  it.each(goldenCases('airpls').map((c) => [c.spectrum.name, c] as const))('airpls %s', (_n, c) => {
    const { baseline, iterations } = airplsFit(c.spectrum.y, c.params);
    expect(iterations).toBe(c.iterations);
    expect(relativeError(baseline, c.baseline, c.spectrum.y)).toBeLessThan(ITERATIVE_TOL);
  });

  it.each(goldenCases('modpoly').map((c) => [`${c.spectrum.name} ${JSON.stringify(c.params)}`, c] as const))('modpoly %s', (_n, c) => {
    const { baseline, iterations } = modpolyFit(c.spectrum.axis, c.spectrum.y, c.params);
    expect(iterations).toBe(c.iterations);
    expect(relativeError(baseline, c.baseline, c.spectrum.y)).toBeLessThan(ITERATIVE_TOL);
  });
});
