/** The spectral changes of the augmented copies, chosen by cross-validation of the training rows with PLS-DA as the proxy. */
import { describe, expect, it } from 'vitest';
import { chooseSpectralChanges, SPECTRAL_CANDIDATES, spectralChoiceNote, spectralWinner } from '../../../src-main/common/runs/augment-choice';
import { mulberry32, normal } from '../../../src-main/common/ml/random';

/** 40 spectra of 60 points, two classes: a narrow peak at point 20 or 40 that wanders by up to ±3 points, over noise; rows 40–49 are never read. */
function wandering(): { x: Float32Array; labels: number[] } {
  const rand = mulberry32(4);
  const x = new Float32Array(50 * 60);
  const labels: number[] = [];
  for (let r = 0; r < 50; r++) {
    const c = r % 2;
    labels.push(c);
    const centre = (c ? 40 : 20) + Math.round((rand() * 2 - 1) * 3);
    for (let j = 0; j < 60; j++) x[r * 60 + j] = r >= 40 ? 1e6 : Math.exp(-0.5 * ((j - centre) / 1.5) ** 2) + 0.3 * normal(rand);
  }
  return { x, labels };
}

describe('chooseSpectralChanges', () => {
  const { x, labels } = wandering();
  const rows = Array.from({ length: 40 }, (_, r) => r);
  const choice = chooseSpectralChanges({ x, width: 60, channels: 1, rows, labels, classes: 2, noise: 0.01, seed: 1 });

  it('scores every candidate in order against the noise alone, and is the same for the same seed', () => {
    expect(choice.candidates.map((c) => c.name)).toEqual(SPECTRAL_CANDIDATES.map((c) => c.name));
    expect(choice.candidates[0]).toMatchObject({ name: 'noise only', changes: {}, gain: 0, gainError: 0 });
    for (const c of choice.candidates) expect(c.score).toBeGreaterThanOrEqual(0.5);
    expect(choice.folds).toBe(5);
    expect(chooseSpectralChanges({ x, width: 60, channels: 1, rows, labels, classes: 2, noise: 0.01, seed: 1 })).toEqual(choice);
  });

  it('a change wins only with a gain over the noise alone larger than its standard error, the largest such gain', () => {
    const eligible = choice.candidates.filter((c, i) => i > 0 && c.gain > c.gainError);
    const best = eligible.reduce<(typeof eligible)[number] | null>((b, c) => (!b || c.gain > b.gain ? c : b), null);
    expect(choice.winner).toBe(best?.name ?? 'noise only');
    // Here the shift helps in one fold of five (1.000 against 0.975 out of fold): a gain of 0.025 ± 0.025, not enough.
    expect(choice.candidates.map((c) => [c.score, c.gain, c.gainError])).toEqual([[0.975, 0, 0], [1, 0.025, 0.025], [0.975, 0, 0], [0.975, 0, 0], [1, 0.025, 0.025]]);
    expect(choice.winner).toBe('noise only');
    expect(spectralChoiceNote(choice)).toMatch(new RegExp(`^Augmentation changes: "${choice.winner}" chosen by balanced accuracy of PLS-DA learning from 4 augmented copies`));
  });

  it('the winner: the largest gain among those above their standard error; a gain in one fold alone (equal to its error, up to rounding) never wins', () => {
    const c = (name: string, gain: number, gainError: number) => ({ name, gain, gainError });
    // UCR Meat, seed 1: one spectrum more right in one fold of five, 1/60 ± 1/60 as computed.
    expect(spectralWinner([c('noise only', 0, 0), c('shift', 0.016666666666666673, 0.01666666666666667)])).toBe('noise only');
    expect(spectralWinner([c('noise only', 0, 0), c('shift', 0.03, 0.01), c('tilt', 0.05, 0.02), c('scale', 0.08, 0.09)])).toBe('tilt');
    expect(spectralWinner([c('noise only', 0, 0), c('shift', -0.02, 0.01)])).toBe('noise only');
  });
});
