/**
 * The split column, wherever the import comes from (the CLI's --split-column, the app's import
 * dialog): read from the files' own columns or the label table, refused when none has it.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { listDatasets } from '../../src-main/db/datasets';
import { importFiles, importRequestFromApp } from '../../src-main/services/import';
import { fixture } from '../helpers/datasets';
import { userErrorOfAsync } from '../helpers/errors';
import { tmpDir, writeFile } from '../helpers/tmp';

function newProject(): { db: Db; dir: string } {
  const dir = tmpDir();
  return { db: openProject(path.join(dir, 'p.spectra'), { create: true }), dir };
}

const xy = (dir: string, name: string, offset: number) => writeFile(dir, name, `1000 ${0.1 + offset}\n1002 ${0.2 + offset}\n1004 ${0.3 + offset}\n`);

describe('split column', () => {
  it('a column neither the files nor the label table have is refused, naming the columns there are', async () => {
    const { db, dir } = newProject();
    const files = [xy(dir, 'a.xy', 0), xy(dir, 'b.xy', 1)];
    const labels = writeFile(dir, 'labels.csv', 'file,cultivar\na.xy,spelt\nb.xy,durum\n');
    const err = await userErrorOfAsync(importFiles(db, importRequestFromApp({ splitColumn: ' set ' }, files, labels)));
    expect(err.toInfo()).toEqual({ code: 'BAD_INPUT', message: 'a.xy, b.xy, labels.csv have no column "set" for the train/test split; the columns there are "cultivar".', file: 'a.xy', field: 'set' });
    expect(listDatasets(db)).toEqual([]);
    db.close();
  });

  it('a UCR table has only its class column to offer', async () => {
    const { db } = newProject();
    const err = await userErrorOfAsync(importFiles(db, { files: [fixture('ucr_spectro/Coffee/Coffee_TEST.tsv')], splitColumn: 'nosuchcolumn' }));
    expect(err.message).toBe('Coffee_TEST.tsv has no column "nosuchcolumn" for the train/test split; the columns there are "class".');
    db.close();
  });

  it('a label table column splits the spectra, is not kept as metadata, and spectra without a value stay untagged with a warning', async () => {
    const { db, dir } = newProject();
    const files = [xy(dir, 'a.xy', 0), xy(dir, 'b.xy', 1), xy(dir, 'c.xy', 2)];
    const labels = writeFile(dir, 'labels.csv', 'file,Set,cultivar\na.xy,calibration,spelt\nb.xy,test,durum\nc.xy,,spelt\n');
    const result = await importFiles(db, { files, labels, dataset: 'd', splitColumn: 'set', axisUnit: 'nm' });
    expect(result.warnings).toEqual(['1 spectrum has no value in column "Set" and is left untagged.']);
    const [d] = listDatasets(db);
    expect(d!.splits).toEqual({ train: 1, test: 1, none: 1 });
    expect(Object.keys(d!.columns)).toEqual(['cultivar']);
    db.close();
  });

  it('a value that is not a split names the file, the sample and the column', async () => {
    const { db, dir } = newProject();
    const files = [xy(dir, 'a.xy', 0)];
    const labels = writeFile(dir, 'labels.csv', 'file,set\na.xy,holdout\n');
    const err = await userErrorOfAsync(importFiles(db, { files, labels, splitColumn: 'set' }));
    expect(err.toInfo()).toEqual({ code: 'BAD_INPUT', message: 'a.xy, sample "a": "holdout" in column "set" is not a split; use train or test.', file: 'a.xy', field: 'set' });
    db.close();
  });
});
