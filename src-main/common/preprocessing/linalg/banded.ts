/**
 * Symmetric positive-definite pentadiagonal systems (bandwidth 2), solved by an LDLᵀ
 * factorisation in O(n) — the systems `(W + λ DᵀD) z = W y` of Whittaker smoothers and the
 * penalised baselines (AsLS, arPLS, airPLS) with a second-difference penalty.
 *
 * The matrix is given by its three lower diagonals: `diag[i] = A[i][i]`,
 * `off1[i] = A[i+1][i]` (length n − 1) and `off2[i] = A[i+2][i]` (length n − 2); longer arrays
 * are fine (only the first n, n − 1, n − 2 entries are read). No pivoting: for SPD matrices the
 * LDLᵀ pivots are positive and the factorisation is backward stable (Golub & Van Loan,
 * Matrix Computations, 4th ed., §4.3.6 "Symmetric positive definite band systems").
 */

/** Scratch for {@link solveSpdPentadiagonal}: the pivots `D` and the two sub-diagonals of `L`. */
export interface PentadiagonalScratch {
  d: Float64Array;
  l1: Float64Array;
  l2: Float64Array;
}

/** Scratch buffers for systems of up to `n` unknowns; reuse them across solves. */
export function createPentadiagonalScratch(n: number): PentadiagonalScratch {
  return { d: new Float64Array(n), l1: new Float64Array(n), l2: new Float64Array(n) };
}

/**
 * Solves `A x = b` for SPD pentadiagonal `A` of order `n` (= `b.length` unless given), writing
 * `x` (which may be `b` itself). Returns false, leaving `x` unspecified, when a pivot is not
 * positive and finite — `A` is not (numerically) positive definite — so callers can report it
 * instead of propagating NaN/Inf. Allocates nothing when `scratch` is passed.
 */
export function solveSpdPentadiagonal(
  diag: ArrayLike<number>,
  off1: ArrayLike<number>,
  off2: ArrayLike<number>,
  b: ArrayLike<number>,
  x: Float64Array,
  scratch: PentadiagonalScratch = createPentadiagonalScratch(b.length),
  n: number = b.length,
): boolean {
  const { d, l1, l2 } = scratch;
  if (n === 0) return true;
  // Factor A = L D Lᵀ (L unit lower-triangular, bandwidth 2) and forward-substitute L y = b in
  // the same sweep; y is stored in x.
  // Row i of L: l2[i] = L[i][i−2], l1[i] = L[i][i−1].
  let dPrev2 = 0; // D[i−2]
  let dPrev1 = 0; // D[i−1]
  let l1Prev = 0; // L[i−1][i−2]
  let yPrev2 = 0;
  let yPrev1 = 0;
  for (let i = 0; i < n; i++) {
    let li2 = 0;
    let li1 = 0;
    if (i >= 2) li2 = off2[i - 2] / dPrev2;
    if (i >= 1) li1 = (off1[i - 1] - li2 * dPrev2 * l1Prev) / dPrev1;
    const di = diag[i] - li1 * li1 * dPrev1 - li2 * li2 * dPrev2;
    if (!(di > 0) || di === Infinity) return false;
    const yi = b[i] - li1 * yPrev1 - li2 * yPrev2;
    d[i] = di;
    l1[i] = li1;
    l2[i] = li2;
    x[i] = yi;
    dPrev2 = dPrev1;
    dPrev1 = di;
    l1Prev = li1;
    yPrev2 = yPrev1;
    yPrev1 = yi;
  }
  // Back-substitute Lᵀ x = D⁻¹ y.
  let xNext1 = 0; // x[i+1]
  let xNext2 = 0; // x[i+2]
  for (let i = n - 1; i >= 0; i--) {
    const a1 = i + 1 < n ? l1[i + 1] : 0;
    const a2 = i + 2 < n ? l2[i + 2] : 0;
    const xi = x[i] / d[i] - a1 * xNext1 - a2 * xNext2;
    x[i] = xi;
    xNext2 = xNext1;
    xNext1 = xi;
  }
  return true;
}

/**
 * The band of `DᵀD` for the second-difference operator `D` (rows `[1, −2, 1]`, shape
 * (n − 2) × n) — the roughness penalty of Eilers (2003), "A perfect smoother", Anal. Chem. 75,
 * 3631. Built row by row of `D`, so it is exact for any n ≥ 3 (e.g. main diagonal
 * `[1, 5, 6, …, 6, 5, 1]`).
 */
export function secondDifferencePenalty(n: number): { diag: Float64Array; off1: Float64Array; off2: Float64Array } {
  const diag = new Float64Array(n);
  const off1 = new Float64Array(Math.max(n - 1, 0));
  const off2 = new Float64Array(Math.max(n - 2, 0));
  const c = [1, -2, 1];
  for (let k = 0; k + 2 < n; k++) {
    for (let a = 0; a < 3; a++) {
      diag[k + a] += c[a] * c[a];
      if (a < 2) off1[k + a] += c[a + 1] * c[a];
    }
    off2[k] += c[2] * c[0];
  }
  return { diag, off1, off2 };
}
