#!/usr/bin/env node
// Acceptance run for the training targets (issue 5): UCR Coffee, Meat and Strawberry on their
// given splits with cnn, resnet1d and pls, and Tecator fat (train rows 1–172, test 173–215) with
// pls and cnn, all with default settings and --seed 1, through the real `spectra-desk` CLI.
// PLS runs twice per UCR set: on the raw spectra, and with the first-derivative recipe that is
// the usual start for FTIR (Savitzky–Golay, 11 points, quadratic: scripts/recipes/
// first-derivative.json) — components and class decision chosen by cross-validation on the
// training split in both. Prints one line per run and the published reference, then checks the
// targets: per UCR set the better of cnn and resnet1d reaches Coffee 1.00, Meat 0.95,
// Strawberry 0.97 (test accuracy), and a PLS model (the better of the two PLS runs) reaches the
// published 1-NN accuracy (Coffee 1.000, Meat 0.933, Strawberry 0.946); exits 1 when one is
// missed. Takes several minutes (resnet1d on Strawberry and on Meat ≈ 4 min each on 2 cores).
// Usage: node scripts/acceptance-train.mjs [--quick]  (--quick: no resnet1d on Meat and
// Strawberry, so those targets are judged on cnn alone)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const data = path.resolve(root, '..', 'shared', 'datasets');
const cli = path.join(root, 'out', 'cli', 'index.cjs');
const derivative = path.join(root, 'scripts', 'recipes', 'first-derivative.json');
const quick = process.argv.includes('--quick');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-acceptance-'));
const project = path.join(dir, 'acceptance.spectra');
const run = (args) => execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

try {
  for (const d of ['Coffee', 'Meat', 'Strawberry']) {
    run(['import', path.join(data, 'ucr_spectro', d, `${d}_TRAIN.tsv`), '--project', project, '--dataset', d, '--split-tag', 'train']);
    run(['import', path.join(data, 'ucr_spectro', d, `${d}_TEST.tsv`), '--project', project, '--dataset', d, '--split-tag', 'test']);
  }
  const rows = fs.readFileSync(path.join(data, 'tecator', 'tecator.csv'), 'utf8').trim().split('\n');
  const tecator = path.join(dir, 'tecator.csv');
  fs.writeFileSync(tecator, [`${rows[0]},set`, ...rows.slice(1, 216).map((r, i) => `${r},${i < 172 ? 'train' : 'test'}`)].join('\n'));
  run(['import', tecator, '--project', project, '--dataset', 'Tecator', '--split-column', 'set']);

  const published = { Coffee: '1-NN 1.000, ResNet 1.000', Meat: '1-NN 0.933, ResNet 0.968', Strawberry: '1-NN 0.946, ResNet 0.981', Tecator: 'SEP 0.36–0.65 (neural networks), 2.78 (linear, 10 inputs)' };
  const networkTarget = { Coffee: 1, Meat: 0.95, Strawberry: 0.97 };
  const nearestNeighbour = { Coffee: 1, Meat: 0.933, Strawberry: 0.946 };
  const accuracy = {};
  const plan = [
    ['Coffee', 'class', ['cnn', 'resnet1d', 'pls', 'pls+d1']],
    ['Meat', 'class', quick ? ['cnn', 'pls', 'pls+d1'] : ['cnn', 'resnet1d', 'pls', 'pls+d1']],
    ['Strawberry', 'class', quick ? ['cnn', 'pls', 'pls+d1'] : ['cnn', 'resnet1d', 'pls', 'pls+d1']],
    ['Tecator', 'fat', ['pls', 'cnn']],
  ];
  for (const [dataset, target, models] of plan) {
    for (const name of models) {
      const model = name.replace('+d1', '');
      const recipe = name.endsWith('+d1') ? ['--pipeline', derivative] : [];
      const o = JSON.parse(run(['train', '--project', project, '--dataset', dataset, '--target', target, '--model', model, ...recipe, '--seed', '1', '--json']));
      const m = o.metrics?.test ?? {};
      if ('accuracy' in m) (accuracy[dataset] ??= {})[name] = m.accuracy;
      const score = 'accuracy' in m ? `accuracy ${m.accuracy.toFixed(3)}, balanced ${m.balancedAccuracy.toFixed(3)}` : `RMSEP ${m.rmse?.toFixed(3)}, R² ${m.r2?.toFixed(3)}`;
      const pls = o.components ? ` (${o.components} components${o.decision ? `, ${{ 'pls-da': 'PLS-DA', centroid: 'nearest class centre', 'nearest-neighbour': 'nearest spectrum in score space' }[o.decision]}` : ''})` : '';
      console.log(`${dataset.padEnd(10)} ${name.padEnd(9)} ${o.status.padEnd(6)} ${score}${pls} · ${o.epochs} epochs · ${(o.durationMs / 1000).toFixed(0)} s · published: ${published[dataset]}`);
    }
  }
  console.log('pls+d1: pls on the first-derivative recipe (Savitzky–Golay 11 points, quadratic).');
  const misses = [];
  for (const [dataset, target] of Object.entries(networkTarget)) {
    const best = Math.max(accuracy[dataset]?.cnn ?? 0, accuracy[dataset]?.resnet1d ?? 0);
    // Three decimals, as published: 0.9459 (350 of 370) meets 0.946.
    if (Number(best.toFixed(3)) < target) misses.push(`${dataset} cnn/resnet1d ${best.toFixed(3)} < ${target}`);
  }
  for (const [dataset, target] of Object.entries(nearestNeighbour)) {
    const got = Math.max(accuracy[dataset]?.pls ?? 0, accuracy[dataset]?.['pls+d1'] ?? 0);
    if (Number(got.toFixed(3)) < target) misses.push(`${dataset} pls ${got.toFixed(3)} < 1-NN ${target}`);
  }
  console.log(misses.length ? `Targets missed: ${misses.join('; ')}` : 'All targets met.');
  process.exitCode = misses.length ? 1 : 0;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
