/**
 * The map images that read every spectrum (PCA score, k-means, Ward) are computed in the views
 * worker in the app; there they give exactly the images this thread gives, masked pixels
 * included, and a bad request comes back as the same UserError. Chondro (35 × 25 Raman map).
 * Needs the built worker (`node scripts/build.mjs --node-only`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { importFiles } from '../../src-main/services/import';
import { builtFile } from '../../src-main/ml/built-files';
import { inlineViews, workerViews, type ViewRequest, type ViewRunner } from '../../src-main/services/views';
import { Session, type Host } from '../../src-main/services/session';
import { mapImage } from '../../src-main/services/maps';
import type { MapImageSpec } from '../../src-main/common/maps/image';
import { PIXEL } from '../../src-main/common/maps/image';
import { fixture } from '../helpers/datasets';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-map-views-'));
const project = path.join(dir, 'p.spectra');
const worker = workerViews(builtFile('main/views-worker.cjs'));
let db: Db;
let datasetId: number;

beforeAll(async () => {
  db = openProject(project, { create: true });
  datasetId = (await importFiles(db, { files: [fixture('raman_map_chondro', 'chondro.csv')] })).datasetId;
});
afterAll(async () => {
  await worker.release();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('map images in the views worker', () => {
  it('PCA score, k-means and Ward images equal the in-thread images', async () => {
    const inline = inlineViews(() => db);
    const mask = [0, 1, 2, 35, 36, 37];
    const requests: ViewRequest[] = [
      { op: 'mapImage', datasetId, spec: { kind: 'pca', component: 2 } },
      { op: 'mapImage', datasetId, spec: { kind: 'kmeans', k: 3, seed: 4 }, mask },
      { op: 'mapImage', datasetId, spec: { kind: 'ward', k: 3 } },
    ];
    for (const req of requests) {
      const [a, b] = await Promise.all([worker.run(project, req), inline.run(project, req)]);
      expect(a, JSON.stringify(req)).toEqual(b);
    }
    const masked = await worker.run(project, { op: 'mapImage', datasetId, spec: { kind: 'kmeans', k: 3, seed: 4 }, mask });
    expect(masked.title).toBe('k-means, 3 clusters (seed 4)');
    expect(mask.map((p) => masked.state[p])).toEqual(mask.map(() => PIXEL.masked));
    expect(masked.means!.reduce((s, m) => s + m.count, 0)).toBe(875 - mask.length);
  }, 60_000);

  it('a request the map cannot meet comes back as the in-thread UserError', async () => {
    await expect(worker.run(project, { op: 'mapImage', datasetId, spec: { kind: 'kmeans', k: 3 }, mask: Array.from({ length: 874 }, (_, p) => p) })).rejects.toMatchObject({
      name: 'UserError',
      code: 'BAD_INPUT',
      message: '3 clusters need at least 3 spectra; the map has 1 outside the mask.',
    });
  });

  it('maps:image sends PCA, k-means and Ward to the worker and keeps band images on the session connection', async () => {
    const sent: string[] = [];
    const views: ViewRunner = {
      run: (file, req, hooks) => {
        sent.push(req.op === 'mapImage' ? req.spec.kind : req.op);
        return worker.run(file, req, hooks);
      },
      release: () => worker.release(),
    };
    const host: Host = {
      dialogs: { saveProject: async () => path.join(dir, 'session.spectra'), openProject: async () => null, importFiles: async () => null, labelsFile: async () => null, exportFolder: async () => null },
      emit: () => undefined,
      userDataDir: path.join(dir, 'userdata'),
      demoDir: path.resolve(__dirname, '../../assets/demo'),
      version: '0.0.0-test',
      engine: 'test engine',
      views,
    };
    const s = new Session(host);
    expect((await s.invoke('project:create', {})).ok).toBe(true);
    expect((await s.invoke('datasets:import', { paths: [fixture('raman_map_chondro', 'chondro.csv')], jobId: 'j' })).ok).toBe(true);
    const id = ((await s.invoke('datasets:list', {})) as { ok: true; value: { id: number }[] }).value[0]!.id;
    const specs: MapImageSpec[] = [{ kind: 'band', at: 1000 }, { kind: 'pca', component: 1 }, { kind: 'kmeans', k: 2 }, { kind: 'ward', k: 2 }];
    for (const spec of specs) {
      const got = await s.invoke('maps:image', { datasetId: id, spec });
      // The same file imported into this test's own project gives the same image in this thread.
      expect(got, spec.kind).toEqual({ ok: true, value: mapImage(db, { datasetId, spec }) });
    }
    expect(sent).toEqual(['pca', 'kmeans', 'ward']);
  }, 60_000);
});
