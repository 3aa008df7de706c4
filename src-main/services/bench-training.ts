/**
 * Training-throughput benchmark: the reference 1D CNN on random spectra (1024 × 1000 points,
 * 3 classes, batch 32, Adam 1e-3), trained in the trainer process on the best available engine
 * (or a forced one); one warm-up epoch, then the median of the timed epochs — exactly what
 * ../shared/bench/torch_reference.py does, which runs in the same invocation when
 * /usr/bin/python3 has torch, so the ratio compares like with like on this machine.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import type { EngineId } from '../common/ml/protocol';
import { REFERENCE_CNN } from '../common/ml/templates';
import { startTrainer, type SpawnTrainer } from './trainer-client';

export interface TrainingBench {
  backend: string;
  engine: EngineId | null;
  engineLabel: string;
  spectraPerSecond: number;
  epochSeconds: number[];
  peakMemoryBytes: number;
  reference: { framework: string; version: string; threads: number; spectraPerSecond: number; epochSeconds: number[] } | null;
  /** ours / reference (higher is better); null without a reference. */
  ratio: number | null;
  /** Why there is no reference, when there is none. */
  referenceNote?: string;
}

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

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
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

export async function benchTraining(o: TrainingBenchOptions): Promise<TrainingBench> {
  const n = o.n ?? 1024;
  const length = o.length ?? 1000;
  const classes = o.classes ?? 3;
  const batch = o.batch ?? 32;
  const epochs = o.epochs ?? 3;
  const log = o.log ?? (() => {});
  const x = randn(1, n * length);
  const y = new Int32Array(n).map((_, i) => (i * 7919) % classes);
  const times: number[] = [];
  let engineLabel = '';
  let engineId: EngineId | null = null;
  const handle = startTrainer(
    o.spawn,
    {
      layers: REFERENCE_CNN,
      input: [length, 1],
      task: { kind: 'classification', classes },
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
        engineLabel = e.engine.label;
        engineId = e.engine.id;
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
  const ours = n / median(times);
  let reference: TrainingBench['reference'] = null;
  let referenceNote: string | undefined;
  if (o.torchScript) {
    log('PyTorch reference (same shapes, same machine)…');
    const r = await runTorchReference(o.torchScript, o.python ?? '/usr/bin/python3', { n, length, classes, batch, epochs, threads: undefined });
    if (r && 'note' in r) referenceNote = r.note;
    else reference = r;
  } else referenceNote = 'no reference script given';
  return {
    backend: engineId ?? 'unknown',
    engine: engineId,
    engineLabel,
    spectraPerSecond: Math.round(ours * 10) / 10,
    epochSeconds: times.map((t) => Math.round(t * 1000) / 1000),
    peakMemoryBytes: outcome.done.memory.peakRssBytes,
    reference,
    ratio: reference ? Math.round((ours / reference.spectraPerSecond) * 1000) / 1000 : null,
    ...(referenceNote ? { referenceNote } : {}),
  };
}
