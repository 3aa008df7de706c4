/** Noisy copies of small training sets: the rule, the noise sized on the class spread, the copies and their determinism. */
import { describe, expect, it } from 'vitest';
import { augmentedCopies, repeatedTargets } from '../../src-main/common/ml/augment';
import { augmentationFor, classSpread } from '../../src-main/common/ml/prepare';

describe('augmentation', () => {
  it('applies to classification sets under 200 training rows without an early-stopping slice', () => {
    expect(augmentationFor('classification', 60, 0, 448, 0.1)).toEqual({ copies: 16, noise: 0.03, classSpread: 0.1 });
    expect(augmentationFor('classification', 199, 0, 235, 0.1)).toEqual({ copies: 16, noise: 0.03, classSpread: 0.1 });
    expect(augmentationFor('classification', 200, 0, 235, 0.1)).toBeNull();
    expect(augmentationFor('classification', 521, 92, 235, 0.1)).toBeNull();
    expect(augmentationFor('regression', 172, 0, 100, 0.1)).toBeNull();
  });

  it('the noise is half the class spread, at most 0.03; no spread between the classes, no copies', () => {
    expect(augmentationFor('classification', 60, 0, 448, 0.06)).toEqual({ copies: 16, noise: 0.03, classSpread: 0.06 });
    expect(augmentationFor('classification', 60, 0, 448, 0.02)).toEqual({ copies: 16, noise: 0.01, classSpread: 0.02 });
    expect(augmentationFor('classification', 60, 0, 448, 0)).toBeNull();
  });

  it('long spectra get fewer copies: at most 8 million values in all, none below 2 copies', () => {
    expect(augmentationFor('classification', 199, 0, 10_000, 0.1)).toEqual({ copies: 4, noise: 0.03, classSpread: 0.1 });
    expect(augmentationFor('classification', 150, 0, 40_000, 0.1)).toBeNull();
  });

  it('class spread: per value the SD between class means net of the spread within classes, the median over values', () => {
    // Rows of 3 values; rows 0, 1 are class 0 and rows 2, 3 class 1 (row 4 is not a training row).
    // Value 0: means 1 and 5, their variance 8, within-class variance 2 over classes of 2: 8 − 2/2 = 7.
    // Value 1: the same everywhere, 0. Value 2: means 0 and 1, variance 0.5, nothing within.
    const x = Float32Array.of(0, 1, 0, 2, 1, 0, 4, 1, 1, 6, 1, 1, 100, 100, 100);
    const labels = [0, 0, 1, 1, 1];
    expect(classSpread(x, 3, [0, 1, 2, 3], labels, 2)).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(classSpread(Float32Array.of(0, 2, 4, 6), 1, [0, 1, 2, 3], labels, 2)).toBeCloseTo(Math.sqrt(7), 12);
    // Within-class spread alone, as large as the gap between the means: no spread between classes.
    expect(classSpread(Float32Array.of(0, 2, 1, 3), 1, [0, 1, 2, 3], [0, 0, 1, 1], 2)).toBe(0);
    expect(classSpread(x, 3, [0, 1], labels, 2)).toBe(0);
  });

  it('copy 0 is the input; the others add seeded noise of the asked size; the input is untouched', () => {
    const n = 3;
    const size = 4000;
    const x = Float32Array.from({ length: n * size }, (_, i) => Math.sin(i / 50));
    const before = x.slice();
    const a = augmentedCopies(x, n, size, 1, { copies: 4, noise: 0.02 });
    expect(x).toEqual(before);
    expect(a).toHaveLength(4 * n * size);
    expect(a.subarray(0, n * size)).toEqual(x);
    for (let c = 1; c < 4; c++) {
      let s = 0;
      let ss = 0;
      for (let i = 0; i < n * size; i++) {
        const d = a[c * n * size + i]! - x[i]!;
        s += d;
        ss += d * d;
      }
      const m = s / (n * size);
      expect(Math.abs(m)).toBeLessThan(0.002);
      expect(Math.sqrt(ss / (n * size) - m * m)).toBeCloseTo(0.02, 3);
    }
    expect(augmentedCopies(x, n, size, 1, { copies: 4, noise: 0.02 })).toEqual(a);
    expect(augmentedCopies(x, n, size, 2, { copies: 4, noise: 0.02 })).not.toEqual(a);
  });

  it('spectral changes: a copy is the spectrum shifted by whole points (ends repeated), tilted or scaled, drawn per copy of a row', () => {
    const x = Float32Array.of(1, 2, 4, 8, 16, 32, -1, -2, -4, -8, -16, -32);
    const rows = (a: Float32Array, n: number) => Array.from({ length: a.length / 6 }, (_, i) => Array.from(a.subarray(i * 6, i * 6 + 6))).slice(n);
    const shifted = (row: number[], s: number) => row.map((_, p) => row[Math.min(5, Math.max(0, p - s))]!);
    for (const copy of rows(augmentedCopies(x, 2, 6, 5, { copies: 8, noise: 0, shift: 2 }), 2)) {
      const source = copy[0]! > 0 ? Array.from(x.subarray(0, 6)) : Array.from(x.subarray(6));
      expect([-2, -1, 0, 1, 2].some((s) => shifted(source, s).every((v, p) => v === copy[p]))).toBe(true);
    }
    const tilted = rows(augmentedCopies(x, 2, 6, 5, { copies: 8, noise: 0, tilt: 0.4 }), 2);
    tilted.forEach((copy, k) => {
      const base = copy.map((v, p) => v - x[(k % 2) * 6 + p]!);
      const rise = base[5]! - base[0]!;
      expect(Math.abs(rise)).toBeLessThanOrEqual(0.4 + 1e-6);
      base.forEach((b, p) => expect(b).toBeCloseTo(rise * (p / 5 - 0.5), 5));
    });
    const scaled = rows(augmentedCopies(x, 2, 6, 5, { copies: 8, noise: 0, scale: 0.05 }), 2);
    const gains = scaled.map((copy, k) => copy[3]! / x[(k % 2) * 6 + 3]!);
    scaled.forEach((copy, k) => copy.forEach((v, p) => expect(v).toBeCloseTo(gains[k]! * x[(k % 2) * 6 + p]!, 5)));
    gains.forEach((g) => expect(Math.abs(g - 1)).toBeLessThanOrEqual(0.05 + 1e-6));
    expect(new Set(gains.map((g) => g.toFixed(6))).size).toBe(gains.length);
  });

  it('spectral changes move every channel of a point together (channels-last)', () => {
    // 4 points × 2 channels: channel 1 is 10 × channel 0.
    const x = Float32Array.of(1, 10, 2, 20, 3, 30, 4, 40);
    const a = augmentedCopies(x, 1, 8, 3, { copies: 6, noise: 0, shift: 1, scale: 0.05 }, 2);
    for (let c = 1; c < 6; c++) for (let p = 0; p < 4; p++) expect(a[c * 8 + p * 2 + 1]!).toBeCloseTo(10 * a[c * 8 + p * 2]!, 4);
  });

  it('targets are repeated for every copy, class indices and values alike', () => {
    expect(Array.from(repeatedTargets(Int32Array.of(2, 0, 1), 3, 2))).toEqual([2, 0, 1, 2, 0, 1]);
    const v = repeatedTargets(Float32Array.of(0.5, -1), 2, 3);
    expect(v).toBeInstanceOf(Float32Array);
    expect(Array.from(v)).toEqual([0.5, -1, 0.5, -1, 0.5, -1]);
  });
});
