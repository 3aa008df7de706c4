import { describe, expect, it } from 'vitest';
import { STEPS } from '../../../src-main/common/preprocessing/registry';
import type { JsonValue, ParamInfo, SpectraBlock, StepDefinition } from '../../../src-main/common/preprocessing/types';
import { fitPds } from '../../../src-main/common/ml/transfer';
import { linspace, ordinaryBlock } from './helpers';

/**
 * Axes the suite runs every step on: an ascending one (nm-like) and a descending one
 * (wavenumbers as many FTIR files store them). A step whose defaults need a particular axis
 * gets its own entry in AXES_FOR.
 */
const DEFAULT_AXES: Record<string, Float64Array> = {
  ascending: linspace(900, 1700, 201),
  descending: linspace(3990, 410, 180),
};
const AXES_FOR: Record<string, Record<string, Float64Array>> = {};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyStep = StepDefinition<any, any>;

function copyBlock(b: SpectraBlock): SpectraBlock {
  return { axis: Float64Array.from(b.axis), values: Float64Array.from(b.values), rows: b.rows };
}

/**
 * States for steps fitted by a command of their own (`fittedBy`), whose `fit` refuses one block:
 * calibration transfer fitted by PDS from the training rows to the same rows with an offset.
 */
const STATE_FOR: Record<string, (train: SpectraBlock) => JsonValue> = {
  calibrationTransfer: (train) => {
    const a = { values: train.values, rows: train.rows, points: train.axis.length };
    return fitPds(a, { ...a, values: train.values.map((v, i) => 1.1 * v + 0.01 * (i % 7)) }, 2);
  },
};

function run(step: AnyStep, params: unknown, train: SpectraBlock, input: SpectraBlock): { out: SpectraBlock; state: JsonValue | null } {
  step.validate?.(params, input.axis);
  const fitted = STATE_FOR[step.kind] ?? ((t: SpectraBlock) => step.fit!(params, t) as JsonValue);
  const state = step.fitted ? fitted(train) : null;
  return { out: step.transform(params, input, state), state };
}

const cases = STEPS.flatMap((step) =>
  Object.entries(AXES_FOR[step.kind] ?? DEFAULT_AXES).map(([axisName, axis]) => [step.kind, axisName, step, axis] as const),
);

describe.each(cases)('%s on the %s axis', (_kind, _axisName, step, axis) => {
  const data = ordinaryBlock(axis, 6);
  const train: SpectraBlock = { axis: data.axis, values: data.values.slice(0, 4 * axis.length), rows: 4 };

  it('has a kind, title, version and params whose defaults parse from {}', () => {
    expect(step.kind).toMatch(/^[a-z][A-Za-z0-9]*$/);
    expect(step.title.length).toBeGreaterThan(0);
    expect(Number.isInteger(step.version) && step.version >= 1).toBe(true);
    expect(step.params.safeParse({}).success).toBe(true);
    expect(step.fitted).toBe(typeof step.fit === 'function');
  });

  it('describes every param of its defaults with a label and a one-line help, and no param it lacks', () => {
    const names = Object.keys(step.params.parse({}) as object);
    const info = step.paramInfo as Record<string, ParamInfo>;
    expect(Object.keys(info).sort()).toEqual([...names].sort());
    for (const name of names) {
      expect(info[name]!.label.trim().length, `${name} label`).toBeGreaterThan(0);
      expect(info[name]!.help, `${name} help`).toMatch(/^[^\n]{10,160}\.$/);
      expect([undefined, 'points', 'axis', 'iterations']).toContain(info[name]!.unit);
    }
  });

  it('params survive a JSON round trip', () => {
    const params: unknown = step.params.parse({});
    const again: unknown = step.params.parse(JSON.parse(JSON.stringify(params)));
    expect(again).toEqual(params);
  });

  it('leaves its input untouched', () => {
    const input = copyBlock(data);
    const trainCopy = copyBlock(train);
    const trainBefore = copyBlock(train);
    run(step, step.params.parse({}), trainCopy, input);
    expect(input).toEqual(data);
    expect(trainCopy).toEqual(trainBefore);
  });

  it('gives rows × output-axis values, all finite, deterministically', () => {
    const params: unknown = step.params.parse({});
    const a = run(step, params, train, data).out;
    const b = run(step, params, train, data).out;
    expect(a.rows).toBe(data.rows);
    expect(a.values).toBeInstanceOf(Float64Array);
    expect(a.axis).toBeInstanceOf(Float64Array);
    expect(a.values.length).toBe(a.rows * a.axis.length);
    expect(a.values.every(Number.isFinite)).toBe(true);
    expect(a.axis.every(Number.isFinite)).toBe(true);
    expect(b).toEqual(a);
  });

  if (step.transformInPlace)
    it('transformInPlace gives exactly what transform gives', () => {
      const params: unknown = step.params.parse({});
      const { out, state } = run(step, params, train, data);
      const copy = { axis: Float64Array.from(data.axis), values: Float64Array.from(data.values), rows: data.rows };
      expect(step.transformInPlace!(params, copy, state)).toEqual(out);
    });

  // Only fitted steps have state to round-trip; the test is not registered for the others.
  if (step.fitted)
    it('fitted state is JSON and gives identical output after a round trip', () => {
    const params: unknown = step.params.parse({});
    const { out, state } = run(step, params, train, data);
    const restored = JSON.parse(JSON.stringify(state)) as JsonValue;
    expect(restored).toEqual(state);
    expect(step.transform(params, data, restored)).toEqual(out);
  });
});

it('registers each kind once', () => {
  const kinds = STEPS.map((s) => s.kind);
  expect(new Set(kinds).size).toBe(kinds.length);
});
