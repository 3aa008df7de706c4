import { describe, expect, it } from 'vitest';
import { describeCheck, fitReconstructionCheck, outOfModel, reconstructionQ, rmseOfQ } from '../../src-main/common/ml/reconstruction';
import { reconstructionLimitNote } from '../../src-main/common/runs/autoencoder';
import { autoencoderLayers, latentLayerIndex } from '../../src-main/common/ml/templates';
import { fmtShape, summarizeModel } from '../../src-main/common/ml/model';

describe('reconstruction check', () => {
  it('Q is the sum of squared residuals of each spectrum, RMSE its root mean', () => {
    const q = reconstructionQ([1, 2, 3, 0, 0, 0], [1, 1, 1, 0, 2, 0], 2, 3);
    expect(Array.from(q)).toEqual([5, 4]);
    expect(rmseOfQ(12, 3)).toBe(2);
  });

  it("the limit is Box's approximation at 99 % on the held-out spectra's Q (scipy: g·chi2.ppf(0.99, h))", () => {
    const check = fitReconstructionCheck([1, 2, 3, 4, 5], 'held-out');
    expect(check).toMatchObject({ confidence: 0.99, learnedOn: 'held-out', spectra: 5 });
    expect(check.limit).toBeCloseTo(7.834093462040381, 9);
    expect(outOfModel(check, [7.8, 7.9, 100])).toEqual([false, true, true]);
    expect(describeCheck(check)).toBe('99 %, learned on 5 spectra held out of training');
    expect(describeCheck(fitReconstructionCheck([1, 2], 'training'))).toBe('99 %, learned on 2 training spectra (too few to hold any out)');
  });

  it('the run log says which spectra the limit is learned on and why', () => {
    expect(reconstructionLimitNote(29, 166, 20)).toBe(
      "Out-of-model limit: Q of the reconstruction residual, Box's approximation at 99 %, learned on 29 spectra held out of training: the network did not fit them, so their reconstruction error is what a new spectrum of the same kind gives; the same spectra stop the training once their reconstruction error stops improving.",
    );
    expect(reconstructionLimitNote(0, 12, 20)).toBe(
      "Out-of-model limit: Q of the reconstruction residual, Box's approximation at 99 %, learned on 12 training spectra (too few to hold any out): the network was fitted to them, so the limit is too tight and flags more new spectra than it should; give at least 20 training spectra to have some held out.",
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
