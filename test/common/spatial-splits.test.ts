import { describe, expect, it } from 'vitest';
import { makeFolds, parseScheme, schemeLabel, schemeText, type FoldInput } from '../../src-main/common/ml/splits';
import { alongMap, blockedHoldout, blockedKFold, spatialBlocks, withoutBuffer, type MapPixels } from '../../src-main/common/ml/spatial-splits';
import { mapGrid } from '../../src-main/common/maps/grid';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * A 4 × 3 map whose row r is pixel r (row-major): pixel = 4 · line + column.
 *
 *    0  1  2  3
 *    4  5  6  7
 *    8  9 10 11
 */
const wide: MapPixels = { width: 4, height: 3, pixelOfSample: Int32Array.from(range(12)) };

function input(map: MapPixels | undefined, n = 12): FoldInput {
  return { rows: range(n), target: Float64Array.from(range(n), (i) => i % 2), kind: 'classification', splits: range(n).map(() => null), ...(map ? { map } : {}), seed: 1 };
}

describe('spatially blocked splits', () => {
  it('orders pixels along the longer side: by column on a wide map, by line on a tall one', () => {
    expect(alongMap(range(12), wide)).toEqual([0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    const tall: MapPixels = { width: 2, height: 3, pixelOfSample: Int32Array.from(range(6)) };
    expect(alongMap([5, 4, 3, 2, 1, 0], tall)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('cuts regions of equal count, a boundary running down a column when the count asks for it', () => {
    expect(spatialBlocks(range(12), wide, 2)).toEqual([
      [0, 1, 4, 5, 8, 9],
      [2, 3, 6, 7, 10, 11],
    ]);
    expect(spatialBlocks(range(12), wide, 3)).toEqual([
      [0, 1, 4, 8],
      [2, 5, 6, 9],
      [3, 7, 10, 11],
    ]);
    expect(spatialBlocks(range(12), wide, 5).map((b) => b.length)).toEqual([2, 2, 3, 2, 3]);
  });

  it('leaves the pixels within the buffer of a test pixel out of training', () => {
    expect(withoutBuffer([2, 3, 6, 7, 10, 11], [0, 1, 4, 5, 8, 9], wide, 1)).toEqual({ train: [3, 7, 11], buffer: [2, 6, 10] });
    // Chebyshev distance: a diagonal neighbour is within 1.
    expect(withoutBuffer([0, 2, 3, 6, 8, 9, 10], [5], wide, 1)).toEqual({ train: [3], buffer: [0, 2, 6, 8, 9, 10] });
    expect(withoutBuffer([0, 3], [5], wide, 0)).toEqual({ train: [0, 3], buffer: [] });
  });

  it('blocked k-fold: each region tests once, the buffer on neither side', () => {
    expect(blockedKFold(range(12), wide, 2, 1, 'blocked:2:1')).toEqual([
      { train: [3, 7, 11], test: [0, 1, 4, 5, 8, 9], buffer: [2, 6, 10] },
      { train: [0, 4, 8], test: [2, 3, 6, 7, 10, 11], buffer: [1, 5, 9] },
    ]);
    expect(() => blockedKFold(range(12), wide, 2, 2, 'blocked:2:2')).toThrow('Validation "blocked:2:2": a buffer of 2 pixels around region 1 leaves no training pixels. Use a smaller buffer or more regions.');
  });

  it('blocked hold-out: the last fraction along the longer side', () => {
    expect(blockedHoldout(range(12), wide, 0.25, 0, 'blocked-holdout:0.25')).toEqual({ train: [0, 1, 2, 4, 5, 6, 8, 9, 10], test: [3, 7, 11], buffer: [] });
    expect(blockedHoldout(range(12), wide, 0.25, 1, 'blocked-holdout:0.25:1')).toEqual({ train: [0, 1, 4, 5, 8, 9], test: [3, 7, 11], buffer: [2, 6, 10] });
    // At least one pixel tests and one trains.
    expect(blockedHoldout([0, 1], wide, 0.01, 0, 'blocked-holdout:0.01').test).toEqual([1]);
  });

  it('follows the grid of a map with missing pixels and samples in any order', () => {
    // 3 × 2 map, samples at x/y positions in stage units; pixels 2 and 4 have no sample.
    //    s1  s3  --
    //    s2  --  s0
    const grid = mapGrid([20, 0, 0, 10], [5, 0, 5, 0]);
    expect(Array.from(grid.pixelOfSample)).toEqual([5, 0, 3, 1]);
    expect(alongMap(range(4), grid)).toEqual([1, 2, 3, 0]);
    expect(spatialBlocks(range(4), grid, 2)).toEqual([
      [1, 2],
      [0, 3],
    ]);
  });
});

describe('blocked schemes', () => {
  it('parse, print and read with their buffer', () => {
    expect(parseScheme('blocked:5')).toEqual({ kind: 'blocked', k: 5, buffer: 0 });
    expect(parseScheme('blocked:4:2')).toEqual({ kind: 'blocked', k: 4, buffer: 2 });
    expect(parseScheme('blocked-holdout:0.2')).toEqual({ kind: 'blocked-holdout', fraction: 0.2, buffer: 0 });
    expect(parseScheme('blocked-holdout:25%:1')).toEqual({ kind: 'blocked-holdout', fraction: 0.25, buffer: 1 });
    expect(schemeText({ kind: 'blocked', k: 4, buffer: 2 })).toBe('blocked:4:2');
    expect(schemeText({ kind: 'blocked-holdout', fraction: 0.2, buffer: 0 })).toBe('blocked-holdout:0.2');
    expect(schemeLabel({ kind: 'blocked', k: 4, buffer: 2 })).toBe('spatially blocked 4-fold cross-validation (contiguous regions of the map, 2-pixel buffer left out)');
    expect(schemeLabel({ kind: 'blocked-holdout', fraction: 0.2, buffer: 0 })).toBe('spatially blocked hold-out 20 % (a contiguous region of the map)');
    expect(() => parseScheme('blocked:1')).toThrow('Validation "blocked:1": the number of regions must be a whole number from 2 to 100.');
    expect(() => parseScheme('blocked:5:-1')).toThrow('Validation "blocked:5:-1": the buffer (pixels) must be a whole number from 0 to 1000.');
    expect(() => parseScheme('blocked-holdout:2')).toThrow('Validation "blocked-holdout:2": the test fraction must be between 0 and 1 (e.g. 0.2 or 20%).');
    expect(() => parseScheme('loo')).toThrow('For a map: blocked:5 (or blocked:5:BUFFER) or blocked-holdout:0.2 (or blocked-holdout:0.2:BUFFER).');
  });

  it('make folds over the rows with a target only, labelled with the buffer they leave out', () => {
    const folds = makeFolds({ kind: 'blocked', k: 2, buffer: 1 }, { ...input(wide), rows: [0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11] });
    // Row 3 has no target: 11 pixels, regions of 5 and 6.
    expect(folds).toEqual([
      { label: 'region 1 of 2 (4 buffer pixels left out)', train: [7, 11], test: [0, 1, 4, 5, 8] },
      { label: 'region 2 of 2 (4 buffer pixels left out)', train: [0], test: [2, 6, 7, 9, 10, 11] },
    ]);
    expect(makeFolds({ kind: 'blocked-holdout', fraction: 0.25, buffer: 0 }, input(wide))).toEqual([{ label: 'blocked hold-out 25 %', train: [0, 1, 2, 4, 5, 6, 8, 9, 10], test: [3, 7, 11] }]);
  });

  it('are refused on a dataset that is not a map', () => {
    expect(() => makeFolds({ kind: 'blocked', k: 5, buffer: 0 }, input(undefined))).toThrow('Validation "blocked:5" holds out regions of a map, and this dataset is not a map (its samples have no x/y positions on a grid). Use kfold:5 or holdout:0.2.');
  });
});
