/** Seeded randomness for the engine: the same seed gives the same weights, shuffles and dropout masks on every engine. */
import { mulberry32 } from '../../common/ml/random';

export { mulberry32 };

/** Derives an independent stream seed from a base seed and labels (FNV-1a over the parts). */
export function deriveSeed(seed: number, ...parts: (number | string)[]): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (const p of parts) {
    const s = String(p);
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ 0x2c, 0x01000193);
  }
  return h >>> 0;
}

/** Fisher–Yates shuffle of 0..n-1. */
export function permutation(n: number, rand: () => number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
