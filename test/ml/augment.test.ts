/** Noisy copies of small training sets: the rule, the copies and their determinism. */
import { describe, expect, it } from 'vitest';
import { augmentedCopies, repeatedTargets } from '../../src-main/ml/engine/augment';
import { augmentationFor } from '../../src-main/common/ml/prepare';

describe('augmentation', () => {
  it('applies to classification sets under 200 training rows without an early-stopping slice', () => {
    expect(augmentationFor('classification', 60, 0, 448)).toEqual({ copies: 16, noise: 0.03 });
    expect(augmentationFor('classification', 199, 0, 235)).toEqual({ copies: 16, noise: 0.03 });
    expect(augmentationFor('classification', 200, 0, 235)).toBeNull();
    expect(augmentationFor('classification', 521, 92, 235)).toBeNull();
    expect(augmentationFor('regression', 172, 0, 100)).toBeNull();
  });

  it('long spectra get fewer copies: at most 8 million values in all, none below 2 copies', () => {
    expect(augmentationFor('classification', 199, 0, 10_000)).toEqual({ copies: 4, noise: 0.03 });
    expect(augmentationFor('classification', 150, 0, 40_000)).toBeNull();
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

  it('targets are repeated for every copy, class indices and values alike', () => {
    expect(Array.from(repeatedTargets(Int32Array.of(2, 0, 1), 3, 2))).toEqual([2, 0, 1, 2, 0, 1]);
    const v = repeatedTargets(Float32Array.of(0.5, -1), 2, 3);
    expect(v).toBeInstanceOf(Float32Array);
    expect(Array.from(v)).toEqual([0.5, -1, 0.5, -1, 0.5, -1]);
  });
});
