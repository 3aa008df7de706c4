/**
 * Load benchmark: a generated project of 100,000 spectra (one dataset, 400 points, a class, a
 * number and a sample-id column, train/test tags) and 1,000 finished runs (with 50 stored epochs
 * each), then the times a user waits for: opening the project in the app's session (checks,
 * interrupted runs), the runs table, one page of the sample table (plain, sorted by a column,
 * searched), the dataset list, and the CLI's `list`. Best of three, on this machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openProject } from '../db/connection';
import { upsertAxis } from '../db/axes';
import { insertColumn, insertDataset, sampleWriter } from '../db/dataset-rows';
import { addRunEpoch, createRun, finishRun } from '../db/runs';
import { mulberry32 } from '../common/ml/random';
import { Session } from '../services/session';
import { runCli } from '../cli/run';

const SPECTRA = Number(process.env.BENCH_LOAD_SPECTRA ?? 100_000);
const RUNS = Number(process.env.BENCH_LOAD_RUNS ?? 1_000);
const POINTS = 400;
const EPOCHS = 50;
const TARGET_OPEN_MS = 1000;
const TARGET_QUERY_MS = 200;

/** Writes the project straight through the repositories, in one transaction per 10,000 spectra. */
export function generateLoadProject(file: string): void {
  const db = openProject(file, { create: true });
  const rand = mulberry32(7);
  const axis = Float64Array.from({ length: POINTS }, (_, j) => 4000 - j * 9);
  const now = new Date().toISOString();
  let datasetId = 0;
  let columns: number[] = [];
  let axisId = 0;
  let source = 0;
  const w = sampleWriter(db);
  db.transaction(() => {
    axisId = upsertAxis(db, axis, 'cm-1');
    datasetId = insertDataset(db, 'bench', now, null);
    columns = [insertColumn(db, datasetId, 'class', 'class', 0), insertColumn(db, datasetId, 'conc', 'number', 1), insertColumn(db, datasetId, 'sample', 'text', 2)];
    source = w.sourceFile({ datasetId, path: 'generated.csv', format: 'csv-wide', sizeBytes: 0, sha256: '0'.repeat(64), samples: SPECTRA, importedAt: now });
  })();
  const y = new Float32Array(POINTS);
  const chunk = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const id = w.sample({ datasetId, key: `s${i}`, axisId, split: i % 4 === 0 ? 'test' : 'train', mapX: null, mapY: null, sourceFileId: source, sourceIndex: i });
      for (let j = 0; j < POINTS; j++) y[j] = Math.exp(-(((j - 100 - (i % 5) * 50) / 30) ** 2)) + 0.05 * rand();
      w.channel(id, 0, y);
      w.value(id, columns[0]!, `class${i % 5}`, null);
      w.value(id, columns[1]!, null, rand() * 10);
      w.value(id, columns[2]!, `S${Math.floor(i / 2)}`, null);
    }
  });
  for (let from = 0; from < SPECTRA; from += 10_000) chunk(from, Math.min(SPECTRA, from + 10_000));
  db.transaction(() => {
    for (let r = 0; r < RUNS; r++) {
      const runId = createRun(db, {
        datasetId,
        model: r % 3 === 0 ? 'pls' : 'cnn',
        task: 'classification',
        targetColumn: 'class',
        config: { model: r % 3 === 0 ? 'pls' : 'cnn', layers: [], input: [POINTS, 1], task: { kind: 'classification', classes: 5 }, classes: ['class0', 'class1', 'class2', 'class3', 'class4'], epochs: EPOCHS, batchSize: 32, learningRate: 1e-3, validation: { kind: 'given' }, inputScaling: { mean: 0.2, std: 0.3 }, targetScaling: null, axis: Array.from(axis), params: 9506, recipe: null },
        pipeline: null,
        fittedState: null,
        split: { train: [], monitor: [], test: [], unlabelled: [] },
        seed: r,
        versions: { app: 'bench' },
        trainer: { pid: process.pid, host: os.hostname() },
      });
      for (let e = 1; e <= EPOCHS; e++) addRunEpoch(db, runId, e, { epoch: e, trainLoss: 1 / e, validationLoss: null, validation: null, seconds: 0.1, spectraPerSecond: 1000 });
      finishRun(db, runId, 'done', { test: { accuracy: 0.9, balancedAccuracy: 0.9, macroF1: 0.9 }, trainedEpochs: EPOCHS, bestEpoch: null, stopped: 'completed' }, 'Engine: bench');
    }
  })();
  db.close();
}

function best(times: number[]): number {
  return Math.min(...times);
}

function line(what: string, ms: number, target: number): string {
  return `  ${what.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms   target < ${target} ms ${ms < target ? 'MET' : 'NOT MET'}`;
}

async function timed(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function runLoadBench(dir: string, log: (line: string) => void): Promise<void> {
  const file = path.join(dir, 'load.spectra');
  const t0 = performance.now();
  generateLoadProject(file);
  log(`Load benchmark: ${SPECTRA.toLocaleString('en-US')} spectra × ${POINTS} points and ${RUNS.toLocaleString('en-US')} runs (${EPOCHS} epochs each), ${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MiB, generated in ${((performance.now() - t0) / 1000).toFixed(1)} s; best of 3 on ${os.cpus()[0]?.model ?? 'this CPU'}`);
  const host = {
    dialogs: { saveProject: async () => null, openProject: async () => null, importFiles: async () => null, labelsFile: async () => null },
    emit: () => {},
    userDataDir: path.join(dir, 'user'),
    demoDir: dir,
    version: 'bench',
    engine: 'bench',
  };
  const open: number[] = [];
  const runs: number[] = [];
  const page: number[] = [];
  const sorted: number[] = [];
  const search: number[] = [];
  const datasets: number[] = [];
  const cli: number[] = [];
  for (let r = 0; r < 3; r++) {
    const s = new Session(host);
    open.push(await timed(() => s.open(file)));
    const datasetId = (await s.handlers['datasets:list']({}))[0]!.id;
    runs.push(await timed(() => s.handlers['runs:list']({})));
    page.push(await timed(() => s.handlers['datasets:samples']({ datasetId, offset: 50_000, limit: 100 })));
    sorted.push(await timed(() => s.handlers['datasets:samples']({ datasetId, offset: 0, limit: 100, sortBy: 'conc', descending: true })));
    search.push(await timed(() => s.handlers['datasets:samples']({ datasetId, offset: 0, limit: 100, search: 's9999' })));
    datasets.push(await timed(() => s.handlers['datasets:list']({})));
    s.close();
    const sink = { write: () => true };
    cli.push(await timed(() => runCli(['list', '--project', file, '--json'], { stdout: sink, stderr: sink })));
  }
  log(line('open the project (app session)', best(open), TARGET_OPEN_MS));
  log(line('runs table (runs:list, 1,000 runs)', best(runs), TARGET_QUERY_MS));
  log(line('sample table page at row 50,000', best(page), TARGET_QUERY_MS));
  log(line('sample table sorted by a number column', best(sorted), TARGET_QUERY_MS));
  log(line('sample table searched by key', best(search), TARGET_QUERY_MS));
  log(line('dataset list (datasets:list)', best(datasets), TARGET_QUERY_MS));
  log(line('spectra-desk list --json (open + list)', best(cli), TARGET_QUERY_MS));
}
