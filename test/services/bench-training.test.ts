/**
 * `--repeat` alternates ours and the reference and takes each run's ratio against its own
 * reference. The reference here is a stand-in for torch_reference.py (this machine need not have
 * torch): a node script that answers 100 spectra/s, then 300, and echoes the shapes it was given.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { benchTraining } from '../../src-main/services/bench-training';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { expectedKernelSet } from '../helpers/kernel-set';

const trainer = path.resolve(__dirname, '../../out/ml/trainer.cjs');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-bench-training-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const reference = path.join(dir, 'reference.js');
fs.writeFileSync(
  reference,
  `const fs = require('node:fs');
const count = ${JSON.stringify(path.join(dir, 'count'))};
const n = fs.existsSync(count) ? Number(fs.readFileSync(count, 'utf8')) + 1 : 1;
fs.writeFileSync(count, String(n));
console.log('warming up');
console.log(JSON.stringify({ framework: 'pytorch', version: process.argv.slice(2).join(' '), threads: 2, spectra_per_s: n * 200 - 100, epoch_s: [n] }));
`,
);

describe('benchTraining --repeat', () => {
  it('runs ours and the reference alternately, N times, and spreads ours, the reference and the per-run ratio', async () => {
    const log: string[] = [];
    const b = await benchTraining({ spawn: forkTrainer(trainer), engine: 'wasm', threads: 1, n: 32, epochs: 1, repeat: 2, torchScript: reference, python: process.execPath, log: (l) => log.push(l) });
    expect(log.filter((l) => /^run |^PyTorch|^ {2}PyTorch/.test(l))).toEqual([
      'run 1 of 2',
      'PyTorch reference (same shapes, same machine)…',
      '  PyTorch: 100 spectra/s',
      'run 2 of 2',
      'PyTorch reference (same shapes, same machine)…',
      '  PyTorch: 300 spectra/s',
    ]);
    const [a, c] = b.runs.map((r) => r.spectraPerSecond);
    expect(b.runs.map((r) => [r.referenceSpectraPerSecond, r.epochSeconds.length])).toEqual([
      [100, 1],
      [300, 1],
    ]);
    expect(b.runs.map((r) => r.ratio)).toEqual([Math.round((a! / 100) * 1000) / 1000, Math.round((c! / 300) * 1000) / 1000]);
    expect(b.reference).toEqual({ framework: 'pytorch', version: '--n 32 --length 1000 --classes 3 --batch 32 --epochs 1', threads: 2, spectraPerSecond: 200, epochSeconds: [1, 2] });
    expect(b.summary.reference).toEqual({ min: 100, median: 200, max: 300 });
    expect(b.summary.ours.min).toBe(Math.min(a!, c!));
    expect(b.summary.ours.max).toBe(Math.max(a!, c!));
    expect(b.summary.ratio!.median).toBeCloseTo((a! / 100 + c! / 300) / 2, 2);
    expect(b.ratio).toBe(b.summary.ratio!.median);
    expect(b.spectraPerSecond).toBe(b.summary.ours.median);
    expect(b.epochSeconds).toEqual(b.runs.flatMap((r) => r.epochSeconds));
    expect(b.machine).toMatchObject({ threads: 1, kernels: expectedKernelSet(), simd128: { available: true, used: true } });
  }, 60_000);
});
