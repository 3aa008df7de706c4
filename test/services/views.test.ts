/**
 * Run views in the worker thread (the app's path) give exactly what the same views give in this
 * thread, errors cross as UserErrors, and the calling thread keeps running while a slow view is
 * computed (UCR Coffee runs, and a resnet1d on UCR Strawberry for the timing).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { importFiles } from '../../src-main/services/import';
import { requestByName, startTraining } from '../../src-main/services/train';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { builtFile } from '../../src-main/ml/built-files';
import { inlineViews, workerViews, type ViewRequest } from '../../src-main/services/views';
import { datasetIdByNameOrId } from '../../src-main/db/datasets';
import { fixture } from '../helpers/datasets';

const spawn = forkTrainer(builtFile('ml/trainer.cjs'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-views-'));
const project = path.join(dir, 'p.spectra');
const TEST_FILE = fixture('ucr_spectro/Coffee/Coffee_TEST.tsv');
let db: Db;
const runs = { cnn: 0, pls: 0, resnet: 0 };
const worker = workerViews(builtFile('main/views-worker.cjs'));

beforeAll(async () => {
  db = openProject(project, { create: true });
  for (const [name, tag] of [['Coffee_TRAIN.tsv', 'train'], ['Coffee_TEST.tsv', 'test']] as const) await importFiles(db, { files: [fixture('ucr_spectro/Coffee', name)], dataset: 'Coffee', splitTag: tag });
  await importFiles(db, { files: [fixture('ucr_spectro/Strawberry/Strawberry_TRAIN.tsv')], dataset: 'Strawberry', splitTag: 'train' });
  runs.cnn = (await startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model: 'cnn', validation: { kind: 'given' }, seed: 2, epochs: 3 }), { spawn }).outcome).runId;
  runs.pls = (await startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model: 'pls', validation: { kind: 'given' }, seed: 1, components: 3 }), { spawn }).outcome).runId;
  runs.resnet = (await startTraining(db, requestByName(db, { dataset: 'Strawberry', target: 'class', model: 'resnet1d', validation: { kind: 'holdout', fraction: 0.2 }, seed: 1, epochs: 1 }), { spawn }).outcome).runId;
}, 180_000);
afterAll(async () => {
  await worker.release();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('run views in a worker thread', () => {
  it('interpretation, first layer and predictions equal the in-thread results', async () => {
    const inline = inlineViews(() => db);
    const coffee = datasetIdByNameOrId(db, 'Coffee');
    const requests: ViewRequest[] = [
      { op: 'interpret', runId: runs.cnn },
      { op: 'interpret', runId: runs.pls },
      { op: 'firstLayer', runId: runs.cnn },
      { op: 'predictFiles', runId: runs.cnn, files: [TEST_FILE] },
      { op: 'predictDataset', runId: runs.pls, datasetId: coffee },
    ];
    for (const req of requests) {
      const [a, b] = await Promise.all([worker.run(project, req), inline.run(project, req)]);
      expect(a, req.op).toEqual(b);
    }
  }, 120_000);

  it('exports the same files with the same metrics', async () => {
    const a = await worker.run(project, { op: 'export', runId: runs.cnn, dir: path.join(dir, 'worker') });
    const b = await inlineViews(() => db).run(project, { op: 'export', runId: runs.cnn, dir: path.join(dir, 'inline') });
    expect(a.files).toEqual(b.files);
    expect(a.files).toContain('report.html');
    for (const f of ['metrics.json', 'predictions.csv', 'cam.csv']) expect(fs.readFileSync(path.join(a.dir, f), 'utf8'), f).toBe(fs.readFileSync(path.join(b.dir, f), 'utf8'));
  }, 60_000);

  it('errors come back as UserErrors with their code and message; the worker keeps serving', async () => {
    await expect(worker.run(project, { op: 'interpret', runId: 999 })).rejects.toMatchObject({ name: 'UserError', code: 'NOT_FOUND', message: 'Run 999 does not exist in this project.' });
    await expect(worker.run(project, { op: 'predictFiles', runId: runs.cnn, files: [path.join(dir, 'missing.csv')] })).rejects.toMatchObject({ name: 'UserError', code: 'NOT_FOUND', message: `${path.join(dir, 'missing.csv')} does not exist.`, file: 'missing.csv' });
    expect((await worker.run(project, { op: 'interpret', runId: runs.pls })).kind).toBe('pls');
  }, 60_000);

  it('sees runs added after it opened the project, and starts again after release', async () => {
    const pls2 = (await startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model: 'pls', validation: { kind: 'given' }, seed: 1, components: 2 }), { spawn }).outcome).runId;
    const fresh = await inlineViews(() => db).run(project, { op: 'interpret', runId: pls2 });
    expect(await worker.run(project, { op: 'interpret', runId: pls2 })).toEqual(fresh);
    await worker.release();
    expect(await worker.run(project, { op: 'firstLayer', runId: runs.cnn })).toEqual(await inlineViews(() => db).run(project, { op: 'firstLayer', runId: runs.cnn }));
  }, 60_000);

  it('exports with progress; cancelling stops the worker and leaves neither the folder nor its staging copy', async () => {
    const progress: string[] = [];
    const done = await worker.run(project, { op: 'export', runId: runs.pls, dir: path.join(dir, 'pls-export') }, { onProgress: (d, t, what) => progress.push(`${d}/${t} ${what}`) });
    expect(progress).toEqual(['1/6 pipeline.json', '2/6 metrics.json', '3/6 metrics.csv', '4/6 predictions.csv', '5/6 model/', '6/6 report.html']);
    expect(fs.readdirSync(done.dir).sort()).toEqual([...done.files.filter((f) => !f.includes('/')), 'model'].sort());
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.exporting'))).toEqual([]);

    const target = path.join(dir, 'resnet-export');
    const controller = new AbortController();
    const seen: string[] = [];
    const running = worker.run(project, { op: 'export', runId: runs.resnet, dir: target }, {
      signal: controller.signal,
      onProgress: (d, t, what) => {
        seen.push(what);
        controller.abort();
      },
    });
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED', message: 'Export cancelled; nothing was left in the folder.' });
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.exporting'))).toEqual([]);
    // The next call starts a fresh worker.
    expect((await worker.run(project, { op: 'interpret', runId: runs.pls })).kind).toBe('pls');
  }, 120_000);

  it('predicts a dataset with progress per 256 spectra and per 64 maps; cancelling stops it', async () => {
    const coffee = datasetIdByNameOrId(db, 'Coffee');
    const strawberry = datasetIdByNameOrId(db, 'Strawberry');
    const seen: string[] = [];
    await worker.run(project, { op: 'predictDataset', runId: runs.cnn, datasetId: coffee }, { onProgress: (d, t, stage) => seen.push(`${d}/${t} ${stage}`) });
    expect(seen).toEqual(['56/112 predicting', '112/112 activation maps']);
    seen.length = 0;
    await worker.run(project, { op: 'predictDataset', runId: runs.pls, datasetId: coffee }, { onProgress: (d, t, stage) => seen.push(`${d}/${t} ${stage}`) });
    expect(seen).toEqual(['56/56 predicting']);
    seen.length = 0;
    await worker.run(project, { op: 'predictDataset', runId: runs.resnet, datasetId: strawberry }, { onProgress: (d, t, stage) => seen.push(`${d}/${t} ${stage}`) });
    expect(seen.slice(0, 4)).toEqual(['256/1226 predicting', '512/1226 predicting', '613/1226 predicting', '677/1226 activation maps']);
    expect(seen.at(-1)).toBe('1226/1226 activation maps');

    const controller = new AbortController();
    const running = worker.run(project, { op: 'predictDataset', runId: runs.resnet, datasetId: strawberry }, { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(running).rejects.toMatchObject({ code: 'CANCELLED', message: 'Prediction cancelled.' });
  }, 120_000);

  it('leaves this thread free while it computes activation maps of a resnet1d over 490 Strawberry spectra', async () => {
    let last = performance.now();
    let longest = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 10);
    const t0 = performance.now();
    const cam = await worker.run(project, { op: 'interpret', runId: runs.resnet });
    const took = performance.now() - t0;
    clearInterval(tick);
    expect(cam.kind).toBe('cam');
    // The maps take seconds; the timer here never waits more than a fraction of that.
    expect(took).toBeGreaterThan(300);
    console.log(`views worker: maps took ${took.toFixed(0)} ms; longest timer gap on this thread ${longest.toFixed(0)} ms`);
    expect(longest).toBeLessThan(250);
  }, 120_000);
});
