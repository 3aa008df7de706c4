import { describe, expect, it } from 'vitest';
import { insidePolygon, pixelsInPolygon, pixelsInRect } from '../../src-renderer/src/components/map/map-selection';
import { PIXEL } from '../../src-main/common/maps/image';

const grid = (width: number, height: number, missing: number[] = []) => {
  const state = new Uint8Array(width * height).fill(PIXEL.value);
  for (const p of missing) state[p] = PIXEL.missing;
  return { width, height, state };
};

describe('freehand (lasso) selection', () => {
  it('takes the pixels whose centre lies inside a triangle, not the missing ones', () => {
    // x / 5 + y / 4 < 1 on a 5 × 4 grid: centres (col + 0.5, row + 0.5).
    const triangle = [
      { x: 0, y: 0 },
      { x: 5, y: 0 },
      { x: 0, y: 4 },
    ];
    expect(pixelsInPolygon(grid(5, 4), triangle)).toEqual([0, 1, 2, 3, 5, 6, 7, 10, 11, 15]);
    expect(pixelsInPolygon(grid(5, 4, [6]), triangle)).toEqual([0, 1, 2, 3, 5, 7, 10, 11, 15]);
  });

  it('leaves out the notch of a U-shaped outline (even–odd rule) and what lies outside the map', () => {
    const u = [
      { x: 0, y: 0 },
      { x: 1, y: 0 },
      { x: 1, y: 2 },
      { x: 2, y: 2 },
      { x: 2, y: 0 },
      { x: 3, y: 0 },
      { x: 3, y: 3 },
      { x: 0, y: 3 },
    ];
    expect(pixelsInPolygon(grid(3, 3), u)).toEqual([0, 2, 3, 5, 6, 7, 8]);
    expect(insidePolygon(u, 1.5, 1.5)).toBe(false);
    expect(insidePolygon(u, 1.5, 2.5)).toBe(true);
    // An outline reaching past the map's edges selects only the map's pixels.
    const big = [
      { x: -2, y: -2 },
      { x: 9, y: -2 },
      { x: 9, y: 9 },
      { x: -2, y: 9 },
    ];
    expect(pixelsInPolygon(grid(3, 2), big)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('selects nothing from fewer than three points; a rectangle of the same pixels agrees', () => {
    expect(pixelsInPolygon(grid(3, 3), [{ x: 0, y: 0 }, { x: 3, y: 3 }])).toEqual([]);
    const square = [
      { x: 1, y: 1 },
      { x: 3, y: 1 },
      { x: 3, y: 3 },
      { x: 1, y: 3 },
    ];
    expect(pixelsInPolygon(grid(4, 4), square)).toEqual(pixelsInRect(grid(4, 4), { col: 1, row: 1 }, { col: 2, row: 2 }));
  });
});
