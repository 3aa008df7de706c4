/**
 * A pixel's neighbourhood as model input. On a map, a pixel's spectrum and those around it
 * (radius r: the (2r + 1)² pixels of the square centred on it) describe the tissue there better
 * than one noisy spectrum. They reach the models as channels, through the multi-channel path
 * (./channels.ts: each channel through the recipe fitted on the training rows and standardised on
 * its own; networks read [points, channels] channels-last, PLS the blocks one after the other):
 *
 *   channels   the (2r + 1)² spectra, the pixel itself first, then the offsets row by row
 *   mean       two channels: the pixel, and the mean of its (2r + 1)² spectra
 *
 * Edges are reflected, never wrapped: column −1 reads column 1, column `width` reads `width − 2`
 * (the edge pixel is not repeated), so a pixel never mixes in the far side of the map. A
 * neighbour on a missing pixel (a masked or irregular map) is not invented: in `channels` mode
 * it takes the pixel's own spectrum, in `mean` mode it is left out of the mean.
 *
 * A neighbourhood reads pixels around a test pixel; a spatially blocked split (../ml/splits.ts)
 * therefore needs a buffer of at least r pixels, so that no test pixel's neighbourhood holds a
 * training pixel's spectrum (and no training pixel's a test pixel's).
 */
import { UserError } from '../errors';
import type { MapGrid } from '../maps/grid';
import type { SpectraBlock } from '../preprocessing/types';
import type { ExtraChannels } from './channels';

export const NEIGHBOURHOOD_MODES = ['channels', 'mean'] as const;
export type NeighbourhoodMode = (typeof NEIGHBOURHOOD_MODES)[number];

export interface Neighbourhood {
  radius: number;
  mode: NeighbourhoodMode;
}

/** The largest radius the schemas take; a map must also be wider and higher than the radius. */
export const MAX_NEIGHBOURHOOD_RADIUS = 10;

/** Index `i` reflected into [0, n) about the edges, the edge not repeated (needs |overshoot| < n). */
export function reflect(i: number, n: number): number {
  if (i < 0) return -i;
  if (i >= n) return 2 * (n - 1) - i;
  return i;
}

/** Offsets (dx, dy) of the square of radius r, the centre first, then row by row. */
export function neighbourOffsets(radius: number): [number, number][] {
  const out: [number, number][] = [[0, 0]];
  for (let dy = -radius; dy <= radius; dy++) for (let dx = -radius; dx <= radius; dx++) if (dx || dy) out.push([dx, dy]);
  return out;
}

const signed = (v: number) => (v > 0 ? `+${v}` : v < 0 ? `−${-v}` : '0');

/** Names of the channels a neighbourhood gives, the pixel's own first. */
export function neighbourhoodNames(n: Neighbourhood): string[] {
  const side = 2 * n.radius + 1;
  if (n.mode === 'mean') return ['pixel', `mean of ${side} × ${side}`];
  return neighbourOffsets(n.radius).map(([dx, dy], i) => (i === 0 ? 'pixel' : `x ${signed(dx)}, y ${signed(dy)}`));
}

/** Refuses a radius that does not fit in the map (`what` names it: `map "chondro"`). */
export function checkRadius(radius: number, grid: Pick<MapGrid, 'width' | 'height'>, what: string): void {
  const fits = Math.min(grid.width, grid.height) - 1;
  if (radius > fits) {
    throw new UserError('BAD_INPUT', `A neighbourhood of radius ${radius} is larger than the ${what} (${grid.width} × ${grid.height} pixels) allows: ${fits > 0 ? `at most ${fits}, so that its reflected edges stay inside the map` : 'a line scan has no neighbours across it'}.`, { field: 'neighbourhood' });
  }
}

/**
 * The neighbourhood of every row of `block` (row r is the sample at `grid.pixelOfSample[r]`) as
 * the channels after channel 0, which is `block` itself.
 * @throws UserError when the radius does not fit in the map
 */
export function neighbourhoodChannels(block: SpectraBlock, grid: Pick<MapGrid, 'width' | 'height' | 'pixelOfSample' | 'sampleAtPixel'>, n: Neighbourhood, what: string): ExtraChannels {
  checkRadius(n.radius, grid, what);
  const { width, height, pixelOfSample, sampleAtPixel } = grid;
  const points = block.axis.length;
  const rows = block.rows;
  if (pixelOfSample.length !== rows) throw new Error(`neighbourhoodChannels: ${rows} spectra, ${pixelOfSample.length} pixels.`);
  const names = neighbourhoodNames(n);
  /** The sample whose spectrum stands at offset (dx, dy) from row r's pixel, or -1 on a missing pixel. */
  const neighbour = (r: number, dx: number, dy: number) => {
    const p = pixelOfSample[r]!;
    const col = p % width;
    const line = (p - col) / width;
    return sampleAtPixel[reflect(line + dy, height) * width + reflect(col + dx, width)]!;
  };
  const offsets = neighbourOffsets(n.radius);
  if (n.mode === 'channels') {
    const blocks = offsets.slice(1).map(([dx, dy]) => {
      const values = new Float64Array(rows * points);
      for (let r = 0; r < rows; r++) {
        const s = neighbour(r, dx, dy);
        values.set(block.values.subarray((s < 0 ? r : s) * points, ((s < 0 ? r : s) + 1) * points), r * points);
      }
      return { axis: block.axis, values, rows };
    });
    return { names, blocks };
  }
  const mean = new Float64Array(rows * points);
  for (let r = 0; r < rows; r++) {
    let count = 0;
    const o = r * points;
    for (const [dx, dy] of offsets) {
      const s = neighbour(r, dx, dy);
      if (s < 0) continue;
      count++;
      for (let j = 0; j < points; j++) mean[o + j]! += block.values[s * points + j]!;
    }
    for (let j = 0; j < points; j++) mean[o + j]! /= count;
  }
  return { names, blocks: [{ axis: block.axis, values: mean, rows }] };
}
