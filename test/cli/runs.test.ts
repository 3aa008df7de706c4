/**
 * Run liveness through the built CLI in child processes: a `train` killed with SIGKILL leaves a
 * run that the next command marks failed (`spectra-desk runs` shows it); a second CLI working in
 * the same project while a first one trains leaves that run alone; a trainer process killed on
 * its own is reported on stderr with the epochs it did train. And `runs` itself.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import type { RunSummary } from '../../src-main/common/ipc/contract';
import { ucr } from '../helpers/datasets';
import { runCaptured } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';
import { trainingSession } from '../helpers/training-session';

const bin = path.resolve(__dirname, '../../bin/spectra-desk.cjs');
const cli = (args: string[]) => runCaptured(runCli, args);
const host = os.hostname();

async function coffeeProject(): Promise<string> {
  const project = path.join(tmpDir(), 'p.spectra');
  for (const split of ['train', 'test'] as const) expect((await cli(['import', ucr('Coffee', split), '--project', project, '--dataset', 'Coffee', '--split-tag', split])).code).toBe(0);
  return project;
}

interface Training {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once the first epoch line is on stderr. */
  firstEpoch: Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `spectra-desk train` of a small CNN on Coffee in a child process (one thread, to spare the CPU). */
function trainInChild(project: string, epochs: number): Training {
  const child = spawn(process.execPath, [bin, 'train', '--project', project, '--dataset', 'Coffee', '--target', 'class', '--model', 'cnn', '--pipeline', 'none', '--epochs', String(epochs), '--seed', '1', '--threads', '1']);
  let out = '';
  let err = '';
  let sawEpoch!: () => void;
  let noEpoch!: (e: Error) => void;
  const firstEpoch = new Promise<void>((resolve, reject) => {
    sawEpoch = resolve;
    noEpoch = reject;
  });
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString();
    if (/^epoch \d+\//m.test(err)) sawEpoch();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => {
      noEpoch(new Error(`train ended (${code ?? signal}) before its first epoch: ${err}`));
      r({ code, signal });
    }),
  );
  return { child, stdout: () => out, stderr: () => err, firstEpoch, exit };
}

/** The trainer process a CLI started (its only child). */
function trainerOf(cliPid: number): number {
  const pids = execFileSync('pgrep', ['-P', String(cliPid)], { encoding: 'utf8' }).trim().split('\n').map(Number);
  expect(pids).toHaveLength(1);
  return pids[0]!;
}

async function gone(pid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function runs(project: string): Promise<RunSummary[]> {
  const r = await cli(['runs', '--project', project, '--json']);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { runs: RunSummary[] }).runs;
}

/** More epochs than a test waits for (the most a run may ask): these runs end by being killed. */
const LONG = 5000;

const epochLines = (stderr: string) => stderr.split('\n').filter((l) => /^epoch \d+\//.test(l)).length;

describe('run liveness from the command line', () => {
  it('a train killed with SIGKILL: the next command shows its run failed, with its curves', async () => {
    const project = await coffeeProject();
    const t = trainInChild(project, LONG);
    await t.firstEpoch;
    const trainer = trainerOf(t.child.pid!);
    t.child.kill('SIGKILL');
    expect(await t.exit).toEqual({ code: null, signal: 'SIGKILL' });
    // Its trainer stops with it (the IPC channel closes), rather than training on alone.
    await gone(trainer);
    const [run] = await runs(project);
    expect(run).toMatchObject({ id: 1, status: 'failed', model: 'cnn', target: 'class', message: `The process training this run (pid ${t.child.pid} on ${host}) stopped; the curves so far are kept.` });
    expect(run!.epochs).toBeGreaterThanOrEqual(1);
    expect(run!.finishedAt).toEqual(expect.any(String));
  }, 60_000);

  it('a second CLI training in the same project meanwhile, and the app opening it, leave the first run training, and it ends done', async () => {
    const project = await coffeeProject();
    const t = trainInChild(project, 30);
    await t.firstEpoch;
    // Hold the first run's trainer still, so that its run is certainly unfinished while the second CLI works.
    const trainer = trainerOf(t.child.pid!);
    process.kill(trainer, 'SIGSTOP');
    try {
      const second = await cli(['train', '--project', project, '--dataset', 'Coffee', '--target', 'class', '--model', 'pls', '--pipeline', 'none', '--seed', '1', '--json']);
      expect(second.code).toBe(0);
      expect((await cli(['list', '--project', project])).code).toBe(0);
      // The app opening the project meanwhile leaves it too.
      const { s } = trainingSession(path.dirname(project));
      s.open(project);
      s.close();
      expect((await runs(project)).map((r) => [r.id, r.model, r.status])).toEqual([
        [2, 'pls', 'done'],
        [1, 'cnn', 'running'],
      ]);
    } finally {
      process.kill(trainer, 'SIGCONT');
    }
    expect(await t.exit).toEqual({ code: 0, signal: null });
    expect(t.stdout()).toMatch(/^Run 1 \(cnn, classification\) done\n/);
    expect((await runs(project)).map((r) => [r.id, r.status, r.epochs, r.message])).toEqual([
      [2, 'done', 0, null],
      [1, 'done', 30, null],
    ]);
  }, 60_000);

  it('a trainer killed on its own: the failure on stderr, and the epochs it trained in the summary', async () => {
    const project = await coffeeProject();
    const t = trainInChild(project, LONG);
    await t.firstEpoch;
    process.kill(trainerOf(t.child.pid!), 'SIGKILL');
    expect(await t.exit).toEqual({ code: 1, signal: null });
    const epochs = epochLines(t.stderr());
    expect(epochs).toBeGreaterThanOrEqual(1);
    const engine = /^engine: (.*)$/m.exec(t.stderr())![1]!;
    expect(t.stderr().endsWith('spectra-desk: run 1 failed: The trainer process stopped unexpectedly (signal SIGKILL). The run is marked failed; the app keeps running.\n')).toBe(true);
    expect(t.stdout()).toBe(`Run 1 (cnn, classification) failed\n  engine: ${engine}; ${epochs} epochs, 0 spectra/s\n`);
    expect((await runs(project)).map((r) => [r.id, r.status, r.epochs])).toEqual([[1, 'failed', epochs]]);
  }, 60_000);
});

describe('spectra-desk runs', () => {
  it('lists each run with its status, model, target, headline test metric and dates; a cross-validation with its folds under it', async () => {
    const project = await coffeeProject();
    expect((await cli(['runs', '--project', project])).stdout).toBe('No runs yet. Train one with: spectra-desk train --project P --dataset D --target COLUMN --model NAME\n');
    // On the raw spectra: the listing is what is checked, not the auto recipe each run (and each fold) would choose first.
    expect((await cli(['train', '--project', project, '--dataset', 'Coffee', '--target', 'class', '--model', 'pls', '--pipeline', 'none', '--seed', '1', '--components', '3', '--pls-decision', 'nearest-neighbour'])).code).toBe(0);
    expect((await cli(['train', '--project', project, '--dataset', 'Coffee', '--target', 'class', '--model', 'pls', '--pipeline', 'none', '--seed', '1', '--validation', 'kfold:3'])).code).toBe(0);
    const listed = await runs(project);
    // The folds are listed under their parent, in fold order. Their ids are 3–5 in the order each
    // fold was stored: folds run two at a time, so that order can vary.
    expect(listed.map((r) => [r.parentRunId, r.status, r.model, r.target, r.folds, r.test?.balancedAccuracy, r.std?.balancedAccuracy])).toEqual([
      [null, 'done', 'pls', 'class', 3, 1, 0],
      [2, 'done', 'pls', 'class', null, 1, undefined],
      [2, 'done', 'pls', 'class', null, 1, undefined],
      [2, 'done', 'pls', 'class', null, 1, undefined],
      [null, 'done', 'pls', 'class', null, expect.closeTo((1 + 12 / 13) / 2, 12), undefined],
    ]);
    expect(listed.map((r) => r.id)[0]).toBe(2);
    expect(listed.slice(1, 4).map((r) => r.id).sort()).toEqual([3, 4, 5]);
    expect(listed[4]!.id).toBe(1);
    const text = (await cli(['runs', '--project', project])).stdout.split('\n');
    const at = (iso: string | null) => `${iso!.slice(0, 19).replace('T', ' ')}Z`;
    const [cv, , , , one] = listed;
    expect(text[0]).toMatch(/^run +status +model +dataset +target +test +epochs +created +finished$/);
    expect(text[1]!.split(/ {2,}/)).toEqual(['2', 'done', 'pls', 'Coffee', 'class', 'Balanced accuracy 1.0000 ± 0.0000 (3 folds)', '0', at(cv!.createdAt), at(cv!.finishedAt)]);
    expect(text[2]!.split(/ {2,}/)).toEqual(['', String(listed[1]!.id), 'done', 'pls', 'Coffee', 'class', 'Balanced accuracy 1.0000', '0', at(listed[1]!.createdAt), at(listed[1]!.finishedAt)]);
    expect(text[5]!.split(/ {2,}/)).toEqual(['1', 'done', 'pls', 'Coffee', 'class', `Balanced accuracy ${((1 + 12 / 13) / 2).toFixed(4)}`, '0', at(one!.createdAt), at(one!.finishedAt)]);
    expect(text).toHaveLength(7);
    expect(text[6]).toBe('');
  }, 60_000);
});
