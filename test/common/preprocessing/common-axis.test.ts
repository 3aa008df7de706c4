import { describe, expect, it } from 'vitest';
import { commonAxis, commonAxisRecipe, describeAxes, parseGridChoice, type AxisGroup } from '../../../src-main/common/preprocessing/common-axis';
import { applyPipeline } from '../../../src-main/common/preprocessing/pipeline';
import type { AxisUnit } from '../../../src-main/common/domain/spectra';
import { userErrorOf } from '../../helpers/errors';

/** first, first ± step, … to last (inclusive), exactly. */
function range(first: number, last: number, step: number): number[] {
  const n = Math.round(Math.abs(last - first) / step) + 1;
  return Array.from({ length: n }, (_, i) => first + Math.sign(last - first) * i * step);
}

const group = (values: number[], count: number, first: string, unit: AxisUnit = 'nm'): AxisGroup => ({ values, unit, count, first });

/** Three spectra on 10–20 nm, one on 10.5–20.5 nm, both at 1 nm. */
const SHIFTED = [group(range(10, 20, 1), 3, 'a'), group(range(10.5, 20.5, 1), 1, 'b')];

function messageOf(fn: () => unknown): string {
  const err = userErrorOf(fn);
  expect(err.code).toBe('BAD_INPUT');
  return err.message;
}

describe('commonAxis', () => {
  it('auto: the overlap of all axes at the median step, from its low end on ascending axes', () => {
    const plan = commonAxis(SHIFTED);
    expect(Array.from(plan.axis)).toEqual(range(10.5, 19.5, 1));
    expect(plan).toMatchObject({ unit: 'nm', start: 10.5, stop: 19.5, step: 1, resampled: 4, spectra: 4, axes: 2, description: 'the overlap 10.5–20 nm at the median step 1 nm, 10 points' });
  });

  it('auto: the median is over spectra, not axes, and a descending reference gives a descending grid from the top', () => {
    const plan = commonAxis([group(range(20, 11, 1.5), 2, 'a'), group(range(10, 19, 1), 1, 'b')]);
    // steps 1.5, 1.5, 1 → median 1.5; overlap 11–19 (a ends at 11), downwards from 19.
    expect(Array.from(plan.axis)).toEqual([19, 17.5, 16, 14.5, 13, 11.5]);
    expect(plan.description).toBe('the overlap 11–19 nm at the median step 1.5 nm, 6 points');
    expect(plan.resampled).toBe(3);
  });

  it('first: the first axis inside the overlap; spectra already on it are not counted as resampled', () => {
    const plan = commonAxis(SHIFTED, 'first');
    expect(Array.from(plan.axis)).toEqual(range(11, 20, 1));
    expect(plan.description).toBe('the axis of "a" within the overlap 10.5–20 nm, 10 points');
    expect(plan.resampled).toBe(4);
    const inside = commonAxis([group(range(11, 19, 1), 2, 'a'), group(range(10, 20, 0.5), 5, 'b')], 'first');
    expect(Array.from(inside.axis)).toEqual(range(11, 19, 1));
    expect(inside.resampled).toBe(5);
  });

  it('a given grid, either way, inside the overlap only', () => {
    const plan = commonAxis(SHIFTED, { start: 19, stop: 11, step: 2 });
    expect(Array.from(plan.axis)).toEqual([19, 17, 15, 13, 11]);
    expect(plan.description).toBe('the grid 19–11 nm at step 2 nm, 5 points');
    expect(messageOf(() => commonAxis(SHIFTED, { start: 10, stop: 20, step: 1 }))).toBe(
      'The grid 10–20 nm leaves the range all spectra share, 10.5–20 nm; choose a grid inside it (nothing is extrapolated).',
    );
  });

  it('the recipe it records resamples each axis onto the grid by linear interpolation', () => {
    const plan = commonAxis(SHIFTED);
    const recipe = commonAxisRecipe(plan);
    expect(recipe.spec.steps).toEqual([{ kind: 'resample', version: 1, enabled: true, params: { axis: range(10.5, 19.5, 1), step: null, maxExtrapolation: 0 } }]);
    const a = range(10, 20, 1);
    const onA = applyPipeline(recipe, { axis: Float64Array.from(a), values: Float64Array.from(a, (x) => x * x), rows: 1 });
    expect(Array.from(onA.values)).toEqual(range(10.5, 19.5, 1).map((x) => x * x + 0.25));
    const b = range(10.5, 20.5, 1);
    const onB = applyPipeline(recipe, { axis: Float64Array.from(b), values: Float64Array.from(b, (x) => 3 * x), rows: 1 });
    expect(Array.from(onB.values)).toEqual(range(10.5, 19.5, 1).map((x) => 3 * x));
  });

  it('refuses steps more than twice apart, naming the spectra and the ratio', () => {
    expect(messageOf(() => commonAxis([group(range(0, 100, 1), 3, 'a.csv'), group(range(0, 100, 2.5), 1, 'b.csv')]))).toBe(
      'These spectra cannot be put on one axis: 1 of 4 spectra is on another axis than the other 3 (0–100 nm at 1 nm, 101 points): "b.csv" 0–100 nm at 2.5 nm, 41 points — its step is 2.5× coarser (at most 2×).',
    );
  });

  it('refuses an overlap that keeps less than 80 % of an axis, naming the axis that cuts it short', () => {
    expect(messageOf(() => commonAxis([group(range(0, 100, 1), 3, 'a'), group(range(50, 150, 1), 2, 'b')]))).toBe(
      'These spectra cannot be put on one axis: 2 of 5 spectra are on another axis than the other 3 (0–100 nm at 1 nm, 101 points): "b" (and 1 more on that axis) 50–150 nm at 1 nm, 101 points — the range all spectra share, 50–100 nm, keeps only 50 % of the others\' 0–100 nm (at least 80 % is needed).',
    );
    // 85 % is within the tolerance.
    expect(commonAxis([group(range(0, 100, 1), 3, 'a'), group(range(15, 115, 1), 2, 'b')]).description).toBe('the overlap 15–100 nm at the median step 1 nm, 86 points');
  });

  it('refuses axes that do not overlap, and axes in other units', () => {
    expect(messageOf(() => commonAxis([group(range(0, 10, 1), 1, 'a'), group(range(20, 30, 1), 1, 'b')]))).toBe(
      'These spectra cannot be put on one axis: 1 of 2 spectra is on another axis than the other 1 (0–10 nm at 1 nm, 11 points): "b" 20–30 nm at 1 nm, 11 points — its range does not overlap that of "a" at all.',
    );
    expect(messageOf(() => commonAxis([group(range(400, 500, 1), 2, 'a'), group(range(400, 500, 1), 1, 'b', 'cm-1')]))).toBe(
      'These spectra cannot be put on one axis: 1 of 3 spectra is on another axis than the other 2 (400–500 nm at 1 nm, 101 points): "b" 400–500 cm⁻¹ at 1 cm⁻¹, 101 points — in cm⁻¹, not nm.',
    );
    expect(messageOf(() => commonAxis([group(range(0, 9, 1), 1, 'a', 'index'), group(range(0, 7, 1), 1, 'b', 'index')]))).toMatch(/^The spectra have no wavenumber or wavelength axis, only point numbers/);
    expect(messageOf(() => commonAxis([group([1, 2, 2, 3], 1, 'a'), group(range(1, 3, 1), 1, 'b')]))).toBe(
      'The axis of "a" is not strictly increasing or decreasing (at point 3, 2); it cannot be resampled.',
    );
  });

  it('lists at most four other axes, those beyond the tolerance first', () => {
    const groups = [group(range(0, 100, 1), 10, 'ref'), ...[1, 2, 3, 4, 5].map((k) => group(range(k / 10, 100 + k / 10, 1), 1, `s${k}`)), group(range(0, 100, 0.25), 1, 'fine')];
    expect(messageOf(() => commonAxis(groups))).toBe(
      'These spectra cannot be put on one axis: 6 of 16 spectra are on 6 other axes than the other 10 (0–100 nm at 1 nm, 101 points): "fine" 0–100 nm at 0.25 nm, 401 points — its step is 4× finer (at most 2×); "s1" 0.1–100.1 nm at 1 nm, 101 points; "s2" 0.2–100.2 nm at 1 nm, 101 points; "s3" 0.3–100.3 nm at 1 nm, 101 points; and 2 more axes.',
    );
  });

  it('describeAxes says how the axes differ, for a refusal elsewhere', () => {
    expect(describeAxes(SHIFTED)).toBe('1 of 4 spectra is on another axis than the other 3 (10–20 nm at 1 nm, 11 points): "b" 10.5–20.5 nm at 1 nm, 11 points');
  });
});

describe('parseGridChoice', () => {
  it('reads auto, first and START:STOP:STEP', () => {
    expect(parseGridChoice('auto')).toBe('auto');
    expect(parseGridChoice('first')).toBe('first');
    expect(parseGridChoice('4000:400:1.5')).toEqual({ start: 4000, stop: 400, step: 1.5 });
  });

  it('refuses anything else, quoting a short excerpt', () => {
    expect(messageOf(() => parseGridChoice('400:4000'))).toBe('--common-axis takes auto, first or START:STOP:STEP (e.g. 400:4000:2), not "400:4000".');
    expect(messageOf(() => parseGridChoice('400:4000:-2'))).toMatch(/not "400:4000:-2"/);
    expect(messageOf(() => parseGridChoice('x'.repeat(100)))).toBe(`--common-axis takes auto, first or START:STOP:STEP (e.g. 400:4000:2), not "${'x'.repeat(40)}".`);
  });
});
