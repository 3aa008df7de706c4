/**
 * Map work as jobs with progress and cancel (chondro, 35 × 25 pixels × 300 points): the import
 * writes the band-major copy in its own transaction with an `indexing bands` stage (a cancel
 * there stores nothing); a map stored without its copy is indexed by `maps:bandCopy`; PCA,
 * k-means and Ward images given a `jobId` report each pass over the spectra as `maps:progress`,
 * and `jobs:cancel` stops them. Needs the built views worker (`node scripts/build.mjs --node-only`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../src-main/db/connection';
import { findDataset } from '../../src-main/db/datasets';
import { hasBandCopy } from '../../src-main/db/map-bands';
import { builtFile } from '../../src-main/ml/built-files';
import { importFiles } from '../../src-main/services/import';
import { mapImage } from '../../src-main/services/maps';
import { workerViews } from '../../src-main/services/views';
import { Session, type Host } from '../../src-main/services/session';
import type { Events } from '../../src-main/common/ipc/contract';
import type { ImportProgress } from '../../src-main/common/domain/project';
import { fixture } from '../helpers/datasets';

const CHONDRO = fixture('raman_map_chondro', 'chondro.csv');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-map-jobs-'));
const file = path.join(dir, 'session.spectra');
const worker = workerViews(builtFile('main/views-worker.cjs'));
const events: { name: string; payload: unknown }[] = [];
const host: Host = {
  dialogs: { saveProject: async () => file, openProject: async () => null, importFiles: async () => null, labelsFile: async () => null, exportFolder: async () => null },
  emit: (name, payload) => void events.push({ name, payload }),
  userDataDir: path.join(dir, 'userdata'),
  demoDir: path.resolve(__dirname, '../../assets/demo'),
  version: '0.0.0-test',
  engine: 'test engine',
  views: worker,
};
const s = new Session(host);
let datasetId = 0;

const progress = (jobId: string) => events.filter((e) => e.name === 'maps:progress' && (e.payload as Events['maps:progress']).jobId === jobId).map((e) => e.payload as Events['maps:progress']);
/** Whether the session's project holds chondro's copy, read on a connection of its own. */
function copied(): boolean {
  const db = openProject(file, { readonly: true });
  try {
    return hasBandCopy(db, datasetId, 875, 300);
  } finally {
    db.close();
  }
}
/** Takes the copy away on a second connection, as a project imported before migration 7 has none. */
function forgetCopy(): void {
  const db = openProject(file);
  db.prepare('DELETE FROM map_band_copies').run();
  db.prepare('DELETE FROM map_bands').run();
  db.close();
}

beforeAll(async () => {
  expect((await s.invoke('project:create', {})).ok).toBe(true);
  const r = (await s.invoke('datasets:import', { paths: [CHONDRO], axisUnit: 'cm-1', jobId: 'import-1' })) as { ok: true; value: { datasetId: number } };
  datasetId = r.value.datasetId;
}, 60_000);
afterAll(async () => {
  s.close();
  await worker.release();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('map work as jobs', () => {
  it('an import of a map writes its band copy, reported as the last stage before done', () => {
    expect(copied()).toBe(true);
    const stages = events.filter((e) => e.name === 'imports:progress').map((e) => e.payload as ImportProgress);
    const indexing = stages.filter((p) => p.stage === 'indexing bands');
    // One block of 8192 spectra holds all 875 pixels: one report, at the end of the import's share.
    expect(indexing.map((p) => p.fraction)).toEqual([1]);
    expect(stages.slice(-2).map((p) => p.stage)).toEqual(['indexing bands', 'done']);
  });

  it('a cancel while the bands are indexed rolls the whole import back', async () => {
    const db = openProject(path.join(dir, 'cancelled.spectra'), { create: true });
    const controller = new AbortController();
    const stages: string[] = [];
    const onProgress = (p: ImportProgress) => {
      stages.push(p.stage);
      if (p.stage === 'indexing bands') controller.abort();
    };
    await expect(importFiles(db, { files: [CHONDRO], dataset: 'chondro' }, { signal: controller.signal, onProgress })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(stages.at(-1)).toBe('indexing bands');
    expect(findDataset(db, 'chondro')).toBeUndefined();
    expect((db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number }).n).toBe(0);
    expect((db.prepare('SELECT count(*) AS n FROM map_bands').get() as { n: number }).n).toBe(0);
    db.close();
  });

  it('maps:bandCopy indexes a map stored without its copy, with progress, and does nothing once it has one', async () => {
    forgetCopy();
    expect(copied()).toBe(false);
    expect(await s.invoke('maps:bandCopy', { datasetId, jobId: 'copy-1' })).toEqual({ ok: true, value: { built: true, bytes: 4 * 875 * 300 } });
    expect(progress('copy-1')).toEqual([{ jobId: 'copy-1', datasetId, done: 875, total: 875, stage: 'indexing bands' }]);
    expect(copied()).toBe(true);
    expect(await s.invoke('maps:bandCopy', { datasetId, jobId: 'copy-2' })).toEqual({ ok: true, value: { built: false, bytes: 0 } });
    expect(progress('copy-2')).toEqual([]);
  });

  it('jobs:cancel stops maps:bandCopy and leaves the map without a copy', async () => {
    forgetCopy();
    const started = s.invoke('maps:bandCopy', { datasetId, jobId: 'copy-3' });
    expect(await s.invoke('jobs:cancel', { jobId: 'copy-3' })).toEqual({ ok: true, value: true });
    expect(await started).toEqual({ ok: false, error: { code: 'CANCELLED', message: 'Indexing the bands of "chondro" was cancelled; the map is as it was, and its band images read every spectrum until it is indexed.' } });
    expect(copied()).toBe(false);
    // Band images still come, read from the spectra until the map is indexed again.
    const band = await s.invoke('maps:image', { datasetId, spec: { kind: 'band', at: 1000 } });
    expect(band.ok).toBe(true);
  });

  it('k-means and PCA images with a jobId report each pass over the spectra and give the image computed without one', async () => {
    const db = openProject(file, { readonly: true });
    const kmeans = await s.invoke('maps:image', { datasetId, spec: { kind: 'kmeans', k: 3, seed: 2 }, jobId: 'kmeans-1' });
    expect(kmeans).toEqual({ ok: true, value: mapImage(db, { datasetId, spec: { kind: 'kmeans', k: 3, seed: 2 } }) });
    const passes = progress('kmeans-1');
    // Pages of 2048 spectra: one report per pass over the 875 pixels, numbered from 1.
    expect(passes.length).toBeGreaterThan(2);
    expect(passes.map((p) => p.stage)).toEqual(passes.map((_, i) => `k-means, pass ${i + 1}`));
    expect(passes.every((p) => p.done === 875 && p.total === 875 && p.datasetId === datasetId)).toBe(true);
    const pca = await s.invoke('maps:image', { datasetId, spec: { kind: 'pca', component: 1 }, jobId: 'pca-1' });
    expect(pca).toEqual({ ok: true, value: mapImage(db, { datasetId, spec: { kind: 'pca', component: 1 } }) });
    expect(progress('pca-1').slice(0, 3).map((p) => p.stage)).toEqual(['PCA, pass 1', 'PCA, pass 2', 'PCA, pass 3']);
    db.close();
  }, 60_000);

  it('jobs:cancel stops a Ward image in the worker', async () => {
    const started = s.invoke('maps:image', { datasetId, spec: { kind: 'ward', k: 4 }, jobId: 'ward-1' });
    expect(await s.invoke('jobs:cancel', { jobId: 'ward-1' })).toEqual({ ok: true, value: true });
    expect(await started).toEqual({ ok: false, error: { code: 'CANCELLED', message: 'Map image cancelled.' } });
    // The worker is started again for the next image.
    expect((await s.invoke('maps:image', { datasetId, spec: { kind: 'ward', k: 2 }, jobId: 'ward-2' })).ok).toBe(true);
  }, 60_000);
});
