import { describe, expect, it } from 'vitest';
import { planRun, type RunData } from '../../../src-main/common/runs/plan';
import type { RunRequest } from '../../../src-main/common/runs/schema';
import { parseRunRequest } from '../../../src-main/services/train';
import { mapGrid } from '../../../src-main/common/maps/grid';
import { defaultScheme } from '../../../src-main/common/ml/splits';

/**
 * A 4 × 3 map of 40-point spectra: sample r at pixel r (column r mod 4, line r div 4), spectrum
 * r + j/40; class b on the middle line, a on the others.
 *
 *    0  1  2  3
 *    4  5  6  7
 *    8  9 10 11
 */
function mapData(): RunData {
  const points = 40;
  const rows = 12;
  const values = new Float64Array(rows * points);
  for (let r = 0; r < rows; r++) for (let j = 0; j < points; j++) values[r * points + j] = r + j / points;
  const pixels = Array.from({ length: rows }, (_, r) => r);
  return {
    block: { axis: Float64Array.from({ length: points }, (_, j) => 1000 + j), values, rows },
    keys: pixels.map((r) => `px${r}`),
    splits: pixels.map(() => null),
    sampleIds: pixels.map((r) => 101 + r),
    map: mapGrid(
      pixels.map((r) => r % 4),
      pixels.map((r) => Math.floor(r / 4)),
    ),
    name: 'tiny map',
  };
}
const classes = Array.from({ length: 12 }, (_, r) => (Math.floor(r / 4) === 1 ? 'b' : 'a'));
const request = (over: Partial<RunRequest> = {}): RunRequest => ({ datasetId: 1, target: 'class', model: 'cnn', recipe: null, validation: { kind: 'blocked-holdout', fraction: 0.25, buffer: 0 }, epochs: 1, ...over });
const target = { kind: 'class' as const, values: classes };

describe('planning on a map', () => {
  it('a blocked hold-out tests the far column and trains on the rest, less the buffer', () => {
    const plain = planRun({ request: request(), data: mapData(), target });
    expect(plain.split).toEqual({ train: [101, 102, 103, 105, 106, 107, 109, 110, 111], monitor: [], test: [104, 108, 112], unlabelled: [] });
    expect(plain.warnings).toEqual([]);
    const buffered = planRun({ request: request({ validation: { kind: 'blocked-holdout', fraction: 0.25, buffer: 1 } }), data: mapData(), target });
    // Column 2 is the buffer: on neither side.
    expect(buffered.split).toEqual({ train: [101, 102, 105, 106, 109, 110], monitor: [], test: [104, 108, 112], unlabelled: [] });
  });

  it('reads each pixel with its 3 × 3 neighbourhood as 9 channels, edges reflected', () => {
    const plan = planRun({ request: request({ validation: { kind: 'blocked-holdout', fraction: 0.25, buffer: 1 }, neighbourhood: { radius: 1, mode: 'channels' } }), data: mapData(), target });
    expect(plan.config.input).toEqual([40, 9]);
    expect(plan.config.neighbourhood).toEqual({ radius: 1, mode: 'channels' });
    expect(plan.config.channels!.names).toEqual(['pixel', 'x −1, y −1', 'x 0, y −1', 'x +1, y −1', 'x −1, y 0', 'x +1, y 0', 'x −1, y +1', 'x 0, y +1', 'x +1, y +1']);
    expect(plan.config.channels!.layout).toBe('channels-last');
    // The first test pixel, 3 (right edge, top line): channel "x +1, y 0" reflects to pixel 2,
    // channel "x 0, y −1" to pixel 7, both in the recipe's units once their scaling is undone.
    const x = plan.job.evaluate![0]!.x;
    const raw = (c: number, j: number) => x[j * 9 + c]! * plan.config.channels!.perChannel[c]!.std + plan.config.channels!.perChannel[c]!.mean;
    for (const j of [0, 17, 39]) {
      expect(raw(0, j)).toBeCloseTo(3 + j / 40, 4);
      expect(raw(5, j)).toBeCloseTo(2 + j / 40, 4);
      expect(raw(2, j)).toBeCloseTo(7 + j / 40, 4);
    }
  });

  it('or with the mean of the neighbourhood as one extra channel', () => {
    const plan = planRun({ request: request({ validation: { kind: 'blocked-holdout', fraction: 0.25, buffer: 1 }, neighbourhood: { radius: 1, mode: 'mean' } }), data: mapData(), target });
    expect(plan.config.input).toEqual([40, 2]);
    expect(plan.config.channels!.names).toEqual(['pixel', 'mean of 3 × 3']);
    // Pixel 3's window, reflected: 6 7 6 / 2 3 2 / 6 7 6 → mean 45 / 9 = 5.
    const x = plan.job.evaluate![0]!.x;
    const ch = plan.config.channels!.perChannel[1]!;
    expect(x[1]! * ch.std + ch.mean).toBeCloseTo(5, 4);
  });

  it('regression on neighbourhoods: the same channels, MSE on the standardised values', () => {
    const values = Array.from({ length: 12 }, (_, r) => 2 * r);
    const plan = planRun({ request: request({ validation: { kind: 'blocked-holdout', fraction: 0.25, buffer: 1 }, neighbourhood: { radius: 1, mode: 'channels' } }), data: mapData(), target: { kind: 'number', values } });
    expect(plan.task).toBe('regression');
    expect(plan.job.task).toEqual({ kind: 'regression', loss: 'mse' });
    expect(plan.config.input).toEqual([40, 9]);
    expect(plan.split.test).toEqual([104, 108, 112]);
    // Standardised on the 6 training pixels (0, 1, 4, 5, 8, 9 → values 0, 2, 8, 10, 16, 18).
    expect(plan.config.targetScaling!.mean).toBe(9);
  });

  it('warns that a random split tests on neighbours of training pixels', () => {
    const plan = planRun({ request: request({ validation: { kind: 'holdout', fraction: 0.25 } }), data: mapData(), target });
    expect(plan.split.test).toHaveLength(3);
    const warning = 'This dataset is a map, and 3 of its 3 test pixels (100 %) have a training pixel next to them: neighbouring pixels have nearly the same spectrum, so this split tests the model on pixels it has in effect trained on and its score is optimistic. Use blocked-holdout:0.2 to hold out contiguous regions of the map.';
    expect(plan.warnings).toEqual([warning]);
    expect(plan.notes).toContain(warning);
    // The same split on data without a map says nothing.
    const { map: _, ...plain } = mapData();
    expect(planRun({ request: request({ validation: { kind: 'holdout', fraction: 0.25 } }), data: plain, target }).warnings).toEqual([]);
  });

  it('refuses a neighbourhood off a map, one larger than the map, and a buffer narrower than it', () => {
    const { map: _, ...plain } = mapData();
    expect(() => planRun({ request: request({ validation: { kind: 'holdout', fraction: 0.25 }, neighbourhood: { radius: 1, mode: 'mean' } }), data: plain, target })).toThrow('A neighbourhood reads the pixels around each pixel of a map; dataset "tiny map" is not a map (its samples have no x/y positions on a grid).');
    expect(() => planRun({ request: request({ validation: { kind: 'holdout', fraction: 0.25 }, neighbourhood: { radius: 3, mode: 'channels' } }), data: mapData(), target })).toThrow('A neighbourhood of radius 3 is larger than the map "tiny map" (4 × 3 pixels) allows: at most 2, so that its reflected edges stay inside the map.');
    expect(() => parseRunRequest({ ...request({ validation: { kind: 'blocked', k: 5, buffer: 0 } }), neighbourhood: { radius: 1, mode: 'channels' } })).toThrow("A neighbourhood of radius 1 needs a buffer of at least 1 pixel between train and test, so that no test pixel's neighbourhood holds a training spectrum: use blocked:5:1.");
  });

  it('a map is split in regions unless told otherwise, with a buffer of the neighbourhood radius', () => {
    expect(defaultScheme(true)).toEqual({ kind: 'blocked-holdout', fraction: 0.2, buffer: 0 });
    expect(defaultScheme(true, 2)).toEqual({ kind: 'blocked-holdout', fraction: 0.2, buffer: 2 });
    expect(defaultScheme(false, 1)).toEqual({ kind: 'given' });
    expect(defaultScheme(false, 0, false)).toEqual({ kind: 'holdout', fraction: 0.2 });
  });
});
