/** The band-major copy of a map: the same values as each pixel's stored spectrum, built on the first band image, gone with its dataset. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { deleteDataset } from '../../src-main/db/datasets';
import { mapSamples, spectrumSlices } from '../../src-main/db/maps';
import { bandCopySlices, buildBandCopy, hasBandCopy } from '../../src-main/db/map-bands';
import { importFiles } from '../../src-main/services/import';
import { mapImage } from '../../src-main/services/maps';
import { fixture } from '../helpers/datasets';

const CHONDRO = fixture('raman_map_chondro', 'chondro.csv');
/** chondro's axis: 300 points. */
const POINTS = 300;

let home: string;
let file: string;
let db: Db;
let chondro: number;

beforeAll(async () => {
  // One project for the whole file (tmpDir folders go after each test).
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-desk-bands-'));
  file = path.join(home, 'p.spectra');
  db = openProject(file, { create: true });
  chondro = (await importFiles(db, { files: [CHONDRO], axisUnit: 'cm-1' })).datasetId;
}, 60_000);

afterAll(() => {
  db.close();
  fs.rmSync(home, { recursive: true, force: true });
});

const count = (sql: string, id: number) => (db.prepare(sql).get(id) as { n: number }).n;

describe('band-major copy of a map', () => {
  it('holds every pixel at every point as the stored spectra do, across blocks (875 spectra in blocks of 100)', () => {
    const m = mapSamples(db, chondro)!;
    expect(spectrumSlices(db, chondro, 0, 1).values.length).toBe(875);
    const fractions: number[] = [];
    expect(buildBandCopy(db, chondro, m.ids, POINTS, { block: 100, onProgress: (f) => fractions.push(f) })).toBe(4 * 875 * POINTS);
    expect(fractions).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 875].map((n) => n / 875));
    expect(count('SELECT count(*) AS n FROM map_bands WHERE dataset_id = ?', chondro)).toBe(9 * POINTS);
    expect(hasBandCopy(db, chondro, 875, POINTS)).toBe(true);
    expect(hasBandCopy(db, chondro, 874, POINTS)).toBe(false);
    for (const [first, n] of [
      [0, 1],
      [137, 1],
      [299, 1],
      [40, 6],
      [0, 300],
    ] as const) {
      expect(bandCopySlices(db, chondro, first, n)).toEqual(spectrumSlices(db, chondro, first, n).values);
    }
    expect(() => bandCopySlices(db, chondro, 298, 3)).toThrow(RangeError);
  });

  it('is built by the first band image on a writable project and read by the next; a read-only one without it reads the spectra', () => {
    db.prepare('DELETE FROM map_band_copies').run();
    db.prepare('DELETE FROM map_bands').run();
    const readOnly = openProject(file, { readonly: true });
    const fromSpectra = mapImage(readOnly, { datasetId: chondro, spec: { kind: 'area', from: 990, to: 1010 } });
    expect(count('SELECT count(*) AS n FROM map_band_copies WHERE dataset_id = ?', chondro)).toBe(0);
    mapImage(db, { datasetId: chondro, spec: { kind: 'pca', component: 1 } });
    expect(hasBandCopy(db, chondro, 875, POINTS)).toBe(false);
    const fromCopy = mapImage(db, { datasetId: chondro, spec: { kind: 'area', from: 990, to: 1010 } });
    expect(hasBandCopy(db, chondro, 875, POINTS)).toBe(true);
    expect(count('SELECT count(*) AS n FROM map_bands WHERE dataset_id = ?', chondro)).toBe(POINTS);
    expect(fromCopy.values).toEqual(fromSpectra.values);
    const ratio = { datasetId: chondro, spec: { kind: 'ratio', numerator: 1002, denominator: 1450 } } as const;
    expect(mapImage(db, ratio).values).toEqual(mapImage(readOnly, ratio).values);
    readOnly.close();
  });

  it('the grid is kept per connection until the dataset it came from is gone, even when a new one is given its ids', async () => {
    const dir = fs.mkdtempSync(path.join(home, 'grid-'));
    const table = (name: string, rows: string) => {
      const file = path.join(dir, `${name}.csv`);
      fs.writeFileSync(file, `id,x,y,100,200\n${rows}`);
      return file;
    };
    const wide = (await importFiles(db, { files: [table('wide', 'a,0,0,1,2\nb,1,0,3,4\nc,2,0,5,6\nd,3,0,7,8\n')], axisUnit: 'cm-1' })).datasetId;
    const first = mapSamples(db, wide)!;
    expect(mapSamples(db, wide)).toBe(first);
    expect([first.grid.width, first.grid.height]).toEqual([4, 1]);
    const ids = first.ids;
    deleteDataset(db, wide);
    expect(mapSamples(db, wide)).toBeNull();
    // The last dataset's ids are given again to the next one: a 2 × 2 map on the same ids.
    const tall = (await importFiles(db, { files: [table('tall', 'a,0,0,1,2\nb,1,0,3,4\nc,0,1,5,6\nd,1,1,7,8\n')], axisUnit: 'cm-1' })).datasetId;
    const second = mapSamples(db, tall)!;
    expect([tall, second.ids]).toEqual([wide, ids]);
    expect([second.grid.width, second.grid.height]).toEqual([2, 2]);
  });

  it('goes with its dataset', () => {
    expect(count('SELECT count(*) AS n FROM map_bands WHERE dataset_id = ?', chondro)).toBe(POINTS);
    deleteDataset(db, chondro);
    expect(count('SELECT count(*) AS n FROM map_bands WHERE dataset_id = ?', chondro)).toBe(0);
    expect(count('SELECT count(*) AS n FROM map_band_copies WHERE dataset_id = ?', chondro)).toBe(0);
  });
});
