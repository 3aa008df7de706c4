import { describe, expect, it } from 'vitest';
import { checkRadius, neighbourhoodChannels, neighbourhoodNames, neighbourOffsets, reflect } from '../../../src-main/common/runs/neighbourhood';
import { mapGrid } from '../../../src-main/common/maps/grid';
import type { SpectraBlock } from '../../../src-main/common/preprocessing/types';

/**
 * A 3 × 3 map, x and y in steps of 1; the spectrum of pixel p is [p, 10 p]. Samples are stored in
 * another order than the pixels (sample i sits at pixel order[i]), as a project may hold them.
 *
 *    0 1 2
 *    3 4 5
 *    6 7 8
 */
const order = [4, 0, 8, 1, 2, 3, 5, 6, 7];
const grid = mapGrid(
  order.map((p) => p % 3),
  order.map((p) => Math.floor(p / 3)),
);
const block: SpectraBlock = { axis: Float64Array.from([1, 2]), values: Float64Array.from(order.flatMap((p) => [p, 10 * p])), rows: order.length };
const sampleOf = (pixel: number) => order.indexOf(pixel);
/** The pixel whose spectrum channel c of the sample at `pixel` holds. */
const pixelIn = (blocks: SpectraBlock[], c: number, pixel: number) => blocks[c - 1]!.values[sampleOf(pixel) * 2]!;

describe('neighbourhood inputs', () => {
  it('reflects about the edges without repeating them, never wrapping', () => {
    expect([-2, -1, 0, 4, 5, 6].map((i) => reflect(i, 5))).toEqual([2, 1, 0, 4, 3, 2]);
    expect(neighbourOffsets(1)).toEqual([
      [0, 0],
      [-1, -1],
      [0, -1],
      [1, -1],
      [-1, 0],
      [1, 0],
      [-1, 1],
      [0, 1],
      [1, 1],
    ]);
    expect(neighbourhoodNames({ radius: 1, mode: 'channels' })).toEqual(['pixel', 'x −1, y −1', 'x 0, y −1', 'x +1, y −1', 'x −1, y 0', 'x +1, y 0', 'x −1, y +1', 'x 0, y +1', 'x +1, y +1']);
    expect(neighbourhoodNames({ radius: 2, mode: 'mean' })).toEqual(['pixel', 'mean of 5 × 5']);
  });

  it('gives the (2r + 1)² spectra as channels, the pixel first, edges reflected', () => {
    const { names, blocks } = neighbourhoodChannels(block, grid, { radius: 1, mode: 'channels' }, 'map');
    expect(names).toHaveLength(9);
    expect(blocks).toHaveLength(8);
    // The centre pixel reads its 8 neighbours as they are.
    expect(Array.from({ length: 8 }, (_, c) => pixelIn(blocks, c + 1, 4))).toEqual([0, 1, 2, 3, 5, 6, 7, 8]);
    // The corner pixel 0 reads across its edges by reflection: column −1 is column 1, row −1 is row 1.
    expect(Array.from({ length: 8 }, (_, c) => pixelIn(blocks, c + 1, 0))).toEqual([4, 3, 4, 1, 1, 4, 3, 4]);
    // Pixel 5 on the right edge: column 3 is column 1 (wrapping would read column 0).
    expect(Array.from({ length: 8 }, (_, c) => pixelIn(blocks, c + 1, 5))).toEqual([1, 2, 1, 4, 4, 7, 8, 7]);
    // Every point of a spectrum moves with it.
    expect(blocks[0]!.values[sampleOf(0) * 2 + 1]).toBe(40);
  });

  it('gives the mean of the neighbourhood as one extra channel', () => {
    const { names, blocks } = neighbourhoodChannels(block, grid, { radius: 1, mode: 'mean' }, 'map');
    expect(names).toEqual(['pixel', 'mean of 3 × 3']);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.values[sampleOf(4) * 2]).toBe(4);
    expect(blocks[0]!.values[sampleOf(0) * 2]).toBeCloseTo((0 + 4 + 3 + 4 + 1 + 1 + 4 + 3 + 4) / 9, 12);
    expect(blocks[0]!.values[sampleOf(0) * 2 + 1]).toBeCloseTo((10 * 24) / 9, 12);
  });

  it('does not invent a missing pixel: the pixel itself in its place, or left out of the mean', () => {
    // Pixel 4 missing: 8 samples.
    const without = order.filter((p) => p !== 4);
    const g = mapGrid(
      without.map((p) => p % 3),
      without.map((p) => Math.floor(p / 3)),
    );
    expect(g.missing).toEqual([4]);
    const b: SpectraBlock = { axis: Float64Array.from([1, 2]), values: Float64Array.from(without.flatMap((p) => [p, 10 * p])), rows: without.length };
    const at = (pixel: number) => without.indexOf(pixel);
    const channels = neighbourhoodChannels(b, g, { radius: 1, mode: 'channels' }, 'map').blocks;
    expect(Array.from({ length: 8 }, (_, c) => channels[c]!.values[at(0) * 2]!)).toEqual([0, 3, 0, 1, 1, 0, 3, 0]);
    const mean = neighbourhoodChannels(b, g, { radius: 1, mode: 'mean' }, 'map').blocks[0]!;
    expect(mean.values[at(0) * 2]).toBeCloseTo((0 + 3 + 1 + 1 + 3) / 5, 12);
  });

  it('refuses a radius larger than the map', () => {
    expect(() => checkRadius(3, { width: 35, height: 3 }, 'map "chondro"')).toThrow('A neighbourhood of radius 3 is larger than the map "chondro" (35 × 3 pixels) allows: at most 2, so that its reflected edges stay inside the map.');
    expect(() => checkRadius(1, { width: 6, height: 1 }, 'map "line"')).toThrow('A neighbourhood of radius 1 is larger than the map "line" (6 × 1 pixels) allows: a line scan has no neighbours across it.');
    expect(() => neighbourhoodChannels(block, grid, { radius: 3, mode: 'mean' }, 'map "m"')).toThrow('A neighbourhood of radius 3 is larger than the map "m" (3 × 3 pixels) allows: at most 2');
    expect(() => checkRadius(2, { width: 3, height: 3 }, 'map')).not.toThrow();
  });
});
