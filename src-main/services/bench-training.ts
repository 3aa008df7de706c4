/**
 * Training-throughput benchmark: the reference 1D CNN on random spectra (1024 × 1000 points,
 * 3 classes, batch 32, Adam 1e-3), trained in the trainer process on the best available engine
 * (or a forced one); one warm-up epoch, then the median of the timed epochs — exactly what
 * ../shared/bench/torch_reference.py does, which runs in the same invocation when
 * /usr/bin/python3 has torch, so the ratio compares like with like on this machine. With
 * `repeat` > 1 the two alternate, so a busy spell on a shared machine hits both rather than one.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import type { LayerSpec } from '../common/ml/model';
import type { EngineId, EngineInfo, TaskSpec } from '../common/ml/protocol';
import { REFERENCE_CNN } from '../common/ml/templates';
import { wasmFeatures } from '../ml/kernels/features';
import { median, repeatPaired, type RepeatSummary, type Spread } from './bench-repeat';
import { startTrainer, type SpawnTrainer } from './trainer-client';

/** What the bench ran on, so that a ratio can be read against the machine that gave it. */
export interface BenchMachine {
  cpuModel: string;
  /** Logical CPUs of the machine (os.cpus()). */
  cpus: number;
  /** Threads the training engine used. */
  threads: number;
  /** The kernel set the engine chose, as it records it with each run, e.g. "spectra-desk wasm-simd". */
  kernels: string;
  simd128: { available: boolean; used: boolean };
  relaxedSimd: { available: boolean; used: boolean };
}

export interface TrainingBenchRun {
  spectraPerSecond: number;
  epochSeconds: number[];
  referenceSpectraPerSecond: number | null;
  ratio: number | null;
}

export interface TrainingBench {
  backend: string;
  engine: EngineId | null;
  engineLabel: string;
  machine: BenchMachine;
  /** Median over the runs (the one run's figure without `repeat`). */
  spectraPerSecond: number;
  /** Every timed epoch of every run, in order. */
  epochSeconds: number[];
  /** The highest over the runs. */
  peakMemoryBytes: number;
  /** spectraPerSecond is the median over the runs, epochSeconds every timed epoch of every run. */
  reference: { framework: string; version: string; threads: number; spectraPerSecond: number; epochSeconds: number[] } | null;
  /** ours / reference (higher is better), the median of the per-run ratios; null without a reference. */
  ratio: number | null;
  /** Why there is no reference, when there is none. */
  referenceNote?: string;
  runs: TrainingBenchRun[];
  /** min / median / max of ours, the reference and the ratio over the runs. */
  summary: RepeatSummary;
}

/** How many times `--repeat` / BENCH_REPEAT may run the pair. */
export const BENCH_REPEATS = { min: 1, max: 100 };

export interface TrainingBenchOptions {
  spawn: SpawnTrainer;
  engine?: EngineId | 'auto';
  n?: number;
  length?: number;
  classes?: number;
  batch?: number;
  /** Timed epochs (after one warm-up). */
  epochs?: number;
  threads?: number;
  /** Path of torch_reference.py; null to skip the reference. */
  torchScript?: string | null;
  python?: string;
  /** Runs of ours and the reference, alternately (default 1). */
  repeat?: number;
  log?: (line: string) => void;
}

function randn(seed: number, n: number): Float32Array {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(u()));
    const t = 2 * Math.PI * u();
    out[i] = r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

export function runTorchReference(script: string, python: string, args: { n: number; length: number; classes: number; batch: number; epochs: number; threads?: number }): Promise<TrainingBench['reference'] | { note: string }> {
  if (!fs.existsSync(script)) return Promise.resolve({ note: `${script} not found` });
  if (!fs.existsSync(python)) return Promise.resolve({ note: `${python} not found` });
  const argv = [script, '--n', String(args.n), '--length', String(args.length), '--classes', String(args.classes), '--batch', String(args.batch), '--epochs', String(args.epochs)];
  if (args.threads) argv.push('--threads', String(args.threads));
  return new Promise((resolve) => {
    execFile(python, argv, { timeout: 600_000 }, (err, stdout, stderr) => {
      if (err) {
        const text = `${stderr}`;
        resolve({ note: /No module named 'torch'/.test(text) ? `${python} has no torch (apt-get install -y python3-torch)` : `the PyTorch reference failed: ${text.trim().split('\n').pop() ?? err.message}` });
        return;
      }
      try {
        const j = JSON.parse(stdout.trim().split('\n').pop()!) as { framework: string; version: string; threads: number; spectra_per_s: number; epoch_s: number[] };
        resolve({ framework: j.framework, version: j.version, threads: j.threads, spectraPerSecond: j.spectra_per_s, epochSeconds: j.epoch_s });
      } catch {
        resolve({ note: `the PyTorch reference printed no JSON: ${stdout.slice(0, 200)}` });
      }
    });
  });
}

const round = (v: number, places: number): number => Math.round(v * 10 ** places) / 10 ** places;
const roundSpread = (v: Spread | null, places: number): Spread | null => v && { min: round(v.min, places), median: round(v.median, places), max: round(v.max, places) };

/** The machine line of the bench: SIMD128 is used by the WebAssembly engine, relaxed SIMD when it loaded the relaxed build. */
export function benchMachine(engine: Pick<EngineInfo, 'id' | 'threads' | 'versions'>): BenchMachine {
  const cpus = os.cpus();
  const features = wasmFeatures();
  return {
    cpuModel: cpus[0]?.model.trim() || 'unknown',
    cpus: cpus.length,
    threads: engine.threads,
    kernels: engine.versions?.kernels ?? engine.id,
    simd128: { available: features.simd128, used: engine.id === 'wasm' },
    relaxedSimd: { available: features.relaxedSimd, used: engine.id === 'wasm' && (engine.versions?.kernels ?? '').includes('relaxed') },
  };
}

function simdState(f: { available: boolean; used: boolean }): string {
  return f.used ? 'used' : f.available ? 'available, not used' : 'not available';
}

/** The lines that say what the bench ran on, shared by `npm run bench` and `spectra-desk bench`. */
export function benchMachineLines(m: BenchMachine): string[] {
  return [
    `CPU: ${m.cpuModel}, ${m.threads} training thread${m.threads === 1 ? '' : 's'} of ${m.cpus} logical CPU${m.cpus === 1 ? '' : 's'}`,
    `SIMD: SIMD128 ${simdState(m.simd128)}; relaxed SIMD ${simdState(m.relaxedSimd)}`,
    `kernels: ${m.kernels}`,
  ];
}

/** min / median / max over the runs of `repeat`; nothing for a single run. */
export function repeatLines(b: Pick<TrainingBench, 'runs' | 'summary'>): string[] {
  if (b.runs.length < 2) return [];
  const three = (v: Spread, digits: number) => `${v.min.toFixed(digits)} / ${v.median.toFixed(digits)} / ${v.max.toFixed(digits)}`;
  const { ours, reference, ratio } = b.summary;
  return [
    `over ${b.runs.length} runs, min / median / max:`,
    `  Spectra Desk: ${three(ours, 0)} spectra/s`,
    ...(reference && ratio ? [`  PyTorch: ${three(reference, 0)} spectra/s`, `  ratio (ours / PyTorch, each run against its own reference): ${three(ratio, 2)}`] : []),
  ];
}

export interface OwnRun {
  engine: EngineInfo;
  epochSeconds: number[];
  spectraPerSecond: number;
  peakMemoryBytes: number;
  /** Trained parameters (the length of the weights the trainer gave back). */
  params: number;
}

/** A network to time: its hidden layers, per-sample input [length, channels] and task (the reference CNN by default). */
export interface BenchNetwork {
  layers: LayerSpec[];
  input: [number, number];
  task: TaskSpec;
}

/**
 * One timed training of ours in the trainer process: random spectra, one warm-up epoch and
 * `epochs` timed ones; spectra/s from the median epoch.
 */
export async function trainOnce(o: Pick<TrainingBenchOptions, 'spawn' | 'engine' | 'threads'>, shape: { n: number; length: number; classes: number; batch: number; epochs: number }, log: (line: string) => void, network?: BenchNetwork): Promise<OwnRun> {
  const { n, length, classes, batch, epochs } = shape;
  const net: BenchNetwork = network ?? { layers: REFERENCE_CNN, input: [length, 1], task: { kind: 'classification', classes } };
  const x = randn(1, n * net.input[0] * net.input[1]);
  const y = net.task.kind === 'classification' ? new Int32Array(n).map((_, i) => (i * 7919) % classes) : new Float32Array(n);
  const times: number[] = [];
  let engine = null as EngineInfo | null;
  const handle = startTrainer(
    o.spawn,
    {
      layers: net.layers,
      input: net.input,
      task: net.task,
      train: { x, y, n },
      validation: null,
      epochs: epochs + 1,
      batchSize: batch,
      learningRate: 1e-3,
      seed: 0,
      engine: o.engine ?? 'auto',
      threads: o.threads,
    },
    (e) => {
      if (e.type === 'engine') {
        engine = e.engine;
        log(`training engine: ${e.engine.label}${e.engine.fallbacks.length ? ` (not used: ${e.engine.fallbacks.join('; ')})` : ''}`);
      } else if (e.type === 'epoch') {
        const r = e.report;
        log(`  epoch ${r.epoch}${r.epoch === 1 ? ' (warm-up)' : ''}: ${r.seconds.toFixed(2)} s, ${r.spectraPerSecond.toFixed(0)} spectra/s`);
        if (r.epoch > 1) times.push(r.seconds);
      }
    },
  );
  const outcome = await handle.outcome;
  if (outcome.kind !== 'done') throw new Error(outcome.kind === 'failed' ? `${outcome.message}\n${outcome.log}` : 'cancelled');
  if (!engine) throw new Error('the trainer did not say which engine it used');
  return { engine, epochSeconds: times, spectraPerSecond: n / median(times), peakMemoryBytes: outcome.done.memory.peakRssBytes, params: outcome.done.weights.length };
}

export async function benchTraining(o: TrainingBenchOptions): Promise<TrainingBench> {
  const shape = { n: o.n ?? 1024, length: o.length ?? 1000, classes: o.classes ?? 3, batch: o.batch ?? 32, epochs: o.epochs ?? 3 };
  const repeat = o.repeat ?? 1;
  const log = o.log ?? (() => {});
  const { ours, refs, referenceNote, summary } = await repeatPaired<OwnRun, NonNullable<TrainingBench['reference']>>({
    repeat,
    log,
    ...(o.torchScript ? {} : { referenceNote: 'no reference script given' }),
    referenceLabel: 'PyTorch reference (same shapes, same machine)…',
    ours: () => trainOnce(o, shape, log),
    reference: () => runTorchReference(o.torchScript!, o.python ?? '/usr/bin/python3', { ...shape, threads: undefined }),
  });
  const withReference = referenceNote === undefined;
  const last = ours[ours.length - 1]!;
  const lastRef = refs[refs.length - 1];
  return {
    backend: last.engine.id,
    engine: last.engine.id,
    engineLabel: last.engine.label,
    machine: benchMachine(last.engine),
    spectraPerSecond: round(summary.ours.median, 1),
    epochSeconds: ours.flatMap((run) => run.epochSeconds.map((t) => round(t, 3))),
    peakMemoryBytes: Math.max(...ours.map((run) => run.peakMemoryBytes)),
    reference: withReference && lastRef ? { ...lastRef, spectraPerSecond: round(summary.reference!.median, 1), epochSeconds: refs.flatMap((ref) => ref.epochSeconds) } : null,
    ratio: summary.ratio ? round(summary.ratio.median, 3) : null,
    ...(referenceNote ? { referenceNote } : {}),
    runs: ours.map((run, i) => ({
      spectraPerSecond: round(run.spectraPerSecond, 1),
      epochSeconds: run.epochSeconds.map((t) => round(t, 3)),
      referenceSpectraPerSecond: withReference ? round(refs[i]!.spectraPerSecond, 1) : null,
      ratio: withReference ? round(run.spectraPerSecond / refs[i]!.spectraPerSecond, 3) : null,
    })),
    summary: { ours: roundSpread(summary.ours, 1)!, reference: roundSpread(summary.reference, 1), ratio: roundSpread(summary.ratio, 3) },
  };
}
