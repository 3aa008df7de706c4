/**
 * A map image: one value or class per pixel of a map's grid, what it shows, and how it is
 * drawn. The window's canvas, the exported PNG and the SVG draw with `pixelColours`, so a file
 * looks as the screen does.
 */
import { z } from 'zod';
import { CLASS_PALETTE, hexBytes, MISSING_COLOUR, viridis } from '../format/colours';
import type { MapGrid } from './grid';

const finite = z.number().finite();

/** What a map image shows. Wavenumbers (or wavelengths) are in the dataset's axis units. */
export const mapImageSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('band'), at: finite }).strict(),
  z.object({ kind: z.literal('area'), from: finite, to: finite }).strict(),
  z.object({ kind: z.literal('ratio'), numerator: finite, denominator: finite }).strict(),
  z.object({ kind: z.literal('pca'), component: z.number().int().min(1).max(20) }).strict(),
  z.object({ kind: z.literal('kmeans'), k: z.number().int().min(2).max(20), seed: z.number().int().min(0).max(2 ** 31 - 1).optional() }).strict(),
  z.object({ kind: z.literal('ward'), k: z.number().int().min(2).max(20) }).strict(),
  z.object({ kind: z.literal('class'), column: z.string().min(1).max(200) }).strict(),
]);
export type MapImageSpec = z.infer<typeof mapImageSpec>;

/** What a pixel holds: a value, no spectrum (a missing pixel of the grid), masked out, or a spectrum without a value. */
export const PIXEL = { value: 0, missing: 1, masked: 2, none: 3 } as const;

/** Grid size and placement as in `MapGrid`: pixel (col, row) sits at (x0 + col·stepX, y0 + row·stepY). */
export interface MapImage extends Pick<MapGrid, 'width' | 'height' | 'x0' | 'y0' | 'stepX' | 'stepY'> {
  /** Unit of the map coordinates, when the file said. */
  unit: string | null;
  /** What is shown, in words ("Intensity at 1004 cm⁻¹"). */
  title: string;
  /** Unit of the values (counts, counts·cm⁻¹, score), null for ratios, classes and intensities of unknown unit. */
  valueUnit: string | null;
  /** What the colour scale measures, with its unit ("Intensity (counts)", "Ratio"). */
  scaleLabel: string;
  /** Per pixel (row-major): the value, or the class index for class images; NaN where there is none. */
  values: Float32Array;
  /** Per pixel: a PIXEL state. */
  state: Uint8Array;
  /** Per pixel: the sample id there, 0 for a missing pixel. */
  sampleIds: Float64Array;
  /** Class images (clusters, a label column): the class names, index = value. */
  classes?: string[];
  /** Cluster images: the mean spectrum and size of each cluster, on `axis`. */
  means?: { name: string; count: number; mean: Float32Array }[];
  axis?: Float64Array;
  /** Range of the finite values (0, 0 when there are none). */
  min: number;
  max: number;
  /** How the image was made, when that is worth saying (a prediction: spectra, time, flagged). */
  note?: string;
}

/** Colour bytes of pixel states other than a value. */
export const MASKED_COLOUR = '#3a3a3a';

/** Index of the axis point nearest to `x`; refuses a position outside the axis. */
export function nearestPoint(axis: ArrayLike<number>, x: number, unit: string): number {
  const lo = Math.min(axis[0]!, axis[axis.length - 1]!);
  const hi = Math.max(axis[0]!, axis[axis.length - 1]!);
  if (x < lo || x > hi) throw new RangeError(`${x} ${unit} is outside the spectra's axis (${lo} to ${hi} ${unit}).`);
  let best = 0;
  for (let i = 1; i < axis.length; i++) if (Math.abs(axis[i]! - x) < Math.abs(axis[best]! - x)) best = i;
  return best;
}

/** First and last axis index inside [from, to] (either order); refuses a range holding fewer than two points. */
export function pointRange(axis: ArrayLike<number>, from: number, to: number, unit: string): [number, number] {
  const a = Math.min(from, to);
  const b = Math.max(from, to);
  let first = -1;
  let last = -1;
  for (let i = 0; i < axis.length; i++)
    if (axis[i]! >= a && axis[i]! <= b) {
      if (first < 0) first = i;
      last = i;
    }
  if (first < 0 || last === first) throw new RangeError(`The range ${a} to ${b} ${unit} holds ${first < 0 ? 'no' : 'one'} point of the spectra's axis; a band area needs at least two.`);
  return [first, last];
}

/** Trapezoid area under `y` (points first … last of the axis), over |Δx| so that descending axes give positive areas. */
export function bandArea(axis: ArrayLike<number>, y: ArrayLike<number>, first: number): number {
  let s = 0;
  for (let i = 1; i < y.length; i++) s += (Math.abs(axis[first + i]! - axis[first + i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return s;
}

/** Finite minimum and maximum of the values (0, 0 when none are finite). */
export function valueRange(values: ArrayLike<number>): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : { min: 0, max: 0 };
}

/**
 * The colour of each pixel: values on viridis from `min` to `max` (the image's range unless
 * given), classes in the class palette, a pixel without a value grey, a masked one dark grey, a
 * missing one none (null: drawn transparent). The canvas, the PNG and the SVG all draw with it.
 */
export function pixelColours(image: MapImage, range: { min: number; max: number } = image): (p: number) => [number, number, number] | null {
  const none = hexBytes(MISSING_COLOUR);
  const masked = hexBytes(MASKED_COLOUR);
  const palette = CLASS_PALETTE.map(hexBytes);
  const span = range.max - range.min;
  return (p) => {
    const state = image.state[p]!;
    if (state === PIXEL.missing) return null;
    const v = image.values[p]!;
    if (state === PIXEL.masked) return masked;
    if (state === PIXEL.none || !Number.isFinite(v)) return none;
    return image.classes ? palette[v % palette.length]! : viridis(span > 0 ? (v - range.min) / span : 0.5);
  };
}

/** RGBA bytes of the image, `scale` × `scale` screen pixels per map pixel, in the colours of {@link pixelColours}. */
export function imageRgba(image: MapImage, scale = 1, range: { min: number; max: number } = image): Uint8ClampedArray<ArrayBuffer> {
  const w = image.width * scale;
  const out = new Uint8ClampedArray(w * image.height * scale * 4);
  const colour = pixelColours(image, range);
  for (let p = 0; p < image.values.length; p++) {
    const rgb = colour(p);
    if (!rgb) continue;
    const col = p % image.width;
    const row = Math.floor(p / image.width);
    for (let dy = 0; dy < scale; dy++)
      for (let dx = 0; dx < scale; dx++) {
        const o = ((row * scale + dy) * w + col * scale + dx) * 4;
        out[o] = rgb[0];
        out[o + 1] = rgb[1];
        out[o + 2] = rgb[2];
        out[o + 3] = 255;
      }
  }
  return out;
}
