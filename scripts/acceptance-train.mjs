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
// Every dataset also gets an `auto` row (cnn and pls with the auto recipe, chosen by
// cross-validation of the training spectra) and an `optimize` row (spectra-desk optimize with
// a 10-minute budget: its winner, the winner's cross-validated score and its one test score);
// the other rows name their recipe (--pipeline none: raw spectra), as auto is train's default.
// --held-out adds the sets no default was tuned on — UCR Beef, OliveOil, Wine and Ham — with
// the auto, cnn+auto (all defaults) and optimize rows, each beside the published 1-NN, ResNet
// [F19] and best accuracy (../shared/datasets/published_scores.csv); run it once, at the end.
// Usage: node scripts/acceptance-train.mjs [--quick] [--budget 10m] [--held-out] [--optimize-only] [--sets A,B]
// (--quick: no resnet1d on Meat and Strawberry, so those targets are judged on cnn alone;
// --budget: the optimize rows'; --optimize-only: only the optimize rows, and no target check;
// --sets Beef,Ham: only the named sets' rows, and targets checked only for those)
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
const budgetAt = process.argv.indexOf('--budget');
const budget = budgetAt > 0 ? process.argv[budgetAt + 1] : '10m';
const optimizeOnly = process.argv.includes('--optimize-only');
const heldOut = process.argv.includes('--held-out') ? ['Beef', 'OliveOil', 'Wine', 'Ham'] : [];
const setsAt = process.argv.indexOf('--sets');
const sets = setsAt > 0 ? (process.argv[setsAt + 1] ?? '').split(',').filter(Boolean) : null;
const known = ['Coffee', 'Meat', 'Strawberry', 'Tecator', ...heldOut];
const unknown = (sets ?? []).filter((d) => !known.includes(d));
if (sets && (!sets.length || unknown.length)) {
  console.error(`--sets names ${unknown.length ? `"${unknown.join('", "')}", not a set of this run` : 'no set'}; the sets are ${known.join(', ')}${heldOut.length ? '' : ' (Beef, OliveOil, Wine and Ham with --held-out)'}.`);
  process.exit(2);
}
const wanted = (d) => !sets || sets.includes(d);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-acceptance-'));
const project = path.join(dir, 'acceptance.spectra');
const run = (args) => execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });

try {
  for (const d of ['Coffee', 'Meat', 'Strawberry', ...heldOut]) {
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
    ['Coffee', 'class', ['cnn', 'resnet1d', 'pls', 'pls+d1', 'cnn+auto', 'pls+auto', 'optimize']],
    ['Meat', 'class', quick ? ['cnn', 'pls', 'pls+d1', 'cnn+auto', 'pls+auto', 'optimize'] : ['cnn', 'resnet1d', 'pls', 'pls+d1', 'cnn+auto', 'pls+auto', 'optimize']],
    ['Strawberry', 'class', quick ? ['cnn', 'pls', 'pls+d1', 'cnn+auto', 'pls+auto', 'optimize'] : ['cnn', 'resnet1d', 'pls', 'pls+d1', 'cnn+auto', 'pls+auto', 'optimize']],
    ['Tecator', 'fat', ['pls', 'cnn', 'pls+auto', 'cnn+auto', 'optimize']],
    ...heldOut.map((d) => [d, 'class', ['cnn+auto', 'pls+auto', 'optimize']]),
  ];
  // Held-out sets: 1-NN (Euclidean, the UCR archive), ResNet (Fawaz et al. 2019, the mean of 10 runs) and the best accuracy listed.
  const scores = fs.readFileSync(path.join(data, 'published_scores.csv'), 'utf8').trim().split('\n').slice(1).map((line) => line.match(/("[^"]*"|[^,]*)(,|$)/g).map((f) => f.replace(/,$/, '').replace(/^"|"$/g, '')));
  for (const d of heldOut) {
    const rows = scores.filter((r) => r[0] === d && r[2] === 'accuracy_percent');
    const first = (method) => rows.find((r) => r[1] === method)?.[3];
    const best = rows.reduce((b, r) => (Number(r[3]) > Number(b[3]) ? r : b));
    published[d] = `1-NN ${(first('1-NN Euclidean') / 100).toFixed(3)}, ResNet ${(first('ResNet') / 100).toFixed(3)}, best ${(best[3] / 100).toFixed(3)} (${best[1]})`;
  }
  const scoreText = (m) => ('accuracy' in m ? `accuracy ${m.accuracy.toFixed(3)}, balanced ${m.balancedAccuracy.toFixed(3)}` : `RMSEP ${m.rmse?.toFixed(3)}, R² ${m.r2?.toFixed(3)}`);
  for (const [dataset, target, all] of plan.filter(([d]) => wanted(d))) {
    const models = optimizeOnly ? all.filter((m) => m === 'optimize') : all;
    for (const name of models) {
      if (name === 'optimize') {
        const o = JSON.parse(run(['optimize', '--project', project, '--dataset', dataset, '--target', target, '--budget', budget, '--seed', '1', '--json']));
        const b = o.leaderboard;
        const top = b.candidates[0];
        const cv = top?.status === 'done' ? `CV ${b.metric === 'rmse' ? 'RMSECV' : 'balanced accuracy'} ${top.mean.toFixed(3)} ± ${top.std.toFixed(3)}` : 'no candidate scored';
        const winner = b.winner ? `${b.winner.model} · ${b.winner.recipe}` : 'none';
        const tried = b.candidates.filter((c) => c.status === 'done').length;
        console.log(`${dataset.padEnd(10)} ${'optimize'.padEnd(9)} ${o.status.padEnd(6)} ${o.metrics ? scoreText(o.metrics.test) : '–'} · winner ${winner} (${cv}; ${tried} of ${b.candidates.length} candidates scored in ${b.searchSeconds.toFixed(0)} s of ${b.budgetSeconds.toFixed(0)} s) · ${(o.durationMs / 1000).toFixed(0)} s · published: ${published[dataset]}`);
        continue;
      }
      const model = name.replace(/\+(d1|auto)$/, '');
      const recipe = name.endsWith('+d1') ? ['--pipeline', derivative] : name.endsWith('+auto') ? ['--pipeline', 'auto'] : ['--pipeline', 'none'];
      const o = JSON.parse(run(['train', '--project', project, '--dataset', dataset, '--target', target, '--model', model, ...recipe, '--seed', '1', '--json']));
      const m = o.metrics?.test ?? {};
      if ('accuracy' in m) (accuracy[dataset] ??= {})[name] = m.accuracy;
      const score = scoreText(m) + (o.recipeChoice ? ` (auto: ${o.recipeChoice.winner})` : '');
      const pls = o.components ? ` (${o.components} components${o.decision ? `, ${{ 'pls-da': 'PLS-DA', centroid: 'nearest class centre', 'nearest-neighbour': 'nearest spectrum in score space' }[o.decision]}` : ''})` : '';
      console.log(`${dataset.padEnd(10)} ${name.padEnd(9)} ${o.status.padEnd(6)} ${score}${pls} · ${o.epochs} epochs · ${(o.durationMs / 1000).toFixed(0)} s · published: ${published[dataset]}`);
    }
  }
  console.log('pls+d1: pls on the first-derivative recipe (Savitzky–Golay 11 points, quadratic); +auto: the auto recipe; optimize: spectra-desk optimize --budget ' + budget + ' (the winner retrained on the training split, scored once on the test split).');
  const misses = [];
  for (const [dataset, target] of Object.entries(optimizeOnly ? {} : networkTarget).filter(([d]) => wanted(d))) {
    const best = Math.max(accuracy[dataset]?.cnn ?? 0, accuracy[dataset]?.resnet1d ?? 0);
    // Three decimals, as published: 0.9459 (350 of 370) meets 0.946.
    if (Number(best.toFixed(3)) < target) misses.push(`${dataset} cnn/resnet1d ${best.toFixed(3)} < ${target}`);
  }
  for (const [dataset, target] of Object.entries(optimizeOnly ? {} : nearestNeighbour).filter(([d]) => wanted(d))) {
    const got = Math.max(accuracy[dataset]?.pls ?? 0, accuracy[dataset]?.['pls+d1'] ?? 0);
    if (Number(got.toFixed(3)) < target) misses.push(`${dataset} pls ${got.toFixed(3)} < 1-NN ${target}`);
  }
  console.log(misses.length ? `Targets missed: ${misses.join('; ')}` : 'All targets met.');
  process.exitCode = misses.length ? 1 : 0;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
