import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyTransfer, choosePdsWindow, fitDs, fitPds, kennardStone, RCOND, type Spectra } from '../../../src-main/common/ml/transfer';
import { userErrorOf } from '../../helpers/errors';
import { applyPipeline, fitPipeline, parsePipelineSpec } from '../../../src-main/common/preprocessing/pipeline';

/** scripts/golden/transfer.py */
const golden = JSON.parse(readFileSync(new URL('../../fixtures/transfer/transfer.json', import.meta.url), 'utf8')) as {
  rcond: number;
  maxHalfWidth: number;
  a: number[][];
  b: number[][];
  n: number;
  kennardStone: number[];
  others: number[];
  ds: { rank: number; transformed: number[][]; offset: number[] };
  pds: { looMse: number[]; halfWidth: number; transformed: number[][]; offset: number[] };
};

const spectra = (rows: number[][]): Spectra => ({ values: Float64Array.from(rows.flat()), rows: rows.length, points: rows[0]!.length });
const pick = (rows: number[][], idx: number[]) => idx.map((i) => rows[i]!);

function expectClose(actual: ArrayLike<number>, expected: number[], rel = 1e-8): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(...expected.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / scale);
  expect(worst).toBeLessThan(rel);
}

describe('calibration transfer against numpy (scripts/golden/transfer.py)', () => {
  const a = spectra(golden.a);
  const tA = spectra(pick(golden.a, golden.kennardStone));
  const tB = spectra(pick(golden.b, golden.kennardStone));
  const others = spectra(pick(golden.b, golden.others));

  it('uses the same truncation', () => expect(RCOND).toBe(golden.rcond));

  it('Kennard–Stone chooses the same spectra in the same order', () => {
    expect(kennardStone(a, golden.n)).toEqual(golden.kennardStone);
  });

  it('DS keeps the same rank and transforms the other spectra to 1e-8', () => {
    const ds = fitDs(tA, tB);
    expect(ds.rank).toBe(golden.ds.rank);
    expectClose(ds.offset, golden.ds.offset);
    expectClose(applyTransfer(ds, others), golden.ds.transformed.flat());
  });

  it('PDS: the leave-one-out errors per half-width, the window they choose and its transform to 1e-8', () => {
    const cv = choosePdsWindow(tA, tB, golden.maxHalfWidth);
    expectClose(cv.looMse, golden.pds.looMse);
    expect(cv.halfWidth).toBe(golden.pds.halfWidth);
    const pds = fitPds(tA, tB, cv.halfWidth);
    expectClose(pds.offset, golden.pds.offset);
    expectClose(applyTransfer(pds, others), golden.pds.transformed.flat());
  });

  it('a state survives JSON and transforms the same', () => {
    const pds = fitPds(tA, tB, 2);
    expect(applyTransfer(JSON.parse(JSON.stringify(pds)), others)).toEqual(applyTransfer(pds, others));
  });
});

describe('calibration transfer refuses', () => {
  const four = spectra([[1, 2, 3], [2, 3, 5], [0, 1, 1], [4, 4, 4]]);
  const message = (fn: () => unknown) => userErrorOf(fn).message;

  it('a PDS transfer set of fewer than 3 samples', () => {
    const two = spectra([[1, 2, 3], [2, 3, 5]]);
    expect(message(() => fitPds(two, two, 1))).toBe('PDS needs a transfer set of at least 3 samples (its window is chosen by leave-one-out, which fits on all but one); this one has 2.');
    expect(fitDs(two, two).rank).toBe(1);
  });

  it('spectra of unequal lengths, or unequal counts', () => {
    expect(message(() => fitDs(four, spectra([[1, 2], [2, 3], [3, 1], [0, 0]])))).toBe("The two instruments' spectra have 3 and 2 points; calibration transfer needs them on one axis.");
    expect(message(() => fitDs(four, spectra([[1, 2, 3], [2, 3, 5], [0, 1, 1]])))).toBe('The transfer set has 4 spectra on one instrument and 3 on the other; it needs the same samples on both.');
  });

  it('a Kennard–Stone set larger than the spectra to choose from', () => {
    expect(message(() => kennardStone(four, 5))).toBe('A transfer set of 5 needs 5 spectra to choose from; there are 4.');
  });
});

describe('the calibrationTransfer recipe step', () => {
  const axis = [1, 2, 3];
  const block = { axis: Float64Array.from(axis), values: Float64Array.from([1, 2, 3, 2, 3, 5, 0, 1, 1]), rows: 3 };
  const a = { values: block.values, rows: 3, points: 3 };
  const state = fitPds(a, { ...a, values: block.values.map((v) => 2 * v + 1) }, 1);
  const spec = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'calibrationTransfer' }] });

  it('applies its stored state in a fitted pipeline, as prediction does', () => {
    const onB = { ...block, values: block.values.map((v) => 2 * v + 1) };
    expectClose(applyPipeline({ spec, states: [state] }, onB).values, Array.from(block.values), 1e-12);
  });

  it('is not fitted from one dataset, and refuses spectra of another length', () => {
    expect(() => fitPipeline(spec, block)).toThrow('calibrationTransfer: this step is fitted from the same samples measured on two instruments (spectra-desk transfer), not from one dataset; remove it from the recipe.');
    const short = { axis: Float64Array.from([1, 2]), values: Float64Array.from([1, 2]), rows: 1 };
    expect(() => applyPipeline({ spec, states: [state] }, short)).toThrow('calibrationTransfer: the transfer was fitted on spectra of 3 points but these have 2; measure them on the axis the transfer was fitted on.');
  });
});
