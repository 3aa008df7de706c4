import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPLICATION_ID, openProject } from '../../src-main/db/connection';
import { SCHEMA_VERSION } from '../../src-main/db/migrations';
import { tmpDir } from '../helpers/tmp';

// The whole schema of a new project, as SQLite stores it, against the committed file next to
// this test: a change to a table, an index or a migration shows up here as a diff to review.
// After a deliberate change (a new migration), rewrite the file with `npx vitest run test/db -u`.
describe('schema', () => {
  it('of a new project is the committed snapshot', async () => {
    const db = openProject(path.join(tmpDir(), 'p.spectra'), { create: true });
    const objects = db
      .prepare("SELECT type, name, tbl_name AS tbl, sql FROM sqlite_schema ORDER BY tbl_name, type = 'index', name")
      .all() as { type: string; name: string; tbl: string; sql: string | null }[];
    const version = db.pragma('user_version', { simple: true }) as number;
    const appId = db.pragma('application_id', { simple: true }) as number;
    db.close();
    expect([version, appId]).toEqual([SCHEMA_VERSION, APPLICATION_ID]);
    const text = [
      `-- Schema of a new Spectra Desk project: user_version ${version}, application_id 0x${appId.toString(16)}.`,
      ...objects.map((o) => (o.sql ? `${o.sql};` : `-- ${o.type} ${o.name} on ${o.tbl} (implicit, from a UNIQUE or PRIMARY KEY constraint)`)),
    ].join('\n\n');
    await expect(`${text}\n`).toMatchFileSnapshot('__snapshots__/schema.sql');
  });
});
