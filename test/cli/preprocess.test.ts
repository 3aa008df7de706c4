import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { fixture } from '../helpers/datasets';
import { tmpDir, writeFile } from '../helpers/tmp';
import { runCaptured } from '../helpers/cli';

interface Golden {
  pipeline: unknown;
  rows: number;
  axis: number[];
  picked: number[];
  expected: string[][];
}

const cli = (args: string[]) => runCaptured(runCli, args);

function readCsv(file: string): string[][] {
  return fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => l.split(','));
}

/** A project with dataset "d": samples a and b tagged train, c tagged test, three points each. */
async function projectWithSplits(): Promise<{ dir: string; project: string }> {
  const dir = tmpDir();
  const csv = writeFile(dir, 'd.csv', 'id,set,1000,1001,1002\na,train,1,2,3\nb,train,3,4,5\nc,test,10,10,10\n');
  const project = path.join(dir, 'p.spectra');
  expect((await cli(['import', csv, '--project', project, '--dataset', 'd', '--split-column', 'set'])).code).toBe(0);
  return { dir, project };
}

describe('spectra-desk preprocess', () => {
  it('savitzkyGolay(11, 2, deriv 1) → snv matches scipy savgol_filter + SNV to 1e-4', async () => {
    const golden = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../fixtures/preprocessing/cli-sg-snv.json'), 'utf8')) as Golden;
    const dir = tmpDir();
    const project = path.join(dir, 'p.spectra');
    expect((await cli(['import', fixture('chemotools/train_spectra.csv'), '--project', project, '--dataset', 'fermentation'])).code).toBe(0);
    const pipe = writeFile(dir, 'sg-snv.json', JSON.stringify(golden.pipeline));
    const out = path.join(dir, 'out.csv');
    const r = await cli(['preprocess', '--project', project, '--dataset', 'fermentation', '--pipeline', pipe, '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dataset: 'fermentation', samples: 21, points: 1047, fittedOn: 21, fittedOnSplit: 'all' });
    const rows = readCsv(out);
    expect(rows.length).toBe(golden.rows + 1);
    expect(rows[0]!.slice(0, 3)).toEqual(['sample', '428', '429']);
    expect(rows[0]!.slice(1).map(Number)).toEqual(golden.axis);
    let max = 0;
    golden.picked.forEach((r, k) => {
      const got = rows[r + 1]!.slice(1).map(Number);
      const want = golden.expected[k]!.map(Number);
      expect(got.length).toBe(want.length);
      for (let j = 0; j < want.length; j++) max = Math.max(max, Math.abs(got[j]! - want[j]!));
    });
    expect(max).toBeLessThan(1e-4);
  });

  it('fits fitted steps on the training split only', async () => {
    const { dir, project } = await projectWithSplits();
    const pipe = writeFile(dir, 'mc.json', JSON.stringify({ schemaVersion: 1, steps: [{ kind: 'meanCenter' }] }));
    const out = path.join(dir, 'out.csv');
    const r = await cli(['preprocess', '--project', project, '--dataset', 'd', '--pipeline', pipe, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/fitted steps learned from the 2 training samples/);
    expect(readCsv(out)).toEqual([
      ['sample', '1000', '1001', '1002'],
      ['a', '-1', '-1', '-1'],
      ['b', '1', '1', '1'],
      ['c', '8', '7', '6'],
    ]);
  });

  it('names the pipeline file and step in errors, and writes nothing', async () => {
    const dir = tmpDir();
    const project = path.join(dir, 'p.spectra');
    await cli(['import', fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv'), '--project', project]);
    const pipe = writeFile(dir, 'bad.json', JSON.stringify({ schemaVersion: 1, steps: [{ kind: 'savitzkyGolay', params: { windowSize: 1001 } }] }));
    const out = path.join(dir, 'out.csv');
    const r = await cli(['preprocess', '--project', project, '--dataset', 'Coffee', '--pipeline', pipe, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/savitzkyGolay.*windowSize/);
    expect(fs.existsSync(out)).toBe(false);
    const notJson = writeFile(dir, 'x.json', '{ nope');
    expect((await cli(['preprocess', '--project', project, '--dataset', 'Coffee', '--pipeline', notJson, '--out', out])).stderr).toMatch(/^spectra-desk: x\.json is not valid JSON/);
  });
  it('--save-as stores the result as a new dataset (fitted on the training split) that list shows', async () => {
    const { dir, project } = await projectWithSplits();
    const pipe = writeFile(dir, 'centre.json', JSON.stringify({ schemaVersion: 1, steps: [{ kind: 'meanCenter' }] }));
    const r = await cli(['preprocess', '--project', project, '--dataset', 'd', '--pipeline', pipe, '--save-as', 'd centred', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ saved: { dataset: 'd centred', sourceDataset: 'd', samples: 3, points: 3, fittedOn: 'train', fittedSamples: 2 } });
    const list = JSON.parse((await cli(['list', '--project', project, '--json'])).stdout) as { datasets: { name: string; splits: object }[] };
    expect(list.datasets.map((d) => [d.name, d.splits])).toEqual([
      ['d', { train: 2, test: 1, none: 0 }],
      ['d centred', { train: 2, test: 1, none: 0 }],
    ]);
    // Written to CSV from the stored dataset: the values are the mean-centred ones.
    const out = path.join(dir, 'centred.csv');
    const none = writeFile(dir, 'crop.json', JSON.stringify({ schemaVersion: 1, steps: [{ kind: 'crop' }] }));
    expect((await cli(['preprocess', '--project', project, '--dataset', 'd centred', '--pipeline', none, '--out', out])).code).toBe(0);
    expect(readCsv(out)).toEqual([
      ['sample', '1000', '1001', '1002'],
      ['a', '-1', '-1', '-1'],
      ['b', '1', '1', '1'],
      ['c', '8', '7', '6'],
    ]);
    const again = await cli(['preprocess', '--project', project, '--dataset', 'd', '--pipeline', pipe, '--save-as', 'd centred']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/A dataset named "d centred" already exists/);
    expect((await cli(['preprocess', '--project', project, '--dataset', 'd', '--pipeline', pipe])).stderr).toMatch(/Missing --out OUT\.csv \(or --save-as NAME/);
  });
});
