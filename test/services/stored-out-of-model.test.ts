/**
 * The out-of-model check is fitted once, when a run is trained, and stored with it
 * (`out-of-model.json`): a prediction reads it back instead of the training spectra. A run
 * stored without it (trained before) fits it at its first prediction, stores it, and flags the
 * same spectra; with the training spectra gone, a run with its check still predicts. In the app
 * the views worker, read-only, fits it and the session's connection stores it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { getRun, runArtifact } from '../../src-main/db/runs';
import { importFiles } from '../../src-main/services/import';
import { requestByName, startTraining } from '../../src-main/services/train';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { loadPredictor, OUT_OF_MODEL_ARTIFACT, predictSpectra, type Prediction, type SpectrumInput } from '../../src-main/services/predict';
import { predictMap } from '../../src-main/services/map-predict';
import { parseFile } from '../../src-main/io';
import { parseScheme } from '../../src-main/common/ml/splits';
import { builtFile } from '../../src-main/ml/built-files';
import { workerViews, type ViewRunner } from '../../src-main/services/views';
import { Session, type Host } from '../../src-main/services/session';
import { fixture } from '../helpers/datasets';

const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
const TEST_FILE = fixture('ucr_spectro/Coffee/Coffee_TEST.tsv');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-stored-check-'));
const project = path.join(dir, 'p.spectra');
const runs = { cnn: 0, pls: 0, ae: 0, map: 0 };
let mapId = 0;

function fileSpectra(file: string): SpectrumInput[] {
  const batch = parseFile(new Uint8Array(fs.readFileSync(file)), path.basename(file));
  return batch.samples.map((s) => ({ key: s.id, axis: batch.axes[s.axis]!.values, values: s.channels[0]!, unit: batch.axes[s.axis]!.unit, file: path.basename(file) }));
}

/** The out-of-model figures of each prediction of Coffee's test file. */
function checks(db: Db, runId: number): Pick<Prediction, 'key' | 't2' | 'q' | 't2Limit' | 'qLimit' | 'outOfModel' | 'reconstruction'>[] {
  return predictSpectra(loadPredictor(db, runId), fileSpectra(TEST_FILE)).map(({ key, t2, q, t2Limit, qLimit, outOfModel, reconstruction }) => ({ key, t2, q, t2Limit, qLimit, outOfModel, reconstruction }));
}

/** Takes the stored check away, as a run trained before it was stored has none. */
function forget(db: Db, runId: number): void {
  db.prepare('DELETE FROM run_artifacts WHERE run_id = ? AND name = ?').run(runId, OUT_OF_MODEL_ARTIFACT);
}

beforeAll(async () => {
  const db = openProject(project, { create: true });
  await importFiles(db, { files: [fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv')], dataset: 'Coffee', splitTag: 'train' });
  await importFiles(db, { files: [TEST_FILE], dataset: 'Coffee', splitTag: 'test' });
  const cnn = await startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model: 'cnn', validation: { kind: 'given' }, seed: 3, epochs: 4 }), { spawn }).outcome;
  const pls = await startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model: 'pls', validation: { kind: 'given' }, seed: 1, components: 3 }), { spawn }).outcome;
  const ae = await startTraining(db, requestByName(db, { dataset: 'Coffee', target: '', model: 'ae', validation: { kind: 'given' }, seed: 1, epochs: 5 }), { spawn }).outcome;
  const imported = await importFiles(db, { files: [fixture('raman_map_chondro', 'chondro.csv')], dataset: 'chondro', axisUnit: 'cm-1' });
  mapId = imported.datasetId;
  const map = await startTraining(db, requestByName(db, { dataset: 'chondro', target: 'cluster', model: 'pls', validation: parseScheme('blocked-holdout:0.2:1'), seed: 1, neighbourhood: { radius: 1, mode: 'channels' } }), { spawn }).outcome;
  expect([cnn.status, pls.status, ae.status, map.status]).toEqual(['done', 'done', 'done', 'done']);
  Object.assign(runs, { cnn: cnn.runId, pls: pls.runId, ae: ae.runId, map: map.runId });
  db.close();
}, 180_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the out-of-model check stored with a run', () => {
  it('is stored when the run is trained, with the raw axis it was fitted on', () => {
    const db = openProject(project);
    for (const runId of Object.values(runs)) {
      const stored = JSON.parse(runArtifact(db, runId, OUT_OF_MODEL_ARTIFACT)!.toString('utf8')) as { version: number; axisUnit: string; rawAxes: number[][]; outlier: { kind: string } };
      const p = loadPredictor(db, runId);
      expect([stored.version, stored.axisUnit, stored.outlier.kind, stored.rawAxes.length]).toEqual([1, p.axisUnit, runId === runs.cnn ? 'pca' : runId === runs.ae ? 'reconstruction' : 'pls', runId === runs.map ? 9 : 1]);
      expect(stored.rawAxes[0]).toEqual(Array.from(p.rawAxis));
    }
    db.close();
  });

  it('in the app, a run without it is fitted once by the read-only views worker and stored by the session', async () => {
    const db = openProject(project);
    const want = runArtifact(db, runs.pls, OUT_OF_MODEL_ARTIFACT)!;
    forget(db, runs.pls);
    const coffee = (db.prepare("SELECT id FROM datasets WHERE name = 'Coffee'").get() as { id: number }).id;
    db.close();
    const worker = workerViews(builtFile('main/views-worker.cjs'));
    const host: Host = {
      dialogs: { saveProject: async () => null, openProject: async () => project, importFiles: async () => null, labelsFile: async () => null, exportFolder: async () => null },
      emit: () => undefined,
      userDataDir: path.join(dir, 'userdata'),
      demoDir: path.resolve(__dirname, '../../assets/demo'),
      version: '0.0.0-test',
      engine: 'test engine',
      views: worker,
    };
    const s = new Session(host);
    try {
      expect((await s.invoke('project:open', {})).ok).toBe(true);
      const first = await s.invoke('predict:dataset', { runId: runs.pls, datasetId: coffee });
      expect(first.ok).toBe(true);
      const check = openProject(project, { readonly: true });
      expect(runArtifact(check, runs.pls, OUT_OF_MODEL_ARTIFACT)!.equals(want)).toBe(true);
      check.close();
      expect(await s.invoke('predict:dataset', { runId: runs.pls, datasetId: coffee })).toEqual(first);
    } finally {
      s.close();
      await worker.release();
    }
  }, 60_000);

  it('a run trained from the app has its check fitted in the views worker, off the main thread, and stored', async () => {
    const worker = workerViews(builtFile('main/views-worker.cjs'));
    const sent: string[] = [];
    const views: ViewRunner = {
      run: (file, req, hooks) => {
        sent.push(`${req.op} ${'runId' in req ? req.runId : ''}`);
        return worker.run(file, req, hooks);
      },
      release: () => worker.release(),
    };
    const finished: number[] = [];
    const host: Host = {
      dialogs: { saveProject: async () => path.join(dir, 'app.spectra'), openProject: async () => null, importFiles: async () => null, labelsFile: async () => null, exportFolder: async () => null },
      emit: (name, payload) => {
        const e = payload as { type?: string; runId?: number };
        if (name === 'runs:progress' && e.type === 'finished') finished.push(e.runId!);
      },
      userDataDir: path.join(dir, 'userdata'),
      demoDir: path.resolve(__dirname, '../../assets/demo'),
      version: '0.0.0-test',
      engine: 'test engine',
      spawnTrainer: spawn,
      views,
    };
    const s = new Session(host);
    try {
      expect((await s.invoke('project:create', {})).ok).toBe(true);
      const imported = (await s.invoke('datasets:import', { paths: [fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv')], dataset: 'Coffee', splitTag: 'train', jobId: 'j' })) as { ok: true; value: { datasetId: number } };
      const started = (await s.invoke('runs:start', { datasetId: imported.value.datasetId, target: 'class', model: 'pls', recipeId: null, validation: 'holdout:0.3', seed: 1 })) as { ok: true; value: { runId: number } };
      const runId = started.value.runId;
      while (!finished.includes(runId)) await new Promise((resolve) => setTimeout(resolve, 50));
      // Views run in the order asked: once a later one is back, the check fitted before it has been stored.
      expect((await s.invoke('runs:interpret', { runId })).ok).toBe(true);
      const db = openProject(path.join(dir, 'app.spectra'), { readonly: true });
      const stored = JSON.parse(runArtifact(db, runId, OUT_OF_MODEL_ARTIFACT)!.toString('utf8')) as { outlier: { kind: string } };
      expect(stored.outlier.kind).toBe('pls');
      db.close();
      expect(sent).toEqual([`outOfModel ${runId}`, `interpret ${runId}`]);
    } finally {
      s.close();
      await worker.release();
    }
  }, 60_000);

  for (const kind of ['cnn', 'pls', 'ae'] as const) {
    it(`${kind}: a run without it fits it at its first prediction and stores it; the flags, T², Q and limits are the same`, () => {
      const db = openProject(project);
      const runId = runs[kind];
      const withStored = checks(db, runId);
      const bytes = runArtifact(db, runId, OUT_OF_MODEL_ARTIFACT)!;
      forget(db, runId);
      expect(checks(db, runId)).toEqual(withStored);
      expect(runArtifact(db, runId, OUT_OF_MODEL_ARTIFACT)!.equals(bytes)).toBe(true);
      // Flags to compare: some of Coffee's test spectra lie beyond a 95 % limit.
      expect(withStored.filter((c) => c.outOfModel).length).toBeGreaterThan(0);
      db.close();
    }, 60_000);
  }

  it('a prediction reads no training spectrum: with them gone the run still predicts the same, and without its check it cannot', () => {
    const db = openProject(project);
    const before = { cnn: checks(db, runs.cnn), pls: checks(db, runs.pls) };
    const train = (getRun(db, runs.cnn).split as { train: number[] }).train;
    db.prepare(`DELETE FROM channels WHERE sample_id IN (${train.map(() => '?').join(',')})`).run(...train);
    expect({ cnn: checks(db, runs.cnn), pls: checks(db, runs.pls) }).toEqual(before);
    forget(db, runs.cnn);
    expect(() => loadPredictor(db, runs.cnn)).toThrow();
    db.close();
  });

  it('a map run on neighbourhoods predicts every pixel the same from its stored check as when it fits it from the whole map', () => {
    const db = openProject(project);
    const stored = predictMap(db, { datasetId: mapId, runId: runs.map });
    forget(db, runs.map);
    const refitted = predictMap(db, { datasetId: mapId, runId: runs.map });
    expect(Array.from(refitted.outOfModel)).toEqual(Array.from(stored.outOfModel));
    expect([Array.from(refitted.t2), Array.from(refitted.q)]).toEqual([Array.from(stored.t2), Array.from(stored.q)]);
    expect(stored.outOfModel.reduce((a, v) => a + v, 0)).toBeGreaterThan(0);
    db.close();
  }, 60_000);
});
