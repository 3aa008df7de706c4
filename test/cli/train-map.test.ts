/**
 * `spectra-desk train` and `predict` on a map: a blocked hold-out by default, the warning a
 * random split gets, `--neighbourhood` on both commands, and refusals that store nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { runModelCli } from '../../src-main/cli/predict';
import { fixture } from '../helpers/datasets';
import { runCaptured } from '../helpers/cli';

const cli = (args: string[]) => runCaptured(runCli, args);
const predict = (args: string[]) => runCaptured(runModelCli, ['predict', ...args]);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-cli-train-map-'));
const project = path.join(dir, 'p.spectra');
const chondro = fixture('raman_map_chondro', 'chondro.csv');
const train = (...extra: string[]) => cli(['train', '--project', project, '--dataset', 'chondro', '--target', 'cluster', '--model', 'pls', '--pipeline', 'none', '--seed', '1', ...extra]);
const runCount = async () => (JSON.parse((await cli(['runs', '--project', project, '--json'])).stdout) as { runs: unknown[] }).runs.length;

beforeAll(async () => {
  expect((await cli(['import', chondro, '--project', project, '--dataset', 'chondro', '--axis-unit', 'cm-1'])).code).toBe(0);
  // A 3 × 3 map with a class per pixel, for a neighbourhood too large for it.
  const rows = Array.from({ length: 9 }, (_, p) => `p${p},${p % 3},${Math.floor(p / 3)},${p % 2 ? 'b' : 'a'},${p},${p + 1},${p * 2}`);
  fs.writeFileSync(path.join(dir, 'small.csv'), ['pixel,x_um,y_um,class,1000,1002,1004', ...rows].join('\n'));
  expect((await cli(['import', path.join(dir, 'small.csv'), '--project', project, '--dataset', 'small', '--axis-unit', 'cm-1'])).code).toBe(0);
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('training on a map', () => {
  it('holds out a region of the map when no validation is named', async () => {
    const r = await train('--json');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.warnings).toBeUndefined();
    expect(o.metrics.test.balancedAccuracy).toBeCloseTo(0.9074, 4);
    expect(await runCount()).toBe(1);
  }, 60_000);

  it('warns, with the share of test pixels next to a training pixel, when the split is random', async () => {
    const r = await train('--validation', 'holdout:0.2');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  warning: This dataset is a map, and 174 of its 174 test pixels (100 %) have a training pixel next to them: neighbouring pixels have nearly the same spectrum, so this split tests the model on pixels it has in effect trained on and its score is optimistic. Use blocked-holdout:0.2 to hold out contiguous regions of the map.\n');
  }, 60_000);

  it('reads neighbourhoods, and predicts the pixels of a map file with them', async () => {
    const r = await train('--validation', 'blocked-holdout:0.2:1', '--neighbourhood', '1', '--json');
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o.metrics.test.balancedAccuracy).toBeCloseTo(0.8197, 4);
    const out = path.join(dir, 'pred.csv');
    const p = await predict(['--project', project, '--run', String(o.runId), chondro, '--axis-unit', 'cm-1', '--neighbourhood', '1', '--out', out]);
    expect(p.code).toBe(0);
    expect(fs.readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(876);
    const other = await predict(['--project', project, '--run', String(o.runId), chondro, '--axis-unit', 'cm-1', '--neighbourhood', '2']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`--neighbourhood 2: run ${o.runId} was trained on neighbourhoods of radius 1 (channels) and reads what it was trained on; leave --neighbourhood out to use that.`);
  }, 120_000);

  it('refuses, storing nothing, a buffer narrower than the neighbourhood and a neighbourhood larger than the map', async () => {
    const before = await runCount();
    const narrow = await train('--validation', 'blocked:5', '--neighbourhood', '1');
    expect(narrow.code).toBe(1);
    expect(narrow.stderr).toContain("A neighbourhood of radius 1 needs a buffer of at least 1 pixel between train and test, so that no test pixel's neighbourhood holds a training spectrum: use blocked:5:1.");
    const large = await cli(['train', '--project', project, '--dataset', 'small', '--target', 'class', '--model', 'pls', '--pipeline', 'none', '--validation', 'holdout:0.3', '--neighbourhood', '3']);
    expect(large.code).toBe(1);
    expect(large.stderr).toContain('A neighbourhood of radius 3 is larger than the map "small" (3 × 3 pixels) allows: at most 2, so that its reflected edges stay inside the map.');
    const notMap = await cli(['train', '--project', project, '--dataset', 'chondro', '--target', 'cluster', '--model', 'pls', '--neighbourhood-mode', 'mean']);
    expect(notMap.stderr).toContain('--neighbourhood-mode needs --neighbourhood R (the radius in pixels).');
    expect(await runCount()).toBe(before);
  }, 60_000);
});
