/**
 * The bench's model rows: two of the app's own networks timed against the same networks in
 * PyTorch in the same invocation (scripts/bench/torch_models.py, which builds them from the very
 * layer list our trainer gets): the autoencoder template `ae` (MSE against its input) and the
 * `cnn` template on a map's r = 1 neighbourhoods, nine spectra per pixel read as nine channels
 * (classification). Both sides give their parameter count, which must agree, and PyTorch runs
 * on the threads our engine used. With `repeat` > 1 the two alternate, as the reference CNN does.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { autoencoderLayers, AE_LATENT, templateLayers } from '../common/ml/templates';
import { neighbourhoodNames } from '../common/runs/neighbourhood';
import { repeatPaired, type RepeatSummary } from './bench-repeat';
import { trainOnce, type BenchNetwork, type TrainingBenchOptions } from './bench-training';

export type ModelRowId = 'ae' | 'neighbourhood';
export const MODEL_ROW_IDS = ['ae', 'neighbourhood'] as const satisfies readonly ModelRowId[];

export interface ModelRowShape {
  /** Spectra per epoch. */
  n: number;
  length: number;
  batch: number;
  /** Timed epochs (after one warm-up). */
  epochs: number;
}

/** Each row's default size: timed epochs of a second or two on a 2-core machine, so a row takes a few seconds a side. */
export const MODEL_ROW_SHAPES: Record<ModelRowId, ModelRowShape> = {
  ae: { n: 256, length: 1000, batch: 32, epochs: 3 },
  neighbourhood: { n: 256, length: 1000, batch: 32, epochs: 3 },
};

const NEIGHBOURHOOD_CLASSES = 3;

/** The network a row times, for spectra of `length` points. */
export function modelRowNetwork(id: ModelRowId, length: number): BenchNetwork {
  if (id === 'ae') return { layers: autoencoderLayers(length, 1), input: [length, 1], task: { kind: 'reconstruction' } };
  const channels = neighbourhoodNames({ radius: 1, mode: 'channels' }).length;
  return { layers: templateLayers('cnn', length), input: [length, channels], task: { kind: 'classification', classes: NEIGHBOURHOOD_CLASSES } };
}

/** The row's heading: what is timed, on what shapes. */
export function modelRowTitle(id: ModelRowId, shape: ModelRowShape): string {
  const what = id === 'ae' ? `autoencoder template ae (latent ${AE_LATENT}), ${shape.n} random spectra × ${shape.length} points, MSE` : `cnn template on r = 1 neighbourhoods (9 channels), ${shape.n} random pixels × ${shape.length} points × 9, ${NEIGHBOURHOOD_CLASSES} classes`;
  return `${what}, batch ${shape.batch}, Adam (1 warm-up + ${shape.epochs} timed epochs)`;
}

export interface TorchModelRun {
  version: string;
  threads: number;
  /** How PyTorch's OpenMP threads waited (OMP_WAIT_POLICY as it ran). */
  ompWaitPolicy: string;
  params: number;
  spectraPerSecond: number;
  epochSeconds: number[];
}

export interface ModelRow {
  id: ModelRowId;
  title: string;
  engineLabel: string;
  /** The kernel set ours ran on, as the run records it (e.g. "spectra-desk wasm-relaxed-simd"). */
  kernels: string;
  /** Threads our engine used, and PyTorch was given. */
  threads: number;
  /** Trained parameters on each side (PyTorch's null when it did not run). */
  params: { ours: number; reference: number | null };
  /** Median over the runs. */
  spectraPerSecond: number;
  reference: { version: string; threads: number; ompWaitPolicy: string; spectraPerSecond: number } | null;
  /** ours / PyTorch, the median of the per-run ratios. */
  ratio: number | null;
  referenceNote?: string;
  /** How many times each side ran. */
  runs: number;
  summary: RepeatSummary;
}

export interface ModelRowOptions extends Pick<TrainingBenchOptions, 'spawn' | 'engine' | 'threads'> {
  id: ModelRowId;
  shape?: Partial<ModelRowShape>;
  /** Path of torch_models.py; null to skip PyTorch. */
  torchScript: string | null;
  python?: string;
  repeat?: number;
  log?: (line: string) => void;
}

/**
 * Runs torch_models.py on the row's layer list; a note instead when it cannot run (no torch, no
 * python). PyTorch runs as a user gets it, with the reference CNN row's OpenMP settings (its
 * default wait policy unless OMP_WAIT_POLICY is set). On a loaded machine set
 * OMP_WAIT_POLICY=PASSIVE: spinning threads on shared cores measured the contention there (2
 * threads ran 10× slower than 1 under a load of 14 on 2 cores), while ours wait in Atomics.wait.
 */
export function runTorchModel(script: string, python: string, network: BenchNetwork, shape: ModelRowShape, threads: number): Promise<TorchModelRun | { note: string }> {
  if (!fs.existsSync(script)) return Promise.resolve({ note: `${script} not found` });
  if (!fs.existsSync(python)) return Promise.resolve({ note: `${python} not found` });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-bench-model-'));
  const layers = path.join(dir, 'layers.json');
  fs.writeFileSync(layers, JSON.stringify(network.layers));
  const task = network.task.kind === 'classification' ? ['--task', 'classification', '--classes', String(network.task.classes)] : ['--task', network.task.kind];
  const argv = [script, '--layers', layers, '--length', String(network.input[0]), '--channels', String(network.input[1]), ...task, '--n', String(shape.n), '--batch', String(shape.batch), '--epochs', String(shape.epochs), '--threads', String(threads)];
  return new Promise((resolve) => {
    execFile(python, argv, { timeout: 600_000, env: process.env }, (err, stdout, stderr) => {
      fs.rmSync(dir, { recursive: true, force: true });
      if (err) {
        const text = `${stderr}`;
        resolve({ note: /No module named 'torch'/.test(text) ? `${python} has no torch (apt-get install -y python3-torch)` : `torch_models.py failed: ${text.trim().split('\n').pop() || err.message}` });
        return;
      }
      try {
        const j = JSON.parse(stdout.trim().split('\n').pop()!) as { version: string; threads: number; omp_wait_policy: string; params: number; spectra_per_s: number; epoch_s: number[] };
        resolve({ version: j.version, threads: j.threads, ompWaitPolicy: j.omp_wait_policy, params: j.params, spectraPerSecond: j.spectra_per_s, epochSeconds: j.epoch_s });
      } catch {
        resolve({ note: `torch_models.py printed no JSON: ${stdout.slice(0, 200)}` });
      }
    });
  });
}

const round = (v: number, places: number): number => Math.round(v * 10 ** places) / 10 ** places;

/** Times one row: ours in the trainer process, then PyTorch on the same shapes and threads, `repeat` times alternately. */
export async function benchModelRow(o: ModelRowOptions): Promise<ModelRow> {
  const shape = { ...MODEL_ROW_SHAPES[o.id], ...o.shape };
  const network = modelRowNetwork(o.id, shape.length);
  const repeat = o.repeat ?? 1;
  const log = o.log ?? (() => {});
  const trainShape = { ...shape, classes: network.task.kind === 'classification' ? network.task.classes : 1 };
  const { ours, refs, referenceNote, summary } = await repeatPaired<Awaited<ReturnType<typeof trainOnce>>, TorchModelRun>({
    repeat,
    log,
    ...(o.torchScript ? {} : { referenceNote: 'scripts/bench/torch_models.py not found' }),
    referenceLabel: 'PyTorch (same layers, shapes and threads)…',
    ours: () => trainOnce(o, trainShape, log, network),
    reference: async (run) => {
      const ref = await runTorchModel(o.torchScript!, o.python ?? '/usr/bin/python3', network, shape, run.engine.threads);
      if (!('note' in ref) && ref.params !== run.params) throw new Error(`The ${o.id} row's networks differ: ${run.params} parameters in ours, ${ref.params} in PyTorch's (${o.torchScript}).`);
      return ref;
    },
  });
  const withReference = referenceNote === undefined;
  const last = ours[ours.length - 1]!;
  const lastRef = refs[refs.length - 1];
  return {
    id: o.id,
    title: modelRowTitle(o.id, shape),
    engineLabel: last.engine.label,
    kernels: last.engine.versions?.kernels ?? last.engine.id,
    threads: last.engine.threads,
    params: { ours: last.params, reference: withReference && lastRef ? lastRef.params : null },
    spectraPerSecond: round(summary.ours.median, 1),
    reference: withReference && lastRef ? { version: lastRef.version, threads: lastRef.threads, ompWaitPolicy: lastRef.ompWaitPolicy, spectraPerSecond: round(summary.reference!.median, 1) } : null,
    ratio: summary.ratio ? round(summary.ratio.median, 3) : null,
    ...(referenceNote ? { referenceNote } : {}),
    runs: ours.length,
    summary,
  };
}

/** What `npm run bench` prints of a row after its heading. */
export function modelRowLines(row: ModelRow): string[] {
  const count = (v: number) => v.toLocaleString('en-GB');
  const lines = [`  parameters: ${count(row.params.ours)}${row.params.reference === null ? '' : ` (PyTorch: ${count(row.params.reference)}, the same)`}`, `  Spectra Desk (${row.engineLabel}, ${row.kernels}): ${row.spectraPerSecond.toFixed(0)} spectra/s`];
  if (!row.reference) return [...lines, `  PyTorch: not run (${row.referenceNote})`];
  lines.push(`  PyTorch ${row.reference.version}, ${row.reference.threads} thread${row.reference.threads === 1 ? '' : 's'} (OMP_WAIT_POLICY=${row.reference.ompWaitPolicy}): ${row.reference.spectraPerSecond.toFixed(0)} spectra/s`, `  ratio (ours / PyTorch): ${row.ratio!.toFixed(2)}`);
  if (row.runs > 1 && row.summary.ratio && row.summary.reference) {
    const three = (v: { min: number; median: number; max: number }, d: number) => `${v.min.toFixed(d)} / ${v.median.toFixed(d)} / ${v.max.toFixed(d)}`;
    lines.push(`  min / median / max: ours ${three(row.summary.ours, 0)}, PyTorch ${three(row.summary.reference, 0)} spectra/s, ratio ${three(row.summary.ratio, 2)}`);
  }
  return lines;
}
