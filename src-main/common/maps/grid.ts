/**
 * The pixel grid of a hyperspectral map, recovered from its samples' stage coordinates.
 *
 * Instruments write each spectrum's stage position (x, y), not a pixel index, and the
 * positions carry rounding noise (chondro's y runs -4.77, -3.77, ..., -0.769999999999998).
 * The grid is the smallest regular lattice that holds every position: step from the
 * smallest gap between distinct positions, refined over the whole span, and every
 * position must sit on a lattice point. Lattice points without a sample are missing
 * pixels (masked or irregular maps); they are reported, never filled in.
 *
 * Pixel (col, row) is `row * width + col`; col grows with x from x0, row grows with y
 * from y0, so row 0 is the smallest y (drawn at the top of an image, as stage images are).
 */
import { UserError } from '../errors';

export interface MapGrid {
  width: number;
  height: number;
  /** Position of column 0 / row 0, in the coordinates' units. */
  x0: number;
  y0: number;
  /** Distance between neighbouring columns / rows (a line scan copies the other axis' step). */
  stepX: number;
  stepY: number;
  /** The common step when columns and rows are equally spaced (within 0.1 %), otherwise null. */
  step: number | null;
  /** Pixels holding a sample. */
  pixels: number;
  /** Pixel index of each sample, in input order. */
  pixelOfSample: Int32Array;
  /** Sample (input order) at each pixel, or -1 for a missing pixel. */
  sampleAtPixel: Int32Array;
  /** Pixel indices without a sample, ascending. */
  missing: number[];
}

/** How far (in steps) a position may sit from its lattice point: stage jitter, not a skipped half step. */
const SNAP = 0.1;
/** A grid with more empty than this many pixels per sample is not a map but scattered points. */
const MAX_PIXELS_PER_SAMPLE = 16;

interface Axis {
  origin: number;
  step: number;
  count: number;
}

/** Distinct positions (within `tol`) of one axis, ascending. */
function distinct(values: ArrayLike<number>, tol: number): number[] {
  const sorted = Array.from(values).sort((a, b) => a - b);
  const out: number[] = [];
  for (const v of sorted) if (out.length === 0 || v - out[out.length - 1] > tol) out.push(v);
  return out;
}

function axis(values: ArrayLike<number>, name: 'x' | 'y'): Axis | null {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new UserError('BAD_INPUT', `Map coordinate ${name} of sample ${i + 1} is not a number.`, { field: name });
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min;
  const lines = distinct(values, Math.max(span, Math.abs(max), 1) * 1e-9);
  if (lines.length < 2) return null;
  let gap = Infinity;
  for (let i = 1; i < lines.length; i++) gap = Math.min(gap, lines[i] - lines[i - 1]);
  // The smallest gap carries one rounding error; the span divided by its number of steps carries
  // the same error once over many steps.
  const step = span / Math.round(span / gap);
  for (const v of lines) {
    const k = (v - min) / step;
    if (Math.abs(k - Math.round(k)) > SNAP) {
      throw new UserError(
        'BAD_INPUT',
        `Map coordinates do not lie on a regular grid: ${name} = ${v} is ${k.toFixed(2)} steps of ${step} from ${min}.`,
        { field: name },
      );
    }
  }
  return { origin: min, step, count: Math.round(span / step) + 1 };
}

/**
 * The grid of a map from its samples' coordinates (one x and one y per sample, same order).
 * Throws a UserError when the positions are not a map: fewer than two samples, two samples on
 * one pixel, positions off any regular lattice, or a lattice mostly empty.
 */
export function mapGrid(x: ArrayLike<number>, y: ArrayLike<number>): MapGrid {
  const n = x.length;
  if (y.length !== n) throw new UserError('BAD_INPUT', `A map needs one x and one y per sample; got ${n} x and ${y.length} y.`);
  if (n < 2) throw new UserError('BAD_INPUT', `A map needs at least two samples with coordinates; got ${n}.`);
  const ax = axis(x, 'x');
  const ay = axis(y, 'y');
  if (!ax && !ay) throw new UserError('BAD_INPUT', `All ${n} samples have the same map position (${x[0]}, ${y[0]}).`);
  const gx = ax ?? { origin: x[0], step: ay!.step, count: 1 };
  const gy = ay ?? { origin: y[0], step: ax!.step, count: 1 };
  const width = gx.count;
  const height = gy.count;
  const total = width * height;
  if (total > n * MAX_PIXELS_PER_SAMPLE) {
    throw new UserError(
      'BAD_INPUT',
      `Map coordinates span a ${width} × ${height} grid for only ${n} samples: they are scattered points, not a map.`,
    );
  }
  const sampleAtPixel = new Int32Array(total).fill(-1);
  const pixelOfSample = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const col = Math.round((x[i] - gx.origin) / gx.step);
    const row = Math.round((y[i] - gy.origin) / gy.step);
    const p = row * width + col;
    const other = sampleAtPixel[p];
    if (other >= 0) {
      throw new UserError(
        'BAD_INPUT',
        `Samples ${other + 1} and ${i + 1} sit on the same map pixel (x ${x[i]}, y ${y[i]}); a map has one spectrum per pixel.`,
      );
    }
    sampleAtPixel[p] = i;
    pixelOfSample[i] = p;
  }
  const missing: number[] = [];
  for (let p = 0; p < total; p++) if (sampleAtPixel[p] < 0) missing.push(p);
  const same = Math.abs(gx.step - gy.step) <= 1e-3 * Math.max(gx.step, gy.step);
  return {
    width,
    height,
    x0: gx.origin,
    y0: gy.origin,
    stepX: gx.step,
    stepY: gy.step,
    step: same ? gx.step : null,
    pixels: n,
    pixelOfSample,
    sampleAtPixel,
    missing,
  };
}
