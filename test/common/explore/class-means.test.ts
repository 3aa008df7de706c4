import { describe, expect, it } from 'vitest';
import { classMeans } from '../../../src-main/common/explore/class-means';

describe('classMeans', () => {
  it('gives each class its mean and population standard deviation, in order of first appearance', () => {
    // 5 spectra × 3 points: class B = rows 0 and 2, class A = rows 1, 3, 4, one unlabelled.
    const values = [1, 2, 3, 10, 20, 30, 3, 6, 9, 12, 20, 28, 11, 20, 29];
    const out = classMeans(values, 5, 3, ['B', 'A', 'B', 'A', 'A']);
    expect(out.map((c) => ({ value: c.value, count: c.count, mean: Array.from(c.mean), std: Array.from(c.std) }))).toEqual([
      { value: 'B', count: 2, mean: [2, 4, 6], std: [1, 2, 3] },
      { value: 'A', count: 3, mean: [11, 20, 29], std: [Math.sqrt(2 / 3), 0, Math.sqrt(2 / 3)] },
    ]);
  });

  it('puts spectra without a class under "(none)", numbers as text, and a class of one has std 0', () => {
    const out = classMeans(new Float64Array([1, 2, 5, 6, 9, 9]), 3, 2, [null, 7, '']);
    expect(out.map((c) => [c.value, c.count, Array.from(c.mean), Array.from(c.std)])).toEqual([
      ['(none)', 2, [5, 5.5], [4, 3.5]],
      ['7', 1, [5, 6], [0, 0]],
    ]);
  });

  it('keeps digits on a large offset (two-pass)', () => {
    const out = classMeans([1e9 + 1, 1e9 + 3], 2, 1, ['x', 'x']);
    expect(Array.from(out[0]!.std)).toEqual([1]);
  });

  it('checks the shape', () => {
    expect(() => classMeans([1, 2, 3], 2, 2, ['a', 'b'])).toThrow(/expected 2 × 2 values, got 3/);
    expect(() => classMeans([1, 2], 2, 1, ['a'])).toThrow(/1 class values for 2 spectra/);
  });
});
