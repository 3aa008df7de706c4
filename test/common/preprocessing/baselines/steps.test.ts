import { describe, expect, it } from 'vitest';
import {
  BASELINE_STEPS,
  airplsBaseline,
  arplsBaseline,
  aslsBaseline,
  modpolyBaseline,
  rubberbandBaseline,
} from '../../../../src-main/common/preprocessing/steps/baselines-index';
import type { SpectraBlock, StepDefinition } from '../../../../src-main/common/preprocessing/types';
import { userErrorOf as thrown } from '../../../helpers/errors';
import { goldenSpectra } from './golden';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyStep = StepDefinition<any, any>;

function step(kind: string): AnyStep {
  const s = BASELINE_STEPS.find((d) => d.kind === kind);
  if (!s) throw new Error(`no step ${kind}`);
  return s;
}

/** The pure baseline function for each step kind, with the step's (parsed) params. */
const BASELINE_OF: Record<string, (axis: Float64Array, y: Float64Array, p: never) => Float64Array> = {
  asls: (_a, y, p) => aslsBaseline(y, p),
  arpls: (_a, y, p) => arplsBaseline(y, p),
  airpls: (_a, y, p) => airplsBaseline(y, p),
  modpoly: (a, y, p) => modpolyBaseline(a, y, p),
  rubberband: (a, y) => rubberbandBaseline(a, y),
};

function block(): SpectraBlock {
  const spectra = goldenSpectra().filter((s) => s.name.startsWith('chemotools'));
  const n = spectra[0].y.length;
  const values = new Float64Array(spectra.length * n);
  spectra.forEach((s, r) => values.set(s.y, r * n));
  return { axis: Float64Array.from(spectra[0].axis), values, rows: spectra.length };
}

describe('baseline steps', () => {
  it('registers the five steps, per spectrum', () => {
    expect(BASELINE_STEPS.map((s) => [s.kind, s.fitted])).toEqual([
      ['asls', false],
      ['arpls', false],
      ['airpls', false],
      ['modpoly', false],
      ['rubberband', false],
    ]);
  });

  it('parse {} to the documented defaults', () => {
    expect(BASELINE_STEPS.map((s) => [s.kind, s.params.parse({})])).toEqual([
      ['asls', { lambda: 1e5, p: 0.01, iterations: 10 }],
      ['arpls', { lambda: 1e5, ratio: 1e-6, maxIterations: 50 }],
      ['airpls', { lambda: 100, maxIterations: 15 }],
      ['modpoly', { order: 2, maxIterations: 100, tolerance: 1e-3 }],
      ['rubberband', {}],
    ]);
  });

  it.each(Object.keys(BASELINE_OF))('%s: transform is y − baseline row by row, input untouched, finite', (kind) => {
    const s = step(kind);
    const input = block();
    const before = { axis: Float64Array.from(input.axis), values: Float64Array.from(input.values) };
    const p = s.params.parse({});
    s.validate?.(p, input.axis);
    const out = s.transform(p, input, null);
    expect(input.axis).toEqual(before.axis);
    expect(input.values).toEqual(before.values);
    expect(out.rows).toBe(input.rows);
    expect(out.axis).toEqual(input.axis);
    const n = input.axis.length;
    expect(out.values.length).toBe(input.rows * n);
    for (let r = 0; r < input.rows; r++) {
      const y = input.values.slice(r * n, (r + 1) * n);
      const z = BASELINE_OF[kind](input.axis, y, p as never);
      const expected = y.map((v, i) => v - z[i]);
      expect(out.values.slice(r * n, (r + 1) * n)).toEqual(expected);
    }
    expect(out.values.every(Number.isFinite)).toBe(true);
    expect(s.transform(p, input, null).values).toEqual(out.values);
  });

  it('the pure functions leave their input untouched', () => {
    const s = goldenSpectra().find((g) => g.name === 'synthetic')!;
    const axis = Float64Array.from(s.axis);
    const y = Float64Array.from(s.y);
    aslsBaseline(y);
    arplsBaseline(y);
    airplsBaseline(y);
    modpolyBaseline(axis, y);
    rubberbandBaseline(axis, y);
    expect(y).toEqual(s.y);
    expect(axis).toEqual(s.axis);
  });

  it.each([
    ['asls', { p: 1.5 }, 'p', 'asls: p must be between 0 and 1 (exclusive); got 1.5.'],
    ['asls', { p: 0 }, 'p', 'asls: p must be between 0 and 1 (exclusive); got 0.'],
    ['asls', { lambda: 0 }, 'lambda', 'asls: lambda must be greater than 0; got 0.'],
    ['asls', { lambda: -1 }, 'lambda', 'asls: lambda must be greater than 0; got -1.'],
    ['asls', { iterations: 0 }, 'iterations', 'asls: iterations must be a whole number of at least 1; got 0.'],
    ['arpls', { lambda: -5 }, 'lambda', 'arpls: lambda must be greater than 0; got -5.'],
    ['arpls', { ratio: 0 }, 'ratio', 'arpls: ratio must be greater than 0; got 0.'],
    ['arpls', { maxIterations: 2.5 }, 'maxIterations', 'arpls: maxIterations must be a whole number of at least 1; got 2.5.'],
    ['airpls', { lambda: 0 }, 'lambda', 'airpls: lambda must be greater than 0; got 0.'],
    ['modpoly', { order: -1 }, 'order', 'modpoly: order must be a whole number from 0 to 174 (less than the 175 points); got -1.'],
    ['modpoly', { order: 175 }, 'order', 'modpoly: order must be a whole number from 0 to 174 (less than the 175 points); got 175.'],
    ['modpoly', { tolerance: -1 }, 'tolerance', 'modpoly: tolerance must be greater than 0; got -1.'],
  ] as const)('%s %j → BAD_INPUT naming the parameter', (kind, params, field, message) => {
    const s = step(kind);
    const p = s.params.parse(params);
    const input = block();
    for (const err of [thrown(() => s.validate!(p, input.axis)), thrown(() => s.transform(p, input, null))]) {
      expect(err.toInfo()).toEqual({ code: 'BAD_INPUT', message, field });
    }
  });

  it('the pure functions check their params too', () => {
    expect(thrown(() => aslsBaseline(new Float64Array(10), { p: 1.5 })).message).toBe(
      'asls: p must be between 0 and 1 (exclusive); got 1.5.',
    );
  });

  it.each(Object.keys(BASELINE_OF))('%s refuses spectra shorter than 3 points', (kind) => {
    const s = step(kind);
    const axis = Float64Array.from([1, 2]);
    expect(thrown(() => s.validate!(s.params.parse(kind === 'modpoly' ? { order: 0 } : {}), axis)).message).toBe(
      `${kind}: the spectrum must have at least 3 points; got 2.`,
    );
  });

  it.each(Object.keys(BASELINE_OF))('%s refuses NaN/Inf in a spectrum instead of returning them', (kind) => {
    const s = step(kind);
    const input = block();
    const n = input.axis.length;
    input.values[n + 4] = Number.NaN;
    expect(thrown(() => s.transform(s.params.parse({}), input, null)).message).toBe(
      `${kind}: spectrum 2 has a non-finite value (NaN) at point 5; remove or interpolate it before baseline correction.`,
    );
  });

  it('rubberband refuses a non-monotone axis', () => {
    const s = step('rubberband');
    expect(thrown(() => s.validate!({}, Float64Array.from([1, 2, 2, 3]))).message).toBe(
      'rubberband: the axis must be strictly increasing or decreasing, but points 2 and 3 are 2 and 2; sort or de-duplicate the axis first.',
    );
  });

  it('rubberband lies on or below the spectrum, touches both ends, and ignores axis direction', () => {
    const s = goldenSpectra().find((g) => g.name === 'synthetic')!;
    const z = rubberbandBaseline(s.axis, s.y);
    expect(z.every((v, i) => v <= s.y[i])).toBe(true);
    expect([z[0], z[z.length - 1]]).toEqual([s.y[0], s.y[s.y.length - 1]]);
    const reversed = rubberbandBaseline(s.axis.slice().reverse(), s.y.slice().reverse());
    expect(Array.from(reversed).reverse()).toEqual(Array.from(z));
  });

  it('a spectrum that is its own baseline (a straight line) corrects to zero', () => {
    const axis = Float64Array.from({ length: 50 }, (_, i) => i);
    const y = axis.map((x) => 3 - 0.02 * x);
    for (const z of [aslsBaseline(y), arplsBaseline(y), modpolyBaseline(axis, y), rubberbandBaseline(axis, y)]) {
      let err = 0;
      for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(z[i] - y[i]));
      // The AsLS solve with λ = 1e5 (cond ≈ 1e9) leaves ~4e-9 of rounding on values near 3.
      expect(err).toBeLessThan(1e-8);
    }
  });
});

describe('synthetic recovery (quadratic baseline + four Gaussian peaks, 1000 points)', () => {
  const n = 1000;
  const axis = Float64Array.from({ length: n }, (_, i) => 400 + (1400 * i) / (n - 1));
  const base = axis.map((x) => {
    const t = (x - 1100) / 700;
    return 2 + 0.8 * t - 0.6 * t * t;
  });
  const g = (x: number, c: number, s: number, h: number): number => h * Math.exp(-0.5 * ((x - c) / s) ** 2);
  const y = axis.map((x, i) => base[i] + g(x, 600, 8, 1) + g(x, 950, 12, 0.7) + g(x, 1300, 6, 1.2) + g(x, 1650, 15, 0.5));
  const maxError = (z: Float64Array): number => z.reduce((m, v, i) => Math.max(m, Math.abs(v - base[i])), 0);

  // Bounds are the measured errors (tallest peak 1.2) rounded up by ~10–25%.
  it('AsLS with defaults recovers the baseline to within 0.015 (measured 0.0134)', () => {
    expect(maxError(aslsBaseline(y))).toBeLessThan(0.015);
  });

  it('AsLS with lambda 1e6 recovers the baseline to within 0.005 (measured 0.0041)', () => {
    expect(maxError(aslsBaseline(y, { lambda: 1e6 }))).toBeLessThan(0.005);
  });

  it('arPLS (lambda 1e6), airPLS (lambda 1e5) and ModPoly stay within 0.007, 0.015 and 0.0012', () => {
    expect(maxError(arplsBaseline(y, { lambda: 1e6 }))).toBeLessThan(0.007);
    expect(maxError(airplsBaseline(y, { lambda: 1e5 }))).toBeLessThan(0.015);
    expect(maxError(modpolyBaseline(axis, y))).toBeLessThan(0.0012);
  });
});
