import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src-main/common/errors';
import * as stats from '../../src-main/common/ml/stats';
import {
  chiSquaredCdf,
  chiSquaredQuantile,
  fCdf,
  fQuantile,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedBeta,
  regularizedGammaP,
} from '../../src-main/common/ml/stats';

/** Written by scripts/golden/stats.py from scipy.stats / scipy.special. */
interface Golden {
  normal: { ppf: { p: number; x: number }[]; cdf: { x: number; p: number }[] };
  f: { d1: number; d2: number; p: number; x: number; cdf: number }[];
  chi2: { k: number; p: number; x: number; cdf: number }[];
  special: {
    betainc: { x: number; a: number; b: number; value: number }[];
    gammainc: { a: number; x: number; value: number }[];
    gammaln: { x: number; value: number }[];
  };
  extreme: { f: { d1: number; d2: number; p: number; x: number }[]; chi2: { k: number; p: number; x: number }[] };
}

const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/stats/distributions.json'), 'utf8')) as Golden;

function rel(a: number, b: number): number {
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

function worst<T>(cases: T[], err: (c: T) => number): number {
  return cases.reduce((m, c) => Math.max(m, err(c)), 0);
}

describe('stats against scipy', () => {
  it('exports exactly the documented functions', () => {
    expect(Object.keys(stats).sort()).toEqual(
      ['chiSquaredCdf', 'chiSquaredQuantile', 'fCdf', 'fQuantile', 'logGamma', 'normalCdf', 'normalQuantile', 'regularizedBeta', 'regularizedGammaP'].sort(),
    );
  });

  it('normal quantile (AS 241) and cdf', () => {
    expect(worst(golden.normal.ppf, (c) => rel(normalQuantile(c.p), c.x))).toBeLessThan(1e-14);
    // Relative in the probability, down to 1e-300 in the lower tail.
    expect(worst(golden.normal.cdf, (c) => rel(normalCdf(c.x), c.p))).toBeLessThan(1e-12);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });

  it('F quantile and cdf, d1 0.5 … 50, d2 0.5 … 2000', () => {
    expect(worst(golden.f, (c) => rel(fQuantile(c.p, c.d1, c.d2), c.x))).toBeLessThan(1e-11);
    // 1e-11: at d2 = 2000 scipy's f.cdf and f.ppf are ~1e-12 and ~5e-12 off (mpmath at 30 digits
    // agrees with fCdf / fQuantile here to ~1e-15), so the residue is scipy's.
    expect(worst(golden.f, (c) => rel(fCdf(c.x, c.d1, c.d2), c.cdf))).toBeLessThan(1e-11);
  });

  it('χ² quantile and cdf, whole and fractional degrees of freedom', () => {
    expect(worst(golden.chi2, (c) => rel(chiSquaredQuantile(c.p, c.k), c.x))).toBeLessThan(1e-11);
    // 1e-11 here: at k = 5000, ln Γ(2500) ≈ 1.7e4 carries ~1e-12 absolute error into the exponent.
    expect(worst(golden.chi2, (c) => rel(chiSquaredCdf(c.x, c.k), c.cdf))).toBeLessThan(1e-11);
  });

  it('quantiles at 1e5 … 1e7 degrees of freedom, against mpmath (scipy itself drifts there)', () => {
    expect(worst(golden.extreme.f, (c) => rel(fQuantile(c.p, c.d1, c.d2), c.x))).toBeLessThan(1e-11);
    expect(worst(golden.extreme.chi2, (c) => rel(chiSquaredQuantile(c.p, c.k), c.x))).toBeLessThan(1e-11);
  });

  it('incomplete beta, incomplete gamma and log-gamma', () => {
    expect(worst(golden.special.betainc, (c) => rel(regularizedBeta(c.x, c.a, c.b), c.value))).toBeLessThan(1e-12);
    expect(worst(golden.special.gammainc, (c) => rel(regularizedGammaP(c.a, c.x), c.value))).toBeLessThan(1e-12);
    expect(worst(golden.special.gammaln, (c) => Math.abs(logGamma(c.x) - c.value) / Math.max(1, Math.abs(c.value)))).toBeLessThan(1e-14);
  });

  it('quantiles invert their cdf', () => {
    for (const p of [0.05, 0.5, 0.95]) {
      expect(fCdf(fQuantile(p, 4, 9), 4, 9)).toBeCloseTo(p, 14);
      expect(chiSquaredCdf(chiSquaredQuantile(p, 3.5), 3.5)).toBeCloseTo(p, 14);
      expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 14);
    }
  });

  it('refuses probabilities outside [0, 1] and non-positive degrees of freedom', () => {
    expect(() => fQuantile(1.5, 2, 3)).toThrow(UserError);
    expect(() => fQuantile(0.95, 0, 3)).toThrow(/d1 must be a positive finite number, got 0/);
    expect(() => chiSquaredQuantile(Number.NaN, 2)).toThrow(/probability must lie in \[0, 1\], got NaN/);
    expect(() => chiSquaredQuantile(0.5, -1)).toThrow(UserError);
  });
});
