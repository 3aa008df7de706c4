import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { datasetSummary, listColumns, listDatasets, loadAxis, loadSpectra, samplePage, deleteDataset, setSplit } from '../../src-main/db/datasets';
import { getProvenance } from '../../src-main/db/derived';
import { importFiles } from '../../src-main/services/import';
import { applyRecipeToDataset, derivedName } from '../../src-main/services/apply-recipe';
import { datasetBlock } from '../../src-main/services/preprocess';
import { applyPipeline, fitOnTraining, parsePipelineSpec } from '../../src-main/common/preprocessing/pipeline';
import type { ApplyProgress } from '../../src-main/common/domain/project';
import { APP_VERSION } from '../../src-main/services/version';
import { fixture } from '../helpers/datasets';
import { tmpDir, writeFile } from '../helpers/tmp';
import { userErrorOfAsync } from '../helpers/errors';

async function expectUserError(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const err = await userErrorOfAsync(p);
  expect(err.code).toBe(code);
  expect(err.message).toMatch(message);
}

const CSV = ['id,origin,conc,set,1000,1001,1002,1003,1004', 'a,A,1.5,train,1,2,3,4,5', 'b,B,2,train,3,4,5,6,7', 'c,A,3,test,10,10,10,10,10', 'd,,4,test,0,1,2,3,4'].join('\n');

/** crop to 1001–1003 cm⁻¹, then mean-centre on the training split (a and b: mean 3, 4, 5). */
const CROP_CENTRE = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'crop', params: { ranges: [[1001, 1003]] } }, { kind: 'meanCenter' }] });

async function project(): Promise<{ db: Db; dir: string; sourceId: number }> {
  const dir = tmpDir();
  const db = openProject(path.join(dir, 'p.spectra'), { create: true });
  const r = await importFiles(db, { files: [writeFile(dir, 'small.csv', CSV)], dataset: 'Small', splitColumn: 'set', axisUnit: 'cm-1' });
  // "d" carries no split tag (the importer needs one in a split column).
  setSplit(db, r.datasetId, [loadSpectra(db, r.datasetId).find((s) => s.key === 'd')!.sampleId], null);
  return { db, dir, sourceId: r.datasetId };
}

const count = (db: Db, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('applyRecipeToDataset', () => {
  it('stores the processed spectra as a new dataset on the output axis, with keys, labels and splits copied', async () => {
    const { db, sourceId } = await project();
    const r = await applyRecipeToDataset(db, { datasetId: sourceId, spec: CROP_CENTRE, recipeName: 'Crop + centre' });
    expect(r).toMatchObject({ dataset: 'Small · Crop + centre', sourceDataset: 'Small', samples: 4, points: 3, fittedOn: 'train', fittedSamples: 2, pipelineHash: CROP_CENTRE.hash, channelsLeftOut: 0 });
    const spectra = loadSpectra(db, r.datasetId);
    expect(spectra.map((s) => [s.key, s.split, Array.from(s.channels[0]!)])).toEqual([
      ['a', 'train', [-1, -1, -1]],
      ['b', 'train', [1, 1, 1]],
      ['c', 'test', [7, 6, 5]],
      ['d', null, [-2, -2, -2]],
    ]);
    const axis = loadAxis(db, spectra[0]!.axisId);
    expect({ unit: axis.unit, values: Array.from(axis.values) }).toEqual({ unit: 'cm-1', values: [1001, 1002, 1003] });
    expect(listColumns(db, r.datasetId).map((c) => [c.name, c.kind, c.position])).toEqual(listColumns(db, sourceId).map((c) => [c.name, c.kind, c.position]));
    const rows = samplePage(db, { datasetId: r.datasetId, offset: 0, limit: 10 }).rows;
    expect(rows.map((s) => [s.key, s.split, s.values])).toEqual([
      ['a', 'train', { origin: 'A', conc: 1.5 }],
      ['b', 'train', { origin: 'B', conc: 2 }],
      ['c', 'test', { origin: 'A', conc: 3 }],
      ['d', null, { origin: null, conc: 4 }],
    ]);
    const summary = datasetSummary(db, r.datasetId);
    expect(summary).toMatchObject({ name: 'Small · Crop + centre', samples: 4, points: 3, splits: { train: 2, test: 1, none: 1 }, sourceFiles: [], yUnit: null });
    expect(summary.derivedFrom).toEqual({
      sourceDatasetId: sourceId,
      sourceDataset: 'Small',
      recipe: 'Crop + centre',
      pipeline: CROP_CENTRE,
      pipelineHash: CROP_CENTRE.hash,
      fittedOn: 'train',
      fittedSamples: 2,
      createdAt: summary.createdAt,
    });
    // The source is untouched.
    expect(loadSpectra(db, sourceId).map((s) => Array.from(s.channels[0]!))).toEqual([
      [1, 2, 3, 4, 5],
      [3, 4, 5, 6, 7],
      [10, 10, 10, 10, 10],
      [0, 1, 2, 3, 4],
    ]);
    expect(datasetSummary(db, sourceId).derivedFrom).toBeUndefined();
    db.close();
  });

  it('records the provenance: source, resolved spec and hash, fitted state, split and time', async () => {
    const { db, sourceId } = await project();
    const before = Date.now();
    const r = await applyRecipeToDataset(db, { datasetId: sourceId, spec: CROP_CENTRE, recipeName: 'Crop + centre' });
    const p = getProvenance(db, r.datasetId)!;
    expect(p).toEqual({
      sourceDatasetId: sourceId,
      sourceDatasetName: 'Small',
      recipeName: 'Crop + centre',
      fitted: { spec: CROP_CENTRE, states: [null, { mean: [3, 4, 5] }] },
      fittedOn: 'train',
      fittedSamples: 2,
      sourceChannel: 0,
      appVersion: APP_VERSION,
      createdAt: p.createdAt,
    });
    expect(Date.parse(p.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(getProvenance(db, sourceId)).toBeNull();
    db.close();
  });

  it('stores exactly what applyPipeline gives for the whole dataset (Coffee, MSC → SG 1st derivative → SNV), in float32', async () => {
    const dir = tmpDir();
    const db = openProject(path.join(dir, 'p.spectra'), { create: true });
    const src = await importFiles(db, { files: [fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv')], splitTag: 'train' });
    await importFiles(db, { files: [fixture('ucr_spectro/Coffee/Coffee_TEST.tsv')], dataset: 'Coffee', splitTag: 'test' });
    const spec = parsePipelineSpec({
      schemaVersion: 1,
      steps: [{ kind: 'msc' }, { kind: 'savitzkyGolay', params: { windowSize: 11, polynomial: 2, derivative: 1 } }, { kind: 'snv' }],
    });
    const { block, train } = datasetBlock(db, src.datasetId, 'Coffee');
    expect([block.rows, train.length]).toEqual([56, 28]);
    const expected = applyPipeline(fitOnTraining(spec, block, train), block);
    // Small chunks: the chunked application must equal the whole-block one.
    const r = await applyRecipeToDataset(db, { datasetId: src.datasetId, spec, recipeName: 'MSC SG SNV' }, { chunkRows: 5 });
    expect(r).toMatchObject({ samples: 56, points: 286, fittedOn: 'train', fittedSamples: 28 });
    const stored = loadSpectra(db, r.datasetId);
    const got = new Float32Array(56 * 286);
    stored.forEach((s, i) => got.set(s.channels[0]!, i * 286));
    expect(got).toEqual(Float32Array.from(expected.values));
    expect(getProvenance(db, r.datasetId)!.fitted.states[0]).toEqual(fitOnTraining(spec, block, train).states[0]);
    db.close();
  });

  it('reports progress by chunk, in order, ending with done', async () => {
    const { db, sourceId } = await project();
    const events: ApplyProgress[] = [];
    await applyRecipeToDataset(db, { datasetId: sourceId, spec: CROP_CENTRE }, { jobId: 'j7', chunkRows: 1, onProgress: (p) => events.push(p) });
    expect(events.map((e) => [e.stage, e.done])).toEqual([
      ['loading', 0],
      ['fitting', 0],
      ['applying', 1],
      ['applying', 2],
      ['applying', 3],
      ['applying', 4],
      ['storing', 4],
      ['done', 4],
    ]);
    expect(events.every((e) => e.jobId === 'j7')).toBe(true);
    expect(events.slice(1).every((e) => e.total === 4)).toBe(true);
    const fractions = events.map((e) => e.fraction);
    expect(fractions).toEqual([...fractions].sort((x, y) => x - y));
    expect(fractions.at(-1)).toBe(1);
    db.close();
  });

  it('cancelling between chunks stores nothing', async () => {
    const { db, sourceId } = await project();
    const tables = ['datasets', 'samples', 'channels', 'columns', 'sample_values', 'axes', 'dataset_provenance'];
    const before = tables.map((t) => count(db, t));
    const controller = new AbortController();
    const run = applyRecipeToDataset(db, { datasetId: sourceId, spec: CROP_CENTRE }, { chunkRows: 1, signal: controller.signal, onProgress: (p) => p.stage === 'applying' && p.done === 2 && controller.abort() });
    await expectUserError(run, 'CANCELLED', /cancelled; nothing was stored/);
    expect(tables.map((t) => count(db, t))).toEqual(before);
    expect(listDatasets(db).map((d) => d.name)).toEqual(['Small']);
    db.close();
  });

  it('refuses a clashing name, a recipe without enabled steps and bad parameters, storing nothing', async () => {
    const { db, sourceId } = await project();
    await applyRecipeToDataset(db, { datasetId: sourceId, spec: CROP_CENTRE, recipeName: 'R' });
    await expectUserError(applyRecipeToDataset(db, { datasetId: sourceId, spec: CROP_CENTRE, recipeName: 'R' }), 'CONFLICT', /A dataset named "Small · R" already exists/);
    await expectUserError(applyRecipeToDataset(db, { datasetId: sourceId, spec: CROP_CENTRE, name: '  ' }), 'BAD_INPUT', /needs a name/);
    const off = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'snv', enabled: false }] });
    await expectUserError(applyRecipeToDataset(db, { datasetId: sourceId, spec: off }), 'BAD_INPUT', /no enabled steps/);
    const long = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'savitzkyGolay', params: { windowSize: 11 } }] });
    await expectUserError(applyRecipeToDataset(db, { datasetId: sourceId, spec: long }), 'BAD_INPUT', /windowSize/);
    // A stored spectrum with a missing value (older files) must not turn into a silent NaN.
    const d = loadSpectra(db, sourceId).find((s) => s.key === 'd')!;
    db.prepare('UPDATE channels SET intensities_f32 = ? WHERE sample_id = ?').run(Buffer.from(new Float32Array([0, 1, NaN, 3, 4]).buffer), d.sampleId);
    await expectUserError(applyRecipeToDataset(db, { datasetId: sourceId, spec: CROP_CENTRE, name: 'With NaN' }), 'BAD_INPUT', /spectrum "d" has a NaN or infinite value at 1002 \(point 2\)/);
    expect(listDatasets(db).map((d) => d.name)).toEqual(['Small', 'Small · R']);
    expect(count(db, 'dataset_provenance')).toBe(1);
    db.close();
  });

  it('stores nothing when the source is deleted while the recipe runs', async () => {
    const { db, sourceId } = await project();
    const run = applyRecipeToDataset(db, { datasetId: sourceId, spec: CROP_CENTRE }, { chunkRows: 1, onProgress: (p) => p.stage === 'applying' && p.done === 1 && deleteDataset(db, sourceId) });
    await expectUserError(run, 'CONFLICT', /Dataset "Small" was deleted while the recipe was applied; nothing was stored/);
    expect(listDatasets(db)).toEqual([]);
    expect(count(db, 'samples')).toBe(0);
    db.close();
  });

  it('keeps a derived dataset, and its provenance, when the source is deleted', async () => {
    const { db, sourceId } = await project();
    const r = await applyRecipeToDataset(db, { datasetId: sourceId, spec: CROP_CENTRE, name: 'Centred' });
    deleteDataset(db, sourceId);
    expect(datasetSummary(db, r.datasetId).derivedFrom).toMatchObject({ sourceDatasetId: null, sourceDataset: 'Small', recipe: null });
    expect(loadSpectra(db, r.datasetId).length).toBe(4);
    deleteDataset(db, r.datasetId);
    expect(count(db, 'dataset_provenance')).toBe(0);
    db.close();
  });

  it('names the new dataset "<dataset> · <recipe>"', () => {
    expect(derivedName('Coffee', 'SG1 + SNV')).toBe('Coffee · SG1 + SNV');
    expect(derivedName('Coffee', null)).toBe('Coffee · processed');
  });
});
