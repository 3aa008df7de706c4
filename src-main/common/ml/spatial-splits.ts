/**
 * Spatially blocked validation for maps. Neighbouring pixels of a map have nearly the same
 * spectrum, so a random split scores a model on pixels whose neighbours it trained on and
 * reports a score it will not reach on another region or another section. A blocked split holds
 * out contiguous regions instead:
 *
 *   blocked:5[:BUFFER]              5 contiguous regions, each the test set of one fold
 *   blocked-holdout:0.2[:BUFFER]    one contiguous region of 20 % of the pixels as the test set
 *
 * Regions are strips across the map's longer side: the labelled pixels in order along that side
 * (columns, then rows within a column, for a map at least as wide as it is high) cut into runs of
 * equal count (differing by at most one), so a missing pixel or an unlabelled one shifts a
 * boundary rather than emptying a region. The hold-out is the last run, at the far end of the
 * longer side, so it has one boundary with the training pixels, not two.
 *
 * BUFFER (pixels, default 0) leaves out of training every pixel within that Chebyshev distance
 * (a square of 2·BUFFER + 1 pixels on a side) of a test pixel: those pixels are on neither side.
 * With a buffer of at least a neighbourhood's radius, no test pixel's neighbourhood reads a
 * training pixel's spectrum (../runs/neighbourhood.ts).
 */
import { UserError } from '../errors';
import type { MapGrid } from '../maps/grid';

/** Where the rows of a dataset sit on its map: {@link MapGrid} gives them. */
export type MapPixels = Pick<MapGrid, 'width' | 'height' | 'pixelOfSample'>;

export interface BlockedFold {
  train: number[];
  test: number[];
  /** Rows left out of training for being within the buffer of a test pixel. */
  buffer: number[];
}

const sorted = (a: number[]) => [...a].sort((x, y) => x - y);

/** `rows` in order along the map's longer side (ties across it by the other coordinate). */
export function alongMap(rows: number[], map: MapPixels): number[] {
  const { width, height, pixelOfSample } = map;
  const byColumn = width >= height;
  const key = (r: number) => {
    const p = pixelOfSample[r]!;
    const col = p % width;
    const row = (p - col) / width;
    return byColumn ? col * height + row : row * width + col;
  };
  return [...rows].sort((a, b) => key(a) - key(b));
}

/** `rows` cut into `k` contiguous regions along the map's longer side, sizes differing by at most one. */
export function spatialBlocks(rows: number[], map: MapPixels, k: number): number[][] {
  const order = alongMap(rows, map);
  const n = order.length;
  return Array.from({ length: k }, (_, i) => sorted(order.slice(Math.floor((i * n) / k), Math.floor(((i + 1) * n) / k))));
}

/** Splits `train` into the rows kept and those within `buffer` pixels (Chebyshev) of a test row. */
export function withoutBuffer(train: number[], test: number[], map: MapPixels, buffer: number): { train: number[]; buffer: number[] } {
  if (buffer <= 0) return { train, buffer: [] };
  const { width, height, pixelOfSample } = map;
  const near = new Uint8Array(width * height);
  for (const r of test) {
    const p = pixelOfSample[r]!;
    const col = p % width;
    const row = (p - col) / width;
    for (let y = Math.max(0, row - buffer); y <= Math.min(height - 1, row + buffer); y++) {
      for (let x = Math.max(0, col - buffer); x <= Math.min(width - 1, col + buffer); x++) near[y * width + x] = 1;
    }
  }
  const kept: number[] = [];
  const left: number[] = [];
  for (const r of train) (near[pixelOfSample[r]!] ? left : kept).push(r);
  return { train: kept, buffer: left };
}

function needMap(map: MapPixels | undefined, scheme: string): MapPixels {
  if (!map) throw new UserError('BAD_INPUT', `Validation "${scheme}" holds out regions of a map, and this dataset is not a map (its samples have no x/y positions on a grid). Use kfold:5 or holdout:0.2.`, { field: 'validation' });
  return map;
}

function buffered(train: number[], test: number[], map: MapPixels, buffer: number, scheme: string, which: string): BlockedFold {
  const b = withoutBuffer(train, test, map, buffer);
  if (!b.train.length) throw new UserError('BAD_INPUT', `Validation "${scheme}": a buffer of ${buffer} pixels around ${which} leaves no training pixels. Use a smaller buffer or more regions.`, { field: 'validation' });
  return { train: b.train, test, buffer: sorted(b.buffer) };
}

/** Blocked k-fold: fold i tests on region i and trains on the others, less the buffer around region i. */
export function blockedKFold(rows: number[], map: MapPixels | undefined, k: number, buffer: number, scheme: string): BlockedFold[] {
  const m = needMap(map, scheme);
  if (rows.length < k) throw new UserError('BAD_INPUT', `Validation "${scheme}" needs at least ${k} pixels with a target; there are ${rows.length}.`, { field: 'validation' });
  const parts = spatialBlocks(rows, m, k);
  return parts.map((test, i) => buffered(sorted(parts.filter((_, j) => j !== i).flat()), test, m, buffer, scheme, `region ${i + 1}`));
}

/** Blocked hold-out: the last `fraction` of the pixels along the map's longer side test (at least one, and one left to train). */
export function blockedHoldout(rows: number[], map: MapPixels | undefined, fraction: number, buffer: number, scheme: string): BlockedFold {
  const m = needMap(map, scheme);
  if (rows.length < 2) throw new UserError('BAD_INPUT', `Validation "${scheme}" needs at least 2 pixels with a target; there are ${rows.length}.`, { field: 'validation' });
  const order = alongMap(rows, m);
  const take = Math.min(Math.max(Math.round(order.length * fraction), 1), order.length - 1);
  const cut = order.length - take;
  return buffered(sorted(order.slice(0, cut)), sorted(order.slice(cut)), m, buffer, scheme, 'the held-out region');
}

/**
 * Test pixels with a training pixel within `distance` (Chebyshev) in the same fold, over all
 * folds: how far a split mixes neighbours across train and test.
 */
export function testPixelsTouchingTraining(map: MapPixels, folds: { train: number[]; test: number[] }[], distance: number): { touching: number; tested: number } {
  const { width, height, pixelOfSample } = map;
  let touching = 0;
  let tested = 0;
  const training = new Uint8Array(width * height);
  for (const f of folds) {
    training.fill(0);
    for (const r of f.train) training[pixelOfSample[r]!] = 1;
    for (const r of f.test) {
      tested++;
      const p = pixelOfSample[r]!;
      const col = p % width;
      const row = (p - col) / width;
      let near = false;
      for (let y = Math.max(0, row - distance); y <= Math.min(height - 1, row + distance) && !near; y++) {
        for (let x = Math.max(0, col - distance); x <= Math.min(width - 1, col + distance); x++) {
          if (training[y * width + x]) {
            near = true;
            break;
          }
        }
      }
      if (near) touching++;
    }
  }
  return { touching, tested };
}
