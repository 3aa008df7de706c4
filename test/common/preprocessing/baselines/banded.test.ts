import { describe, expect, it } from 'vitest';
import {
  createPentadiagonalScratch,
  secondDifferencePenalty,
  solveSpdPentadiagonal,
} from '../../../../src-main/common/preprocessing/linalg/banded';
import { mulberry32 } from '../../../../src-main/common/ml/random';

/** Dense Gaussian elimination with partial pivoting (the reference). */
function denseSolve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * x[k];
    x[r] = s / m[r][r];
  }
  return x;
}

function dense(diag: Float64Array, off1: Float64Array, off2: Float64Array): number[][] {
  const n = diag.length;
  const a = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) a[i][i] = diag[i];
  for (let i = 0; i + 1 < n; i++) a[i + 1][i] = a[i][i + 1] = off1[i];
  for (let i = 0; i + 2 < n; i++) a[i + 2][i] = a[i][i + 2] = off2[i];
  return a;
}

function maxRelDiff(x: Float64Array, ref: number[]): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    err = Math.max(err, Math.abs(x[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return err / scale;
}

describe('solveSpdPentadiagonal', () => {
  it.each([1, 2, 3, 4, 5, 17, 60])('matches a dense solve on random diagonally dominant SPD systems (n = %i)', (n) => {
    const rand = mulberry32(n * 7919);
    for (let trial = 0; trial < 5; trial++) {
      const off1 = Float64Array.from({ length: Math.max(n - 1, 0) }, () => rand() * 2 - 1);
      const off2 = Float64Array.from({ length: Math.max(n - 2, 0) }, () => rand() * 2 - 1);
      const diag = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const row = Math.abs(off1[i - 1] ?? 0) + Math.abs(off1[i] ?? 0) + Math.abs(off2[i - 2] ?? 0) + Math.abs(off2[i] ?? 0);
        diag[i] = row + 0.1 + rand();
      }
      const b = Float64Array.from({ length: n }, () => rand() * 10 - 5);
      const x = new Float64Array(n);
      expect(solveSpdPentadiagonal(diag, off1, off2, b, x)).toBe(true);
      expect(maxRelDiff(x, denseSolve(dense(diag, off1, off2), Array.from(b)))).toBeLessThan(1e-12);
    }
  });

  it('matches a dense solve on Whittaker systems W + λDᵀD (not diagonally dominant)', () => {
    const n = 80;
    const rand = mulberry32(42);
    for (const lambda of [1, 1e3, 1e5]) {
      const pen = secondDifferencePenalty(n);
      const diag = Float64Array.from(pen.diag, (v) => lambda * v + (rand() < 0.5 ? 0.01 : 0.99));
      const off1 = pen.off1.map((v) => lambda * v);
      const off2 = pen.off2.map((v) => lambda * v);
      const b = Float64Array.from({ length: n }, () => rand());
      const x = new Float64Array(n);
      expect(solveSpdPentadiagonal(diag, off1, off2, b, x, createPentadiagonalScratch(n))).toBe(true);
      // cond(A) grows like λ n⁴ / min w, so the dense reference itself is only this good.
      expect(maxRelDiff(x, denseSolve(dense(diag, off1, off2), Array.from(b)))).toBeLessThan(1e-8);
    }
  });

  it('solves in place (x aliasing b)', () => {
    const { diag, off1, off2 } = secondDifferencePenalty(6);
    const d = diag.map((v) => v + 1);
    const b = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const expected = new Float64Array(6);
    solveSpdPentadiagonal(d, off1, off2, b, expected);
    solveSpdPentadiagonal(d, off1, off2, b, b);
    expect(b).toEqual(expected);
  });

  it('reports a matrix that is not positive definite instead of returning NaN', () => {
    const { diag, off1, off2 } = secondDifferencePenalty(5); // singular: linear functions are in its null space
    const x = new Float64Array(5);
    expect(solveSpdPentadiagonal(diag, off1, off2, new Float64Array(5).fill(1), x)).toBe(false);
  });

  it('builds the second-difference penalty DᵀD', () => {
    const { diag, off1, off2 } = secondDifferencePenalty(6);
    expect(Array.from(diag)).toEqual([1, 5, 6, 6, 5, 1]);
    expect(Array.from(off1)).toEqual([-2, -4, -4, -4, -2]);
    expect(Array.from(off2)).toEqual([1, 1, 1, 1]);
  });
});
