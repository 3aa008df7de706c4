import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Fixtures written by scripts/golden/baselines.py (numpy/scipy reference implementations). */
const DIR = path.resolve(__dirname, '../../../fixtures/preprocessing/baselines');

export interface GoldenSpectrum {
  name: string;
  axis: Float64Array;
  y: Float64Array;
}

export interface GoldenCase {
  spectrum: GoldenSpectrum;
  params: Record<string, number>;
  iterations: number;
  baseline: Float64Array;
}

function read(name: string): unknown {
  return JSON.parse(readFileSync(path.join(DIR, name), 'utf8'));
}

export function goldenSpectra(): GoldenSpectrum[] {
  const raw = read('inputs.json') as { spectra: { name: string; axis: number[]; y: number[] }[] };
  return raw.spectra.map((s) => ({ name: s.name, axis: Float64Array.from(s.axis), y: Float64Array.from(s.y) }));
}

export function goldenCases(method: string): GoldenCase[] {
  const spectra = new Map(goldenSpectra().map((s) => [s.name, s]));
  const raw = read(`${method}.json`) as {
    cases: { spectrum: string; params: Record<string, number>; iterations: number; baseline: number[] }[];
  };
  return raw.cases.map((c) => ({
    spectrum: spectra.get(c.spectrum)!,
    params: c.params,
    iterations: c.iterations,
    baseline: Float64Array.from(c.baseline),
  }));
}

/** max |a − b| / max |y| (error relative to the signal scale). */
export function relativeError(a: Float64Array, b: Float64Array, scaleOf: Float64Array): number {
  let scale = 0;
  for (const v of scaleOf) scale = Math.max(scale, Math.abs(v));
  let err = 0;
  for (let i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i] - b[i]));
  return err / scale;
}
