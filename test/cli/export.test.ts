/**
 * `spectra-desk export`: a PLS-DA run on UCR Coffee exported through the command module and
 * through the built command line; usage errors say what is missing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportCommand } from '../../src-main/cli/export';
import { openProject } from '../../src-main/db/connection';
import { importFiles } from '../../src-main/services/import';
import { requestByName, startTraining } from '../../src-main/services/train';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { fixture } from '../helpers/datasets';
import { tmpDir } from '../helpers/tmp';
import { runCaptured } from '../helpers/cli';

const root = path.resolve(__dirname, '../..');

const cli = (args: string[]) => runCaptured(exportCommand, args);

async function plsProject(dir: string): Promise<{ project: string; runId: number }> {
  const project = path.join(dir, 'coffee.spectra');
  const db = openProject(project, { create: true });
  await importFiles(db, { files: [fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv')], dataset: 'Coffee', splitTag: 'train' });
  await importFiles(db, { files: [fixture('ucr_spectro/Coffee/Coffee_TEST.tsv')], dataset: 'Coffee', splitTag: 'test' });
  const o = await startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model: 'pls', validation: { kind: 'given' }, seed: 1, components: 2 }), { spawn: forkTrainer(path.join(root, 'out/ml/trainer.cjs')) }).outcome;
  db.close();
  return { project, runId: o.runId };
}

describe('spectra-desk export', () => {
  it('writes the files and prints one JSON document; the built command line does the same', async () => {
    const dir = tmpDir();
    const { project, runId } = await plsProject(dir);
    const out = path.join(dir, 'export');
    const r = await cli(['--project', project, '--run', String(runId), '--out', out, '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { runId: number; files: string[] };
    expect(result).toMatchObject({ runId, dir: out });
    expect(result.files).toEqual(['pipeline.json', 'metrics.json', 'metrics.csv', 'predictions.csv', 'model/model.json', 'model/spectra-desk.json', 'model/pipeline.json', 'report.html']);
    for (const f of result.files) expect(fs.existsSync(path.join(out, f))).toBe(true);
    expect(r.stderr).toContain('export 6/6: report.html');
    expect(r.stderr).not.toContain('note:');

    const out2 = path.join(dir, 'export-bin');
    const res = spawnSync(process.execPath, [path.join(root, 'bin/spectra-desk.cjs'), 'export', '--project', project, '--run', String(runId), '--out', out2], { encoding: 'utf8' });
    expect(res.stderr).not.toMatch(/Error/);
    expect(res.status).toBe(0);
    expect(res.stdout).toBe(`Run ${runId} exported to ${out2}: ${result.files.join(', ')}\n`);
    expect(fs.readFileSync(path.join(out2, 'metrics.json'), 'utf8')).toBe(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
  }, 120_000);

  it('usage errors name what is missing and exit 1', async () => {
    expect(await cli(['--run', '1', '--out', 'x'])).toMatchObject({ code: 1, stderr: 'spectra-desk: Missing --project FILE. Usage: spectra-desk export --project P --run RUN --out DIR [--json] (field --project)\n' });
    expect((await cli(['--project', 'p.spectra', '--run', 'abc', '--out', 'x'])).stderr).toContain('--run needs a run number (got "abc")');
    expect((await cli(['--project', 'p.spectra', '--run', '1'])).stderr).toContain('Missing --out DIR');
    const bad = await cli(['--bogus', '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).error.code).toBe('BAD_INPUT');
  });
});
