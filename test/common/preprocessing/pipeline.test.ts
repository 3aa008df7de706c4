import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src-main/common/errors';
import {
  applyPipeline,
  applyPipelineSteps,
  fitPipeline,
  parsePipelineSpec,
  resolvedHash,
  type FittedPipeline,
} from '../../../src-main/common/preprocessing/pipeline';
import { getStep } from '../../../src-main/common/preprocessing/registry';
import { blockOf, linspace, ordinaryBlock, rowsOf } from './helpers';

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as UserError).message;
  }
  throw new Error('expected a UserError');
}

describe('parsePipelineSpec', () => {
  it('fills defaults, versions and enabled', () => {
    const spec = parsePipelineSpec({
      schemaVersion: 1,
      steps: [{ kind: 'savitzkyGolay', params: { windowSize: 11, polynomial: 2, derivative: 1 } }, { kind: 'snv' }, { kind: 'detrend', enabled: false }],
    });
    expect(spec.steps).toEqual([
      { kind: 'savitzkyGolay', version: 1, enabled: true, params: { windowSize: 11, polynomial: 2, derivative: 1, scaleByAxisStep: true } },
      { kind: 'snv', version: 1, enabled: true, params: {} },
      { kind: 'detrend', version: 1, enabled: false, params: { order: 1 } },
    ]);
    expect(spec.hash).toMatch(/^fnv1a64:[0-9a-f]{16}$/);
    expect(parsePipelineSpec(JSON.parse(JSON.stringify(spec)))).toEqual(spec);
  });

  it('names the step, kind and field for unknown kinds and bad params', () => {
    expect(messageOf(() => parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'snv' }, { kind: 'smooth' }] }))).toMatch(
      /^Pipeline step 2: unknown kind "smooth"\. Known steps: crop, /,
    );
    expect(messageOf(() => parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'savitzkyGolay', params: { windowSize: 'big' } }] }))).toBe(
      'Pipeline step 1 (savitzkyGolay): windowSize: Invalid input: expected number, received string.',
    );
    expect(messageOf(() => parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'savitzkyGolay', params: { window: 9 } }] }))).toBe(
      'Pipeline step 1 (savitzkyGolay): window: unknown field window.',
    );
    expect(messageOf(() => parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'normalize', params: { method: 'l3' } }] }))).toMatch(
      /^Pipeline step 1 \(normalize\): method: /,
    );
    expect(messageOf(() => parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'snv', version: 7 }] }))).toBe(
      'Pipeline step 1 (snv): version 7 is not the version this app runs (1); remove "version" to use the current step, and expect different numbers.',
    );
    expect(messageOf(() => parsePipelineSpec({ schemaVersion: 2, steps: [] }))).toMatch(/^Pipeline spec: schemaVersion: /);
    try {
      parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'detrend', params: { order: -1 } }] });
    } catch (err) {
      expect((err as UserError).field).toBe('order');
    }
  });

  it('hash is stable under key order and changes with params', () => {
    const a = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'savitzkyGolay', params: { windowSize: 11, derivative: 1 } }, { kind: 'snv' }] });
    const b = parsePipelineSpec({ steps: [{ params: { derivative: 1, windowSize: 11 }, kind: 'savitzkyGolay' }, { kind: 'snv', enabled: true }], schemaVersion: 1 });
    const c = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'savitzkyGolay', params: { windowSize: 13, derivative: 1 } }, { kind: 'snv' }] });
    expect(b.hash).toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
    expect(resolvedHash({ schemaVersion: 1, steps: a.steps })).toBe(a.hash);
    // Pinned so an accidental change to the canonical form or the hash shows up.
    expect(resolvedHash({ schemaVersion: 1, steps: [] })).toBe(parsePipelineSpec({ schemaVersion: 1, steps: [] }).hash);
  });
});

describe('fit and apply', () => {
  const axis = [1, 2, 3];
  const train = blockOf(axis, [[1, 2, 3], [3, 4, 5]]);
  const test = blockOf(axis, [[10, 10, 10], [0, 1, 2]]);

  it('fitted steps see only the training rows', () => {
    const spec = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'meanCenter' }, { kind: 'autoscale' }] });
    const fitted = fitPipeline(spec, train);
    // meanCenter learns mean [2, 3, 4] from train; autoscale then sees the centred train rows
    // (mean 0, std 1 per point) and leaves the test rows' centred values as they are.
    expect(fitted.states).toEqual([{ mean: [2, 3, 4] }, { mean: [0, 0, 0], std: [1, 1, 1] }]);
    expect(rowsOf(applyPipeline(fitted, test))).toEqual([[8, 7, 6], [-2, -2, -2]]);
  });

  it('MSC uses the training mean as reference', () => {
    const spec = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'msc' }] });
    const fitted = fitPipeline(spec, train);
    expect(fitted.states).toEqual([{ reference: [2, 3, 4] }]);
    // x = 2·ref + 1 → (x − 1)/2 = ref
    const out = applyPipeline(fitted, blockOf(axis, [[5, 7, 9]]));
    expect(rowsOf(out)[0].map((v) => Math.round(v * 1e12) / 1e12)).toEqual([2, 3, 4]);
  });

  it('state survives a JSON round trip and gives identical output', () => {
    const axis2 = linspace(900, 1700, 101);
    const data = ordinaryBlock(axis2, 8);
    const trainBlock = { axis: data.axis, values: data.values.slice(0, 5 * 101), rows: 5 };
    const spec = parsePipelineSpec({
      schemaVersion: 1,
      steps: [{ kind: 'savitzkyGolay', params: { derivative: 1 } }, { kind: 'msc' }, { kind: 'autoscale' }],
    });
    const fitted = fitPipeline(spec, trainBlock);
    const restored = JSON.parse(JSON.stringify(fitted)) as FittedPipeline;
    expect(restored).toEqual(fitted);
    expect(applyPipeline(restored, data)).toEqual(applyPipeline(fitted, data));
  });

  it('returns the output after every step, disabled steps passing through', () => {
    const axis2 = linspace(900, 1700, 101);
    const data = ordinaryBlock(axis2, 3);
    const spec = parsePipelineSpec({
      schemaVersion: 1,
      steps: [{ kind: 'crop', params: { ranges: [[1000, 1500]] } }, { kind: 'snv', enabled: false }, { kind: 'normalize', params: { method: 'max' } }],
    });
    const fitted = fitPipeline(spec, data);
    const seen: number[] = [];
    const outputs = applyPipelineSteps(fitted, data, { onStep: ({ index }) => seen.push(index) });
    expect(seen).toEqual([0, 1, 2]);
    expect(outputs.map((o) => [o.kind, o.enabled, o.output.axis.length])).toEqual([
      // 1004 … 1500 nm at 8 nm spacing
      ['crop', true, 63],
      ['snv', false, 63],
      ['normalize', true, 63],
    ]);
    expect(outputs[1].output).toBe(outputs[0].output);
    const crop = getStep('crop');
    const cropped = crop.transform(crop.params.parse({ ranges: [[1000, 1500]] }), data, null);
    expect(outputs[0].output).toEqual(cropped);
    const norm = getStep('normalize');
    expect(outputs[2].output).toEqual(norm.transform(norm.params.parse({ method: 'max' }), cropped, null));
    expect(applyPipeline(fitted, data)).toEqual(outputs[2].output);
  });

  it('refuses to apply an unfitted fitted step', () => {
    const spec = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'meanCenter' }] });
    expect(messageOf(() => applyPipeline({ spec, states: [null] }, test))).toBe(
      'Pipeline step 1 (meanCenter) has not been fitted; fit the pipeline on training data first.',
    );
  });
});
