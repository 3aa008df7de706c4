/**
 * `runs:export` through the session as the app runs it: in the run-views worker, as a job with
 * `runs:exportProgress` events, cancelled by `jobs:cancel` with nothing left behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Session, type Host } from '../../src-main/services/session';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { workerViews } from '../../src-main/services/views';
import { builtFile } from '../../src-main/ml/built-files';
import { fixture } from '../helpers/datasets';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-session-export-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('runs:export as a job', () => {
  it('reports each part, and a cancelled export leaves no folder', async () => {
    const folders: string[] = [];
    const progress: { jobId: string; done: number; total: number; what: string }[] = [];
    let cancelOn: string | null = null;
    const ref: { session?: Session } = {};
    const host: Host = {
      dialogs: { saveProject: async () => path.join(dir, 'p.spectra'), openProject: async () => null, importFiles: async () => null, labelsFile: async () => null, exportFolder: async () => folders.shift() ?? null },
      emit: (event, payload) => {
        if (event !== 'runs:exportProgress') return;
        const p = payload as (typeof progress)[number];
        progress.push(p);
        if (p.jobId === cancelOn) void ref.session?.invoke('jobs:cancel', { jobId: p.jobId });
      },
      userDataDir: path.join(dir, 'userdata'),
      demoDir: path.resolve(__dirname, '../../assets/demo'),
      version: '0.0.0-test',
      engine: 'test engine',
      spawnTrainer: forkTrainer(builtFile('ml/trainer.cjs')),
      views: workerViews(builtFile('main/views-worker.cjs')),
    };
    const s = new Session(host);
    ref.session = s;
    expect((await s.invoke('project:create', {})).ok).toBe(true);
    for (const [file, tag] of [['Coffee_TRAIN.tsv', 'train'], ['Coffee_TEST.tsv', 'test']] as const) {
      expect((await s.invoke('datasets:import', { paths: [fixture(`ucr_spectro/Coffee/${file}`)], dataset: 'Coffee', splitTag: tag, jobId: `j-${tag}` })).ok).toBe(true);
    }
    const datasetId = ((await s.invoke('datasets:list', {})) as { ok: true; value: { id: number }[] }).value[0]!.id;
    const started = (await s.invoke('runs:start', { datasetId, target: 'class', model: 'cnn', recipeId: null, validation: 'given', epochs: 3, seed: 1 })) as { ok: true; value: { runId: number } };
    await s.runFinished(started.value.runId);
    const runId = started.value.runId;

    folders.push(path.join(dir, 'out-1'));
    const ok = await s.invoke('runs:export', { runId, jobId: 'export-1' });
    expect(ok.ok).toBe(true);
    expect(progress.filter((p) => p.jobId === 'export-1').map((p) => `${p.done}/${p.total}`)).toEqual(['1/7', '2/7', '3/7', '4/7', '5/7', '6/7', '7/7']);
    expect(fs.existsSync(path.join(dir, 'out-1', 'report.html'))).toBe(true);

    folders.push(path.join(dir, 'out-2'));
    cancelOn = 'export-2';
    const cancelled = await s.invoke('runs:export', { runId, jobId: 'export-2' });
    expect(cancelled).toMatchObject({ ok: false, error: { code: 'CANCELLED', message: 'Export cancelled; nothing was left in the folder.' } });
    expect(fs.existsSync(path.join(dir, 'out-2'))).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.exporting'))).toEqual([]);

    // No folder chosen: nothing happens.
    expect(await s.invoke('runs:export', { runId })).toEqual({ ok: true, value: null });
    s.close();
  }, 120_000);
});
