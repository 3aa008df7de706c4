/**
 * ENVI cubes reach the project file streamed from their data file, a few lines at a time: the
 * stored intensities must be those of the whole-file reader (parseFile), byte for byte.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { importFiles } from '../../src-main/services/import';
import { parseFile } from '../../src-main/io';
import { userErrorOfAsync } from '../helpers/errors';
import { tmpDir } from '../helpers/tmp';

const ENVI = path.resolve(__dirname, '../fixtures/envi');
const expected = JSON.parse(fs.readFileSync(path.join(ENVI, 'expected.json'), 'utf8')) as { cubes: Record<string, { data: string }> };

function newProject(): { db: Db; dir: string } {
  const dir = tmpDir();
  return { db: openProject(path.join(dir, 'p.spectra'), { create: true }), dir };
}

interface Stored {
  key: string;
  x: number;
  y: number;
  index: number;
  blob: Buffer;
}
const stored = (db: Db): Stored[] =>
  db
    .prepare('SELECT s.sample_key AS key, s.map_x AS x, s.map_y AS y, s.source_index AS "index", c.intensities_f32 AS blob FROM samples s JOIN channels c ON c.sample_id = s.id ORDER BY s.id, c.channel')
    .all() as Stored[];

/** What the whole-file reader gives for the same header and data file. */
function wholeRead(dir: string, header: string, data: string): Stored[] {
  const batch = parseFile(new Uint8Array(fs.readFileSync(path.join(dir, header))), header, { companion: { name: data, bytes: new Uint8Array(fs.readFileSync(path.join(dir, data))) } });
  return batch.samples.map((s) => ({ key: s.id, x: s.mapX!, y: s.mapY!, index: s.sourceIndex!, blob: Buffer.from(s.channels[0]!.buffer, s.channels[0]!.byteOffset, s.channels[0]!.byteLength) }));
}

/** A float32 little-endian cube whose value at (line, sample, band) is line · 10000 + sample + band / 1000. */
function writeCube(dir: string, stem: string, interleave: 'bsq' | 'bip', samples: number, lines: number, bands: number): void {
  const values = new Float32Array(samples * lines * bands);
  for (let l = 0; l < lines; l++)
    for (let s = 0; s < samples; s++)
      for (let b = 0; b < bands; b++) {
        const at = interleave === 'bsq' ? (b * lines + l) * samples + s : (l * samples + s) * bands + b;
        values[at] = l * 10000 + s + b / 1000;
      }
  fs.writeFileSync(path.join(dir, `${stem}.img`), new Uint8Array(values.buffer));
  fs.writeFileSync(path.join(dir, `${stem}.hdr`), ['ENVI', `samples = ${samples}`, `lines = ${lines}`, `bands = ${bands}`, 'header offset = 0', 'data type = 4', `interleave = ${interleave}`, 'byte order = 0', ''].join('\n'));
}

describe('streamed ENVI import', () => {
  it.each(Object.keys(expected.cubes))('stores %s exactly as the whole-file reader reads it', async (name) => {
    const { db, dir } = newProject();
    const data = expected.cubes[name]!.data;
    for (const f of [`${name}.hdr`, data]) fs.copyFileSync(path.join(ENVI, f), path.join(dir, f));
    await importFiles(db, { files: [path.join(dir, `${name}.hdr`)] });
    const rows = stored(db);
    expect(rows).toHaveLength(12);
    expect(rows).toEqual(wholeRead(dir, `${name}.hdr`, data));
    const file = db.prepare('SELECT size_bytes AS size, sha256 FROM source_files').get();
    const bytes = Buffer.concat([fs.readFileSync(path.join(dir, `${name}.hdr`)), fs.readFileSync(path.join(dir, data))]);
    expect(file).toEqual({ size: bytes.length, sha256: crypto.createHash('sha256').update(bytes).digest('hex') });
    db.close();
  });

  it.each(['bsq', 'bip'] as const)('reads a %s cube of 8.4 MB lines one line per read, in row order', async (interleave) => {
    const { db, dir } = newProject();
    writeCube(dir, 'wide', interleave, 2100, 3, 1000);
    await importFiles(db, { files: [path.join(dir, 'wide.hdr')] });
    const rows = stored(db);
    const whole = wholeRead(dir, 'wide.hdr', 'wide.img');
    expect(rows).toHaveLength(6300);
    // Compared as one buffer: a deep equality over 25 MB of bytes takes minutes.
    expect(rows.map(({ blob: _, ...r }) => r)).toEqual(whole.map(({ blob: _, ...r }) => r));
    expect(Buffer.concat(rows.map((r) => r.blob)).equals(Buffer.concat(whole.map((r) => r.blob)))).toBe(true);
    const last = new Float32Array(new Uint8Array(rows[6299]!.blob).buffer);
    expect([rows[6299]!.key, rows[6299]!.x, rows[6299]!.y, last[0], last[999]]).toEqual(['wide#6300', 2099, 2, 22099, Math.fround(22099.999)]);
    db.close();
  });

  it('refuses a header that disagrees with the size of its data file, naming both, and stores nothing', async () => {
    const { db, dir } = newProject();
    writeCube(dir, 'cube', 'bip', 4, 3, 5);
    fs.truncateSync(path.join(dir, 'cube.img'), 4 * 3 * 5 * 4 - 8);
    const err = await userErrorOfAsync(importFiles(db, { files: [path.join(dir, 'cube.hdr')] }));
    expect(err.message).toBe('cube.img holds 232 bytes, but cube.hdr declares 4 samples × 3 lines × 5 bands of float32 after a 0-byte header offset = 240 bytes.');
    expect(db.prepare('SELECT (SELECT count(*) FROM datasets) AS datasets, (SELECT count(*) FROM samples) AS samples, (SELECT count(*) FROM source_files) AS files').get()).toEqual({ datasets: 0, samples: 0, files: 0 });
    db.close();
  });

  it('refuses a non-finite value in the last read after the first lines were stored, and keeps none of them', async () => {
    const { db, dir } = newProject();
    writeCube(dir, 'wide', 'bip', 2100, 3, 1000);
    const fd = fs.openSync(path.join(dir, 'wide.img'), 'r+');
    fs.writeSync(fd, new Uint8Array(new Float32Array([Number.NaN]).buffer), 0, 4, (2 * 2100 + 7) * 1000 * 4 + 12);
    fs.closeSync(fd);
    const err = await userErrorOfAsync(importFiles(db, { files: [path.join(dir, 'wide.hdr')] }));
    expect(err.message).toBe('wide.img: spectrum wide#4208 (sample 7, line 2) has a non-finite value (NaN) at point 4.');
    expect(db.prepare('SELECT (SELECT count(*) FROM datasets) AS datasets, (SELECT count(*) FROM samples) AS samples').get()).toEqual({ datasets: 0, samples: 0 });
    db.close();
  });
});
