import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { APPLICATION_ID, openProject, schemaVersion } from '../../src-main/db/connection';
import { SCHEMA_VERSION } from '../../src-main/db/migrations';
import { UserError } from '../../src-main/common/errors';
import { userErrorOf } from '../helpers/errors';
import { tmpDir } from '../helpers/tmp';

const sha = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

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
      'axes', 'channels', 'columns', 'dataset_provenance', 'datasets', 'pipelines', 'project_info', 'run_artifacts', 'run_epochs', 'runs', 'sample_values', 'samples', 'source_files',
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
    const before = sha(file);
    expectUserError(() => openProject(file), 'PROJECT_TOO_NEW', new RegExp(`newer version of Spectra Desk \\(project format ${SCHEMA_VERSION + 1}; this version reads up to ${SCHEMA_VERSION}\\)`));
    expect(sha(file)).toBe(before);
  });

  it('reports a damaged file and never overwrites it', () => {
    const dir = tmpDir();
    const file = path.join(dir, 'damaged.spectra');
    fs.writeFileSync(file, Buffer.concat([Buffer.from('not a database at all'), crypto.randomBytes(5000)]));
    const before = sha(file);
    expectUserError(() => openProject(file), 'PROJECT_DAMAGED', /damaged.spectra is not a Spectra Desk project/);
    expect(sha(file)).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['damaged.spectra']);
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
    const before = sha(file);
    expect(() => openProject(file)).toThrow(UserError);
    expect(sha(file)).toBe(before);
  });

  it('refuses an SQLite file of another application', () => {
    const file = path.join(tmpDir(), 'other.db');
    const raw = new Database(file);
    raw.exec('CREATE TABLE t (x)');
    raw.close();
    expectUserError(() => openProject(file), 'PROJECT_DAMAGED', /not a Spectra Desk project/);
  });

  it('enforces foreign keys and STRICT typing', () => {
    const db = openProject(path.join(tmpDir(), 'p.spectra'), { create: true });
    expect(() => db.prepare("INSERT INTO samples (dataset_id, sample_key, axis_id) VALUES (99, 'a', 99)").run()).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare("INSERT INTO datasets (name, created_at) VALUES (?, ?)").run(Buffer.from('x'), 'now')).toThrow(/cannot store BLOB value in TEXT column/);
    db.close();
  });
});
