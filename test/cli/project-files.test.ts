/**
 * What the CLI does with a --project file that is not a sound, writable project: another
 * application's database, an empty or a text file, a truncated project and a read-only one. Each
 * is refused in one line naming the file, with exit code 1, and its bytes stay as they were.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { fixture } from '../helpers/datasets';
import { runCaptured } from '../helpers/cli';
import { notOurFiles, sha256, truncateProject, withReadOnlyFile } from '../helpers/project-files';
import { tmpDir } from '../helpers/tmp';

const cli = (args: string[]) => runCaptured(runCli, args);
const coffee = fixture('ucr_spectro/Coffee/Coffee_TEST.tsv');

async function coffeeProject(): Promise<string> {
  const project = path.join(tmpDir(), 'p.spectra');
  expect((await cli(['import', coffee, '--project', project, '--split-tag', 'test'])).code).toBe(0);
  return project;
}

describe('spectra-desk and a --project file that is not ours', () => {
  it('list and import refuse it in one line naming it, exit 1, and change none of its bytes', async () => {
    const dir = tmpDir();
    for (const c of notOurFiles(dir)) {
      const before = sha256(c.file);
      for (const args of [['list', '--project', c.file], ['import', coffee, '--project', c.file], ['list', '--project', c.file, '--json']]) {
        const r = await cli(args);
        const message = r.stderr.replace(/^spectra-desk: /, '').replace(` (${c.file})\n`, '');
        expect([c.name, args[0], r.code, message]).toEqual([c.name, args[0], 1, expect.stringMatching(c.message)]);
        expect(r.stderr.split('\n')).toHaveLength(2);
        if (args.includes('--json')) expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'PROJECT_DAMAGED', message, file: c.file } });
        expect([c.name, sha256(c.file)]).toEqual([c.name, before]);
      }
    }
    expect(fs.readdirSync(dir).sort()).toEqual(['empty.spectra', 'notes.spectra', 'other.sqlite']);
  });

  it('a truncated project: PROJECT_DAMAGED, the file ends early, exit 1 (not an internal error), nothing written', async () => {
    const project = await coffeeProject();
    truncateProject(project, 8);
    const before = sha256(project);
    for (const args of [['list', '--project', project], ['import', coffee, '--project', project, '--dataset', 'again']]) {
      const r = await cli([...args, '--json']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`spectra-desk: p.spectra is damaged (the file ends early: it holds 8 of the 33 pages its header counts): restore it from a backup. It was left untouched. (${project})\n`);
      expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'PROJECT_DAMAGED', file: project } });
    }
    expect(sha256(project)).toBe(before);
  });

  it('a read-only project: import is refused before it reads a file, exit 1; list still reads it; nothing lost', async () => {
    const project = await coffeeProject();
    const before = sha256(project);
    await withReadOnlyFile(project, async () => {
      const r = await cli(['import', coffee, '--project', project, '--dataset', 'again', '--json']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`spectra-desk: p.spectra is read-only: make the file and its folder writable (or copy it to a folder you can write to) and try again. Nothing was changed. (${project})\n`);
      expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'PROJECT_READONLY', file: project } });
      const list = await cli(['list', '--project', project]);
      expect([list.code, list.stderr, list.stdout.split('\n')[0]]).toEqual([0, '', 'Coffee: 28 spectra × 286 points (1→286 index); train 0, test 28, untagged 0']);
    });
    expect(sha256(project)).toBe(before);
    const after = JSON.parse((await cli(['list', '--project', project, '--json'])).stdout) as { datasets: { name: string; samples: number }[] };
    expect(after.datasets.map((d) => [d.name, d.samples])).toEqual([['Coffee', 28]]);
  });

  it('an SQLite error after opening (another program holding the write lock) names the project and exits 1', async () => {
    const project = await coffeeProject();
    const Database = (await import('better-sqlite3')).default;
    const holder = new Database(project);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const r = await cli(['import', coffee, '--project', project, '--dataset', 'again']);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(`spectra-desk: p.spectra is busy: another program kept it locked for writing (database is locked). Try again once it is done; nothing was changed. (${project})\n`);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    const after = JSON.parse((await cli(['list', '--project', project, '--json'])).stdout) as { datasets: { name: string }[] };
    expect(after.datasets.map((d) => d.name)).toEqual(['Coffee']);
  });
});
