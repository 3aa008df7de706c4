/**
 * Noisy copies of the training spectra, for small training sets: copy 0 is the spectrum itself,
 * the others add independent Gaussian noise to every point, drawn from a stream seeded by the
 * run's seed (the same seed gives the same copies). The fit loop takes one copy of every row
 * per epoch, so the network never sees exactly the same spectrum twice in a row and cannot
 * memorise point-level detail of a few dozen spectra.
 */
import type { Augmentation } from '../../common/ml/prepare';
import { mulberry32, normal } from '../../common/ml/random';
import { deriveSeed } from './rng';

/**
 * [copies·n, size]: copy c of row i is row c·n + i. The input is not modified.
 * @param x [n, size] standardised inputs
 */
export function augmentedCopies(x: Float32Array, n: number, size: number, seed: number, a: Augmentation): Float32Array {
  const out = new Float32Array(a.copies * n * size);
  out.set(x.subarray(0, n * size));
  const rand = mulberry32(deriveSeed(seed, 'augment'));
  for (let o = n * size; o < out.length; o++) out[o] = x[o % (n * size)]! + a.noise * normal(rand);
  return out;
}

/** The targets repeated for every copy. */
export function repeatedTargets<T extends Int32Array | Float32Array>(y: T, n: number, copies: number): T {
  const out = (y instanceof Int32Array ? new Int32Array(n * copies) : new Float32Array(n * copies)) as T;
  for (let c = 0; c < copies; c++) out.set(y.subarray(0, n), c * n);
  return out;
}
