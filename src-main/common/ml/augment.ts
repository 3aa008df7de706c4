/**
 * Noisy copies of the training spectra, for small training sets: copy 0 is the spectrum itself,
 * the others add independent Gaussian noise to every point, after the mild spectral changes the
 * plan may ask for (a small shift along the axis, a baseline tilt, an intensity scale), drawn
 * from a seeded stream (the same seed gives the same copies). The fit loop takes one copy of
 * every row per epoch, so the network never sees exactly the same spectrum twice in a row and
 * cannot memorise point-level detail of a few dozen spectra. Pure: the trainer builds its copies
 * with it and the plan scores the spectral changes with it (../runs/augment-choice.ts).
 */
import type { Augmentation } from './prepare';
import { mulberry32, normal } from './random';

/**
 * [copies·n, size]: copy c of row i is row c·n + i. The input is not modified. With the mild
 * spectral changes of `a` (shift, tilt, scale), every copy after the first is first moved by a
 * whole number of points drawn from ±shift (the end values repeated), multiplied by 1 + a value
 * from ±scale and given a straight baseline rising by a value from ±tilt from the first point to
 * the last, each drawn once per copy of a row; then the noise is added to every value.
 * @param x [n, size] standardised inputs, `channels` values per point (channels-last)
 * @param seed the seed of the copies' own stream (the trainer derives it from the run's seed)
 */
export function augmentedCopies(x: Float32Array, n: number, size: number, seed: number, a: Augmentation, channels = 1): Float32Array {
  const out = new Float32Array(a.copies * n * size);
  out.set(x.subarray(0, n * size));
  const rand = mulberry32(seed);
  if (!a.shift && !a.tilt && !a.scale) {
    for (let o = n * size; o < out.length; o++) out[o] = x[o % (n * size)]! + a.noise * normal(rand);
    return out;
  }
  const points = size / channels;
  const within = (m: number) => (2 * rand() - 1) * m;
  for (let c = 1; c < a.copies; c++) {
    for (let i = 0; i < n; i++) {
      const shift = Math.round(within(a.shift ?? 0));
      const gain = 1 + within(a.scale ?? 0);
      const tilt = within(a.tilt ?? 0);
      const row = x.subarray(i * size, (i + 1) * size);
      const o = (c * n + i) * size;
      for (let p = 0; p < points; p++) {
        const from = Math.min(points - 1, Math.max(0, p - shift));
        const base = points > 1 ? tilt * (p / (points - 1) - 0.5) : 0;
        for (let ch = 0; ch < channels; ch++) out[o + p * channels + ch] = gain * row[from * channels + ch]! + base + a.noise * normal(rand);
      }
    }
  }
  return out;
}

/** The targets repeated for every copy. */
export function repeatedTargets<T extends Int32Array | Float32Array>(y: T, n: number, copies: number): T {
  const out = (y instanceof Int32Array ? new Int32Array(n * copies) : new Float32Array(n * copies)) as T;
  for (let c = 0; c < copies; c++) out.set(y.subarray(0, n), c * n);
  return out;
}
