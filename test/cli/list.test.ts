/** `spectra-desk list`: a project's datasets and its runs (which `export --run N` asks for). */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { fixture } from '../helpers/datasets';
import { runCaptured } from '../helpers/cli';
import { tmpDir } from '../helpers/tmp';

const cli = (args: string[]) => runCaptured(runCli, args);

describe('spectra-desk list', () => {
  it('shows the runs after the datasets: id, status, model, target, headline test metric, finished; and a runs array with --json', async () => {
    const project = path.join(tmpDir(), 'p.spectra');
    for (const split of ['train', 'test'] as const) {
      expect((await cli(['import', fixture(`ucr_spectro/Coffee/Coffee_${split.toUpperCase()}.tsv`), '--project', project, '--dataset', 'Coffee', '--split-tag', split])).code).toBe(0);
    }
    const before = await cli(['list', '--project', project]);
    expect(before.stdout.split('\n').slice(2)).toEqual(['No runs yet. Train a model with: spectra-desk train --project P --dataset D --target COLUMN --model NAME', '']);
    expect(JSON.parse((await cli(['list', '--project', project, '--json'])).stdout).runs).toEqual([]);

    // On the raw spectra (what the auto recipe chooses here anyway, test/cli/train.test.ts), without choosing first.
    const trained = await cli(['train', '--project', project, '--dataset', 'Coffee', '--target', 'class', '--model', 'pls', '--pipeline', 'none', '--seed', '1', '--json']);
    expect(trained.code).toBe(0);
    const runId = (JSON.parse(trained.stdout) as { runId: number }).runId;

    const list = await cli(['list', '--project', project]);
    expect(list.code).toBe(0);
    const lines = list.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual(['Coffee: 56 spectra × 286 points (1→286 index); train 28, test 28, untagged 0', '  class: class, 2 distinct', 'Runs, newest first (spectra-desk runs --project P for their details):']);
    expect(lines[3]).toMatch(new RegExp(`^  run ${runId}: done, pls → class on Coffee; test Balanced accuracy 1\\.0000; finished \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$`));
    expect(lines.slice(4)).toEqual(['']);

    const doc = JSON.parse((await cli(['list', '--project', project, '--json'])).stdout) as { runs: Record<string, unknown>[] };
    expect(doc.runs).toHaveLength(1);
    expect(doc.runs[0]).toMatchObject({ id: runId, dataset: 'Coffee', status: 'done', model: 'pls', task: 'classification', target: 'class', test: { accuracy: 1, balancedAccuracy: 1 }, parentRunId: null });
    expect(doc.runs[0]!.finishedAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
  });
});
