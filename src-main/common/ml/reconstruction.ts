/**
 * An autoencoder's out-of-model check: how far each spectrum's reconstruction is from the
 * spectrum (both as the model reads them: recipe applied, standardised), and the limit beyond
 * which a spectrum is unlike the training set. The rule is the Q (squared prediction error)
 * limit of PCA models applied to the reconstruction residual: Q = Σ (x − x̂)² per spectrum, its
 * limit learned by Box's approximation g·χ²(confidence; h) (`qResidualLimit`, ./outlier.ts) at
 * 99 %, from the Q of spectra of the training split the network did not fit: the rows held out
 * of its training for early stopping. The Q of the spectra it was fitted to says how well it
 * memorised them, not what a new spectrum of the same kind gives: with the limit learned on
 * them, 1000 epochs on IDRC 2002 instrument 1 flagged 98.9 % of its clean test spectra. Only
 * when too few training spectra are given to hold any out (common/runs/plan.ts) is the limit
 * learned on the training spectra themselves, and the run log says it is too tight.
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

/** What the limit was learned on: spectra held out of the network's training, or (too few to hold any out) those it was trained on. */
export type LimitSpectra = 'held-out' | 'training';

export interface ReconstructionCheck {
  /** Q beyond which a spectrum is out of model. */
  limit: number;
  confidence: number;
  learnedOn: LimitSpectra;
  /** How many spectra the limit was learned on. */
  spectra: number;
}

/** Learns the limit from the Q of the spectra `learnedOn` says. */
export function fitReconstructionCheck(q: ArrayLike<number>, learnedOn: LimitSpectra, confidence = RECONSTRUCTION_CONFIDENCE): ReconstructionCheck {
  return { limit: qResidualLimit(q, confidence), confidence, learnedOn, spectra: q.length };
}

/** The check as a sentence, for run logs and titles: "99 %, learned on 29 spectra held out of training". */
export function describeCheck(c: Pick<ReconstructionCheck, 'confidence' | 'learnedOn' | 'spectra'>): string {
  return `${c.confidence * 100} %, learned on ${c.spectra} ${c.learnedOn === 'held-out' ? 'spectra held out of training' : 'training spectra (too few to hold any out)'}`;
}

/** True where a spectrum's Q exceeds the limit. */
export function outOfModel(check: ReconstructionCheck, q: ArrayLike<number>): boolean[] {
  return Array.from(q, (v) => v > check.limit);
}
