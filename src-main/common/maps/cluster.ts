/**
 * Unsupervised clusters of a map's spectra (pure TS): k-means and Ward's hierarchical
 * clustering, and the adjusted Rand index to compare a clustering with given classes.
 *
 * Cluster numbers are relabelled in order of first appearance (the cluster of row 0 is 0), so
 * the same partition always gets the same numbers and colours whatever the algorithm's order.
 */
import { mulberry32 } from '../ml/random';
import { groupMeans, squaredDistance, type RowPages } from './rows';

export interface Clustering {
  k: number;
  /** Cluster of each row, 0 … k − 1. */
  labels: Int32Array;
  /** Rows per cluster. */
  counts: number[];
  /** Mean spectrum of each cluster. */
  means: Float64Array[];
}

/** Renumbers labels in order of first appearance; returns the old → new map applied in place. */
function relabel(labels: Int32Array, k: number): number[] {
  const map = new Array<number>(k).fill(-1);
  let next = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (map[l] === -1) map[l] = next++;
    labels[i] = map[l]!;
  }
  return map;
}

function finish(source: RowPages, labels: Int32Array, k: number): Clustering {
  relabel(labels, k);
  const { counts, means } = groupMeans(source, labels, k);
  return { k, labels, counts, means };
}

export interface KMeansOptions {
  seed: number;
  maxIterations?: number;
}

/**
 * k-means (Lloyd) with k-means++ seeding (Arthur & Vassilvitskii 2007: each new centre drawn with
 * probability proportional to the squared distance to the nearest centre so far), from one seed.
 * Every pass reads the rows page by page; memory is k centres and one distance per row. Stops
 * when no row changes cluster. An emptied cluster restarts at the row farthest from its centre.
 */
export function kMeans(source: RowPages, k: number, options: KMeansOptions): Clustering & { inertia: number; iterations: number } {
  const n = source.rows;
  const p = source.points;
  if (!Number.isInteger(k) || k < 2) throw new Error(`k-means needs k ≥ 2 clusters; got ${k}.`);
  if (k > n) throw new Error(`k-means: ${k} clusters for ${n} spectra.`);
  const rand = mulberry32(options.seed);
  const centres: Float64Array[] = [Float64Array.from(source.row(Math.floor(rand() * n)))];
  const nearest = new Float64Array(n).fill(Infinity);
  while (centres.length < k) {
    const latest = centres[centres.length - 1]!;
    let total = 0;
    source.forEachPage((block, first, count) => {
      for (let r = 0; r < count; r++) {
        const d = squaredDistance(block, r, latest);
        if (d < nearest[first + r]!) nearest[first + r] = d;
        total += nearest[first + r]!;
      }
    });
    let pick = n - 1;
    if (total > 0) {
      let target = rand() * total;
      for (let i = 0; i < n; i++) {
        target -= nearest[i]!;
        if (target < 0) {
          pick = i;
          break;
        }
      }
    } else pick = Math.floor(rand() * n);
    centres.push(Float64Array.from(source.row(pick)));
  }
  const labels = new Int32Array(n).fill(-1);
  const maxIterations = options.maxIterations ?? 300;
  let inertia = 0;
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const sums = Array.from({ length: k }, () => new Float64Array(p));
    const counts = new Array<number>(k).fill(0);
    let changed = 0;
    let far = -1;
    let farDistance = -1;
    inertia = 0;
    source.forEachPage((block, first, count) => {
      for (let r = 0; r < count; r++) {
        let best = 0;
        let bestD = Infinity;
        for (let c = 0; c < k; c++) {
          const d = squaredDistance(block, r, centres[c]!);
          if (d < bestD) {
            bestD = d;
            best = c;
          }
        }
        const i = first + r;
        if (labels[i] !== best) changed++;
        labels[i] = best;
        inertia += bestD;
        if (bestD > farDistance) {
          farDistance = bestD;
          far = i;
        }
        counts[best]!++;
        const s = sums[best]!;
        for (let c = 0, o = r * p; c < p; c++) s[c]! += block[o + c]!;
      }
    });
    if (changed === 0) break;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) centres[c] = Float64Array.from(source.row(far));
      else for (let j = 0; j < p; j++) centres[c]![j] = sums[c]![j]! / counts[c]!;
    }
  }
  return { ...finish(source, labels, k), inertia, iterations };
}

/** The most spectra Ward clustering takes: it keeps all pairwise distances (n²/2 numbers, 72 MB at 3000). */
export const WARD_MAX_ROWS = 3000;

/**
 * Ward's minimum-variance hierarchical clustering cut into k clusters (scipy's
 * `linkage(X, 'ward')` then `fcluster(Z, k, 'maxclust')`). Nearest-neighbour chain over squared
 * Euclidean distances with the Lance–Williams update, which on squared distances is Ward's
 * criterion exactly; the merges are then applied lowest first until k clusters are left.
 */
export function ward(source: RowPages, k: number): Clustering & { heights: Float64Array } {
  const n = source.rows;
  const p = source.points;
  if (n > WARD_MAX_ROWS) throw new Error(`Ward clustering keeps every pairwise distance and takes at most ${WARD_MAX_ROWS} spectra; this map has ${n}. Use k-means.`);
  if (!Number.isInteger(k) || k < 2 || k > n) throw new Error(`Ward clustering: ${k} clusters for ${n} spectra.`);
  const x = new Float64Array(n * p);
  source.forEachPage((block, first) => x.set(block, first * p));
  const at = (i: number, j: number) => (i < j ? i * n - (i * (i + 1)) / 2 + j - i - 1 : j * n - (j * (j + 1)) / 2 + i - j - 1);
  const d = new Float64Array((n * (n - 1)) / 2);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let c = 0; c < p; c++) {
        const t = x[i * p + c]! - x[j * p + c]!;
        s += t * t;
      }
      d[at(i, j)] = s;
    }
  const size = new Float64Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const merges: { a: number; b: number; h: number }[] = [];
  const chain: number[] = [];
  while (merges.length < n - 1) {
    if (!chain.length) chain.push(active.indexOf(1));
    for (;;) {
      const a = chain[chain.length - 1]!;
      const prev = chain.length > 1 ? chain[chain.length - 2]! : -1;
      let b = prev;
      let bd = prev >= 0 ? d[at(a, prev)]! : Infinity;
      for (let c = 0; c < n; c++) {
        if (c === a || !active[c]) continue;
        const dc = d[at(a, c)]!;
        if (dc < bd) {
          bd = dc;
          b = c;
        }
      }
      if (b === prev) break;
      chain.push(b);
    }
    const a = chain.pop()!;
    const b = chain.pop()!;
    const dab = d[at(a, b)]!;
    merges.push({ a, b, h: dab });
    for (let c = 0; c < n; c++) {
      if (!active[c] || c === a || c === b) continue;
      const sc = size[c]!;
      d[at(b, c)] = ((size[a]! + sc) * d[at(a, c)]! + (size[b]! + sc) * d[at(b, c)]! - sc * dab) / (size[a]! + size[b]! + sc);
    }
    active[a] = 0;
    size[b] = size[a]! + size[b]!;
  }
  // Ward's distances never decrease along a merge path, so sorting by height gives the dendrogram.
  const order = merges.map((_, i) => i).sort((i, j) => merges[i]!.h - merges[j]!.h || i - j);
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (const m of order.slice(0, n - k)) parent[find(merges[m]!.a)] = find(merges[m]!.b);
  const labels = new Int32Array(n);
  const roots = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    if (!roots.has(r)) roots.set(r, roots.size);
    labels[i] = roots.get(r)!;
  }
  return { ...finish(source, labels, k), heights: Float64Array.from(order, (m) => Math.sqrt(merges[m]!.h)) };
}

/**
 * Adjusted Rand index of two partitions of the same items (Hubert & Arabie 1985; scikit-learn's
 * `adjusted_rand_score`): 1 for identical partitions, about 0 for independent ones.
 */
export function adjustedRandIndex(a: ArrayLike<string | number>, b: ArrayLike<string | number>): number {
  const n = a.length;
  if (b.length !== n) throw new Error(`Adjusted Rand index: ${n} and ${b.length} labels.`);
  const pairs = (m: number) => (m * (m - 1)) / 2;
  const cells = new Map<string, number>();
  const rowsA = new Map<string | number, number>();
  const rowsB = new Map<string | number, number>();
  for (let i = 0; i < n; i++) {
    const key = `${typeof a[i]}:${a[i]}\u0000${typeof b[i]}:${b[i]}`;
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rowsA.set(a[i]!, (rowsA.get(a[i]!) ?? 0) + 1);
    rowsB.set(b[i]!, (rowsB.get(b[i]!) ?? 0) + 1);
  }
  let index = 0;
  for (const c of cells.values()) index += pairs(c);
  let sumA = 0;
  let sumB = 0;
  for (const c of rowsA.values()) sumA += pairs(c);
  for (const c of rowsB.values()) sumB += pairs(c);
  const expected = (sumA * sumB) / pairs(n);
  const max = (sumA + sumB) / 2;
  // Both partitions trivial (one cluster each, or all singletons): scikit-learn's answer is 1.
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}
