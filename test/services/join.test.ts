import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { columnValues, listDatasets, loadSpectra } from '../../src-main/db/datasets';
import { importFiles } from '../../src-main/services/import';
import { joinDatasets } from '../../src-main/services/join';
import { tmpDir } from '../helpers/tmp';
import { userErrorOf } from '../helpers/errors';

interface Row {
  id?: string;
  split: string;
  grade: string;
  assay: number;
  values: number[];
}

/** A wide CSV of `rows` (with a sample id column when the rows have ids) on the axis 600, 602, 604 nm. */
function writeCsv(dir: string, name: string, rows: Row[]): string {
  const file = path.join(dir, `${name}.csv`);
  const ids = rows[0]!.id !== undefined;
  const head = [...(ids ? ['sample'] : []), 'split', 'grade', 'assay', '600', '602', '604'];
  const lines = rows.map((r) => [...(ids ? [r.id!] : []), r.split, r.grade, r.assay, ...r.values].join(','));
  fs.writeFileSync(file, `${head.join(',')}\n${lines.join('\n')}\n`);
  return file;
}

const ROWS: Row[] = [
  { id: 't1', split: 'train', grade: 'A', assay: 190.5, values: [1, 2, 3] },
  { id: 't2', split: 'train', grade: 'B', assay: 201.25, values: [4, 5, 6] },
  { id: 't3', split: 'test', grade: 'A', assay: 175, values: [7, 8, 9] },
];
/** The same tablets on a second instrument: other intensities, listed in another order. */
const SECOND: Row[] = [ROWS[2]!, ROWS[0]!, ROWS[1]!].map((r) => ({ ...r, values: r.values.map((v) => v * 10) }));

async function project(first: Row[], second: Row[]): Promise<{ db: Db; a: number; b: number }> {
  const dir = tmpDir();
  const db = openProject(path.join(dir, 'p.spectra'), { create: true });
  const a = (await importFiles(db, { files: [writeCsv(dir, 'inst1', first)], dataset: 'Instrument 1', axisUnit: 'nm', splitColumn: 'split' })).datasetId;
  const b = (await importFiles(db, { files: [writeCsv(dir, 'inst2', second)], dataset: 'Instrument 2', axisUnit: 'nm', splitColumn: 'split' })).datasetId;
  return { db, a, b };
}

const noIds = (rows: Row[]): Row[] => rows.map(({ id: _id, ...r }) => r);

describe('joinDatasets', () => {
  it('pairs samples by id: channel 0 from the first dataset, channel 1 from the second, labels and splits copied', async () => {
    const { db, a, b } = await project(ROWS, SECOND);
    const r = joinDatasets(db, { datasetIds: [a, b], name: 'both', by: 'id' });
    expect({ ...r, durationMs: 0 }).toEqual({
      datasetId: 3,
      dataset: 'both',
      samples: 3,
      by: 'id',
      channels: [
        { channel: 0, name: 'Instrument 1', source: 'Instrument 1', points: 3, unit: 'nm', first: 600, last: 604 },
        { channel: 1, name: 'Instrument 2', source: 'Instrument 2', points: 3, unit: 'nm', first: 600, last: 604 },
      ],
      sameAxis: true,
      columns: ['grade', 'assay'],
      durationMs: 0,
    });
    expect(loadSpectra(db, r.datasetId).map((s) => [s.key, s.split, Array.from(s.channels[0]!), Array.from(s.channels[1]!)])).toEqual([
      ['t1', 'train', [1, 2, 3], [10, 20, 30]],
      ['t2', 'train', [4, 5, 6], [40, 50, 60]],
      ['t3', 'test', [7, 8, 9], [70, 80, 90]],
    ]);
    expect(columnValues(db, r.datasetId, 'assay').map((v) => v.value)).toEqual([190.5, 201.25, 175]);
    expect(columnValues(db, r.datasetId, 'grade').map((v) => v.value)).toEqual(['A', 'B', 'A']);
    expect(db.prepare('SELECT channel, name, axis_id FROM channel_axes WHERE dataset_id = ? ORDER BY channel').all(r.datasetId)).toEqual([
      { channel: 0, name: 'Instrument 1', axis_id: 1 },
      { channel: 1, name: 'Instrument 2', axis_id: 1 },
    ]);
    expect(listDatasets(db).find((d) => d.name === 'both')).toMatchObject({ samples: 3, channels: 2 });
    db.close();
  });

  it('pairs samples by position where the files carry no ids, and names the channels as asked', async () => {
    const { db, a, b } = await project(noIds(ROWS), noIds(ROWS.map((r) => ({ ...r, values: r.values.map((v) => -v) }))));
    const r = joinDatasets(db, { datasetIds: [a, b], name: 'both', by: 'position', channelNames: ['NIR 1', 'NIR 2'] });
    expect(r.channels.map((c) => [c.name, c.source])).toEqual([
      ['NIR 1', 'Instrument 1'],
      ['NIR 2', 'Instrument 2'],
    ]);
    expect(loadSpectra(db, r.datasetId).map((s) => [s.key, Array.from(s.channels[0]!), Array.from(s.channels[1]!)])).toEqual([
      ['inst1:1', [1, 2, 3], [-1, -2, -3]],
      ['inst1:2', [4, 5, 6], [-4, -5, -6]],
      ['inst1:3', [7, 8, 9], [-7, -8, -9]],
    ]);
    db.close();
  });

  it('refuses, storing nothing, a label that disagrees, unmatched ids and different counts by position', async () => {
    const wrong = SECOND.map((r) => (r.id === 't2' ? { ...r, assay: 201.3 } : r));
    const { db, a, b } = await project(ROWS, wrong);
    expect(userErrorOf(() => joinDatasets(db, { datasetIds: [a, b], name: 'both', by: 'id' })).message).toBe(
      'Sample "t2": column "assay" is 201.25 in "Instrument 1" but 201.3 in "Instrument 2" (sample "t2"). Nothing was stored.',
    );
    expect(userErrorOf(() => joinDatasets(db, { datasetIds: [a, b], name: 'both', by: 'position' })).message).toBe(
      'Sample "t1": column "assay" is 190.5 in "Instrument 1" but 175 in "Instrument 2" (sample "t3"). Nothing was stored.',
    );
    expect(listDatasets(db).map((d) => d.name)).toEqual(['Instrument 1', 'Instrument 2']);
    db.close();

    const other = await project(ROWS, [...SECOND.slice(0, 2), { ...SECOND[2]!, id: 't9' }, { ...SECOND[2]!, id: 't8' }]);
    expect(userErrorOf(() => joinDatasets(other.db, { datasetIds: [other.a, other.b], name: 'both', by: 'id' })).message).toBe(
      'Pairing by sample id: 1 sample id(s) of "Instrument 1" are not in "Instrument 2" ("t2"); 2 of "Instrument 2" are not in "Instrument 1" ("t9", "t8"). Nothing was stored.',
    );
    expect(userErrorOf(() => joinDatasets(other.db, { datasetIds: [other.a, other.b], name: 'both', by: 'position' })).message).toBe(
      'Pairing by position needs the same number of samples in each dataset: "Instrument 1" has 3, "Instrument 2" has 4. Nothing was stored.',
    );
    other.db.close();

    const unnamed = await project(noIds(ROWS), noIds(ROWS));
    expect(userErrorOf(() => joinDatasets(unnamed.db, { datasetIds: [unnamed.a, unnamed.b], name: 'both', by: 'id' })).message).toBe(
      'Pairing by sample id: 3 sample id(s) of "Instrument 1" are not in "Instrument 2" ("inst1:1", "inst1:2", "inst1:3"); 3 of "Instrument 2" are not in "Instrument 1" ("inst2:1", "inst2:2", "inst2:3"). Nothing was stored. No id matches at all: if the files list the same samples in the same order, pair them by position.',
    );
    unnamed.db.close();
  });
});
