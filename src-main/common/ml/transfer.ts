/**
 * Calibration transfer between two instruments that measured the same samples: Kennard–Stone
 * selection of the transfer set, direct standardisation (DS) and piecewise direct
 * standardisation (PDS), each mapping a spectrum measured on B onto what A would have measured,
 * so a model built on A reads B's spectra. Reference: scripts/golden/transfer.py (numpy).
 *
 * Every regression here is a pseudo-inverse of a centred block by truncated SVD: singular values
 * at or below `RCOND` (1 %) of the largest are dropped. A transfer set has a handful of spectra
 * for hundreds of points, so the block is far from full rank; the components it drops are
 * instrument noise that an exact pseudo-inverse would amplify into the transformed spectra.
 * On IDRC 2002 (10 Kennard–Stone tablets, a 5-component PLS model of assay, numpy) 1 % lowered
 * PDS's RMSEP from 5.64 (exact pseudo-inverse) to 5.49 at a 3-point window and left DS's about
 * where it was (6.27 against 6.24); it is one rule for both.
 */
import { UserError } from '../errors';

/** Singular values at or below this fraction of the largest are dropped (see above). */
export const RCOND = 0.01;
/** PDS windows tried by cross-validation: half-widths 1 … 7 (3 to 15 points). */
export const MAX_HALF_WIDTH = 7;
/** DS needs two spectra for a centred fit; PDS three, so that leave-one-out fits on two. */
export const MIN_TRANSFER = { ds: 2, pds: 3 } as const;

/** Row-major spectra: `rows × points`. */
export interface Spectra {
  values: Float64Array;
  rows: number;
  points: number;
}

/**
 * `x_A ≈ offset + Σ_k (x_B · basis_k) loadings_k`, i.e. `x_B F + offset` with
 * `F = pinv(B − mean B)(A − mean A)` stored as its `rank` factors (a full F is points² numbers).
 */
export type DsState = {
  method: 'ds';
  points: number;
  rank: number;
  /** `rank × points`: the right singular vectors of the centred B block. */
  basis: number[];
  /** `rank × points`: `S⁻¹ Uᵀ (A − mean A)`. */
  loadings: number[];
  offset: number[];
};

/** Point j of A: `offset[j] + Σ_i x_B[start[j] + i] · coefficients[at[j] + i]` over the window. */
export type PdsState = {
  method: 'pds';
  points: number;
  halfWidth: number;
  starts: number[];
  widths: number[];
  coefficients: number[];
  offset: number[];
};

export type TransferState = DsState | PdsState;

/** Squared Euclidean distance between rows i and j. */
function dist2(x: Spectra, i: number, j: number): number {
  const { values, points } = x;
  let s = 0;
  for (let k = 0; k < points; k++) {
    const d = values[i * points + k]! - values[j * points + k]!;
    s += d * d;
  }
  return s;
}

/**
 * Kennard–Stone: the two most distant spectra (Euclidean), then, one at a time, the spectrum
 * whose nearest chosen spectrum is farthest. Ties go to the lower row. Rows in the order chosen.
 */
export function kennardStone(x: Spectra, n: number): number[] {
  if (!Number.isInteger(n) || n < 2) throw new UserError('BAD_INPUT', `Kennard–Stone needs a transfer set of at least 2 spectra, not ${n}.`, { field: 'n' });
  if (n > x.rows) throw new UserError('BAD_INPUT', `A transfer set of ${n} needs ${n} spectra to choose from; there are ${x.rows}.`, { field: 'n' });
  let first = 0;
  let second = 1;
  let far = -1;
  for (let i = 0; i < x.rows; i++) {
    for (let j = i + 1; j < x.rows; j++) {
      const d = dist2(x, i, j);
      if (d > far) [far, first, second] = [d, i, j];
    }
  }
  const chosen = [first, second];
  const nearest = Float64Array.from({ length: x.rows }, (_, i) => Math.min(dist2(x, i, first), dist2(x, i, second)));
  const taken = new Uint8Array(x.rows);
  taken[first] = taken[second] = 1;
  while (chosen.length < n) {
    let pick = -1;
    for (let i = 0; i < x.rows; i++) if (!taken[i] && (pick < 0 || nearest[i]! > nearest[pick]!)) pick = i;
    chosen.push(pick);
    taken[pick] = 1;
    for (let i = 0; i < x.rows; i++) if (!taken[i]) nearest[i] = Math.min(nearest[i]!, dist2(x, i, pick));
  }
  return chosen;
}

/**
 * Thin SVD of a small `m × w` block by one-sided Jacobi rotations of its rows (accurate to
 * rounding in each singular value, unlike an eigen-decomposition of the Gram matrix), truncated
 * at `RCOND`. Returns, per kept component, `v` (unit, length w), `u` (length m) and `s`.
 */
function truncatedSvd(block: Float64Array, m: number, w: number): { v: Float64Array[]; u: Float64Array[]; s: number[] } {
  const y = Array.from({ length: m }, (_, i) => block.slice(i * w, (i + 1) * w));
  const q = Array.from({ length: m }, (_, i) => Float64Array.from({ length: m }, (_, j) => (i === j ? 1 : 0)));
  const rotate = (rows: Float64Array[], p: number, r: number, c: number, sn: number) => {
    const a = rows[p]!;
    const b = rows[r]!;
    for (let k = 0; k < a.length; k++) {
      const ak = a[k]!;
      const bk = b[k]!;
      a[k] = c * ak - sn * bk;
      b[k] = sn * ak + c * bk;
    }
  };
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < m - 1; p++) {
      for (let r = p + 1; r < m; r++) {
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        const a = y[p]!;
        const b = y[r]!;
        for (let k = 0; k < w; k++) {
          alpha += a[k]! * a[k]!;
          beta += b[k]! * b[k]!;
          gamma += a[k]! * b[k]!;
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        rotate(y, p, r, c, c * t);
        rotate(q, p, r, c, c * t);
      }
    }
    if (!rotated) break;
  }
  const norms = y.map((row) => Math.sqrt(row.reduce((s, v) => s + v * v, 0)));
  const largest = Math.max(0, ...norms);
  const order = norms.map((s, i) => [s, i] as const).filter(([s]) => s > RCOND * largest).sort((a, b) => b[0] - a[0]);
  return { v: order.map(([s, i]) => y[i]!.map((x) => x / s)), u: order.map(([, i]) => q[i]!), s: order.map(([s]) => s) };
}

function columnMeans(x: Spectra): Float64Array {
  const mean = new Float64Array(x.points);
  for (let r = 0; r < x.rows; r++) for (let j = 0; j < x.points; j++) mean[j]! += x.values[r * x.points + j]!;
  return mean.map((v) => v / x.rows);
}

function checkPair(a: Spectra, b: Spectra, method: 'ds' | 'pds'): void {
  if (a.points !== b.points) throw new UserError('BAD_INPUT', `The two instruments' spectra have ${a.points} and ${b.points} points; calibration transfer needs them on one axis.`, { field: 'axis' });
  if (a.rows !== b.rows) throw new UserError('BAD_INPUT', `The transfer set has ${a.rows} spectra on one instrument and ${b.rows} on the other; it needs the same samples on both.`);
  const need = MIN_TRANSFER[method];
  if (a.rows < need) throw new UserError('BAD_INPUT', `${method === 'ds' ? 'DS' : 'PDS'} needs a transfer set of at least ${need} samples${method === 'pds' ? ' (its window is chosen by leave-one-out, which fits on all but one)' : ''}; this one has ${a.rows}.`, { field: 'n' });
}

/** Direct standardisation fitted on the transfer set: `a` and `b` hold the same samples in the same rows. */
export function fitDs(a: Spectra, b: Spectra): DsState {
  checkPair(a, b, 'ds');
  const { rows, points } = a;
  const meanA = columnMeans(a);
  const meanB = columnMeans(b);
  const centred = b.values.map((v, i) => v - meanB[i % points]!);
  const svd = truncatedSvd(centred, rows, points);
  if (!svd.s.length) throw new UserError('BAD_INPUT', 'The transfer spectra on the target instrument are all the same; DS has nothing to fit.');
  const loadings = svd.u.map((u, k) => {
    const out = new Float64Array(points);
    for (let r = 0; r < rows; r++) for (let j = 0; j < points; j++) out[j]! += u[r]! * (a.values[r * points + j]! - meanA[j]!);
    return out.map((v) => v / svd.s[k]!);
  });
  const offset = Float64Array.from(meanA);
  svd.v.forEach((v, k) => {
    let t = 0;
    for (let j = 0; j < points; j++) t += meanB[j]! * v[j]!;
    for (let j = 0; j < points; j++) offset[j]! -= t * loadings[k]![j]!;
  });
  return { method: 'ds', points, rank: svd.s.length, basis: svd.v.flatMap((v) => Array.from(v)), loadings: loadings.flatMap((l) => Array.from(l)), offset: Array.from(offset) };
}

/** Piecewise direct standardisation with the given window half-width (points each side). */
export function fitPds(a: Spectra, b: Spectra, halfWidth: number): PdsState {
  checkPair(a, b, 'pds');
  return pdsOnRows(a, b, halfWidth, Array.from({ length: a.rows }, (_, i) => i));
}

function pdsOnRows(a: Spectra, b: Spectra, halfWidth: number, rows: number[]): PdsState {
  const { points } = a;
  const m = rows.length;
  const starts: number[] = [];
  const widths: number[] = [];
  const coefficients: number[] = [];
  const offset: number[] = [];
  for (let j = 0; j < points; j++) {
    const lo = Math.max(0, j - halfWidth);
    const w = Math.min(points, j + halfWidth + 1) - lo;
    const block = new Float64Array(m * w);
    const meanB = new Float64Array(w);
    let meanA = 0;
    rows.forEach((r) => {
      meanA += a.values[r * points + j]!;
      for (let i = 0; i < w; i++) meanB[i]! += b.values[r * points + lo + i]!;
    });
    meanA /= m;
    for (let i = 0; i < w; i++) meanB[i]! /= m;
    rows.forEach((r, k) => {
      for (let i = 0; i < w; i++) block[k * w + i] = b.values[r * points + lo + i]! - meanB[i]!;
    });
    const svd = truncatedSvd(block, m, w);
    const c = new Float64Array(w);
    svd.v.forEach((v, k) => {
      let uy = 0;
      rows.forEach((r, i) => (uy += svd.u[k]![i]! * (a.values[r * points + j]! - meanA)));
      const f = uy / svd.s[k]!;
      for (let i = 0; i < w; i++) c[i]! += f * v[i]!;
    });
    let off = meanA;
    for (let i = 0; i < w; i++) off -= meanB[i]! * c[i]!;
    starts.push(lo);
    widths.push(w);
    coefficients.push(...c);
    offset.push(off);
  }
  return { method: 'pds', points, halfWidth, starts, widths, coefficients, offset };
}

/** One spectrum `x` (from `at` in `values`) through a PDS transform into `out` at `to`. */
function pdsRow(s: PdsState, values: Float64Array, at: number, out: Float64Array, to: number): void {
  let c = 0;
  for (let j = 0; j < s.points; j++) {
    let v = s.offset[j]!;
    const lo = at + s.starts[j]!;
    for (let i = 0; i < s.widths[j]!; i++) v += values[lo + i]! * s.coefficients[c + i]!;
    c += s.widths[j]!;
    out[to + j] = v;
  }
}

/**
 * The PDS window by leave-one-out on the transfer set: for each half-width 1 … `maxHalfWidth`
 * (at most what the spectra allow), the mean squared error over every point of each spectrum
 * left out, transformed by PDS fitted on the others. The smallest error wins, the narrower
 * window on a tie.
 */
export function choosePdsWindow(a: Spectra, b: Spectra, maxHalfWidth = MAX_HALF_WIDTH): { halfWidth: number; looMse: number[] } {
  checkPair(a, b, 'pds');
  const { rows, points } = a;
  const widest = Math.max(1, Math.min(maxHalfWidth, points - 1));
  const looMse: number[] = [];
  const out = new Float64Array(points);
  for (let h = 1; h <= widest; h++) {
    let sum = 0;
    for (let left = 0; left < rows; left++) {
      const s = pdsOnRows(a, b, h, Array.from({ length: rows }, (_, i) => i).filter((i) => i !== left));
      pdsRow(s, b.values, left * points, out, 0);
      for (let j = 0; j < points; j++) sum += (out[j]! - a.values[left * points + j]!) ** 2;
    }
    looMse.push(sum / (rows * points));
  }
  const best = looMse.reduce((bi, v, i) => (v < looMse[bi]! ? i : bi), 0);
  return { halfWidth: best + 1, looMse };
}

/** Spectra measured on B, as A would have measured them. */
export function applyTransfer(state: TransferState, x: Spectra): Float64Array {
  if (x.points !== state.points) throw new UserError('BAD_INPUT', `The calibration transfer was fitted on spectra of ${state.points} points; these have ${x.points}.`, { field: 'axis' });
  const { points } = x;
  const out = new Float64Array(x.rows * points);
  for (let r = 0; r < x.rows; r++) {
    const at = r * points;
    if (state.method === 'pds') {
      pdsRow(state, x.values, at, out, at);
      continue;
    }
    for (let j = 0; j < points; j++) out[at + j] = state.offset[j]!;
    for (let k = 0; k < state.rank; k++) {
      let t = 0;
      for (let j = 0; j < points; j++) t += x.values[at + j]! * state.basis[k * points + j]!;
      for (let j = 0; j < points; j++) out[at + j]! += t * state.loadings[k * points + j]!;
    }
  }
  return out;
}
