/**
 * `spectra-desk predict` and `spectra-desk export-model` on UCR Coffee: one row per spectrum with
 * the prediction, class probabilities and the out-of-model check, from a run or from a package.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject } from '../../src-main/db/connection';
import { runArtifact } from '../../src-main/db/runs';
import { importFiles } from '../../src-main/services/import';
import { requestByName, startTraining } from '../../src-main/services/train';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { runModelCli } from '../../src-main/cli/predict';
import { fixture } from '../helpers/datasets';
import { runCaptured } from '../helpers/cli';

const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
const CLI = path.resolve(__dirname, '../../out/cli/index.cjs');
const TEST_FILE = fixture('ucr_spectro/Coffee/Coffee_TEST.tsv');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-cli-predict-'));
const project = path.join(dir, 'coffee.spectra');
let cnn = 0;
let pls = 0;

const cli = (args: string[]) => runCaptured(runModelCli, args);

beforeAll(async () => {
  const db = openProject(project, { create: true });
  await importFiles(db, { files: [fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv')], dataset: 'Coffee', splitTag: 'train' });
  await importFiles(db, { files: [TEST_FILE], dataset: 'Coffee', splitTag: 'test' });
  cnn = (await startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model: 'cnn', validation: { kind: 'given' }, seed: 2, epochs: 6 }), { spawn }).outcome).runId;
  pls = (await startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model: 'pls', validation: { kind: 'given' }, seed: 1, components: 3 }), { spawn }).outcome).runId;
  db.close();
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('spectra-desk predict / export-model', () => {
  it('writes one CSV row per spectrum: sample, prediction, p_<class>, t2, q, outOfModel — the run\'s stored test predictions', async () => {
    for (const run of [cnn, pls]) {
      const out = path.join(dir, `pred-${run}.csv`);
      const r = await cli(['predict', '--project', project, '--run', String(run), TEST_FILE, '--out', out]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`^Predicted 28 spectra with run ${run} \\((cnn|pls)\\); \\d+ out of model\\. Wrote .*pred-${run}\\.csv\\.\\n$`));
      const lines = fs.readFileSync(out, 'utf8').trimEnd().split('\n');
      expect(lines[0]).toBe('sample,prediction,p_0,p_1,t2,q,outOfModel');
      expect(lines).toHaveLength(29);
      const rows = lines.slice(1).map((l) => l.split(','));
      expect(rows.map((c) => c[0])).toEqual(Array.from({ length: 28 }, (_, i) => `Coffee_TEST.tsv#${i + 1}`));
      const db = openProject(project);
      const stored = JSON.parse(runArtifact(db, run, 'test-predictions.json')!.toString()) as { predicted: string }[];
      db.close();
      expect(rows.map((c) => c[1])).toEqual(stored.map((s) => s.predicted));
      for (const c of rows) {
        expect(Number(c[2]) + Number(c[3])).toBeCloseTo(1, 12);
        expect(Number.isFinite(Number(c[4])) && Number.isFinite(Number(c[5]))).toBe(true);
        expect(['true', 'false']).toContain(c[6]);
      }
    }
  }, 60_000);

  it('--json prints one document with the limits and per-class probabilities', async () => {
    const r = await cli(['predict', '--project', project, '--run', String(pls), TEST_FILE, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { source: string; model: string; task: string; classes: string[]; limits: { t2: number; q: number }; predictions: { sample: string; prediction: string; probabilities: Record<string, number>; t2: number; q: number; outOfModel: boolean }[] };
    expect(doc).toMatchObject({ source: `run ${pls}`, model: 'pls', task: 'classification', target: 'class', classes: ['0', '1'] });
    expect(doc.limits.t2).toBeGreaterThan(0);
    expect(doc.predictions).toHaveLength(28);
    expect(Object.keys(doc.predictions[0]!.probabilities)).toEqual(['0', '1']);
    expect(doc.predictions.filter((p) => p.outOfModel).length).toBe(doc.predictions.filter((p) => p.t2 > doc.limits.t2 || p.q > doc.limits.q).length);
  }, 60_000);

  it('export-model writes a package; predict --model gives the same CSV as the run, also through the built CLI', async () => {
    const pkg = path.join(dir, 'cnn-model');
    const e = await cli(['export-model', '--project', project, '--run', String(cnn), '--out', pkg, '--json']);
    expect(e.code).toBe(0);
    expect(JSON.parse(e.stdout)).toMatchObject({ out: pkg, run: cnn, kind: 'network', model: 'cnn', task: 'classification', classes: ['0', '1'], points: 286, axisUnit: 'index' });
    expect(fs.readdirSync(pkg).sort()).toEqual(['model.json', 'pipeline.json', 'spectra-desk.json', 'weights.bin']);
    const fromRun = await cli(['predict', '--project', project, '--run', String(cnn), TEST_FILE]);
    const fromPackage = await cli(['predict', '--model', pkg, TEST_FILE]);
    expect(fromPackage.code).toBe(0);
    expect(fromPackage.stdout).toBe(fromRun.stdout);
    const built = spawnSync(process.execPath, [CLI, 'predict', '--model', pkg, TEST_FILE], { encoding: 'utf8' });
    expect(built.stderr).toBe('');
    expect(built.stdout).toBe(fromRun.stdout);
  }, 60_000);

  it('refuses a spectrum that does not cover the model range, naming the file and the ranges', async () => {
    const xy = path.join(dir, 'short.xy');
    fs.writeFileSync(xy, Array.from({ length: 100 }, (_, i) => `${i + 50} ${Math.sin(i / 9).toFixed(4)}`).join('\n'));
    const r = await cli(['predict', '--project', project, '--run', String(pls), xy]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`spectra-desk: Spectrum "short.xy" covers 50–149, but run ${pls} needs 1–286. Measure or export the spectrum over the model's whole range.\n`);
    const missing = await cli(['predict', '--project', project, '--run', '999', TEST_FILE, '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toEqual({ error: { code: 'NOT_FOUND', message: 'Run 999 does not exist in this project.' } });
    const both = await cli(['predict', '--model', dir, '--project', project, TEST_FILE]);
    expect(both.stderr).toBe('spectra-desk: Give either --model DIR (a model package) or --project P --run RUN, not both.\n');
  }, 60_000);
});
