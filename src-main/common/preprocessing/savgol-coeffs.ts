import { minNormSolve } from './linalg';

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/**
 * Savitzky–Golay weights as scipy's `savgol_coeffs(windowSize, polynomial, deriv, delta, pos,
 * use='dot')`: `Σ_j w[j]·y[start + j]` is the `deriv`-th derivative, at offset `pos` inside the
 * window, of the least-squares polynomial through the window, divided by `delta^deriv`. Solved
 * like scipy (minimum-norm least squares on the Vandermonde system) but on abscissae scaled by
 * the half-window, for conditioning.
 */
export function savgolCoeffs(windowSize: number, polynomial: number, deriv: number, delta: number, pos: number): Float64Array {
  const scale = Math.max(1, (windowSize - 1) / 2);
  const columns: Float64Array[] = [];
  for (let k = 0; k <= polynomial; k++) {
    const col = new Float64Array(windowSize);
    for (let j = 0; j < windowSize; j++) col[j] = ((j - pos) / scale) ** k;
    columns.push(col);
  }
  const y = new Float64Array(polynomial + 1);
  if (deriv <= polynomial) y[deriv] = factorial(deriv) / delta ** deriv / scale ** deriv;
  return minNormSolve(columns, y);
}
