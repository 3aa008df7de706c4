/**
 * A pool of trainer processes (out/ml/trainer.cjs) that take one job after another: the same
 * results as a process per job, never more processes than its size, and a cancelled or crashed
 * job's process killed and replaced.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainJob } from '../../src-main/common/ml/protocol';
import { forkTrainer, startTrainer, type SpawnTrainer, type TrainerOutcome } from '../../src-main/services/trainer-client';
import { trainerPool } from '../../src-main/services/trainer-pool';
import { mulberry32 } from '../../src-main/common/ml/random';

const fork = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
/** The fork, counting the processes it starts and the jobs they are sent. */
function counting(): { spawn: SpawnTrainer; pids: number[]; starts: number[] } {
  const pids: number[] = [];
  const starts: number[] = [];
  return {
    pids,
    starts,
    spawn: () => {
      const p = fork();
      const id = pids.length;
      pids.push(id);
      return { ...p, send: (m) => (m.type === 'start' && starts.push(id), p.send(m)) };
    },
  };
}

/** Two classes: a peak at the left or the right third of the spectrum, plus noise. */
function spectra(n: number, length: number, seed: number) {
  const rand = mulberry32(seed);
  const x = new Float32Array(n * length);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    const centre = length * (y[i] ? 0.66 : 0.33) + 4 * (rand() - 0.5);
    for (let j = 0; j < length; j++) x[i * length + j] = Math.exp(-(((j - centre) / 4) ** 2)) + 0.2 * (rand() - 0.5);
  }
  return { x, y, n };
}

function plsJob(seed: number): TrainJob {
  const test = spectra(10, 48, seed + 100);
  return { pls: { components: null }, layers: [], input: [48, 1], task: { kind: 'classification', classes: 2 }, train: spectra(30, 48, seed), validation: null, evaluate: [{ x: test.x, n: test.n }], epochs: 1, batchSize: 30, learningRate: 0, seed, engine: 'auto' };
}

function cnnJob(over: Partial<TrainJob> = {}): TrainJob {
  return {
    layers: [{ type: 'conv1d', filters: 4, kernelSize: 5, strides: 1, dilation: 1, padding: 'same', useBias: true }, { type: 'relu' }, { type: 'globalAvgPool1d' }],
    input: [48, 1],
    task: { kind: 'classification', classes: 2 },
    train: spectra(32, 48, 1),
    validation: null,
    epochs: 3,
    batchSize: 16,
    learningRate: 0.01,
    seed: 1,
    engine: 'wasm',
    threads: 1,
    ...over,
  };
}

const evaluations = (o: TrainerOutcome) => (o.kind === 'done' ? o.done.evaluations.map((e) => Array.from(e)) : o.kind);

describe('trainer pool', () => {
  it('six PLS jobs, two at a time, on two processes: the outcomes a process per job gives', async () => {
    const { spawn, pids, starts } = counting();
    const pool = trainerPool(spawn, 2);
    try {
      const jobs = [1, 2, 3, 4, 5, 6].map(plsJob);
      const pooled = await Promise.all(jobs.map((j) => pool.start(j).outcome));
      const alone = await Promise.all(jobs.map((j) => startTrainer(fork, j).outcome));
      expect(pooled.map(evaluations)).toEqual(alone.map(evaluations));
      expect(pooled.map((o) => (o.kind === 'done' ? (o.done.pls!.model as { components: number }).components : null))).toEqual(alone.map((o) => (o.kind === 'done' ? (o.done.pls!.model as { components: number }).components : null)));
      expect(pids).toEqual([0, 1]);
      expect(pool.started).toBe(2);
      expect(starts).toHaveLength(6);
    } finally {
      pool.close();
    }
  }, 120_000);

  it('a network after PLS jobs on the same process trains as on a fresh one', async () => {
    const pool = trainerPool(fork, 1);
    try {
      await pool.start(plsJob(1)).outcome;
      const pooled = await pool.start(cnnJob()).outcome;
      const alone = await startTrainer(fork, cnnJob()).outcome;
      expect(pooled.kind).toBe('done');
      if (pooled.kind !== 'done' || alone.kind !== 'done') return;
      expect(Array.from(pooled.done.weights)).toEqual(Array.from(alone.done.weights));
      expect(pooled.done.epochs.map((e) => e.trainLoss)).toEqual(alone.done.epochs.map((e) => e.trainLoss));
      expect(pool.started).toBe(1);
    } finally {
      pool.close();
    }
  }, 120_000);

  it('a crashed trainer fails its job only; the next job gets a new process', async () => {
    const { spawn, pids } = counting();
    const pool = trainerPool(spawn, 1);
    try {
      const crashed = await pool.start(cnnJob({ epochs: 5, crashAtEpoch: 2 })).outcome;
      expect(crashed.kind === 'failed' ? crashed.message : crashed.kind).toBe('The trainer process stopped unexpectedly (exit code 70). The run is marked failed; the app keeps running.');
      const next = await pool.start(plsJob(1)).outcome;
      expect(next.kind).toBe('done');
      expect(pids).toEqual([0, 1]);
    } finally {
      pool.close();
    }
  }, 120_000);

  it('cancel stops the running job and kills its process; a job waiting for a process ends cancelled; the next job gets a new process', async () => {
    const { spawn, pids, starts } = counting();
    const pool = trainerPool(spawn, 1);
    try {
      let sawEpoch!: () => void;
      const firstEpoch = new Promise<void>((r) => (sawEpoch = r));
      const long = pool.start(cnnJob({ epochs: 100000 }), (e) => e.type === 'epoch' && sawEpoch());
      const waiting = pool.start(plsJob(1));
      await firstEpoch;
      waiting.cancel();
      long.cancel();
      const o = await long.outcome;
      expect(o.kind === 'done' ? o.done.stopped : o.kind).toMatch(/^(cancelled)$/);
      expect(await waiting.outcome).toEqual({ kind: 'cancelled', engine: null, epochs: 0 });
      const next = await pool.start(plsJob(2)).outcome;
      expect(next.kind).toBe('done');
      // The cancelled job's process was not given the next job; the cancelled waiting job never started.
      expect(pids).toEqual([0, 1]);
      expect(starts).toEqual([0, 1]);
    } finally {
      pool.close();
    }
  }, 120_000);

  it('close ends the job running and those waiting for a process as cancelled', async () => {
    const pool = trainerPool(fork, 1);
    const running = pool.start(plsJob(1));
    const waiting = pool.start(plsJob(2));
    pool.close();
    expect(await waiting.outcome).toEqual({ kind: 'cancelled', engine: null, epochs: 0 });
    expect(await running.outcome).toEqual({ kind: 'cancelled', engine: null, epochs: 0 });
  }, 60_000);
});
