/**
 * Seeded randomness, the one source for the whole app: the same seed gives the same weights,
 * splits, folds, shuffles, dropout masks and generated test data everywhere. Seeded results in
 * the tests depend on these exact streams, so the order in which each function draws is fixed.
 */

/** mulberry32: uniform [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One standard normal value by Box–Muller from two uniform draws (the radius's first, then the angle's; the sine half is dropped). */
export function normal(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Fisher–Yates shuffle in place, from the last element down, one draw per element but the first; returns `items`. */
export function shuffleInPlace<A extends { length: number; [index: number]: unknown }>(items: A, rand: () => number): A {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

/** A seeded permutation of 0 … n − 1. */
export function permutation(n: number, rand: () => number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return shuffleInPlace(p, rand);
}
