import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { listDatasets, loadAxis, loadSpectra, samplePage, setLabel, renameClass, columnValues } from '../../src-main/db/datasets';
import { importFiles, inferKind } from '../../src-main/services/import';
import { fixture } from '../helpers/datasets';
import { userErrorOfAsync as importError } from '../helpers/errors';
import { tmpDir, writeFile } from '../helpers/tmp';

function newProject(): { db: Db; file: string; dir: string } {
  const dir = tmpDir();
  const file = path.join(dir, 'p.spectra');
  return { db: openProject(file, { create: true }), file, dir };
}

function tableCounts(db: Db): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of ['datasets', 'samples', 'channels', 'columns', 'sample_values', 'axes', 'source_files']) {
    out[t] = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  }
  return out;
}

describe('importFiles', () => {
  it('imports UCR Strawberry TRAIN and TEST into one dataset with their split tags', async () => {
    const { db } = newProject();
    await importFiles(db, { files: [fixture('ucr_spectro/Strawberry/Strawberry_TRAIN.tsv')], dataset: 'Strawberry', splitTag: 'train' });
    await importFiles(db, { files: [fixture('ucr_spectro/Strawberry/Strawberry_TEST.tsv')], dataset: 'Strawberry', splitTag: 'test' });
    const [d] = listDatasets(db);
    expect(d!.name).toBe('Strawberry');
    expect(d!.samples).toBe(983);
    expect(d!.points).toBe(235);
    expect(d!.axes).toBe(1);
    expect(d!.splits).toEqual({ train: 613, test: 370, none: 0 });
    expect(d!.columns.class).toMatchObject({ kind: 'class', distinct: 2, missing: 0 });
    expect(d!.sourceFiles.map((f) => path.basename(f.path))).toEqual(['Strawberry_TRAIN.tsv', 'Strawberry_TEST.tsv']);
    db.close();
  });

  it('stores the exact float32 intensities of the file', async () => {
    const { db } = newProject();
    await importFiles(db, { files: [fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv')], dataset: 'Coffee' });
    const firstLine = fs.readFileSync(fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv'), 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
    const [first] = loadSpectra(db, listDatasets(db)[0]!.id);
    expect(Array.from(first!.channels[0]!)).toEqual(Array.from(Float32Array.from(firstLine.slice(1))));
    expect(loadAxis(db, first!.axisId).values.length).toBe(286);
    db.close();
  });

  it('leaves the project exactly as it was when the second of two files is bad', async () => {
    const { db, dir } = newProject();
    await importFiles(db, { files: [fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv')], dataset: 'Coffee' });
    const before = tableCounts(db);
    const good = writeFile(dir, 'good.csv', 'id,class,1000,1001,1002\na,x,1,2,3\nb,y,4,5,6\n');
    const bad = writeFile(dir, 'bad.csv', 'id,class,1000,1001,1002\nc,x,1,2,3\nd,y,4,5\n');
    const err = await importError(importFiles(db, { files: [good, bad], dataset: 'Coffee' }));
    expect(err.code).toBe('BAD_INPUT');
    expect(err.file).toBe('bad.csv');
    expect(err.line).toBe(3);
    expect(tableCounts(db)).toEqual(before);
    db.close();
  });

  it('rolls back when storing fails half-way (duplicate sample across files)', async () => {
    const { db, dir } = newProject();
    const a = writeFile(dir, 'a.csv', 'id,class,1000,1001\ns1,x,1,2\ns2,y,3,4\n');
    const b = writeFile(dir, 'b.csv', 'id,class,1000,1001\ns3,x,1,2\ns1,y,3,4\n');
    const err = await importError(importFiles(db, { files: [a, b], dataset: 'D' }));
    expect(err.message).toBe('Sample id "s1" appears in both a.csv and b.csv. Give the files different names or import them into different datasets.');
    expect(tableCounts(db).samples).toBe(0);
    expect(tableCounts(db).datasets).toBe(0);
    db.close();
  });

  it('refuses to import the same file twice into a dataset', async () => {
    const { db } = newProject();
    const file = fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv');
    await importFiles(db, { files: [file], dataset: 'Coffee' });
    const err = await importError(importFiles(db, { files: [file], dataset: 'Coffee' }));
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toMatch(/^Dataset "Coffee" already has a sample "Coffee_TRAIN:1" \(from Coffee_TRAIN.tsv\)/);
    expect(listDatasets(db)[0]!.samples).toBe(28);
    db.close();
  });

  it('splits by a per-row column and types metadata columns as class, number and text', async () => {
    const { db, dir } = newProject();
    const file = writeFile(
      dir,
      'wide.csv',
      [
        'sample,set,variety,brix,comment,900,902,904',
        'a1,train,gala,12.5,first batch,0.1,0.2,0.3',
        'a2,train,gala,13.0,rinsed,0.1,0.2,0.3',
        'a3,test,fuji,11.2,dropped once,0.1,0.2,0.3',
        'a4,test,fuji,,late,0.1,0.2,0.3',
        'a5,train,gala,12.1,ok,0.1,0.2,0.3',
      ].join('\n'),
    );
    await importFiles(db, { files: [file], dataset: 'apples', splitColumn: 'set' });
    const [d] = listDatasets(db);
    expect(d!.splits).toEqual({ train: 3, test: 2, none: 0 });
    expect(d!.columns).toEqual({
      variety: { kind: 'class', distinct: 2, missing: 0, classes: [{ value: 'gala', count: 3 }, { value: 'fuji', count: 2 }] },
      brix: { kind: 'number', distinct: 4, missing: 1, min: 11.2, max: 13 },
      comment: { kind: 'text', distinct: 5, missing: 0 },
    });
    expect(samplePage(db, { datasetId: d!.id, offset: 0, limit: 2, sortBy: 'brix', descending: true }).rows.map((r) => r.key)).toEqual(['a2', 'a1']);
    db.close();
  });

  it('applies a label table to a folder of XY files', async () => {
    const { db, dir } = newProject();
    const files = ['s01.txt', 's02.txt', 's03.txt'].map((n, i) => writeFile(dir, n, `# x y\n1000\t${i}.5\n1001\t${i}.25\n1002\t${i}.125\n`));
    const labels = writeFile(dir, 'labels.csv', 'file,polymer,thickness_um\ns01.txt,PE,10\ns02.txt,PP,12.5\ns03,PE,8\n');
    await importFiles(db, { files, dataset: 'films', labels });
    const [d] = listDatasets(db);
    expect(d!.samples).toBe(3);
    expect(d!.columns.polymer).toMatchObject({ kind: 'class', distinct: 2 });
    expect(d!.columns.thickness_um).toMatchObject({ kind: 'number', min: 8, max: 12.5 });
    expect(columnValues(db, d!.id, 'polymer').map((v) => v.value)).toEqual(['PE', 'PP', 'PE']);
    db.close();
  });

  it('refuses a label table that matches nothing and stores nothing', async () => {
    const { db, dir } = newProject();
    const file = writeFile(dir, 's01.txt', '1000 1\n1001 2\n1002 3\n');
    const labels = writeFile(dir, 'labels.csv', 'file,polymer\nA01,PE\nA02,PP\n');
    const err = await importError(importFiles(db, { files: [file], dataset: 'films', labels }));
    expect(err.file).toBe('labels.csv');
    expect(err.message).toMatch(/none of its 2 keys matches/);
    expect(tableCounts(db).samples).toBe(0);
    db.close();
  });

  it('is cancelled through the signal and leaves nothing behind', async () => {
    const { db } = newProject();
    const controller = new AbortController();
    controller.abort();
    const err = await importError(importFiles(db, { files: [fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv')] }, { signal: controller.signal }));
    expect(err.code).toBe('CANCELLED');
    expect(tableCounts(db).samples).toBe(0);
    db.close();
  });

  it('survives closing and reopening the project file', async () => {
    const { db, file } = newProject();
    const result = await importFiles(db, { files: [fixture('ucr_spectro/Meat/Meat_TRAIN.tsv')], splitTag: 'train' });
    expect(result.dataset).toBe('Meat');
    db.close();
    const again = openProject(file);
    const [d] = listDatasets(again);
    expect(d!).toMatchObject({ name: 'Meat', samples: 60, points: 448, splits: { train: 60, test: 0, none: 0 } });
    expect(d!.columns.class).toMatchObject({ kind: 'class', distinct: 3 });
    again.close();
  });

  it('edits labels: set on selected samples, rename a class', async () => {
    const { db } = newProject();
    await importFiles(db, { files: [fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv')], dataset: 'Coffee' });
    const id = listDatasets(db)[0]!.id;
    const ids = samplePage(db, { datasetId: id, offset: 0, limit: 3 }).rows.map((r) => r.id);
    expect(setLabel(db, id, ids.slice(0, 2), 'class', '1')).toBe(2);
    const before = listDatasets(db)[0]!.columns.class!.classes!;
    expect(renameClass(db, id, 'class', '1', 'Robusta')).toBe(before.find((c) => c.value === '1')!.count);
    expect(listDatasets(db)[0]!.columns.class!.classes!.map((c) => c.value).sort()).toEqual(['0', 'Robusta']);
    db.close();
  });

  it('records each source file with its size and SHA-256', async () => {
    const { db, dir } = newProject();
    const file = writeFile(dir, 'x.csv', 'id,1000,1001\na,1,2\n');
    await importFiles(db, { files: [file], dataset: 'x' });
    const row = db.prepare('SELECT sha256, size_bytes FROM source_files').get() as { sha256: string; size_bytes: number };
    expect(row).toEqual({ sha256: crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex'), size_bytes: 19 });
    db.close();
  });
});

describe('inferKind', () => {
  it('follows names and values', () => {
    expect(inferKind('class', [1, 2, 1])).toBe('class');
    expect(inferKind('fat', [1.5, 2, null])).toBe('number');
    expect(inferKind('origin', ['a', 'b'])).toBe('class');
    expect(inferKind('variety', ['a', 'b', 'c'])).toBe('class');
    expect(inferKind('note', ['a', 'b', 'c'])).toBe('text');
    expect(inferKind('batch', ['b1', 'b1', 'b2', 'b2'])).toBe('class');
    expect(inferKind('empty', [null, ''])).toBe('text');
  });
});
