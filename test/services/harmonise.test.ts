import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { datasetSummary, listDatasets, loadAxis, loadSpectra } from '../../src-main/db/datasets';
import { getProvenance } from '../../src-main/db/derived';
import { importFiles } from '../../src-main/services/import';
import { datasetBlock } from '../../src-main/services/preprocess';
import { harmoniseDataset, planHarmonise } from '../../src-main/services/harmonise';
import { tmpDir } from '../helpers/tmp';
import { userErrorOf, userErrorOfAsync } from '../helpers/errors';
import { SHIFTED_RUNS, writeShiftedCoffee, type ShiftedRun } from '../helpers/shifted-axes';

const GRID = 'the overlap 600–3900 cm⁻¹ at the median step 2 cm⁻¹, 1651 points';
/** A run whose step is 2.5 times the others'. */
const COARSE: ShiftedRun = { prefix: 'run4', first: 3990, step: 5, points: 700 };

function project(): { db: Db; dir: string } {
  const dir = tmpDir();
  return { db: openProject(path.join(dir, 'p.spectra'), { create: true }), dir };
}

async function importRuns(db: Db, dir: string, counts?: number[], runs?: ShiftedRun[]): Promise<{ datasetId: number; spectra: number[][]; files: string[] }> {
  const { files, spectra } = writeShiftedCoffee(dir, counts, runs);
  const r = await importFiles(db, { files, dataset: 'Coffee runs', axisUnit: 'cm-1' });
  return { datasetId: r.datasetId, spectra, files };
}

/** The y values of an x,y file as the project stores them (float32). */
function storedValues(file: string): number[] {
  return fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => Math.fround(Number(l.split('\t')[1])));
}

describe('harmoniseDataset', () => {
  it('training and recipes refuse a dataset on several axes, saying how they differ and where to put them on one', async () => {
    const { db, dir } = project();
    const { datasetId } = await importRuns(db, dir);
    expect(userErrorOf(() => datasetBlock(db, datasetId, 'Coffee runs')).message).toBe(
      'Dataset "Coffee runs" has spectra on 3 different axes: 5 of 11 spectra are on 2 other axes than the other 6 (400–4000 cm⁻¹ at 2 cm⁻¹, 1801 points): "run2_s07" (and 2 more on that axis) 401.5–3999.5 cm⁻¹ at 2 cm⁻¹, 1800 points; "run3_s10" (and 1 more on that axis) 600–3900 cm⁻¹ at 1.5 cm⁻¹, 2201 points. Put them on one axis first with "Put on one axis…" in the Data view or spectra-desk harmonise --project P --dataset "Coffee runs" (a resampled copy), or import them into separate datasets.',
    );
    db.close();
  });

  it('proposes the overlap at the median step, or the first axis, without storing anything', async () => {
    const { db, dir } = project();
    const { datasetId } = await importRuns(db, dir);
    expect(planHarmonise(db, datasetId)).toEqual({ description: GRID, unit: 'cm-1', start: 3900, stop: 600, step: 2, points: 1651, resampled: 11, spectra: 11, axes: 3, name: 'Coffee runs · one axis' });
    expect(planHarmonise(db, datasetId, 'first').description).toBe('the axis of "run1_s01" within the overlap 600–3900 cm⁻¹, 1651 points');
    expect(planHarmonise(db, datasetId, { start: 1000, stop: 3000, step: 4 }).description).toBe('the grid 1000–3000 cm⁻¹ at step 4 cm⁻¹, 501 points');
    expect(listDatasets(db).map((d) => d.name)).toEqual(['Coffee runs']);
    db.close();
  });

  it('stores the spectra resampled onto the grid as a new dataset, with the grid in its provenance', async () => {
    const { db, dir } = project();
    const { datasetId, spectra, files } = await importRuns(db, dir);
    const r = harmoniseDataset(db, { datasetId });
    expect(r).toMatchObject({ dataset: 'Coffee runs · one axis', sourceDataset: 'Coffee runs', samples: 11, points: 1651, grid: GRID, resampled: 11, channelsLeftOut: 0 });
    const out = loadSpectra(db, r.datasetId);
    expect(new Set(out.map((s) => s.axisId)).size).toBe(1);
    expect(out.map((s) => s.key)).toEqual(files.map((f) => path.basename(f, '.xy')));
    const axis = loadAxis(db, out[0]!.axisId);
    expect(axis.unit).toBe('cm-1');
    expect(Array.from(axis.values)).toEqual(Array.from({ length: 1651 }, (_, i) => 3900 - 2 * i));
    // Run 1 is on the grid's points: its values are kept exactly (3900 cm⁻¹ is its point 51).
    expect(Array.from(out[0]!.channels[0]!)).toEqual(spectra[0]!.slice(50, 1701).map(Math.fround));
    // Run 2 lies half a step off: 3900 is a quarter of the way from its 3899.5 to its 3901.5 (points 51 and 50).
    const b = storedValues(files[6]!);
    const run2 = out[6]!.channels[0]!;
    expect(run2[0]).toBe(Math.fround(b[50]! + 0.25 * (b[49]! - b[50]!)));
    expect(run2[1650]).toBe(Math.fround(b[1700]! + 0.25 * (b[1699]! - b[1700]!)));
    // Run 3 (1.5 cm⁻¹): 3900 is its first point, 3898 is a third of the way from 3897 to 3898.5.
    const c = storedValues(files[9]!);
    expect(out[9]!.channels[0]![0]).toBe(c[0]);
    expect(out[9]!.channels[0]![1]).toBe(Math.fround(c[2]! + (1 / 1.5) * (c[1]! - c[2]!)));

    const provenance = getProvenance(db, r.datasetId)!;
    expect(provenance).toMatchObject({ sourceDatasetId: datasetId, sourceDatasetName: 'Coffee runs', recipeName: `one axis: ${GRID}`, fittedOn: 'all', fittedSamples: 11, sourceChannel: 0 });
    expect(provenance.fitted.spec.steps).toEqual([{ kind: 'resample', version: 1, enabled: true, params: { axis: Array.from(axis.values), step: null, maxExtrapolation: 0 } }]);
    expect(datasetSummary(db, r.datasetId)).toMatchObject({ samples: 11, points: 1651, axes: 1, derivedFrom: { sourceDataset: 'Coffee runs', recipe: `one axis: ${GRID}` } });
    // The new dataset trains and takes recipes; the source is as it was.
    expect(datasetBlock(db, r.datasetId, r.dataset).block.rows).toBe(11);
    expect(datasetSummary(db, datasetId)).toMatchObject({ samples: 11, axes: 3 });
    db.close();
  });

  it('refuses axes beyond the tolerance, naming the spectra and by how much, and stores nothing', async () => {
    const { db, dir } = project();
    const { datasetId } = await importRuns(db, dir, [3, 0, 0, 1], [...SHIFTED_RUNS, COARSE]);
    const message =
      'Dataset "Coffee runs": these spectra cannot be put on one axis: 1 of 4 spectra is on another axis than the other 3 (400–4000 cm⁻¹ at 2 cm⁻¹, 1801 points): "run4_s04" 495–3990 cm⁻¹ at 5 cm⁻¹, 700 points — its step is 2.5× coarser (at most 2×).';
    expect(userErrorOf(() => planHarmonise(db, datasetId)).message).toBe(message);
    expect(userErrorOf(() => harmoniseDataset(db, { datasetId })).message).toBe(message);
    expect(userErrorOf(() => planHarmonise(db, datasetId, { start: 4000, stop: 400, step: 2 })).message).toBe(message);
    expect(listDatasets(db).map((d) => d.name)).toEqual(['Coffee runs']);
    db.close();
  });

  it('refuses a dataset on one axis already, and a name that is taken', async () => {
    const { db, dir } = project();
    const { datasetId } = await importRuns(db, dir, [2]);
    expect(userErrorOf(() => harmoniseDataset(db, { datasetId })).message).toBe('Dataset "Coffee runs" is on one axis already; to change its axis, apply a recipe with the Resample step.');
    const other = await importFiles(db, { files: writeShiftedCoffee(tmpDir(), [1, 1]).files, dataset: 'Two runs', axisUnit: 'cm-1' });
    const err = userErrorOf(() => harmoniseDataset(db, { datasetId: other.datasetId, name: 'Coffee runs' }));
    expect([err.code, err.message]).toEqual(['CONFLICT', 'A dataset named "Coffee runs" already exists. Choose another name for the processed dataset.']);
    db.close();
  });
});

describe('importFiles with a common axis', () => {
  it('stores the files as they are and, beside them, the dataset on one axis', async () => {
    const { db, dir } = project();
    const { files } = writeShiftedCoffee(dir);
    const r = await importFiles(db, { files, dataset: 'Coffee runs', axisUnit: 'cm-1', commonAxis: 'auto' });
    expect(r.samples).toBe(11);
    expect(r.harmonised).toMatchObject({ dataset: 'Coffee runs · one axis', samples: 11, points: 1651, grid: GRID });
    expect(listDatasets(db).map((d) => [d.name, d.axes])).toEqual([
      ['Coffee runs', 3],
      ['Coffee runs · one axis', 1],
    ]);
    db.close();
  });

  it('beyond the tolerance imports nothing and says so', async () => {
    const { db, dir } = project();
    const { files } = writeShiftedCoffee(dir, [3, 0, 0, 1], [...SHIFTED_RUNS, COARSE]);
    const err = await userErrorOfAsync(importFiles(db, { files, dataset: 'Coffee runs', axisUnit: 'cm-1', commonAxis: 'auto' }));
    expect(err.message).toBe(
      'Dataset "Coffee runs": these spectra cannot be put on one axis: 1 of 4 spectra is on another axis than the other 3 (400–4000 cm⁻¹ at 2 cm⁻¹, 1801 points): "run4_s04" 495–3990 cm⁻¹ at 5 cm⁻¹, 700 points — its step is 2.5× coarser (at most 2×). Nothing was imported; import without a common axis to keep the spectra as they are.',
    );
    expect(listDatasets(db)).toEqual([]);
    db.close();
  });

  it('files on one axis need no common one: a note, and no second dataset', async () => {
    const { db, dir } = project();
    const r = await importFiles(db, { files: writeShiftedCoffee(dir, [2]).files, dataset: 'Coffee runs', axisUnit: 'cm-1', commonAxis: 'auto' });
    expect(r.harmonised).toBeUndefined();
    expect(r.warnings).toEqual(['All spectra are on one axis already, so none were resampled.']);
    expect(listDatasets(db).map((d) => d.name)).toEqual(['Coffee runs']);
    db.close();
  });
});
