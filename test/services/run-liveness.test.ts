/**
 * Who trains a run, and what opening a project does with a run still marked running: failed
 * when its trainer is gone (this machine: its process ended; another: no heartbeat for a
 * minute; rows from before trainers were recorded: as before), left alone while it trains.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { failRunsWithoutTrainer, recordCrossValidation, recordCrossValidationEnd } from '../../src-main/services/run-record';
import { parseScheme, schemeLabel } from '../../src-main/common/ml/splits';
import { requestByName, startTraining } from '../../src-main/services/train';
import { tmpDir } from '../helpers/tmp';
import { importUcr } from '../helpers/projects';

const host = os.hostname();

function project(): { db: Db; file: string; dataset: number } {
  const file = path.join(tmpDir(), 'p.spectra');
  const db = openProject(file, { create: true });
  const dataset = Number(db.prepare('INSERT INTO datasets (name, created_at) VALUES (?, ?)').run('raw', '2026-01-01T00:00:00Z').lastInsertRowid);
  return { db, file, dataset };
}

/** A run row left 'running', trained by `trainer` (null: stored before trainers were recorded). */
function runningRun(db: Db, dataset: number, trainer: { pid: number; host: string; heartbeatAt: string } | null): number {
  return Number(
    db
      .prepare(
        `INSERT INTO runs (dataset_id, status, model, task, target_column, config_json, created_at, trainer_pid, trainer_host, heartbeat_at)
           VALUES (?, 'running', 'pls', 'classification', 'class', '{}', '2026-01-02T00:00:00Z', ?, ?, ?)`,
      )
      .run(dataset, trainer?.pid ?? null, trainer?.host ?? null, trainer?.heartbeatAt ?? null).lastInsertRowid,
  );
}

const statusOf = (db: Db, id: number) => db.prepare("SELECT status, json_extract(metrics_json, '$.message') AS message, log FROM runs WHERE id = ?").get(id);

/** The pid of a process that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid!;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('opening a project with runs still marked running', () => {
  it('fails the runs whose trainer is gone, with what happened, and leaves the live ones', () => {
    const { db, dataset } = project();
    const now = new Date().toISOString();
    const legacy = runningRun(db, dataset, null);
    const dead = deadPid();
    const stopped = runningRun(db, dataset, { pid: dead, host, heartbeatAt: now });
    const alive = runningRun(db, dataset, { pid: process.ppid, host, heartbeatAt: '2026-01-02T00:00:00Z' });
    const elsewhereFresh = runningRun(db, dataset, { pid: 4321, host: `${host}-other`, heartbeatAt: new Date(Date.now() - 10_000).toISOString() });
    const staleAt = new Date(Date.now() - 61_000).toISOString();
    const elsewhereStale = runningRun(db, dataset, { pid: 4321, host: `${host}-other`, heartbeatAt: staleAt });
    const here = runningRun(db, dataset, { pid: process.pid, host, heartbeatAt: now });

    expect(failRunsWithoutTrainer(db)).toBe(4);
    const stoppedMessage = `The process training this run (pid ${dead} on ${host}) stopped; the curves so far are kept.`;
    const staleMessage = `The process training this run (pid 4321 on ${host}-other) has not reported since ${staleAt}; it is taken as stopped, and the curves so far are kept.`;
    const hereMessage = `This process (pid ${process.pid} on ${host}) stopped training this run without recording its end; the curves so far are kept.`;
    expect([legacy, stopped, alive, elsewhereFresh, elsewhereStale, here].map((id) => statusOf(db, id))).toEqual([
      { status: 'failed', message: 'The app stopped while this run was training.', log: '\nThe app stopped while this run was training.' },
      { status: 'failed', message: stoppedMessage, log: `\n${stoppedMessage}` },
      { status: 'running', message: null, log: '' },
      { status: 'running', message: null, log: '' },
      { status: 'failed', message: staleMessage, log: `\n${staleMessage}` },
      { status: 'failed', message: hereMessage, log: `\n${hereMessage}` },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM runs WHERE finished_at IS NOT NULL').get()).toEqual({ n: 4 });
    // Nothing left to fail: nothing written.
    expect(failRunsWithoutTrainer(db)).toBe(0);
    db.close();
  });

  it('a connection opened read-only changes nothing', () => {
    const { db, file, dataset } = project();
    const legacy = runningRun(db, dataset, null);
    db.close();
    const ro = openProject(file, { readonly: true });
    expect(failRunsWithoutTrainer(ro)).toBe(0);
    expect(statusOf(ro, legacy)).toEqual({ status: 'running', message: null, log: '' });
    ro.close();
  });
});

describe('a run this process trains', () => {
  it('records its pid and machine, beats every 2 s until it ends, and is not failed by a second connection to the same file', () => {
    vi.useFakeTimers({ now: new Date('2026-03-01T10:00:00.000Z'), toFake: ['setInterval', 'clearInterval', 'Date'] });
    const { db, file, dataset } = project();
    const validation = parseScheme('kfold:3');
    const config = { model: 'pls' as const, classes: ['a', 'b'], validation, validationLabel: schemeLabel(validation), folds: 3, recipe: null, epochs: null, learningRate: null, warnings: [] };
    const id = recordCrossValidation(db, { datasetId: dataset, target: 'class', model: 'pls', recipe: null, validation }, 'classification', config, { scheme: validation, folds: [] }, 1);
    const trainer = () => db.prepare('SELECT trainer_pid AS pid, trainer_host AS host, heartbeat_at AS beat FROM runs WHERE id = ?').get(id);
    expect(trainer()).toEqual({ pid: process.pid, host, beat: '2026-03-01T10:00:00.000Z' });
    vi.advanceTimersByTime(2000);
    expect(trainer()).toEqual({ pid: process.pid, host, beat: '2026-03-01T10:00:02.000Z' });

    const second = openProject(file);
    expect(failRunsWithoutTrainer(second)).toBe(0);
    second.close();
    expect(statusOf(db, id)).toEqual({ status: 'running', message: null, log: '' });

    recordCrossValidationEnd(db, id, { status: 'done', mean: {}, std: {}, folds: [], warnings: [], backend: null, log: 'ended' });
    vi.advanceTimersByTime(4000);
    expect(trainer()).toEqual({ pid: process.pid, host, beat: '2026-03-01T10:00:02.000Z' });
    expect(statusOf(db, id)).toEqual({ status: 'done', message: null, log: 'ended' });
    db.close();
  });
});

describe('a training that throws once its run is stored', () => {
  const noTrainer = () => {
    throw new Error('The trainer could not be started.');
  };

  it('ends its run failed with the error, and the runs of a cross-validation with it, rather than leaving them running', async () => {
    const { db } = project();
    await importUcr(db, 'Coffee');
    // A network: its folds train one after another, so the first fold is the one that throws.
    const request = (validation: string) => requestByName(db, { dataset: 'Coffee', target: 'class', model: 'mlp', validation: parseScheme(validation), seed: 1 });
    expect(() => startTraining(db, request('given'), { spawn: noTrainer })).toThrow('The trainer could not be started.');
    const cv = startTraining(db, request('kfold:3'), { spawn: noTrainer });
    await expect(cv.outcome).rejects.toThrow('The trainer could not be started.');
    const failed = { status: 'failed', message: 'The trainer could not be started.', log: '\nThe trainer could not be started.' };
    expect(db.prepare('SELECT id, parent_run_id AS parent FROM runs ORDER BY id').all()).toEqual([
      { id: 1, parent: null },
      { id: 2, parent: null },
      { id: 3, parent: 2 },
    ]);
    expect([1, 2, 3].map((id) => statusOf(db, id))).toEqual([failed, failed, failed]);
    db.close();
  }, 30_000);
});
