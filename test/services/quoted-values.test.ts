/**
 * Label values, column and dataset names a user typed or a file held, as errors quote them:
 * one short line, however long the value and whatever line breaks it holds.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { datasetIdByNameOrId, samplePage, setLabel } from '../../src-main/db/datasets';
import { importFiles } from '../../src-main/services/import';
import { userErrorOf, userErrorOfAsync } from '../helpers/errors';
import { tmpDir, writeFile } from '../helpers/tmp';

const LONG = 'x'.repeat(3_000_000);
const LONG_SHOWN = `"${'x'.repeat(60)}…" (3\u2009000\u2009000 characters)`;

function newProject(): { db: Db; dir: string } {
  const dir = tmpDir();
  return { db: openProject(path.join(dir, 'p.spectra'), { create: true }), dir };
}

describe('errors that quote a value', () => {
  it('import: a 3 MB text in a column the dataset holds as numbers', async () => {
    const { db, dir } = newProject();
    await importFiles(db, { files: [writeFile(dir, 'a.csv', 'id,conc,400,500\na,1.5,1,2\n')], dataset: 'D' });
    const err = await userErrorOfAsync(importFiles(db, { files: [writeFile(dir, 'b.csv', `id,conc,400,500\nb,${LONG},1,2\n`)], dataset: 'D' }));
    expect(err.message).toBe(`Column "conc" holds numbers in this dataset, but the new file has ${LONG_SHOWN}. Fix the value or import into a new dataset.`);
    db.close();
  });

  it('import: a 3 MB sample id in two files', async () => {
    const { db, dir } = newProject();
    const files = ['a.csv', 'b.csv'].map((name) => writeFile(dir, name, `id,400,500\n${LONG},1,2\n`));
    const err = await userErrorOfAsync(importFiles(db, { files, dataset: 'D' }));
    expect(err.message).toBe(`Sample id ${LONG_SHOWN} appears in both a.csv and b.csv. Give the files different names or import them into different datasets.`);
    db.close();
  });

  it('labels: a 3 MB value for a number column, and a dataset name with a line break', async () => {
    const { db, dir } = newProject();
    const r = await importFiles(db, { files: [writeFile(dir, 'a.csv', 'id,conc,400,500\na,1.5,1,2\n')], dataset: 'D' });
    const ids = samplePage(db, { datasetId: r.datasetId, offset: 0, limit: 10 }).rows.map((s) => s.id);
    expect(userErrorOf(() => setLabel(db, r.datasetId, ids, 'conc', LONG)).message).toBe(`Column "conc" holds numbers; ${LONG_SHOWN} is not a number.`);
    expect(userErrorOf(() => datasetIdByNameOrId(db, 'D\nrm -rf')).message).toBe('No dataset named "D\\nrm -rf". Datasets in this project: D.');
    db.close();
  });
});
