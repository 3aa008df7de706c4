/** Seed derivation for the engine: one base seed gives independent streams (weights, shuffles, dropout, augmentation) on every engine; the generator itself is common/ml/random. */

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
