/**
 * Command-line input is checked before anything is done with it: a split column the files lack,
 * an empty text option, numbers outside the run schema's ranges (negative ones included) are
 * refused on one line; a PLS with more components than the data allows ends as a failed run whose
 * log is its one-line reason.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { exportCommand } from '../../src-main/cli/export';
import { runModelCli } from '../../src-main/cli/predict';
import { openProject } from '../../src-main/db/connection';
import { keepNegativeValues } from '../../src-main/cli/options';
import { fixture } from '../helpers/datasets';
import { runCaptured } from '../helpers/cli';

const cli = (args: string[]) => runCaptured(runCli, args);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-cli-options-'));
const project = path.join(dir, 'p.spectra');
const coffee = (split: 'TRAIN' | 'TEST') => fixture('ucr_spectro/Coffee', `Coffee_${split}.tsv`);
const train = (...extra: string[]) => cli(['train', '--project', project, '--dataset', 'Coffee', '--target', 'class', '--model', 'pls', ...extra]);

function runRows(): { status: string; log: string }[] {
  const db = openProject(project);
  try {
    return db.prepare('SELECT status, log FROM runs ORDER BY id').all() as { status: string; log: string }[];
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  for (const split of ['TRAIN', 'TEST'] as const) {
    expect((await cli(['import', coffee(split), '--project', project, '--dataset', 'Coffee', '--split-tag', split === 'TRAIN' ? 'train' : 'test'])).code).toBe(0);
  }
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('--split-column', () => {
  it('a column the file does not have is refused, naming the columns it has', async () => {
    const other = path.join(dir, 'split.spectra');
    const r = await cli(['import', coffee('TRAIN'), '--project', other, '--split-column', 'nosuchcolumn']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter((l) => !l.startsWith('warning:'))).toEqual(['spectra-desk: Coffee_TRAIN.tsv has no column "nosuchcolumn" for the train/test split; the columns there are "class".', '']);
    expect(JSON.parse((await cli(['list', '--project', other, '--json'])).stdout).datasets).toEqual([]);
  });

  it('with --split-tag as well is refused: one of them says the split', async () => {
    const r = await cli(['import', coffee('TRAIN'), '--project', path.join(dir, 'both.spectra'), '--split-tag', 'train', '--split-column', 'set']);
    expect(r).toMatchObject({ code: 1, stderr: 'spectra-desk: Give either a split tag (train) for every spectrum or a split column ("set"), not both. (field splitColumn)\n' });
  });
});

describe('empty text options', () => {
  it('--dataset "" or blanks is refused, not replaced by the file name', async () => {
    for (const name of ['', '   ']) {
      const r = await cli(['import', coffee('TRAIN'), '--project', path.join(dir, 'empty.spectra'), '--dataset', name]);
      expect(r).toEqual({ code: 1, stdout: '', stderr: 'spectra-desk: --dataset needs a name. (field --dataset)\n' });
    }
    expect(fs.existsSync(path.join(dir, 'empty.spectra'))).toBe(false);
  });

  it('--target, --model, --project, --out and --run are refused empty in every command', async () => {
    expect((await cli(['train', '--project', project, '--dataset', 'Coffee', '--target', ' ', '--model', 'pls'])).stderr).toBe('spectra-desk: --target needs a column name. (field --target)\n');
    expect((await cli(['train', '--project', project, '--dataset', 'Coffee', '--target', 'class', '--model', ''])).stderr).toBe('spectra-desk: --model needs a name. (field --model)\n');
    expect((await cli(['list', '--project', ''])).stderr).toBe('spectra-desk: --project needs a file name. (field --project)\n');
    expect((await cli(['preprocess', '--project', project, '--dataset', 'Coffee', '--pipeline', 'p.json', '--out', ''])).stderr).toBe('spectra-desk: --out needs a file or folder name. (field --out)\n');
    expect((await runCaptured(exportCommand, ['--project', project, '--run', '', '--out', dir])).stderr).toBe('spectra-desk: --run needs a run number. (field --run)\n');
    expect((await runCaptured(runModelCli, ['predict', '--project', project, '--run', '1', '--out', ' ', coffee('TEST')])).stderr).toBe('spectra-desk: --out needs a file or folder name. (field --out)\n');
  });
});

describe('number options', () => {
  it('--epochs 1e9 and --epochs -1 get the same one-line range message, and no run is stored', async () => {
    for (const value of ['1e9', '-1', '0', '2.5', 'ten']) {
      expect(await train('--epochs', value)).toEqual({ code: 1, stdout: '', stderr: `spectra-desk: --epochs must be a whole number from 1 to 5000 (got "${value}"). (field epochs)\n` });
    }
    expect(runRows()).toEqual([]);
  });

  it('every number of a run has the range of the run schema', async () => {
    expect((await train('--components', '100000')).stderr).toBe('spectra-desk: --components must be a whole number from 1 to 500 (got "100000"). (field components)\n');
    expect((await train('--seed', '-3')).stderr).toBe('spectra-desk: --seed must be a whole number from 0 to 2147483648 (got "-3"). (field seed)\n');
    expect((await train('--threads', '257')).stderr).toBe('spectra-desk: --threads must be a whole number from 1 to 256 (got "257"). (field threads)\n');
    expect((await train('--learning-rate', '-0.1')).stderr).toBe('spectra-desk: --learning-rate must be a number greater than 0 and at most 100 (got "-0.1"). (field learning-rate)\n');
    expect((await cli(['bench', '--epochs', '-1'])).stderr).toBe('spectra-desk: --epochs must be a whole number from 1 to 5000 (got "-1"). (field epochs)\n');
    expect(runRows()).toEqual([]);
  });

  it('--optimizer names the choices, --momentum has its range and is for sgd and rmsprop only, and an optimiser is not for PLS', async () => {
    expect((await train('--optimizer', 'adagrad')).stderr).toBe('spectra-desk: --optimizer adagrad: use adam, sgd, rmsprop. (field optimizer)\n');
    expect((await train('--optimizer', 'sgd', '--momentum', '1')).stderr).toBe('spectra-desk: --momentum must be a number from 0 to 0.999 (got "1"). (field momentum)\n');
    expect((await train('--optimizer', 'sgd')).stderr).toBe('spectra-desk: An optimiser is for networks; PLS has no training steps. (field optimizer)\n');
    const cnn = (...extra: string[]) => cli(['train', '--project', project, '--dataset', 'Coffee', '--target', 'class', '--model', 'cnn', ...extra]);
    expect((await cnn('--momentum', '0.5')).stderr).toBe('spectra-desk: Momentum is for the sgd and rmsprop optimisers (Adam has its own moments). (field momentum)\n');
    expect(runRows()).toEqual([]);
  });

  it('only a negative number after an option is joined to it', () => {
    expect(keepNegativeValues(['train', '--epochs', '-1', '--seed', '-.5', '--json', '-x', 'file.csv'])).toEqual(['train', '--epochs=-1', '--seed=-.5', '--json', '-x', 'file.csv']);
  });

  it('an option with no value says so on one line', async () => {
    expect((await train('--epochs', '--json')).stderr).toBe('spectra-desk: --epochs needs a value; to give one that starts with a dash, write --epochs=VALUE. Run spectra-desk --help for usage.\n');
  });
});

describe('PLS with more components than the data allows', () => {
  it('--components 400 on Coffee: a failed run whose log is the one-line reason, without a stack trace', async () => {
    const r = await train('--components', '400', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'failed', message: 'PLS: 400 components asked for, but 28 training samples allow at most 27.' });
    expect(runRows()).toEqual([{ status: 'failed', log: 'PLS: 400 components asked for, but 28 training samples allow at most 27.' }]);
  }, 60_000);
});
