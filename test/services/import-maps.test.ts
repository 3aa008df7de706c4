/** Maps through the importer: coordinates reach the project file, and an ENVI header brings its data file. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { importFiles } from '../../src-main/services/import';
import { fixture } from '../helpers/datasets';
import { userErrorOfAsync } from '../helpers/errors';
import { tmpDir } from '../helpers/tmp';

const ENVI = path.resolve(__dirname, '../fixtures/envi');

function newProject(): { db: Db; dir: string } {
  const dir = tmpDir();
  return { db: openProject(path.join(dir, 'p.spectra'), { create: true }), dir };
}

function coordinates(db: Db): { key: string; x: number | null; y: number | null }[] {
  return db.prepare('SELECT sample_key AS key, map_x AS x, map_y AS y FROM samples ORDER BY id').all() as { key: string; x: number | null; y: number | null }[];
}

describe('importing maps', () => {
  it('stores chondro with its x/y as map coordinates and its cluster as a class column', async () => {
    const { db } = newProject();
    const result = await importFiles(db, { files: [fixture('raman_map_chondro', 'chondro.csv')] });
    expect(result.samples).toBe(875);
    const rows = coordinates(db);
    expect([rows[0], rows[874]]).toEqual([
      { key: 'chondro:1', x: -11.55, y: -4.77 },
      { key: 'chondro:875', x: 22.45, y: 19.23 },
    ]);
    expect([new Set(rows.map((r) => r.x)).size, new Set(rows.map((r) => r.y)).size]).toEqual([35, 25]);
    const columns = db.prepare('SELECT name, kind FROM columns ORDER BY position').all();
    expect(columns).toEqual([
      { name: 'pixel', kind: 'text' },
      { name: 'cluster', kind: 'class' },
    ]);
    db.close();
  });

  it('imports an ENVI cube from its header, reading the data file beside it', async () => {
    const { db, dir } = newProject();
    for (const name of ['bip-int16-be.hdr', 'bip-int16-be.img']) fs.copyFileSync(path.join(ENVI, name), path.join(dir, name));
    const result = await importFiles(db, { files: [path.join(dir, 'bip-int16-be.hdr')] });
    expect(result.files).toEqual([{ path: path.join(dir, 'bip-int16-be.hdr'), format: 'envi', samples: 12 }]);
    const rows = coordinates(db);
    expect([rows[0], rows[5], rows[11]]).toEqual([
      { key: 'bip-int16-be#1', x: 0, y: 0 },
      { key: 'bip-int16-be#6', x: 1, y: 1 },
      { key: 'bip-int16-be#12', x: 3, y: 2 },
    ]);
    const size = fs.statSync(path.join(dir, 'bip-int16-be.hdr')).size + fs.statSync(path.join(dir, 'bip-int16-be.img')).size;
    expect(db.prepare('SELECT size_bytes AS size FROM source_files').get()).toEqual({ size });
    db.close();
  });

  it('reads an ENVI data file picked together with its header once, with the header', async () => {
    const { db, dir } = newProject();
    for (const name of ['bil-int16-le.hdr', 'bil-int16-le.raw']) fs.copyFileSync(path.join(ENVI, name), path.join(dir, name));
    const result = await importFiles(db, { files: [path.join(dir, 'bil-int16-le.raw'), path.join(dir, 'bil-int16-le.hdr')] });
    expect(result.files).toEqual([{ path: path.join(dir, 'bil-int16-le.hdr'), format: 'envi', samples: 12 }]);
    expect(result.dataset).toBe('bil-int16-le');
    db.close();
  });

  it('refuses an ENVI header without its data file, naming both, and stores nothing', async () => {
    const { db, dir } = newProject();
    fs.copyFileSync(path.join(ENVI, 'bsq-float32-le.hdr'), path.join(dir, 'bsq-float32-le.hdr'));
    const err = await userErrorOfAsync(importFiles(db, { files: [path.join(dir, 'bsq-float32-le.hdr')] }));
    expect(err.message).toBe(
      'bsq-float32-le.hdr is an ENVI header, but its data file is not beside it (looked for bsq-float32-le, bsq-float32-le.img, bsq-float32-le.raw, bsq-float32-le.dat, bsq-float32-le.bsq, bsq-float32-le.bil, bsq-float32-le.bip).',
    );
    expect(db.prepare('SELECT count(*) AS n FROM samples').get()).toEqual({ n: 0 });
    db.close();
  });
});
