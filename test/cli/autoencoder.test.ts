/**
 * `spectra-desk train --model ae` through the real trainer process: an autoencoder needs no
 * target, stores its reconstruction RMSE, its out-of-model limits (Q and the largest standardised
 * point residual, learned on the training-split spectra held out of its training) and the test
 * spectra each flags; a target given, or the auto
 * recipe, is refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { runModelCli } from '../../src-main/cli/predict';
import { runCaptured } from '../helpers/cli';
import { openProjectToRead } from '../../src-main/db/connection';
import { getRun, runTestPredictions } from '../../src-main/db/runs';
import { mulberry32 } from '../../src-main/common/ml/random';

const cli = (args: string[]) => runCaptured(runCli, args);
const modelCli = (args: string[]) => runCaptured(runModelCli, args);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-cli-ae-'));
const project = path.join(dir, 'p.spectra');
const csv = path.join(dir, 'bands.csv');
let runId = 0;

// 40 training and 12 test spectra of 48 points: two Gaussian bands of varying height; the last
// two test spectra carry a spike the training spectra never show.
beforeAll(async () => {
  const rand = mulberry32(5);
  const P = 48;
  const lines = [`sample,set,${Array.from({ length: P }, (_, j) => 1000 + 2 * j).join(',')}`];
  for (let i = 0; i < 52; i++) {
    const a = 1 + rand();
    const b = 0.5 + rand();
    const v = Array.from({ length: P }, (_, j) => a * Math.exp(-(((j - 15) / 4) ** 2)) + b * Math.exp(-(((j - 32) / 5) ** 2)) + 0.01 * rand());
    if (i >= 50) v[40] = (v[40] ?? 0) + 3;
    lines.push(`s${i + 1},${i < 40 ? 'train' : 'test'},${v.map((x) => x.toFixed(5)).join(',')}`);
  }
  fs.writeFileSync(csv, `${lines.join('\n')}\n`);
  expect((await cli(['import', csv, '--project', project, '--dataset', 'Bands', '--split-column', 'set'])).code).toBe(0);
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('spectra-desk train --model ae', () => {
  it('trains without a target and stores the reconstruction RMSE, the limit and the flagged test spectra', async () => {
    const r = await cli(['train', '--project', project, '--dataset', 'Bands', '--model', 'ae', '--epochs', '60', '--seed', '1', '--engine', 'js', '--json']);
    // Even a set this small has spectra held out: the limit is learned on them.
    expect(r.stderr).toContain('; 34 training spectra (+6 held back for early stopping), 12 test');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    runId = o.runId;
    expect(o).toMatchObject({ model: 'ae', task: 'regression', status: 'done', epochs: 60 });
    expect(Object.keys(o.metrics.test).sort()).toEqual(['outOfModel', 'rmse']);
    const db = openProjectToRead(project);
    const run = getRun(db, o.runId);
    const predictions = runTestPredictions(db, o.runId);
    db.close();
    expect(run.targetColumn).toBe('');
    expect(run.config).toMatchObject({ model: 'ae', task: { kind: 'reconstruction' }, input: [48, 1], targetScaling: null });
    const rec = run.metrics!.reconstruction!;
    expect(rec).toMatchObject({ confidence: 0.99, learnedOn: 'held-out', limitSpectra: 6, testSpectra: 12 });
    expect(rec.limitRmse).toBeCloseTo(Math.sqrt(rec.limit / 48), 12);
    expect(run.log).toContain("Out-of-model limits: Q of the reconstruction residual (Box's approximation) and its largest standardised single point (a Gumbel law on the held-out spectra's, never below Student t over the points with Bonferroni), at 99 %, learned on 6 spectra held out of training: the network did not fit them");
    // Never below Student t with 6 degrees of freedom at the two-sided 1 − 0.01/48 (scipy: t.ppf(1 − 0.01/48/2, 6)).
    expect(rec.maxResidual!.studentLimit).toBeCloseTo(7.9659685421909145, 6);
    expect(rec.maxResidual!.limit).toBeGreaterThanOrEqual(rec.maxResidual!.studentLimit);
    expect(run.config).toMatchObject({ patience: 40 });
    expect(predictions.map((p) => p.key)).toEqual(Array.from({ length: 12 }, (_, i) => `s${41 + i}`));
    // The spiked spectra are the ones flagged; the count stored is the count of flags.
    expect(predictions.slice(10).every((p) => p.reconstruction!.outOfModel)).toBe(true);
    expect(predictions.slice(10).map((p) => p.reconstruction!.flaggedBy)).toEqual(['both', 'both']);
    expect(predictions.slice(10).every((p) => p.reconstruction!.maxResidual! > rec.maxResidual!.limit)).toBe(true);
    expect(predictions.filter((p) => p.reconstruction!.outOfModel).length).toBe(rec.testOutOfModel);
    const by = (f: string) => predictions.filter((p) => p.reconstruction!.flaggedBy === f || p.reconstruction!.flaggedBy === 'both').length;
    expect(rec.testFlaggedBy).toEqual({ q: by('q'), maxResidual: by('maxResidual') });
    expect(o.metrics.test.outOfModel).toBeCloseTo(rec.testOutOfModel / 12, 12);
    const q = predictions.map((p) => p.reconstruction!.q);
    expect(o.metrics.test.rmse).toBeCloseTo(Math.sqrt(q.reduce((s, v) => s + v, 0) / (12 * 48)), 6);
  }, 120_000);

  it('predict: each spectrum\'s reconstruction RMSE, Q and flag against the limit learned at training, as the run stored them for its test spectra', async () => {
    const db = openProjectToRead(project);
    const stored = runTestPredictions(db, runId);
    const { limit, maxResidual } = getRun(db, runId).metrics!.reconstruction!;
    db.close();
    const r = await modelCli(['predict', '--project', project, '--run', String(runId), csv, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.limits.t2).toBeNull();
    expect(o.limits.q).toBeCloseTo(limit, 6);
    expect(o.limits.maxResidual).toBeCloseTo(maxResidual!.limit, 9);
    // Rows of the table in file order: sample sN is row N.
    const byKey = new Map(o.predictions.map((p: { sample: string }) => [p.sample.replace(/^bands\.csv#/, 's'), p]));
    expect(byKey.size).toBe(52);
    for (const s of stored) {
      const p = byKey.get(s.key) as { prediction: number; q: number; maxResidual: number; flaggedBy: string | null; outOfModel: boolean; t2: null };
      expect(p.q).toBeCloseTo(s.reconstruction!.q, 6);
      expect(p.maxResidual).toBeCloseTo(s.reconstruction!.maxResidual!, 4);
      expect(p.flaggedBy).toBe(s.reconstruction!.flaggedBy);
      expect(p.prediction).toBeCloseTo(s.predicted as number, 6);
      expect(p.outOfModel).toBe(s.reconstruction!.outOfModel);
      expect(p.t2).toBeNull();
    }
    const text = await modelCli(['predict', '--project', project, '--run', String(runId), csv]);
    const lines = text.stdout.trim().split('\n');
    expect(lines[0]).toBe('sample,reconstructionRmse,t2,q,maxResidual,outOfModel,flaggedBy');
    // The spiked test spectra, rows 51 and 52: flagged by both checks.
    expect(lines.slice(51).map((l) => l.split(',').slice(-2).join(','))).toEqual(['true,both', 'true,both']);
    expect(o.flaggedBy).toEqual({ q: [...byKey.values()].filter((p) => ['q', 'both'].includes((p as { flaggedBy: string }).flaggedBy)).length, maxResidual: [...byKey.values()].filter((p) => ['maxResidual', 'both'].includes((p as { flaggedBy: string }).flaggedBy)).length });
  }, 60_000);

  it('refuses a target and the auto recipe, each with what to do', async () => {
    const withTarget = await cli(['train', '--project', project, '--dataset', 'Bands', '--model', 'ae', '--target', 'set']);
    expect(withTarget.code).not.toBe(0);
    expect(withTarget.stderr).toContain('--model ae has no target: an autoencoder learns the spectra themselves. Leave out --target.');
    const auto = await cli(['train', '--project', project, '--dataset', 'Bands', '--model', 'ae', '--pipeline', 'auto']);
    expect(auto.code).not.toBe(0);
    expect(auto.stderr).toContain('The auto recipe is chosen by how well PLS predicts a target, and an autoencoder has none: give a recipe, or none.');
  }, 60_000);
});
