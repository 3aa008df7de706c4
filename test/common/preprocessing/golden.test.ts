import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getStep } from '../../../src-main/common/preprocessing/registry';
import type { JsonValue } from '../../../src-main/common/preprocessing/types';
import { blockOf, maxAbsDiff } from './helpers';

interface GoldenCase {
  name: string;
  kind: string;
  params: Record<string, unknown>;
  /** Fitted steps learn from the first `fitRows` rows and are applied to all. */
  fitRows?: number;
  /** Input rows when they differ from the file's (despike, conversions). */
  input?: number[][];
  /** Output axis when the step changes it (crop, resample). */
  axis?: number[];
  expected: number[][];
}

interface GoldenFile {
  source: string;
  axis: number[];
  input: number[][];
  cases: GoldenCase[];
}

/**
 * Allowed max |ours − numpy/scipy|, as a fraction of max(1, max|expected|). Everything is
 * float64 on both sides; the differences come from summation order and from solving the
 * least-squares problems by QR here instead of SVD/polyfit there (observed ≲ 1e-12).
 */
const TOLERANCE: Record<string, number> = {
  savitzkyGolay: 1e-6,
  snv: 1e-6,
  msc: 1e-6,
  detrend: 1e-6,
  normalize: 1e-6,
  meanCenter: 1e-6,
  autoscale: 1e-6,
  crop: 0,
  resample: 1e-9,
  despike: 1e-9,
  transmittanceToAbsorbance: 1e-9,
  reflectanceToLog1R: 1e-9,
  kubelkaMunk: 1e-9,
};

const dir = path.resolve(__dirname, '../../fixtures/preprocessing');

describe.each(['chemotools.json', 'tecator.json'])('golden %s', (file) => {
  const golden = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as GoldenFile;

  it.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const step = getStep(c.kind);
    const params: unknown = step.params.parse(c.params);
    const input = blockOf(golden.axis, c.input ?? golden.input);
    let state: JsonValue | null = null;
    if (step.fitted) {
      const n = input.axis.length;
      const rows = c.fitRows ?? input.rows;
      state = step.fit!(params, { axis: input.axis, values: input.values.slice(0, rows * n), rows }) as JsonValue;
    }
    const out = step.transform(params, input, state);
    const expected = c.expected.flat();
    if (c.axis) expect(Array.from(out.axis)).toEqual(c.axis);
    expect(out.rows).toBe(c.expected.length);
    expect(out.values.length).toBe(expected.length);
    const scale = Math.max(1, ...expected.map(Math.abs));
    const tol = TOLERANCE[c.kind];
    expect(tol).toBeDefined();
    expect(maxAbsDiff(out.values, expected)).toBeLessThanOrEqual(tol * scale);
  });
});
