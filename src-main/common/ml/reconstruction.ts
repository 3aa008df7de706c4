/**
 * An autoencoder's out-of-model check: how far each spectrum's reconstruction is from the
 * spectrum (both as the model reads them: recipe applied, standardised), and the limit beyond
 * which a spectrum is unlike the training set. The rule is the Q (squared prediction error)
 * limit of PCA models applied to the reconstruction residual: Q = Σ (x − x̂)² per spectrum, its
 * limit learned from the training spectra's own Q by Box's approximation g·χ²(confidence; h)
 * (`qResidualLimit`, ./outlier.ts), at 99 % rather than PCA's 95 %: the network was fitted to
 * those very spectra, so their Q is lower than that of new spectra of the same kind.
 */
import { qResidualLimit } from './outlier';

/** Confidence of the reconstruction limit (see the file comment). */
export const RECONSTRUCTION_CONFIDENCE = 0.99;

/** Q = Σ (x − x̂)² of each of `n` spectra of `width` values (x and x̂ flat, [n, width]). */
export function reconstructionQ(x: ArrayLike<number>, reconstructed: ArrayLike<number>, n: number, width: number): Float64Array {
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = i * width; j < (i + 1) * width; j++) s += (x[j]! - reconstructed[j]!) ** 2;
    q[i] = s;
  }
  return q;
}

/** The root-mean-square reconstruction error of one spectrum from its Q. */
export const rmseOfQ = (q: number, width: number): number => Math.sqrt(q / width);

export interface ReconstructionCheck {
  /** Q beyond which a spectrum is out of model. */
  limit: number;
  confidence: number;
  /** Training spectra the limit was learned on. */
  trainingSpectra: number;
}

/** Learns the limit from the training spectra's Q. */
export function fitReconstructionCheck(trainingQ: ArrayLike<number>, confidence = RECONSTRUCTION_CONFIDENCE): ReconstructionCheck {
  return { limit: qResidualLimit(trainingQ, confidence), confidence, trainingSpectra: trainingQ.length };
}

/** True where a spectrum's Q exceeds the limit. */
export function outOfModel(check: ReconstructionCheck, q: ArrayLike<number>): boolean[] {
  return Array.from(q, (v) => v > check.limit);
}
