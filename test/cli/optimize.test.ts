/**
 * `spectra-desk optimize` through the real trainer process: a regression search on Tecator fat
 * (PLS-LDA left out, said so), its progress on stderr, the leaderboard and the winner's test
 * score on stdout, the JSON outcome, and the options refused before a project is opened.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { tecatorWithSplit } from '../helpers/datasets';
import { runCaptured } from '../helpers/cli';
import { recipeCandidates } from '../../src-main/common/runs/recipe-choice';
import { candidateName, candidateScoreText, type Leaderboard } from '../../src-main/common/runs/optimize';

const cli = (args: string[]) => runCaptured(runCli, args);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-cli-optimize-'));
const project = path.join(dir, 'p.spectra');

beforeAll(async () => {
  // Tecator: the first 172 samples train, the rest test (as the acceptance run).
  expect((await cli(['import', tecatorWithSplit(dir), '--project', project, '--dataset', 'Tecator', '--split-column', 'set'])).code).toBe(0);
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('spectra-desk optimize', () => {
  let first: Leaderboard | null = null;
  it('Tecator fat, PLS on every recipe in 2 folds: leaderboard by RMSECV, the winner tested once', async () => {
    const r = await cli(['optimize', '--project', project, '--dataset', 'Tecator', '--target', 'fat', '--models', 'pls,plslda', '--folds', '2', '--budget', '5m', '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout) as { status: string; model: string; task: string; leaderboard: Leaderboard; metrics: { test: Record<string, number> }; folds: { runId: number; testSamples: number }[] };
    expect(o).toMatchObject({ status: 'done', model: 'pls', task: 'regression' });
    const b = o.leaderboard;
    first = b;
    expect(b.metric).toBe('rmse');
    expect(b.trainSamples).toBe(172);
    expect(b.notes).toEqual(['PLS-LDA is a class decision: left out of a regression search.']);
    expect(b.candidates.map((c) => c.model)).toEqual(recipeCandidates({ raman: false }).map(() => 'pls'));
    expect(b.candidates.every((c) => c.status === 'done' && c.foldScores.length === 2)).toBe(true);
    expect(b.winner).toEqual({ recipe: b.candidates[0]!.recipe, model: 'pls' });
    expect(o.folds).toHaveLength(1);
    expect(o.folds[0]!.testSamples).toBe(43);
    expect(o.metrics.test.rmse).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/^search run \d+: 172 training spectra \(43 test spectra kept for the winner\), budget 5 min 0 s\n/);
    expect(r.stderr).toContain(`search 12/12 folds`);
  }, 300_000);

  it('prints the leaderboard, one line per candidate, and the winner on the test split', async () => {
    const r = await cli(['optimize', '--project', project, '--dataset', 'Tecator', '--target', 'fat', '--models', 'pls', '--folds', '2']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Search \d+ done\. 6 of 6 candidates scored by 2-fold cross-validation of the 172 training spectra .* ranked by RMSECV \(lowest wins\)/);
    // The same candidates, scores and order as the first search's JSON: the search is seeded.
    expect(lines.slice(1, 7).map((l) => l.replace(/^\s+\d+\.\s+/, '').replace(/\s+[\d.]+ s \(components .*$/, '').replace(/\s{2,}/g, '  '))).toEqual(first!.candidates.map((c) => `${candidateName(c)}  ${candidateScoreText(c)}`));
    expect(lines[7]).toMatch(/^ {2}winner on the test split \(run \d+\): rmse \d+\.\d{4}, mae/);
  }, 300_000);

  it('refuses a budget, a model or a split it cannot use, on one line', async () => {
    const budget = await cli(['optimize', '--project', project, '--dataset', 'Tecator', '--target', 'fat', '--budget', 'soon']);
    expect(budget).toMatchObject({ code: 1, stderr: 'spectra-desk: --budget "soon": give a time such as 10m, 90s or 1h (at most a week). (field budget)\n' });
    const model = await cli(['optimize', '--project', project, '--dataset', 'Tecator', '--target', 'fat', '--models', 'pls,svm']);
    expect(model.stderr).toBe('spectra-desk: --models: unknown model "svm"; choose from pls, plslda, cnn, resnet1d, mlp, cnn-dense. (field models)\n');
    const scheme = await cli(['optimize', '--project', project, '--dataset', 'Tecator', '--target', 'fat', '--validation', 'kfold:5']);
    expect(scheme.stderr).toContain('use the given split or holdout:F');
    const missing = await cli(['optimize', '--project', project, '--dataset', 'Tecator']);
    expect(missing.stderr).toBe('spectra-desk: Missing --target COLUMN. (field --target)\n');
  }, 60_000);
});
