import { describe, expect, it } from 'vitest';
import { checkSpectra, describeCheck, fitPointResidualCheck, fitReconstructionCheck, reconstructionQ, rmseOfQ, type ReconstructionCheck } from '../../src-main/common/ml/reconstruction';
import { reconstructionLimitNote } from '../../src-main/common/runs/autoencoder';
import { autoencoderLayers, latentLayerIndex } from '../../src-main/common/ml/templates';
import { fmtShape, summarizeModel } from '../../src-main/common/ml/model';

describe('reconstruction check', () => {
  it('Q is the sum of squared residuals of each spectrum, RMSE its root mean', () => {
    const q = reconstructionQ([1, 2, 3, 0, 0, 0], [1, 1, 1, 0, 2, 0], 2, 3);
    expect(Array.from(q)).toEqual([5, 4]);
    expect(rmseOfQ(12, 3)).toBe(2);
  });

  it("the Q limit is Box's approximation at 99 % on the held-out spectra's Q (scipy: g·chi2.ppf(0.99, h))", () => {
    // Spectra of one point whose residuals are √1 … √5: Q = 1 … 5.
    const check = fitReconstructionCheck([1, 2, 3, 4, 5].map(Math.sqrt), [0, 0, 0, 0, 0], 5, 1, 'held-out');
    expect(check).toMatchObject({ confidence: 0.99, learnedOn: 'held-out', spectra: 5 });
    expect(check.limit).toBeCloseTo(7.834093462040381, 9);
    expect(checkSpectra(check, [Math.sqrt(7.8), Math.sqrt(7.9), 10], [0, 0, 0], 3, 1).outOfModel).toEqual([false, true, true]);
    expect(describeCheck(check)).toBe('99 %, learned on 5 spectra held out of training');
    expect(describeCheck(fitReconstructionCheck([1, 2], [0, 0], 2, 1, 'training'))).toBe('99 %, learned on 2 training spectra (too few to hold any out)');
  });

  it('the point residual SD is the RMS residual per point, floored at half the overall RMSE; the limit no lower than Student t(n) at the two-sided 1 − 0.01/points (scipy: t.ppf(1 − 0.01/3/2, 4))', () => {
    // Four held-out spectra of three points, residuals ±1, ±0.1, ±2: RMS per point 1, 0.1, 2; overall RMSE √(20.04/12).
    const residuals = [1, 0.1, 2, -1, 0.1, -2, 1, -0.1, 2, -1, -0.1, -2];
    const point = fitPointResidualCheck(residuals, new Array<number>(12).fill(0), 4, 3);
    const floor = 0.6461423991660042;
    expect(point.sd[0]).toBeCloseTo(1, 12);
    expect(point.sd[1]).toBeCloseTo(floor, 12);
    expect(point.sd[2]).toBeCloseTo(2, 12);
    expect(point.studentLimit).toBeCloseTo(6.254070524529893, 7);
    // Left out in turn, each spectrum's residuals at points 0 and 2 are one SD of the other three (√(3/3), √(12/3)):
    // every maximum is 1, the Gumbel law fitted to them has no spread, and the Student-t rule is the limit.
    expect(point.heldOutMax).toBeCloseTo(1, 12);
    expect(point.limit).toBe(point.studentLimit);
    expect(point.heldOutAbove).toBe(0);
  });

  it('where the held-out maxima spread, the limit is their Gumbel 99 % quantile (scipy: gumbel_r.ppf(0.99) with loc, scale from their mean and SD)', () => {
    // Five held-out spectra of two points; the fifth has a large residual at point 1.
    const residuals = [1, 0.2, -1, -0.2, 1.2, 0.2, -0.8, 0.3, 0.5, -2];
    const point = fitPointResidualCheck(residuals, new Array<number>(10).fill(0), 5, 2);
    expect(point.sd[0]).toBeCloseTo(0.9305912099305473, 12);
    expect(point.sd[1]).toBeCloseTo(0.9176055797563569, 12);
    // Leave-one-out maxima 1.0960, 1.0960, 1.4118, 0.8329, 4.3284.
    expect(point.heldOutMax).toBeCloseTo(4.328436553498051, 12);
    expect(point.studentLimit).toBeCloseTo(4.773340604906959, 7);
    expect(point.limit).toBeCloseTo(6.314467226507459, 9);
    expect(point.heldOutAbove).toBe(0);
  });

  it('a spectrum is out of model when either Q or its largest standardised point residual exceeds its limit, and says which', () => {
    const check: ReconstructionCheck = { limit: 10, confidence: 0.99, learnedOn: 'held-out', spectra: 4, point: { sd: [1, 0.5, 2], limit: 3, studentLimit: 3, heldOutMax: 1, heldOutAbove: 0 } };
    // Q 2.94 and max 1.3/0.5; a broad residual (Q 21, max 2); one spike (Q 4, max 4); both (Q 100, max 10).
    const x = [0.5, 1.3, 1, 2, 1, 4, 0, 2, 0, 10, 0, 0];
    const c = checkSpectra(check, x, new Array<number>(12).fill(0), 4, 3);
    expect(Array.from(c.q)).toEqual([0.5 ** 2 + 1.3 ** 2 + 1, 21, 4, 100]);
    expect(Array.from(c.maxResidual)).toEqual([2.6, 2, 4, 10]);
    expect(c.flaggedBy).toEqual([null, 'q', 'maxResidual', 'both']);
    expect(c.outOfModel).toEqual([false, true, true, true]);
  });

  it('the run log says which spectra the limit is learned on and why', () => {
    expect(reconstructionLimitNote(29, 166, 20)).toBe(
      "Out-of-model limits: Q of the reconstruction residual (Box's approximation) and its largest standardised single point (a Gumbel law on the held-out spectra's, never below Student t over the points with Bonferroni), at 99 %, learned on 29 spectra held out of training: the network did not fit them, so their reconstruction error is what a new spectrum of the same kind gives; the same spectra stop the training once their reconstruction error stops improving.",
    );
    expect(reconstructionLimitNote(0, 12, 20)).toBe(
      "Out-of-model limits: Q of the reconstruction residual (Box's approximation) and its largest standardised single point (a Gumbel law on the held-out spectra's, never below Student t over the points with Bonferroni), at 99 %, learned on 12 training spectra (too few to hold any out): the network was fitted to them, so the limit is too tight and flags more new spectra than it should; give at least 20 training spectra to have some held out.",
    );
  });
});

describe('the ae template', () => {
  it('halves 650 points three times to a latent of 8, and gives back [650, 1] through a crop of 3 + 3', () => {
    const layers = autoencoderLayers(650, 1);
    const s = summarizeModel({ schemaVersion: 1, name: 'ae', layers }, [650, 1], null);
    expect(s.layers.map((l) => `${l.type} ${fmtShape(l.output)}`)).toEqual([
      'conv1d [325, 16]', 'relu [325, 16]', 'conv1d [163, 32]', 'relu [163, 32]', 'conv1d [82, 32]', 'relu [82, 32]',
      'flatten [2624]', 'dense [8]', 'dense [2624]', 'relu [2624]', 'reshape [82, 32]',
      'upsample1d [164, 32]', 'conv1d [164, 32]', 'relu [164, 32]', 'upsample1d [328, 32]', 'conv1d [328, 16]', 'relu [328, 16]', 'upsample1d [656, 16]', 'conv1d [656, 1]', 'crop1d [650, 1]',
    ]);
    expect(s.params).toBe(62441);
    expect(latentLayerIndex(layers)).toBe(7);
  });

  it('keeps one output filter per channel and skips stages on short spectra', () => {
    const layers = autoencoderLayers(20, 3, 2);
    const s = summarizeModel({ schemaVersion: 1, name: 'ae', layers }, [20, 3], null);
    expect(s.layers.map((l) => `${l.type} ${fmtShape(l.output)}`)).toEqual(['conv1d [10, 16]', 'relu [10, 16]', 'flatten [160]', 'dense [2]', 'dense [160]', 'relu [160]', 'reshape [10, 16]', 'upsample1d [20, 16]', 'conv1d [20, 3]']);
  });

  it('an autoencoder whose last layer does not give back its input is refused', () => {
    expect(() => summarizeModel({ schemaVersion: 1, name: 'ae', layers: [{ type: 'flatten' }, { type: 'dense', units: 4, useBias: true }] }, [20, 1], null)).toThrow('An autoencoder must give back its input [20, 1], but its last layer gives [4].');
  });
});
