/**
 * Small dense least-squares helpers in float64. Columns are orthonormalised by modified
 * Gram–Schmidt applied twice ("twice is enough"), which keeps the polynomial bases used here
 * (order ≤ ~10 on scaled abscissae) accurate to ~1e-14.
 */
export interface ThinQr {
  /** Orthonormal columns, each of the input length. */
  q: Float64Array[];
  /** Upper-triangular `r[i][k]` (i ≤ k). */
  r: Float64Array[];
}

export function thinQr(columns: Float64Array[]): ThinQr {
  const m = columns.length;
  const q: Float64Array[] = [];
  const r: Float64Array[] = Array.from({ length: m }, () => new Float64Array(m));
  for (let k = 0; k < m; k++) {
    const v = Float64Array.from(columns[k]);
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < k; i++) {
        const dot = dotArrays(q[i], v);
        r[i][k] += dot;
        const qi = q[i];
        for (let j = 0; j < v.length; j++) v[j] -= dot * qi[j];
      }
    }
    const norm = Math.sqrt(dotArrays(v, v));
    r[k][k] = norm;
    for (let j = 0; j < v.length; j++) v[j] /= norm;
    q.push(v);
  }
  return { q, r };
}

export function dotArrays(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Minimum-norm solution `c` of the underdetermined system `Σ_j columns[k][j]·c[j] = y[k]`
 * (one equation per column), i.e. `c = Aᵀ(AAᵀ)⁻¹y` — what `numpy.linalg.lstsq` returns for a
 * full-row-rank `A`.
 */
export function minNormSolve(columns: Float64Array[], y: Float64Array): Float64Array {
  const { q, r } = thinQr(columns);
  const m = columns.length;
  const z = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    let s = y[k];
    for (let i = 0; i < k; i++) s -= r[i][k] * z[i];
    z[k] = s / r[k][k];
  }
  const c = new Float64Array(columns[0].length);
  for (let k = 0; k < m; k++) for (let j = 0; j < c.length; j++) c[j] += z[k] * q[k][j];
  return c;
}
