/**
 * Opening a file in the app (Session.open, as Open project does) that is not a sound, writable
 * project: refused with a message naming the file, the file's bytes unchanged, and the project
 * open before stays open.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject } from '../../src-main/db/connection';
import { importFiles } from '../../src-main/services/import';
import { Session, type Host } from '../../src-main/services/session';
import { fixture } from '../helpers/datasets';
import { userErrorOf } from '../helpers/errors';
import { notOurFiles, sha256, truncateProject, withReadOnlyFile } from '../helpers/project-files';
import { tmpDir } from '../helpers/tmp';

function session(dir: string): Session {
  const host: Host = {
    dialogs: { saveProject: async () => null, openProject: async () => null, importFiles: async () => null, labelsFile: async () => null },
    emit: () => undefined,
    userDataDir: path.join(dir, 'userdata'),
    demoDir: path.resolve(__dirname, '../../assets/demo'),
    version: '0.0.0-test',
    engine: 'test engine',
  };
  return new Session(host);
}

async function coffeeProject(dir: string, name: string): Promise<string> {
  const file = path.join(dir, name);
  const db = openProject(file, { create: true });
  await importFiles(db, { files: [fixture('ucr_spectro/Coffee/Coffee_TEST.tsv')] });
  db.close();
  return file;
}

describe('Session.open of a file that is not a sound, writable project', () => {
  it('refuses another application’s database, an empty and a text file without changing them, and keeps the open project', async () => {
    const dir = tmpDir();
    const s = session(dir);
    const mine = s.open(await coffeeProject(dir, 'mine.spectra'));
    for (const c of notOurFiles(dir)) {
      const before = sha256(c.file);
      const err = userErrorOf(() => s.open(c.file));
      expect([c.name, err.code, err.message, err.file]).toEqual([c.name, 'PROJECT_DAMAGED', expect.stringMatching(c.message), c.file]);
      expect([c.name, sha256(c.file)]).toEqual([c.name, before]);
      expect(s.project).toEqual(mine);
    }
    s.close();
  });

  it('names a truncated project as damaged and a read-only one as read-only, each left as it was', async () => {
    const dir = tmpDir();
    const s = session(dir);
    const truncated = await coffeeProject(dir, 'cut.spectra');
    truncateProject(truncated, 8);
    const cut = sha256(truncated);
    expect(userErrorOf(() => s.open(truncated)).toInfo()).toEqual({
      code: 'PROJECT_DAMAGED',
      message: 'cut.spectra is damaged (the file ends early: it holds 8 of the 33 pages its header counts): restore it from a backup. It was left untouched.',
      file: truncated,
    });
    expect(sha256(truncated)).toBe(cut);

    const locked = await coffeeProject(dir, 'shared.spectra');
    const before = sha256(locked);
    const err = await withReadOnlyFile(locked, async () => userErrorOf(() => s.open(locked)));
    expect(err.toInfo()).toEqual({
      code: 'PROJECT_READONLY',
      message: 'shared.spectra is read-only: make the file and its folder writable (or copy it to a folder you can write to) and try again. Nothing was changed.',
      file: locked,
    });
    expect(sha256(locked)).toBe(before);
    expect(s.project).toBeNull();
  });

  it('a write refused by SQLite after the project is open (another program holds the lock) names the file and keeps the data', async () => {
    const dir = tmpDir();
    const s = session(dir);
    const file = await coffeeProject(dir, 'locked.spectra');
    s.open(file);
    const datasetId = ((await s.invoke('datasets:list', {})) as { ok: true; value: { id: number }[] }).value[0]!.id;
    const other = openProject(file);
    const hold = other.prepare('BEGIN IMMEDIATE');
    hold.run();
    try {
      const r = await s.invoke('datasets:rename', { datasetId, name: 'renamed' });
      expect(r).toMatchObject({ ok: false, error: { code: 'CONFLICT', file } });
      expect((r as { ok: false; error: { message: string } }).error.message).toMatch(/^locked\.spectra is busy: another program kept it locked for writing \(.+\)\. Try again once it is done; nothing was changed\.$/);
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
    }
    expect(((await s.invoke('datasets:list', {})) as { ok: true; value: { name: string }[] }).value.map((d) => d.name)).toEqual(['Coffee']);
    s.close();
  }, 20_000);
});
