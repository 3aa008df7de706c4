import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, openProject, schemaVersion } from '../../src-main/db/connection';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src-main/db/migrations';
import { tmpDir } from '../helpers/tmp';

describe('migrations', () => {
  it('are numbered 1..N without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('migration 1 creates the schema from an empty file and records the creation time', () => {
    const db = openProject(path.join(tmpDir(), 'p.spectra'), { create: true, targetVersion: 0 });
    expect(schemaVersion(db)).toBe(0);
    migrate(db, 1);
    expect(schemaVersion(db)).toBe(1);
    const created = db.prepare("SELECT value FROM project_info WHERE key = 'created_at'").get() as { value: string };
    expect(Number.isNaN(Date.parse(created.value))).toBe(false);
    db.close();
  });

  it('each migration keeps the rows seeded at the version before it', () => {
    for (const m of MIGRATIONS) {
      const db = openProject(path.join(tmpDir(), `m${m.version}.spectra`), { create: true, targetVersion: m.version - 1 });
      if (m.version > 1) {
        db.prepare('INSERT INTO datasets (name, created_at) VALUES (?, ?)').run('seeded', '2026-01-01T00:00:00Z');
      }
      migrate(db, m.version);
      expect(schemaVersion(db)).toBe(m.version);
      if (m.version > 1) {
        expect(db.prepare('SELECT name, created_at FROM datasets').all()).toEqual([{ name: 'seeded', created_at: '2026-01-01T00:00:00Z' }]);
      }
      db.close();
    }
  });

  it('is idempotent when reopened', () => {
    const file = path.join(tmpDir(), 'p.spectra');
    openProject(file, { create: true }).close();
    const db = openProject(file);
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    expect((db.prepare("SELECT count(*) AS n FROM project_info WHERE key = 'created_at'").get() as { n: number }).n).toBe(1);
    db.close();
  });
});
