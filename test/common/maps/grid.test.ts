import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapGrid } from '../../../src-main/common/maps/grid';
import { fixture } from '../../helpers/datasets';

const chondro = fixture('raman_map_chondro', 'chondro.csv');

describe('map grid from coordinates', () => {
  it('recovers chondro: 35 × 25 pixels, 1 µm steps, no pixel missing', () => {
    const rows = readFileSync(chondro, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const g = mapGrid(rows.map((r) => Number(r[1])), rows.map((r) => Number(r[2])));
    expect([g.width, g.height, g.pixels, g.missing]).toEqual([35, 25, 875, []]);
    expect(g.x0).toBe(-11.55);
    expect(g.y0).toBe(-4.77);
    expect(g.stepX).toBeCloseTo(1, 12);
    expect(g.stepY).toBeCloseTo(1, 12);
    expect(g.step).toBe(g.stepX);
    // The file lists pixels row by row from the smallest y.
    expect(Array.from(g.pixelOfSample)).toEqual(rows.map((_, i) => i));
  });

  it('keeps missing pixels missing and places samples given in any order', () => {
    // 3 × 2 grid, step 0.5, pixel (1, 1) absent, coordinates with rounding noise.
    const x = [1.0000000001, 0.5, 0, 0, 1];
    const y = [0, 0, 0, 0.4999999999, 0.5];
    const g = mapGrid(x, y);
    expect([g.width, g.height, g.x0, g.y0]).toEqual([3, 2, 0, 0]);
    expect(g.step).toBeCloseTo(0.5, 9);
    expect(Array.from(g.pixelOfSample)).toEqual([2, 1, 0, 3, 5]);
    expect(Array.from(g.sampleAtPixel)).toEqual([2, 1, 0, 3, -1, 4]);
    expect(g.missing).toEqual([4]);
    expect(g.pixels).toBe(5);
  });

  it('a line scan is a 1-row map; unequal steps give step null', () => {
    const line = mapGrid([0, 2, 4, 6], [3, 3, 3, 3]);
    expect([line.width, line.height, line.stepX, line.stepY, line.step]).toEqual([4, 1, 2, 2, 2]);
    const rect = mapGrid([0, 1, 0, 1], [0, 0, 3, 3]);
    expect([rect.width, rect.height, rect.stepX, rect.stepY, rect.step]).toEqual([2, 2, 1, 3, null]);
  });

  it('refuses what is not a map, saying why', () => {
    expect(() => mapGrid([0], [0])).toThrow('A map needs at least two samples with coordinates; got 1.');
    expect(() => mapGrid([1, 1], [2, 2])).toThrow('All 2 samples have the same map position (1, 2).');
    expect(() => mapGrid([0, 1, 0], [0, 0, 0])).toThrow('Samples 1 and 3 sit on the same map pixel (x 0, y 0); a map has one spectrum per pixel.');
    expect(() => mapGrid([0, 1, 1.5, 2.2], [0, 0, 0, 0])).toThrow('Map coordinates do not lie on a regular grid: x = 1 is 1.82 steps of 0.55 from 0.');
    expect(() => mapGrid([0, 0.4, 1], [0, 0, 0])).toThrow('Map coordinates do not lie on a regular grid');
    expect(() => mapGrid([0, 1, 100], [0, 1, 100])).toThrow('Map coordinates span a 101 × 101 grid for only 3 samples: they are scattered points, not a map.');
    expect(() => mapGrid([0, Number.NaN], [0, 1])).toThrow('Map coordinate x of sample 2 is not a number.');
  });
});
