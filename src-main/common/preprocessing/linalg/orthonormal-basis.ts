/**
 * An orthonormal basis of the column space of a tall matrix by Householder QR (Golub & Van
 * Loan, Matrix Computations, 4th ed., Alg. 5.2.1 and §5.1.6 "factored-form representation").
 * Least-squares fitted values are then a projection, `ŷ = Q (Qᵀ y)`, which is what the
 * modified-polynomial baseline needs at every iteration — O(n·k) each, with the O(n·k²)
 * factorisation done once per axis.
 */

/**
 * Returns the thin `Q` (rows × cols, column-major: `q[c * rows + r]`) of the column-major
 * `a` (rows × cols, rows ≥ cols), or null when the columns are (numerically) dependent — a
 * column's remaining part is below `1e-12` of its original norm. `a` is not modified.
 */
export function orthonormalBasis(a: Float64Array, rows: number, cols: number): Float64Array | null {
  const r = Float64Array.from(a);
  const vs: Float64Array[] = [];
  for (let j = 0; j < cols; j++) {
    let colNorm2 = 0;
    for (let i = 0; i < rows; i++) colNorm2 += a[j * rows + i] * a[j * rows + i];
    let norm2 = 0;
    for (let i = j; i < rows; i++) norm2 += r[j * rows + i] * r[j * rows + i];
    const norm = Math.sqrt(norm2);
    if (!(norm > 1e-12 * Math.sqrt(colNorm2))) return null;
    const x0 = r[j * rows + j];
    const alpha = x0 >= 0 ? -norm : norm;
    // v = x − αe₁, normalised; H = I − 2vvᵀ maps x to αe₁.
    const v = new Float64Array(rows - j);
    for (let i = j; i < rows; i++) v[i - j] = r[j * rows + i];
    v[0] -= alpha;
    let vNorm2 = 0;
    for (let i = 0; i < v.length; i++) vNorm2 += v[i] * v[i];
    const inv = 1 / Math.sqrt(vNorm2);
    for (let i = 0; i < v.length; i++) v[i] *= inv;
    vs.push(v);
    for (let c = j; c < cols; c++) reflect(v, r, c * rows + j);
  }
  const q = new Float64Array(rows * cols);
  for (let c = 0; c < cols; c++) q[c * rows + c] = 1;
  for (let j = cols - 1; j >= 0; j--) {
    for (let c = 0; c < cols; c++) reflect(vs[j], q, c * rows + j);
  }
  return q;
}

/** Applies `I − 2vvᵀ` to `m[start .. start + v.length)` in place. */
function reflect(v: Float64Array, m: Float64Array, start: number): void {
  let dot = 0;
  for (let i = 0; i < v.length; i++) dot += v[i] * m[start + i];
  const f = 2 * dot;
  for (let i = 0; i < v.length; i++) m[start + i] -= f * v[i];
}

/** Writes `Q (Qᵀ y)` (the least-squares fitted values of `y[offset .. offset + rows)`) into `out`. */
export function project(q: Float64Array, rows: number, cols: number, y: Float64Array, offset: number, out: Float64Array): void {
  out.fill(0, 0, rows);
  for (let c = 0; c < cols; c++) {
    const base = c * rows;
    let dot = 0;
    for (let i = 0; i < rows; i++) dot += q[base + i] * y[offset + i];
    for (let i = 0; i < rows; i++) out[i] += dot * q[base + i];
  }
}
