import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { APPLICATION_ID, checkpoint, openProject, openProjectToRead, schemaVersion } from '../../src-main/db/connection';
import { listDatasets } from '../../src-main/db/datasets';
import { importFiles } from '../../src-main/services/import';
import { fixture } from '../helpers/datasets';
import { notOurFiles, sha256, truncateProject, withReadOnlyFile } from '../helpers/project-files';
import { SCHEMA_VERSION } from '../../src-main/db/migrations';
import { UserError } from '../../src-main/common/errors';
import { userErrorOf } from '../helpers/errors';
import { tmpDir } from '../helpers/tmp';

function expectUserError(fn: () => unknown, code: string, text: RegExp): void {
  const err = userErrorOf(fn);
  expect(err.code).toBe(code);
  expect(err.message).toMatch(text);
}

describe('openProject', () => {
  it('creates a WAL project with foreign keys, STRICT tables and the latest schema', () => {
    const file = path.join(tmpDir(), 'p.spectra');
    const db = openProject(file, { create: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(db.pragma('page_size', { simple: true })).toBe(16384);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    const tables = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string; sql: string }[];
    expect(tables.map((t) => t.name)).toEqual([
      'axes', 'channel_axes', 'channels', 'columns', 'dataset_provenance', 'datasets', 'map_band_copies', 'map_bands', 'pipelines', 'project_info', 'run_artifacts', 'run_epochs', 'runs', 'sample_values', 'samples', 'source_files',
    ]);
    for (const t of tables) expect(t.sql).toMatch(/STRICT/);
    db.close();
  });

  it('sets synchronous = NORMAL again when an existing WAL project is reopened', () => {
    const file = path.join(tmpDir(), 'p.spectra');
    openProject(file, { create: true }).close();
    const db = openProject(file);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('refuses to create a project implicitly', () => {
    expectUserError(() => openProject(path.join(tmpDir(), 'missing.spectra')), 'NOT_FOUND', /does not exist/);
  });

  it('refuses a project from a newer version and leaves the file unchanged', () => {
    const file = path.join(tmpDir(), 'future.spectra');
    openProject(file, { create: true }).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    const before = sha256(file);
    expectUserError(() => openProject(file), 'PROJECT_TOO_NEW', new RegExp(`newer version of Spectra Desk \\(project format ${SCHEMA_VERSION + 1}; this version reads up to ${SCHEMA_VERSION}\\)`));
    expect(sha256(file)).toBe(before);
  });

  it('reports a project whose pages are corrupted', () => {
    const file = path.join(tmpDir(), 'corrupt.spectra');
    const db = openProject(file, { create: true });
    db.prepare('INSERT INTO datasets (name, created_at) VALUES (?, ?)').run('x'.repeat(3000), 'now');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const bytes = fs.readFileSync(file);
    bytes.fill(0xff, 16384, 16384 + 2000); // garble the second page (16 KiB pages)
    fs.writeFileSync(file, bytes);
    const before = sha256(file);
    expect(() => openProject(file)).toThrow(UserError);
    expect(sha256(file)).toBe(before);
  });

  describe('refuses a file that is not a project, changing none of its bytes', () => {
    for (const create of [false, true]) {
      it(`${create ? 'when it could create a project (import)' : 'when opening (list, the app)'}: another application’s database, an empty file, a text file`, () => {
        const dir = tmpDir();
        for (const c of notOurFiles(dir)) {
          const before = sha256(c.file);
          const listing = fs.readdirSync(dir);
          const err = userErrorOf(() => openProject(c.file, { create }));
          expect([c.name, err.code, err.message, err.file]).toEqual([c.name, 'PROJECT_DAMAGED', expect.stringMatching(c.message), c.file]);
          expect([c.name, sha256(c.file)]).toEqual([c.name, before]);
          expect(fs.readdirSync(dir)).toEqual(listing);
        }
      });
    }
  });

  it('recognises a project whose creation stopped before its schema was written, and completes it', () => {
    const file = path.join(tmpDir(), 'p.spectra');
    openProject(file, { create: true, targetVersion: 0 }).close();
    const db = openProject(file);
    expect([db.pragma('application_id', { simple: true }), schemaVersion(db), db.pragma('page_size', { simple: true })]).toEqual([APPLICATION_ID, SCHEMA_VERSION, 16384]);
    db.close();
  });

  it('names a truncated project as damaged, says the file ends early, and leaves it as it is', async () => {
    const file = path.join(tmpDir(), 'p.spectra');
    const db = openProject(file, { create: true });
    await importFiles(db, { files: [fixture('ucr_spectro/Coffee/Coffee_TEST.tsv')] });
    checkpoint(db, 'TRUNCATE');
    db.close();
    const pages = fs.statSync(file).size / 16384;
    expect(pages).toBe(33);
    truncateProject(file, 8);
    const before = sha256(file);
    for (const open of [() => openProject(file), () => openProject(file, { readonly: true }), () => openProjectToRead(file)]) {
      const err = userErrorOf(open);
      expect([err.code, err.message, err.file]).toEqual(['PROJECT_DAMAGED', 'p.spectra is damaged (the file ends early: it holds 8 of the 33 pages its header counts): restore it from a backup. It was left untouched.', file]);
    }
    expect(sha256(file)).toBe(before);
  });

  it('refuses to write a read-only project, naming it, and reads it all the same', async () => {
    const file = path.join(tmpDir(), 'p.spectra');
    const db = openProject(file, { create: true });
    await importFiles(db, { files: [fixture('ucr_spectro/Coffee/Coffee_TEST.tsv')] });
    db.close();
    const before = sha256(file);
    await withReadOnlyFile(file, async () => {
      const err = userErrorOf(() => openProject(file));
      expect([err.code, err.message, err.file]).toEqual([
        'PROJECT_READONLY',
        'p.spectra is read-only: make the file and its folder writable (or copy it to a folder you can write to) and try again. Nothing was changed.',
        file,
      ]);
      const reader = openProjectToRead(file);
      expect(listDatasets(reader).map((d) => [d.name, d.samples])).toEqual([['Coffee', 28]]);
      reader.close();
    });
    expect(sha256(file)).toBe(before);
  });

  it('does not read an older format on a read-only connection: it needs migrating first', () => {
    const file = path.join(tmpDir(), 'old.spectra');
    openProject(file, { create: true, targetVersion: 1 }).close();
    expectUserError(() => openProject(file, { readonly: true }), 'PROJECT_READONLY', new RegExp(`^old\\.spectra is read-only here and in an older project format \\(1; this version uses ${SCHEMA_VERSION}\\): open it once where it can be written`));
  });

  it('enforces foreign keys and STRICT typing', () => {
    const db = openProject(path.join(tmpDir(), 'p.spectra'), { create: true });
    expect(() => db.prepare("INSERT INTO samples (dataset_id, sample_key, axis_id) VALUES (99, 'a', 99)").run()).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("INSERT INTO datasets (name, created_at) VALUES (?, ?)").run(Buffer.from('x'), 'now')).toThrow(/cannot store BLOB value in TEXT column/);
    db.close();
  });
});
