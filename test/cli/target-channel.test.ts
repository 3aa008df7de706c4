/**
 * `spectra-desk train --target-channel NAME`: one channel of a several-channel dataset predicted
 * from the others. A refused request stores no run; a trained one stores the test RMSE over every
 * point, the RMSE at each point of the channel, and every test spectrum measured and predicted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { runModelCli } from '../../src-main/cli/predict';
import { exportCommand } from '../../src-main/cli/export';
import { runCaptured } from '../helpers/cli';
import { openProjectToRead } from '../../src-main/db/connection';
import { getRun, runTestPredictions } from '../../src-main/db/runs';

const cli = (args: string[]) => runCaptured(runCli, args);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-cli-channel-'));
const project = path.join(dir, 'p.spectra');

// 30 samples, channel "a" (8 points) and channel "b" (5 points), both scaled by the sample's own factor; 22 train, 8 test.
beforeAll(async () => {
  const lines = ['sample,channel,wavenumber (cm-1),intensity,set'];
  for (let i = 0; i < 30; i++) {
    const c = 0.5 + 0.05 * i;
    const set = i < 22 ? 'train' : 'test';
    for (let j = 0; j < 8; j++) lines.push(`S${i + 1},a,${1000 + 10 * j},${(c * Math.sin(j / 3) + 0.01 * j).toFixed(5)},${set}`);
    for (let j = 0; j < 5; j++) lines.push(`S${i + 1},b,${2000 + 20 * j},${(2 * c * Math.cos(j / 4)).toFixed(5)},${set}`);
  }
  const csv = path.join(dir, 'pairs.csv');
  fs.writeFileSync(csv, `${lines.join('\n')}\n`);
  expect((await cli(['import', csv, '--project', project, '--split-column', 'set'])).code).toBe(0);
}, 30_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const train = (...extra: string[]) => cli(['train', '--project', project, '--dataset', 'pairs', '--model', 'mlp', '--engine', 'js', '--seed', '1', ...extra]);

describe('spectra-desk train --target-channel', () => {
  it('refuses it beside --target, an unknown channel and PLS, and stores no run', async () => {
    expect((await train('--target-channel', 'b', '--target', 'set')).stderr).toBe("spectra-desk: --target-channel is the run's target: give it or --target/--targets, not both. (field targetChannel)\n");
    expect((await train('--target-channel', 'b', '--targets', 'x,y')).stderr).toBe("spectra-desk: --target-channel is the run's target: give it or --target/--targets, not both. (field targetChannel)\n");
    expect((await train('--target-channel', 'c')).stderr).toBe('spectra-desk: Dataset "pairs" has no channel "c". Channels: "a", "b". (field targetChannel)\n');
    expect((await cli(['train', '--project', project, '--dataset', 'pairs', '--model', 'pls', '--target-channel', 'b'])).stderr).toBe('spectra-desk: A target channel is predicted by a network template or a layer list (one output per point), not by PLS. (field targetChannel)\n');
    expect(JSON.parse((await cli(['runs', '--project', project, '--json'])).stdout).runs).toEqual([]);
  }, 30_000);

  it('a short run stores the test RMSE, the RMSE at each of the 5 points and every test spectrum; predict gives channel b per sample; export writes the test spectra', async () => {
    const r = await train('--target-channel', 'b', '--epochs', '5', '--json');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ model: 'mlp', task: 'regression', status: 'done', epochs: 5 });
    expect(Object.keys(o.metrics.test)).toEqual(['rmse']);
    expect(o.metrics.pointRmse).toHaveLength(5);
    const db = openProjectToRead(project);
    const run = getRun(db, o.runId);
    const predictions = runTestPredictions(db, o.runId);
    db.close();
    expect(run.config).toMatchObject({ targetChannel: 'b', input: [8, 1], targets: ['2000', '2020', '2040', '2060', '2080'].map((name) => ({ name })) });
    expect(run.metrics!.pointRmse).toEqual(o.metrics.pointRmse);
    expect(predictions.map((p) => [p.key, p.channel!.truth.length, p.channel!.predicted.length])).toEqual(['S23', 'S24', 'S25', 'S26', 'S27', 'S28', 'S29', 'S30'].map((k) => [k, 5, 5]));
    // Sample S23's measured channel b, as imported (2 × 1.6 × cos(j / 4), stored as 32-bit floats).
    [3.2, 3.10052, 2.80826, 2.3414, 1.72897].forEach((v, j) => expect(predictions[0]!.channel!.truth[j]).toBeCloseTo(v, 6));
    // Each point's RMSE over the test spectra, and the overall RMSE over every point, from the stored spectra.
    const at = (j: number) => Math.sqrt(predictions.reduce((a, p) => a + (p.channel!.predicted[j]! - p.channel!.truth[j]!) ** 2, 0) / predictions.length);
    o.metrics.pointRmse.forEach((v: number, j: number) => expect(v).toBeCloseTo(at(j), 10));
    expect(o.metrics.test.rmse).toBeCloseTo(Math.sqrt(o.metrics.pointRmse.reduce((a: number, v: number) => a + v * v, 0) / 5), 10);
    const text = await train('--target-channel', 'b', '--epochs', '5');
    expect(text.stdout.split('\n').slice(1, 3)).toEqual([`  test: rmse ${o.metrics.test.rmse.toFixed(4)}`, `  RMSE per point: ${Math.min(...o.metrics.pointRmse).toFixed(4)} to ${Math.max(...o.metrics.pointRmse).toFixed(4)} over 5 points`]);
    // Predicting the imported file reads its channel "a" by name and gives channel b's 5 points per sample (test/cli/predict-target-channel.test.ts).
    const predicted = await runCaptured(runModelCli, ['predict', '--project', project, '--run', String(o.runId), path.join(dir, 'pairs.csv')]);
    expect(predicted.stdout.split('\n')[0]).toBe('sample,2000,2020,2040,2060,2080,t2,q,outOfModel');
    expect(predicted.stdout.trimEnd().split('\n')).toHaveLength(31);
    expect((await runCaptured(exportCommand, ['--project', project, '--run', String(o.runId), '--out', path.join(dir, 'export')])).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'export', 'test-predicted.csv'), 'utf8').split('\n')[0]).toBe('sample_id,key,2000,2020,2040,2060,2080');
  }, 60_000);
});
