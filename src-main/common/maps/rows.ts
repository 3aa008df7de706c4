/**
 * Spectra read page by page. A map can hold more spectra than fit in memory as one block, so the
 * map statistics (k-means, PCA, cluster means) take their rows from a source that hands out
 * pages in a fixed order, and fetch single rows by index, instead of one array of everything.
 */
export interface RowPages {
  rows: number;
  points: number;
  /** Calls `fn` for consecutive pages, in row order: `block` holds `count` rows from row `first`, row-major. */
  forEachPage(fn: (block: Float32Array, first: number, count: number) => void): void;
  /** One row, by index. */
  row(index: number): Float32Array;
}

/** Rows of an in-memory row-major block, in pages of `pageRows` (tests, small maps). */
export function blockPages(values: Float32Array, rows: number, points: number, pageRows = 256): RowPages {
  if (values.length !== rows * points) throw new Error(`Row pages: expected ${rows} × ${points} values, got ${values.length}.`);
  return {
    rows,
    points,
    forEachPage(fn) {
      for (let first = 0; first < rows; first += pageRows) {
        const count = Math.min(pageRows, rows - first);
        fn(values.subarray(first * points, (first + count) * points), first, count);
      }
    },
    row: (i) => values.subarray(i * points, (i + 1) * points),
  };
}

/** Squared Euclidean distance between row `r` of a page and a centre. */
export function squaredDistance(block: Float32Array, r: number, centre: Float64Array): number {
  const p = centre.length;
  const o = r * p;
  let s = 0;
  for (let c = 0; c < p; c++) {
    const d = block[o + c]! - centre[c]!;
    s += d * d;
  }
  return s;
}

/** The mean spectrum of each group (`groups[row]`, −1 for none), one pass over the pages. */
export function groupMeans(source: RowPages, groups: Int32Array, k: number): { counts: number[]; means: Float64Array[] } {
  const p = source.points;
  const sums = Array.from({ length: k }, () => new Float64Array(p));
  const counts = new Array<number>(k).fill(0);
  source.forEachPage((block, first, count) => {
    for (let r = 0; r < count; r++) {
      const g = groups[first + r]!;
      if (g < 0) continue;
      counts[g]!++;
      const s = sums[g]!;
      for (let c = 0, o = r * p; c < p; c++) s[c]! += block[o + c]!;
    }
  });
  for (let g = 0; g < k; g++) if (counts[g]! > 0) for (let c = 0; c < p; c++) sums[g]![c]! /= counts[g]!;
  return { counts, means: sums };
}
