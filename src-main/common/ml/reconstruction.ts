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
 *
 * Q sums the squared residual over every point, so a narrow artefact hardly moves it: a
 * cosmic-ray spike of +1 absorbance at one of IDRC 2002's 650 points adds about 2.2 to a Q limit
 * of about 9.8. Beside Q is a second statistic, the largest standardised single-point residual
 * max_j |r_j| / s_j, s_j the root-mean-square residual at point j over the same held-out spectra
 * (about zero: it is |r_j| that is tested, not its distance from a mean residual), floored at
 * half their overall reconstruction RMSE so that a point the network reconstructs almost exactly
 * does not turn its noise into a flag.
 *
 * Its limit. Were r_j normal with mean 0, r_j / s_j of a new spectrum would be Student t with n
 * degrees of freedom (n held-out spectra, s_j estimated from them), and the limit t(n) at the
 * two-sided 1 − (1 − confidence)/points, a Bonferroni correction over the points (the normal
 * quantile would ignore that s_j comes from 20–30 spectra: 4.32 against t's 5.18 at 29 spectra
 * and 650 points). That rule is checked against the held-out spectra themselves, each one's
 * largest residual standardised by the other held-out spectra (leave one out, so it is what a
 * new spectrum gives): on IDRC 2002 instrument 1, 3 of 29 exceed it (1 % expected), and it
 * flagged 16.7 % of the clean test spectra, nearly all at the long-wavelength end (1790–1898 nm),
 * where residuals are heavier-tailed than normal. So the limit is learned from those
 * leave-one-out maxima: a Gumbel law (the law of a maximum over many points) fitted by its
 * mean and variance, as Box's approximation fits Q's, at the confidence quantile; never below
 * the Student-t rule, which is what normal residuals allow. An empirical 99 % quantile cannot be
 * had from 29 spectra, and the largest of them alone would be one spectrum's say. A spectrum is
 * out of model when either Q or its largest point residual exceeds its limit.
 */
import { qResidualLimit } from './outlier';
import { fQuantile } from './stats';

/** Confidence of the reconstruction limit (see the file comment). */
export const RECONSTRUCTION_CONFIDENCE = 0.99;

/** No point's residual SD is taken below this share of the limit spectra's reconstruction RMSE (see the file comment). */
export const RESIDUAL_SD_FLOOR = 0.5;

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

/** The largest standardised single-point residual's check (see the file comment). */
export interface PointResidualCheck {
  /** Per point, the limit spectra's root-mean-square residual, floored. */
  sd: number[];
  /** Largest |r_j| / sd_j beyond which a spectrum is out of model: the larger of `studentLimit` and the Gumbel quantile of the held-out maxima. */
  limit: number;
  /** Student t(n) at the two-sided 1 − (1 − confidence)/points: the limit were the residuals normal. */
  studentLimit: number;
  /** The limit spectra's largest residual, each standardised by the other limit spectra, and how many exceed the limit. */
  heldOutMax: number;
  heldOutAbove: number;
}

export interface ReconstructionCheck {
  /** Q beyond which a spectrum is out of model. */
  limit: number;
  confidence: number;
  learnedOn: LimitSpectra;
  /** How many spectra the limit was learned on. */
  spectra: number;
  point: PointResidualCheck;
}

/** Which check flags a spectrum: Q, the largest standardised point residual, both, or neither (null). */
export type FlaggedBy = 'q' | 'maxResidual' | 'both' | null;

/** Fits the point-residual check on the limit spectra's residuals (x and x̂ flat, [n, width], n ≥ 2). */
export function fitPointResidualCheck(x: ArrayLike<number>, reconstructed: ArrayLike<number>, n: number, width: number, confidence = RECONSTRUCTION_CONFIDENCE): PointResidualCheck {
  const sum = new Float64Array(width);
  for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) sum[j] += (x[i * width + j]! - reconstructed[i * width + j]!) ** 2;
  const floor = RESIDUAL_SD_FLOOR * Math.sqrt(sum.reduce((a, v) => a + v, 0) / (n * width));
  const sd = Array.from(sum, (v) => Math.max(floor, Math.sqrt(v / n)));
  const studentLimit = floor > 0 ? Math.sqrt(fQuantile(1 - (1 - confidence) / width, 1, n)) : Infinity;
  const maxima = Array.from({ length: n }, (_, i) => {
    let m = 0;
    for (let j = 0; j < width; j++) {
      const r2 = (x[i * width + j]! - reconstructed[i * width + j]!) ** 2;
      const s = Math.max(floor, Math.sqrt((sum[j]! - r2) / (n - 1)));
      if (s > 0) m = Math.max(m, Math.sqrt(r2) / s);
    }
    return m;
  });
  const limit = Math.max(studentLimit, gumbelQuantile(maxima, confidence));
  return { sd, limit, studentLimit, heldOutMax: Math.max(...maxima), heldOutAbove: maxima.filter((m) => m > limit).length };
}

/** The `p` quantile of a Gumbel law with the mean and variance (ddof 1) of `values`: μ − β ln(−ln p), β = s√6/π, μ = mean − γβ. */
export function gumbelQuantile(values: number[], p: number): number {
  const n = values.length;
  const mean = values.reduce((a, v) => a + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  const beta = (sd * Math.sqrt(6)) / Math.PI;
  return mean - EULER_GAMMA * beta - beta * Math.log(-Math.log(p));
}

const EULER_GAMMA = 0.5772156649015329;

/** Learns both limits from the reconstructions of the spectra `learnedOn` says (x and x̂ flat, [n, width]). */
export function fitReconstructionCheck(x: ArrayLike<number>, reconstructed: ArrayLike<number>, n: number, width: number, learnedOn: LimitSpectra, confidence = RECONSTRUCTION_CONFIDENCE): ReconstructionCheck {
  return { limit: qResidualLimit(reconstructionQ(x, reconstructed, n, width), confidence), confidence, learnedOn, spectra: n, point: fitPointResidualCheck(x, reconstructed, n, width, confidence) };
}

/** The check as a sentence, for run logs and titles: "99 %, learned on 29 spectra held out of training". */
export function describeCheck(c: Pick<ReconstructionCheck, 'confidence' | 'learnedOn' | 'spectra'>): string {
  return `${c.confidence * 100} %, learned on ${c.spectra} ${c.learnedOn === 'held-out' ? 'spectra held out of training' : 'training spectra (too few to hold any out)'}`;
}

/** Both statistics of each of `n` spectra against the check, and which one flags it. */
export interface CheckedSpectra {
  q: Float64Array;
  /** max_j |x_j − x̂_j| / sd_j. */
  maxResidual: Float64Array;
  flaggedBy: FlaggedBy[];
  outOfModel: boolean[];
}

export function checkSpectra(check: ReconstructionCheck, x: ArrayLike<number>, reconstructed: ArrayLike<number>, n: number, width: number): CheckedSpectra {
  const q = reconstructionQ(x, reconstructed, n, width);
  const maxResidual = new Float64Array(n);
  const { sd } = check.point;
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let j = 0; j < width; j++) if (sd[j]! > 0) m = Math.max(m, Math.abs(x[i * width + j]! - reconstructed[i * width + j]!) / sd[j]!);
    maxResidual[i] = m;
  }
  const flaggedBy = Array.from(q, (v, i): FlaggedBy => {
    const byQ = v > check.limit;
    const byMax = maxResidual[i]! > check.point.limit;
    return byQ && byMax ? 'both' : byQ ? 'q' : byMax ? 'maxResidual' : null;
  });
  return { q, maxResidual, flaggedBy, outOfModel: flaggedBy.map((f) => f !== null) };
}
