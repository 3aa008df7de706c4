/**
 * The bench's model rows (services/bench-models.ts): the networks they time, the parameter counts
 * both sides must agree on, and what is handed to scripts/bench/torch_models.py. A node script
 * stands in for it where the test is about the row, not about PyTorch (this machine need not have
 * torch); where torch is installed the real script is held to our parameter counts.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { templateLayers } from '../../src-main/common/ml/templates';
import { createJsKernels } from '../../src-main/ml/kernels/js';
import { Net } from '../../src-main/ml/engine/net';
import { benchModelRow, modelRowLines, modelRowNetwork, modelRowTitle, MODEL_ROW_SHAPES, type ModelRow, type ModelRowId } from '../../src-main/services/bench-models';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { expectedKernelSet } from '../helpers/kernel-set';

const root = path.resolve(__dirname, '../..');
const script = path.join(root, 'scripts/bench/torch_models.py');
const python = '/usr/bin/python3';
const hasTorch = fs.existsSync(python) && spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const spawn = forkTrainer(path.join(root, 'out/ml/trainer.cjs'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-bench-models-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function ourParams(id: ModelRowId, length: number): number {
  const n = modelRowNetwork(id, length);
  return new Net(createJsKernels(), { layers: n.layers, input: n.input, task: n.task, maxBatch: 1, seed: 0 }).getWeights().length;
}

function torchParams(id: ModelRowId, length: number): { params: number; output: number[] } {
  const n = modelRowNetwork(id, length);
  const layers = path.join(dir, `${id}-${length}.json`);
  fs.writeFileSync(layers, JSON.stringify(n.layers));
  const task = n.task.kind === 'classification' ? ['--task', 'classification', '--classes', String(n.task.classes)] : ['--task', 'reconstruction'];
  const r = spawnSync(python, [script, '--layers', layers, '--length', String(length), '--channels', String(n.input[1]), ...task, '--threads', '1', '--params-only'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as { params: number; output: number[] };
}

// Stand-in for torch_models.py: keeps its arguments and layer list, answers the parameter count in `params`.
const fake = path.join(dir, 'fake.js');
const paramsFile = path.join(dir, 'params');
const argsFile = path.join(dir, 'args.json');
fs.writeFileSync(
  fake,
  `const fs = require('node:fs');
const argv = process.argv.slice(2);
const layers = fs.readFileSync(argv[argv.indexOf('--layers') + 1], 'utf8');
fs.writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify({ argv, layers: JSON.parse(layers) }));
console.log(JSON.stringify({ framework: 'pytorch', version: 'fake', threads: Number(argv[argv.indexOf('--threads') + 1]), omp_wait_policy: process.env.OMP_WAIT_POLICY ?? 'default', params: Number(fs.readFileSync(${JSON.stringify(paramsFile)}, 'utf8')), spectra_per_s: 50, epoch_s: [0.64] }));
`,
);

describe('model rows', () => {
  it('time the ae template on one channel and the cnn template on 9 neighbourhood channels', () => {
    expect(modelRowNetwork('ae', 48)).toMatchObject({ input: [48, 1], task: { kind: 'reconstruction' } });
    expect(modelRowNetwork('neighbourhood', 48)).toEqual({ layers: templateLayers('cnn', 48), input: [48, 9], task: { kind: 'classification', classes: 3 } });
    expect(modelRowTitle('ae', MODEL_ROW_SHAPES.ae)).toBe('autoencoder template ae (latent 8), 256 random spectra × 1000 points, MSE, batch 32, Adam (1 warm-up + 3 timed epochs)');
    expect(modelRowTitle('neighbourhood', MODEL_ROW_SHAPES.neighbourhood)).toBe('cnn template on r = 1 neighbourhoods (9 channels), 256 random pixels × 1000 points × 9, 3 classes, batch 32, Adam (1 warm-up + 3 timed epochs)');
  });

  it('our trainable parameters: the autoencoder (with and without a crop) and the neighbourhood cnn (batch-norm statistics are not trained)', () => {
    expect([ourParams('ae', 1000), ourParams('ae', 48), ourParams('ae', 37), ourParams('neighbourhood', 1000), ourParams('neighbourhood', 48)]).toEqual([85833, 14057, 12969, 35395, 35395]);
  });

  it.skipIf(!hasTorch)('torch_models.py builds the same networks: the same parameter counts and output shapes', () => {
    expect([torchParams('ae', 1000), torchParams('ae', 37), torchParams('neighbourhood', 1000)]).toEqual([
      { params: 85833, output: [1000, 1] },
      { params: 12969, output: [37, 1] },
      { params: 35395, output: [3] },
    ]);
  });

  it('hand PyTorch the layer list, the shapes and our thread count, and take the ratio', async () => {
    fs.writeFileSync(paramsFile, '35395');
    const log: string[] = [];
    const row = await benchModelRow({ id: 'neighbourhood', spawn, engine: 'wasm', threads: 1, shape: { n: 32, length: 48, epochs: 1 }, torchScript: fake, python: process.execPath, log: (l) => log.push(l) });
    const { argv, layers } = JSON.parse(fs.readFileSync(argsFile, 'utf8')) as { argv: string[]; layers: unknown };
    expect(argv.filter((a) => !a.endsWith('layers.json'))).toEqual([
      '--layers', '--length', '48', '--channels', '9', '--task', 'classification', '--classes', '3', '--n', '32', '--batch', '32', '--epochs', '1', '--threads', '1',
    ]);
    expect(layers).toEqual(templateLayers('cnn', 48));
    expect(row).toMatchObject({ id: 'neighbourhood', threads: 1, params: { ours: 35395, reference: 35395 }, reference: { version: 'fake', threads: 1, ompWaitPolicy: process.env.OMP_WAIT_POLICY ?? 'default', spectraPerSecond: 50 }, runs: 1 });
    expect(row.ratio).toBe(Math.round((row.summary.ours.median / 50) * 1000) / 1000);
    expect(log.filter((l) => /PyTorch/.test(l))).toEqual(['PyTorch (same layers, shapes and threads)…', '  PyTorch: 50 spectra/s']);
  }, 60_000);

  it('refuse a PyTorch network of another size, naming both counts', async () => {
    fs.writeFileSync(paramsFile, '10467');
    await expect(benchModelRow({ id: 'neighbourhood', spawn, engine: 'wasm', threads: 1, shape: { n: 32, length: 48, epochs: 1 }, torchScript: fake, python: process.execPath })).rejects.toThrow(
      `The neighbourhood row's networks differ: 35395 parameters in ours, 10467 in PyTorch's (${fake}).`,
    );
  }, 60_000);

  it('say why PyTorch did not run, and still give ours', async () => {
    const row = await benchModelRow({ id: 'ae', spawn, engine: 'wasm', threads: 1, shape: { n: 32, length: 48, epochs: 1 }, torchScript: fake, python: path.join(dir, 'no-python') });
    expect(row).toMatchObject({ params: { ours: 14057, reference: null }, reference: null, ratio: null, referenceNote: `${path.join(dir, 'no-python')} not found` });
    expect(modelRowLines(row)).toEqual(['  parameters: 14,057', `  Spectra Desk (${row.engineLabel}, ${expectedKernelSet()}): ${row.spectraPerSecond.toFixed(0)} spectra/s`, `  PyTorch: not run (${path.join(dir, 'no-python')} not found)`]);
  }, 60_000);

  it('print the parameter counts, both throughputs and the ratio, and the spread over repeated runs', () => {
    const row: ModelRow = {
      id: 'ae',
      title: '',
      engineLabel: 'CPU · WebAssembly SIMD · 2 threads',
      kernels: 'spectra-desk wasm-relaxed-simd',
      threads: 2,
      params: { ours: 85833, reference: 85833 },
      spectraPerSecond: 612.4,
      reference: { version: '1.13.0a0', threads: 2, ompWaitPolicy: 'PASSIVE', spectraPerSecond: 401.6 },
      ratio: 1.534,
      runs: 3,
      summary: { ours: { min: 580, median: 612.4, max: 630 }, reference: { min: 390, median: 401.6, max: 420 }, ratio: { min: 1.4, median: 1.534, max: 1.6 } },
    };
    expect(modelRowLines(row)).toEqual([
      '  parameters: 85,833 (PyTorch: 85,833, the same)',
      '  Spectra Desk (CPU · WebAssembly SIMD · 2 threads, spectra-desk wasm-relaxed-simd): 612 spectra/s',
      '  PyTorch 1.13.0a0, 2 threads (OMP_WAIT_POLICY=PASSIVE): 402 spectra/s',
      '  ratio (ours / PyTorch): 1.53',
      '  min / median / max: ours 580 / 612 / 630, PyTorch 390 / 402 / 420 spectra/s, ratio 1.40 / 1.53 / 1.60',
    ]);
    expect(modelRowLines({ ...row, runs: 1 })).toHaveLength(4);
  });

  it.skipIf(!hasTorch)('run against the real torch_models.py: the same parameters, PyTorch on our threads', async () => {
    const row = await benchModelRow({ id: 'ae', spawn, engine: 'wasm', threads: 1, shape: { n: 32, length: 48, epochs: 1 }, torchScript: script });
    expect(row).toMatchObject({ params: { ours: 14057, reference: 14057 }, threads: 1, reference: { threads: 1 } });
    expect(row.ratio).toBeGreaterThan(0);
  }, 120_000);
});
