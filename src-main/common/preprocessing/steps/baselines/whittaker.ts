import { createPentadiagonalScratch, secondDifferencePenalty, solveSpdPentadiagonal, type PentadiagonalScratch } from '../../linalg/banded';
import { stepError } from '../../step-error';

/**
 * Weighted Whittaker smoother with a second-difference penalty: solves
 * `(W + λ DᵀD) z = W y` (Eilers 2003, "A perfect smoother", Anal. Chem. 75, 3631) with the
 * O(n) banded LDLᵀ solver. All buffers are allocated once per spectrum length and reused
 * across iterations and spectra — the penalised baselines call `smooth` 10–50 times per
 * spectrum.
 */
export class WhittakerSmoother {
  readonly n: number;
  readonly lambda: number;
  /** Weights `w`, set by the caller before each {@link smooth}. */
  readonly weights: Float64Array;
  private readonly penaltyDiag: Float64Array;
  private readonly off1: Float64Array;
  private readonly off2: Float64Array;
  private readonly diag: Float64Array;
  private readonly rhs: Float64Array;
  private readonly scratch: PentadiagonalScratch;

  constructor(n: number, lambda: number) {
    this.n = n;
    this.lambda = lambda;
    const p = secondDifferencePenalty(n);
    this.penaltyDiag = p.diag.map((v) => v * lambda);
    this.off1 = p.off1.map((v) => v * lambda);
    this.off2 = p.off2.map((v) => v * lambda);
    this.weights = new Float64Array(n);
    this.diag = new Float64Array(n);
    this.rhs = new Float64Array(n);
    this.scratch = createPentadiagonalScratch(n);
  }

  /**
   * Writes the smooth of `y[offset .. offset + n)` under the current weights into `z`
   * (length n). Throws a UserError for `kind` if the system is not positive definite, which
   * happens only when λ is so large (or the weights so small) that it is singular in floating
   * point.
   */
  smooth(kind: string, y: Float64Array, offset: number, z: Float64Array): void {
    const { n, weights, diag, rhs, penaltyDiag } = this;
    for (let i = 0; i < n; i++) {
      const w = weights[i];
      diag[i] = penaltyDiag[i] + w;
      rhs[i] = w * y[offset + i];
    }
    if (!solveSpdPentadiagonal(diag, this.off1, this.off2, rhs, z, this.scratch, n)) {
      throw stepError(
        kind,
        'lambda',
        `the smoothing system is numerically singular for lambda ${this.lambda} on ${n} points; use a smaller lambda.`,
      );
    }
  }
}
