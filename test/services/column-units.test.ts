/**
 * The unit of a numeric label column: kept by the datasets made from it (a recipe applied, a
 * join that agrees on it), dropped where it stops meaning anything (a kind change, a join of
 * columns in different units).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { datasetSummary, setColumnKind, setColumnUnit } from '../../src-main/db/datasets';
import { importFiles } from '../../src-main/services/import';
import { applyRecipeToDataset } from '../../src-main/services/apply-recipe';
import { joinDatasets } from '../../src-main/services/join';
import { parsePipelineSpec } from '../../src-main/common/preprocessing/pipeline';
import { tmpDir } from '../helpers/tmp';
import { userErrorOf } from '../helpers/errors';

/** Three tablets (ids t1–t3) with a grade, an assay and a water content, on 600, 602, 604 nm. */
function writeCsv(dir: string, name: string, scale: number): string {
  const file = path.join(dir, `${name}.csv`);
  const rows = [
    ['t1', 'train', 'A', 190.5, 2.1, 1, 2, 3],
    ['t2', 'train', 'B', 201.25, 3.4, 4, 5, 6],
    ['t3', 'test', 'A', 175, 2.8, 7, 8, 9],
  ].map((r) => r.map((v, i) => (i >= 5 ? Number(v) * scale : v)).join(','));
  fs.writeFileSync(file, `sample,split,grade,assay,water,600,602,604\n${rows.join('\n')}\n`);
  return file;
}

async function project(): Promise<{ db: Db; a: number; b: number }> {
  const dir = tmpDir();
  const db = openProject(path.join(dir, 'p.spectra'), { create: true });
  const a = (await importFiles(db, { files: [writeCsv(dir, 'inst1', 1)], dataset: 'Instrument 1', axisUnit: 'nm', splitColumn: 'split' })).datasetId;
  const b = (await importFiles(db, { files: [writeCsv(dir, 'inst2', 10)], dataset: 'Instrument 2', axisUnit: 'nm', splitColumn: 'split' })).datasetId;
  return { db, a, b };
}

const units = (db: Db, id: number) => Object.fromEntries(Object.entries(datasetSummary(db, id).columns).map(([k, c]) => [k, c.unit ?? null]));

describe('column units', () => {
  it('a new column has none; set, trimmed, cleared with an empty string; a class column refuses one', async () => {
    const { db, a } = await project();
    expect(units(db, a)).toEqual({ grade: null, assay: null, water: null });
    setColumnUnit(db, a, 'assay', ' mg ');
    setColumnUnit(db, a, 'water', '% w/w');
    expect(units(db, a)).toEqual({ grade: null, assay: 'mg', water: '% w/w' });
    setColumnUnit(db, a, 'water', '');
    expect(units(db, a)).toEqual({ grade: null, assay: 'mg', water: null });
    expect(userErrorOf(() => setColumnUnit(db, a, 'grade', '%')).message).toBe('Column "grade" holds classes; only a numeric column has a unit.');
    // Clearing a class column's (absent) unit is no error.
    setColumnUnit(db, a, 'grade', null);
    db.close();
  });

  it('a kind change away from number drops the unit, and back to number does not restore it', async () => {
    const { db, a } = await project();
    setColumnUnit(db, a, 'assay', 'mg');
    setColumnKind(db, a, 'assay', 'class');
    expect(units(db, a).assay).toBeNull();
    setColumnKind(db, a, 'assay', 'number');
    expect(units(db, a).assay).toBeNull();
    db.close();
  });

  it('a dataset made by a recipe keeps its source’s units', async () => {
    const { db, a } = await project();
    setColumnUnit(db, a, 'assay', 'mg');
    const r = await applyRecipeToDataset(db, { datasetId: a, spec: parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'meanCenter' }] }), recipeName: 'Centre' });
    expect(units(db, r.datasetId)).toEqual({ grade: null, assay: 'mg', water: null });
    db.close();
  });

  it('a join keeps a unit its sources agree on or only one gives, and drops one they differ on', async () => {
    const { db, a, b } = await project();
    setColumnUnit(db, a, 'assay', 'mg');
    setColumnUnit(db, b, 'assay', 'mg');
    setColumnUnit(db, b, 'water', '%');
    const agree = joinDatasets(db, { datasetIds: [a, b], name: 'agree', by: 'id' });
    expect(units(db, agree.datasetId)).toEqual({ grade: null, assay: 'mg', water: '%' });
    setColumnUnit(db, a, 'water', 'g/kg');
    const differ = joinDatasets(db, { datasetIds: [a, b], name: 'differ', by: 'id' });
    expect(units(db, differ.datasetId)).toEqual({ grade: null, assay: 'mg', water: null });
    db.close();
  });
});
