import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { channelAxes } from '../../src-main/db/channels';
import { columnValues, listDatasets, loadSpectra } from '../../src-main/db/datasets';
import { importFiles } from '../../src-main/services/import';
import { tmpDir } from '../helpers/tmp';
import { userErrorOfAsync } from '../helpers/errors';

const FIXTURES = path.join(__dirname, '../fixtures/channels');
const fixture = (name: string): string => path.join(FIXTURES, name);
const PAIRS = ['a_raman.txt', 'a_ir.txt', 'b_raman.txt', 'b_ir.txt'].map(fixture);

function project(): Db {
  return openProject(path.join(tmpDir(), 'p.spectra'), { create: true });
}

/** Channel names with their axes, and each sample's channels, as plain numbers. */
function stored(db: Db, datasetId: number) {
  return {
    channels: channelAxes(db, datasetId).map((c) => ({ name: c.name, unit: c.unit, values: [...c.values] })),
    samples: loadSpectra(db, datasetId).map((s) => ({ key: s.key, channels: s.channels.map((c) => [...c]) })),
  };
}

const RAMAN = { name: 'raman', unit: 'cm-1', values: [200, 400, 600, 800] };
const IR = { name: 'ir', unit: 'cm-1', values: [4000, 3000, 2000] };

describe('import: several files per sample, grouped by a label table with a channel column', () => {
  it('stores one sample per sample named, its channels in the order the table first names them, each on its own axis', async () => {
    const db = project();
    const r = await importFiles(db, { files: PAIRS, dataset: 'Raman and IR', labels: fixture('labels.csv') });
    expect([r.samples, r.files.map((f) => [path.basename(f.path), f.samples]), r.warnings, r.dropped]).toEqual([
      2,
      [
        ['a_raman.txt', 1],
        ['a_ir.txt', 1],
        ['b_raman.txt', 1],
        ['b_ir.txt', 1],
      ],
      [],
      undefined,
    ]);
    expect(r.channels).toEqual([
      { name: 'raman', points: 4, unit: 'cm-1', first: 200, last: 800 },
      { name: 'ir', points: 3, unit: 'cm-1', first: 4000, last: 2000 },
    ]);
    expect(stored(db, r.datasetId)).toEqual({
      channels: [RAMAN, IR],
      samples: [
        { key: 'A', channels: [[1.5, 2.5, 3.5, 4.5], [0.125, 0.25, 0.375]] },
        { key: 'B', channels: [[10, 20, 30, 40], [1.125, 1.25, 1.375]] },
      ],
    });
    // The labels of a sample's rows agree, or one of them is empty.
    expect(columnValues(db, r.datasetId, 'moisture').map((v) => v.value)).toEqual([12.5, 14]);
    expect(columnValues(db, r.datasetId, 'grade').map((v) => v.value)).toEqual(['good', 'poor']);
    expect(listDatasets(db).map((d) => [d.name, d.samples])).toEqual([['Raman and IR', 2]]);
  });

  it('refuses a sample without one of its channels, naming the sample, the channel and its line, and stores nothing', async () => {
    const db = project();
    const err = await userErrorOfAsync(importFiles(db, { files: [...PAIRS, fixture('c_raman.txt')], labels: fixture('labels-with-c.csv') }));
    expect([err.code, err.message, err.line]).toEqual([
      'BAD_INPUT',
      `Sample "C" has no "ir" channel: labels-with-c.csv has no row for it (the sample's rows: line 6). Every sample needs every channel ("raman", "ir"); add it, or import with the incomplete samples dropped.`,
      6,
    ]);
    expect(listDatasets(db)).toEqual([]);
  });

  it('names the line of a channel whose file was not imported', async () => {
    const err = await userErrorOfAsync(importFiles(project(), { files: PAIRS.filter((f) => !f.endsWith('b_ir.txt')), labels: fixture('labels.csv') }));
    expect([err.message, err.line]).toEqual([
      `Sample "B" has no "ir" channel: line 4 names "b_ir.txt" for it, which is not among the imported files. Every sample needs every channel ("raman", "ir"); add it, or import with the incomplete samples dropped.`,
      4,
    ]);
  });

  it('with dropIncomplete leaves such samples out and names them in the report', async () => {
    const db = project();
    const r = await importFiles(db, { files: [...PAIRS, fixture('c_raman.txt')], dataset: 'RI', labels: fixture('labels-with-c.csv'), dropIncomplete: true });
    expect([r.samples, r.dropped, r.warnings]).toEqual([2, [{ sample: 'C', missing: ['ir'] }], ['labels-with-c.csv: 1 sample left out for lacking a channel: "C" (no "ir").']]);
    expect(stored(db, r.datasetId).samples.map((s) => s.key)).toEqual(['A', 'B']);
    expect(r.files.map((f) => f.samples)).toEqual([1, 1, 1, 1, 1]);
  });

  it('refuses files of one channel on different axes, and labels that disagree within a sample', async () => {
    const dir = tmpDir();
    const odd = path.join(dir, 'b_ir.txt');
    fs.writeFileSync(odd, 'Wavenumber (cm-1)\tAbsorbance\n4000\t1\n3000\t2\n2500\t3\n');
    const files = [...PAIRS.slice(0, 3), odd];
    const axes = await userErrorOfAsync(importFiles(project(), { files, labels: fixture('labels.csv') }));
    expect(axes.message).toBe('Channel "ir": b_ir.txt is on a different axis (3 points, 4000 to 2500 cm-1) from a_ir.txt (3 points, 4000 to 2000 cm-1); the files of one channel must share their axis. Put them on one axis first.');
    const labels = path.join(dir, 'labels.csv');
    fs.writeFileSync(labels, fs.readFileSync(fixture('labels.csv'), 'utf8').replace('b_raman.txt,B,raman,14,', 'b_raman.txt,B,raman,15,'));
    const clash = await userErrorOfAsync(importFiles(project(), { files: PAIRS, labels }));
    expect([clash.message, clash.line]).toEqual(['labels.csv: sample "B" has "14" in column "moisture" on line 4 but "15" on line 5; a label has one value per sample.', 5]);
  });

  it('appends to a dataset of the same channels and refuses one of other channels', async () => {
    const db = project();
    const first = await importFiles(db, { files: PAIRS.slice(0, 2), dataset: 'RI', labels: fixture('labels-with-c.csv'), dropIncomplete: true });
    const second = await importFiles(db, { files: PAIRS.slice(2), dataset: 'RI', labels: fixture('labels.csv'), dropIncomplete: true });
    expect([first.dropped, second.dropped, second.datasetId]).toEqual([
      [
        { sample: 'B', missing: ['raman', 'ir'] },
        { sample: 'C', missing: ['raman', 'ir'] },
      ],
      [{ sample: 'A', missing: ['raman', 'ir'] }],
      first.datasetId,
    ]);
    expect(stored(db, first.datasetId).samples.map((s) => s.key)).toEqual(['A', 'B']);
    const err = await userErrorOfAsync(importFiles(db, { files: [fixture('c_raman.txt')], dataset: 'RI' }));
    expect([err.code, err.message]).toEqual(['CONFLICT', 'Dataset "RI" has the channels "raman", "ir" on their axes; the files bring one channel. Import them into a new dataset. Nothing was imported.']);
  });
});

describe('import: a long table with a channel column', () => {
  it('stores one sample per sample id with a channel per channel name, each on its own axis, and the label columns', async () => {
    const db = project();
    const r = await importFiles(db, { files: [fixture('long.csv')] });
    expect([r.dataset, r.samples, r.files.map((f) => f.format), r.warnings]).toEqual(['long', 2, ['csv-long'], []]);
    expect(stored(db, r.datasetId)).toEqual({
      channels: [
        { name: 'nir', unit: 'cm-1', values: [9000, 8000, 7000] },
        { name: 'mir', unit: 'cm-1', values: [1800, 1700] },
      ],
      samples: [
        { key: 'S1', channels: [[0.5, 0.75, 1], [2, 2.5]] },
        { key: 'S2', channels: [[1.5, 1.75, 2], [3, 3.5]] },
      ],
    });
    expect(columnValues(db, r.datasetId, 'fat').map((v) => v.value)).toEqual([3.25, 4]);
  });

  it('refuses a sample missing a channel, or drops it when asked', async () => {
    const db = project();
    const err = await userErrorOfAsync(importFiles(db, { files: [fixture('long-incomplete.csv')] }));
    expect([err.message, err.line]).toEqual([
      'long-incomplete.csv: sample "S2" (from line 6) has no rows for channel "mir"; every sample needs every channel ("nir", "mir"). Add the rows, or import with the incomplete samples dropped.',
      6,
    ]);
    expect(listDatasets(db)).toEqual([]);
    const r = await importFiles(db, { files: [fixture('long-incomplete.csv')], dropIncomplete: true });
    expect([r.samples, r.dropped, r.warnings]).toEqual([2, [{ sample: 'S2', missing: ['mir'] }], ['long-incomplete.csv: 1 sample left out for lacking a channel: "S2" (no "mir").']]);
    expect(stored(db, r.datasetId).samples.map((s) => s.key)).toEqual(['S1', 'S3']);
  });
});
