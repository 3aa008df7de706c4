import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openProject } from '../db/connection';
import { importFiles } from '../services/import';
import { runPreprocessingBench } from './preprocessing';
import { BENCH_REPEATS, benchMachineLines, benchTraining, repeatLines } from '../services/bench-training';
import { runPlsBench } from './pls';
import { runLoadBench } from './load';
import { mapBenchChild, runMapBench } from './map';
import { forkTrainer } from '../services/trainer-client';
import { builtFile } from '../ml/built-files';
import { torchModelsScript, torchReferenceScript } from '../services/built-files';
import { benchModelRow, MODEL_ROW_IDS, MODEL_ROW_SHAPES, modelRowLines, modelRowTitle } from '../services/bench-models';

/**
 * `npm run bench`: import of a generated 10,000 × 1,000 wide CSV into a new project, compared in
 * the same run with pandas.read_csv on the same file when Debian's python3-pandas is installed;
 * then preprocessing (SG + SNV, AsLS) against scipy (see ./preprocessing.ts).
 * then training the reference 1D CNN on the best available engine against PyTorch
 * (../shared/bench/torch_reference.py) in the same run, and the model rows: the autoencoder
 * template and the cnn on r = 1 neighbourhoods against the same layers in PyTorch
 * (scripts/bench/torch_models.py, ../services/bench-models.ts).
 * then PLS regression (10,000 × 1,000, 10 components) against scikit-learn.
 * then a generated project of 100,000 spectra and 1,000 runs: open, runs table, sample table, list (./load.ts).
 * then a generated ENVI map (BENCH_MAP=WxHxB, default 500x500x1000): import, band image, PCA, training, whole-map prediction and each step's peak memory (./map.ts).
 * BENCH_ONLY=import, preprocessing, pls, training, load or map runs one section (models: only the model rows of training).
 * BENCH_REPEAT=N trains ours and PyTorch N times, alternately, and prints min / median / max.
 */

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const POINTS = Number(process.env.BENCH_POINTS ?? 1_000);
const REPEATS = 3;
const ONLY = process.env.BENCH_ONLY ?? '';

function trainingRepeats(): number {
  const text = process.env.BENCH_REPEAT ?? '1';
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!(n >= BENCH_REPEATS.min && n <= BENCH_REPEATS.max)) throw new Error(`BENCH_REPEAT must be a whole number from ${BENCH_REPEATS.min} to ${BENCH_REPEATS.max} (got "${text}")`);
  return n;
}

function writeCsv(file: string): number {
  const fd = fs.openSync(file, 'w');
  const header = ['sample', 'class', 'conc_pct'];
  for (let j = 0; j < POINTS; j++) header.push((4000 - (j * 3600) / (POINTS - 1)).toFixed(2));
  fs.writeSync(fd, `${header.join(',')}\n`);
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let i = 0; i < ROWS; i++) {
    const cells: string[] = [`s${i}`, `class${i % 5}`, (rand() * 10).toFixed(3)];
    const peak = 200 + (i % 5) * 100;
    for (let j = 0; j < POINTS; j++) {
      const v = Math.exp(-(((j - peak) / 40) ** 2)) + 0.05 * rand();
      cells.push(v.toFixed(6));
    }
    fs.writeSync(fd, `${cells.join(',')}\n`);
  }
  fs.closeSync(fd);
  return fs.statSync(file).size;
}

function pandasSeconds(file: string): number | null {
  const script = `import time, pandas\nbest = 1e9\nfor _ in range(${REPEATS}):\n    t = time.perf_counter(); pandas.read_csv(${JSON.stringify(file)}); best = min(best, time.perf_counter() - t)\nprint(best)`;
  const res = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' });
  if (res.status !== 0) return null;
  const v = Number(res.stdout.trim());
  return Number.isFinite(v) ? v : null;
}

async function importBench(dir: string): Promise<void> {
  const csv = path.join(dir, 'wide.csv');
  const bytes = writeCsv(csv);
  console.log(`Import benchmark: ${ROWS} × ${POINTS} wide CSV, ${(bytes / 1e6).toFixed(1)} MB (best of ${REPEATS})`);
  let best = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const project = path.join(dir, `bench-${r}.spectra`);
    globalThis.gc?.();
    const t0 = performance.now();
    const db = openProject(project, { create: true });
    const result = await importFiles(db, { files: [csv], dataset: 'bench' });
    db.close();
    const seconds = (performance.now() - t0) / 1000;
    if (result.samples !== ROWS) throw new Error(`imported ${result.samples} samples, expected ${ROWS}`);
    best = Math.min(best, seconds);
    console.log(`  run ${r + 1}: ${seconds.toFixed(2)} s (parse + validate + store in SQLite)`);
  }
  const pandas = pandasSeconds(csv);
  console.log(`Spectra Desk import: ${best.toFixed(2)} s`);
  if (pandas === null) {
    console.log('pandas.read_csv: not measured (install Debian python3-pandas for the comparison)');
  } else {
    const ratio = best / pandas;
    console.log(`pandas.read_csv (parse only): ${pandas.toFixed(2)} s`);
    console.log(`ratio (ours / pandas): ${ratio.toFixed(2)}× — target ≤ 2.00× ${ratio <= 2 ? 'MET' : 'NOT MET'}`);
  }
}

async function trainingBench(): Promise<void> {
  const repeat = trainingRepeats();
  console.log(`Training benchmark: reference 1D CNN, 1024 random spectra × 1000 points, 3 classes, batch 32, Adam (1 warm-up + 3 timed epochs${repeat > 1 ? `; ${repeat} runs, alternating with PyTorch` : ''})`);
  const r = await benchTraining({ spawn: forkTrainer(builtFile('ml/trainer.cjs')), torchScript: torchReferenceScript(), repeat, log: (l) => console.log(`  ${l}`) });
  for (const line of benchMachineLines(r.machine)) console.log(line);
  console.log(`Spectra Desk (${r.engineLabel}): ${r.spectraPerSecond.toFixed(0)} spectra/s, peak memory ${(r.peakMemoryBytes / 2 ** 20).toFixed(0)} MiB (target < 2048)`);
  if (r.reference) {
    console.log(`PyTorch ${r.reference.version}, ${r.reference.threads} threads: ${r.reference.spectraPerSecond.toFixed(0)} spectra/s`);
    console.log(`ratio (ours / PyTorch): ${r.ratio!.toFixed(2)} — target ≥ 1.0 ${r.ratio! >= 1 ? 'MET' : 'NOT MET'}`);
  } else console.log(`PyTorch reference: not run (${r.referenceNote})`);
  for (const line of repeatLines(r)) console.log(line);
}

async function modelRowsBench(): Promise<void> {
  const repeat = trainingRepeats();
  const torchScript = torchModelsScript();
  for (const id of MODEL_ROW_IDS) {
    console.log(`Training benchmark, ${modelRowTitle(id, MODEL_ROW_SHAPES[id])}${repeat > 1 ? `; ${repeat} runs, alternating with PyTorch` : ''}`);
    const row = await benchModelRow({ id, spawn: forkTrainer(builtFile('ml/trainer.cjs')), torchScript, repeat, log: (l) => console.log(`  ${l}`) });
    for (const line of modelRowLines(row)) console.log(line);
  }
}

async function main(): Promise<void> {
  if (await mapBenchChild()) return;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-bench-'));
  try {
    if (!ONLY || ONLY === 'import') await importBench(dir);
    if (!ONLY || ONLY === 'preprocessing') runPreprocessingBench(dir, ROWS, POINTS, REPEATS);
    if (!ONLY || ONLY === 'pls') await runPlsBench((l) => console.log(l));
    if (!ONLY || ONLY === 'training') await trainingBench();
    if (!ONLY || ONLY === 'training' || ONLY === 'models') await modelRowsBench();
    if (!ONLY || ONLY === 'load') await runLoadBench(dir, (l) => console.log(l));
    if (!ONLY || ONLY === 'map') runMapBench(dir, (l) => console.log(l));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
