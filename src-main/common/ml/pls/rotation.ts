import { UserError } from '../../errors';

/**
 * Inverse of the leading a × a block of PᵀW (unit upper triangular in exact arithmetic, inverted
 * by Gauss–Jordan with partial pivoting anyway), row-major a × a: the step from the X weights W
 * to the rotations R = W·(PᵀW)⁻¹ that give scores of new spectra.
 *
 * @param P X loadings, cols × stride row-major
 * @param W X weights, cols × stride row-major
 */
export function loadingsWeightsInverse(P: ArrayLike<number>, W: ArrayLike<number>, cols: number, stride: number, a: number): Float64Array {
  const n = a;
  const A = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += P[j * stride + r] * W[j * stride + c];
      A[r * n + c] = s;
    }
  }
  const inv = new Float64Array(n * n);
  for (let r = 0; r < n; r++) inv[r * n + r] = 1;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]) > Math.abs(A[piv * n + c])) piv = r;
    if (A[piv * n + c] === 0) throw new UserError('INTERNAL', 'PLS: the loadings are singular (PᵀW has no inverse).');
    if (piv !== c) {
      for (let k = 0; k < n; k++) {
        [A[c * n + k], A[piv * n + k]] = [A[piv * n + k], A[c * n + k]];
        [inv[c * n + k], inv[piv * n + k]] = [inv[piv * n + k], inv[c * n + k]];
      }
    }
    const d = A[c * n + c];
    for (let k = 0; k < n; k++) {
      A[c * n + k] /= d;
      inv[c * n + k] /= d;
    }
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = A[r * n + c];
      if (f === 0) continue;
      for (let k = 0; k < n; k++) {
        A[r * n + k] -= f * A[c * n + k];
        inv[r * n + k] -= f * inv[c * n + k];
      }
    }
  }
  return inv;
}

