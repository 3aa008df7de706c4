/**
 * What a run of the `ae` model (an autoencoder, ../ml/templates.ts) does differently: it has no
 * target — it learns to give back the spectra as the model reads them (recipe applied,
 * standardised) — and its test figures are the reconstruction RMSE and how many test spectra its
 * out-of-model limits flag (../ml/reconstruction.ts: Q of the reconstruction residual and its largest standardised point, the
 * limit learned on the training-split spectra held out for early stopping). The stored run's task is 'regression' (the spectrum
 * regressed on itself); its config's task, `{ kind: 'reconstruction' }`, says it is an
 * autoencoder, and so does its model name.
 */
import { z } from 'zod';
import type { AxisUnit } from '../domain/spectra';
import { checkSpectra, describeCheck, type FlaggedBy, type LimitSpectra, fitReconstructionCheck, RECONSTRUCTION_CONFIDENCE, rmseOfQ } from '../ml/reconstruction';

/**
 * The target column an autoencoder is planned with: a number column of zeros, so that every
 * sample counts as labelled and the split tags alone decide the rows of each role.
 */
export function noTargetColumn(rows: number): { kind: 'number'; values: number[] } {
  return { kind: 'number', values: new Array<number>(rows).fill(0) };
}

export const reconstructionMetricsSchema = z.object({
  /** Q beyond which a spectrum is out of model, and the same as an RMSE per point (standardised units). */
  limit: z.number(),
  limitRmse: z.number(),
  confidence: z.number(),
  /** The spectra the limit was learned on: held out of training (early stopping), or the training spectra when too few to hold any out. */
  learnedOn: z.enum(['held-out', 'training']),
  limitSpectra: z.number().int(),
  /** Test spectra beyond either limit. */
  testOutOfModel: z.number().int(),
  testSpectra: z.number().int(),
  /**
   * The largest standardised single-point residual (../ml/reconstruction.ts): its limit, the
   * Student-t rule it is never below, the limit spectra's largest value each standardised by the
   * others, and how many exceed the limit. Absent in runs stored before it was added.
   */
  maxResidual: z.object({ limit: z.number(), studentLimit: z.number(), heldOutMax: z.number(), heldOutAbove: z.number().int() }).optional(),
  /** Test spectra beyond each limit (a spectrum beyond both counts in both). */
  testFlaggedBy: z.object({ q: z.number().int(), maxResidual: z.number().int() }).optional(),
});
export type ReconstructionMetrics = z.infer<typeof reconstructionMetricsSchema>;

export interface ReconstructionEvaluation {
  /** `rmse`: over every point of every test spectrum; `outOfModel`: the share of test spectra flagged. */
  summary: { rmse: number; outOfModel: number };
  detail: ReconstructionMetrics;
  /** Per test spectrum, in order. */
  spectra: { rmse: number; q: number; maxResidual: number; flaggedBy: FlaggedBy; outOfModel: boolean }[];
}

/** The run log's line on the limit: which spectra it is learned on, and why. */
export function reconstructionLimitNote(heldOut: number, training: number, minimum: number): string {
  const check = { confidence: RECONSTRUCTION_CONFIDENCE, learnedOn: heldOut ? ('held-out' as const) : ('training' as const), spectra: heldOut || training };
  const why = heldOut
    ? 'the network did not fit them, so their reconstruction error is what a new spectrum of the same kind gives; the same spectra stop the training once their reconstruction error stops improving'
    : `the network was fitted to them, so the limit is too tight and flags more new spectra than it should; give at least ${minimum} training spectra to have some held out`;
  return `Out-of-model limits: Q of the reconstruction residual (Box's approximation) and its largest standardised single point (a Gumbel law on the held-out spectra's, never below Student t over the points with Bonferroni), at ${describeCheck(check)}: ${why}.`;
}

/**
 * Scores an autoencoder: its reconstructions of the test spectra against them, and the limit
 * learned from its reconstructions of the spectra `limit` holds (`learnedOn` says which).
 * `x` and `out` are [n, width] flat.
 */
export function evaluateReconstruction(test: { x: Float32Array; out: Float32Array; n: number }, limit: { x: Float32Array; out: Float32Array; n: number; learnedOn: LimitSpectra }, width: number): ReconstructionEvaluation {
  const check = fitReconstructionCheck(limit.x, limit.out, limit.n, width, limit.learnedOn);
  const c = checkSpectra(check, test.x, test.out, test.n, width);
  const count = (keep: (f: FlaggedBy) => boolean) => c.flaggedBy.filter(keep).length;
  const flagged = count((f) => f !== null);
  const rmse = rmseOfQ(c.q.reduce((s, v) => s + v, 0), test.n * width);
  const { limit: maxLimit, studentLimit, heldOutMax, heldOutAbove } = check.point;
  return {
    summary: { rmse, outOfModel: test.n ? flagged / test.n : 0 },
    detail: {
      limit: check.limit,
      limitRmse: rmseOfQ(check.limit, width),
      confidence: check.confidence,
      learnedOn: check.learnedOn,
      limitSpectra: check.spectra,
      testOutOfModel: flagged,
      testSpectra: test.n,
      maxResidual: { limit: maxLimit, studentLimit, heldOutMax, heldOutAbove },
      testFlaggedBy: { q: count((f) => f === 'q' || f === 'both'), maxResidual: count((f) => f === 'maxResidual' || f === 'both') },
    },
    spectra: Array.from(c.q, (v, i) => ({ rmse: rmseOfQ(v, width), q: v, maxResidual: c.maxResidual[i]!, flaggedBy: c.flaggedBy[i]!, outOfModel: c.outOfModel[i]! })),
  };
}

/**
 * What an autoencoder run's page shows (`runs:reconstructions`): its training, held-out and test spectra as
 * the model reads them (recipe applied; in the recipe's units) with their reconstructions, each
 * spectrum's reconstruction error and flag against the limit, the latent vectors (and their first
 * two principal components when the latent has more than two values), and the dataset's class and
 * number columns for colouring.
 */
export interface ReconstructionView {
  runId: number;
  /** The model's input axis (after the recipe) and its unit. */
  axis: Float64Array;
  axisUnit: AxisUnit;
  keys: string[];
  sampleIds: number[];
  /** 'held-out': training-split spectra kept out of the network's training (early stopping), the limit learned on them. */
  roles: ('train' | 'held-out' | 'test')[];
  /** [spectra, points] channel 0, in the recipe's units. */
  measured: Float32Array;
  reconstructed: Float32Array;
  /** Per spectrum, in standardised units (the model's). */
  rmse: Float64Array;
  q: Float64Array;
  /** Per spectrum, its largest standardised single-point residual, and which check flags it. */
  maxResidual: Float64Array;
  flaggedBy: FlaggedBy[];
  outOfModel: boolean[];
  limit: { q: number; rmse: number; maxResidual: number; confidence: number; learnedOn: LimitSpectra; spectra: number };
  /** [spectra, 2]: the latent values themselves for a latent of 2, else their first two principal components. */
  latent: { size: number; axes: [string, string]; xy: Float64Array };
  columns: { name: string; kind: 'class' | 'number'; values: (string | number | null)[] }[];
}
