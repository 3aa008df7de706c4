/**
 * Several number targets in one run, through the trainer process: one PLS2 model held to
 * scikit-learn's PLSRegression (scripts/golden/pls_targets.py: the components its cross-validation
 * chooses, and the test predictions), one network with an output per target, and the refusals that
 * store nothing (a sample missing one target, a class column among them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { getRun, listRuns, runTestPredictions } from '../../src-main/db/runs';
import { importFiles } from '../../src-main/services/import';
import { requestByName, startTraining } from '../../src-main/services/train';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { trainedConfig } from '../../src-main/common/runs/schema';
import { regressionReport } from '../../src-main/common/ml/metrics';
import { exportRun } from '../../src-main/services/export';
import { loadPredictor, predictSpectra } from '../../src-main/services/predict';
import { predictionsCsv } from '../../src-main/services/predict-files';
import { readModelPackage } from '../../src-main/services/model-package';
import { computeView } from '../../src-main/services/views';
import { readGolden } from '../helpers/golden';
import { tmpDir } from '../helpers/tmp';

const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));

interface Golden {
  targets: string[];
  points: number;
  split: string[];
  x: number[][];
  y: number[][];
  cv: { curve: number[]; components: number };
  fit: { components: number; predictTest: number[][]; perTarget: Record<string, { rmse: number; r2: number; bias: number }> };
}
const g = readGolden<Golden>('pls', 'pls2-3targets.json');

/** The fixture's table as a wide CSV (split, a class column, the three targets, one column per point), imported; `edit` changes rows first. */
async function project(edit: (row: string[], r: number) => string[] = (row) => row): Promise<Db> {
  const dir = tmpDir();
  const head = ['split', 'cut', ...g.targets, ...Array.from({ length: g.points }, (_, j) => String(1000 + 2 * j))].join(',');
  const rows = g.x.map((x, r) => edit([g.split[r]!, r % 2 ? 'loin' : 'shoulder', ...g.y[r]!.map(String), ...x.map(String)], r).join(','));
  const file = path.join(dir, 'meat.csv');
  fs.writeFileSync(file, `${head}\n${rows.join('\n')}\n`);
  const db = openProject(path.join(dir, 'p.spectra'), { create: true });
  await importFiles(db, { files: [file], dataset: 'meat', axisUnit: 'nm', splitColumn: 'split' });
  return db;
}

function train(db: Db, model: 'pls' | 'mlp', extra: { epochs?: number; targets?: string[] } = {}) {
  const targets = extra.targets ?? g.targets;
  return startTraining(db, requestByName(db, { dataset: 'meat', target: targets[0]!, targets, model, pipeline: null, validation: { kind: 'given' }, seed: 1, ...(extra.epochs ? { epochs: extra.epochs } : {}) }), { spawn }).outcome;
}

/**
 * The export (metrics recomputed by rerunning the stored model, a truth and a prediction column
 * per target, a parity plot per target in the report) and prediction (every target, CSV columns
 * named after them) of a finished run give its stored test predictions.
 */
function exportAndPredict(db: Db, runId: number): void {
  const stored = runTestPredictions(db, runId);
  const out = exportRun(db, runId, path.join(tmpDir(), 'export'));
  const metrics = JSON.parse(fs.readFileSync(path.join(out.dir, 'metrics.json'), 'utf8'));
  expect(metrics.recomputedPredictionsAgree).toBe(true);
  expect(metrics.test['rmse:fat']).toBe(getRun(db, runId).metrics!.test!['rmse:fat']);
  const csv = fs.readFileSync(path.join(out.dir, 'predictions.csv'), 'utf8').split('\n');
  expect(csv[0]).toBe('sample_id,key,truth(moisture),predicted(moisture),truth(fat),predicted(fat),truth(protein),predicted(protein)');
  expect(csv[1]!.split(',').slice(2).map(Number)).toEqual(stored[0]!.targets!.flatMap((t) => [t.truth, t.predicted]));
  const html = fs.readFileSync(path.join(out.dir, 'report.html'), 'utf8');
  for (const name of g.targets) expect(html).toContain(`Predicted against true ${name}`);
  expect(html).toContain('RMSEP / SD, mean over targets');

  const predictor = loadPredictor(db, runId);
  const rows = computeView(db, { op: 'predictDataset', runId, datasetId: 1 }).rows;
  const byKey = new Map(rows.map((r) => [r.key, r]));
  let worst = 0;
  for (const p of stored) p.targets!.forEach((t, j) => (worst = Math.max(worst, Math.abs(byKey.get(p.key)!.values![j]! - t.predicted) / Math.max(1, Math.abs(t.predicted)))));
  expect(worst).toBeLessThanOrEqual(1e-5);
  const predicted = predictSpectra(predictor, [{ key: 's1', axis: Float64Array.from({ length: g.points }, (_, j) => 1000 + 2 * j), values: g.x[40]!, unit: 'nm' }]);
  const header = predictionsCsv(predictor, predicted).split('\n')[0];
  expect(header).toBe('sample,moisture,fat,protein,t2,q,outOfModel');
  predicted[0]!.values!.forEach((v, j) => expect(v).toBeCloseTo(stored[0]!.targets![j]!.predicted, 4));
  // The model package predicts the same, every target, without the project.
  const fromPackage = predictSpectra(readModelPackage(path.join(out.dir, 'model')), [{ key: 's1', axis: Float64Array.from({ length: g.points }, (_, j) => 1000 + 2 * j), values: g.x[40]!, unit: 'nm' }]);
  expect(fromPackage[0]!.values).toEqual(predicted[0]!.values);
}

describe('a run with several targets', () => {
  it('PLS2: the components scikit-learn cross-validation chooses, its test predictions per target, RMSEP, R² and bias each in its own units', async () => {
    const db = await project();
    const o = await train(db, 'pls');
    expect(o).toMatchObject({ status: 'done', task: 'regression', components: g.cv.components });
    const run = getRun(db, o.runId);
    const curve = run.metrics!.plsCv!.curve.map((p) => p.score);
    curve.forEach((score, m) => expect(score).toBeCloseTo(g.cv.curve[m]!, 5));
    const config = trainedConfig(run.config, run.id);
    expect(config.task).toEqual({ kind: 'regression', loss: 'mse', outputs: 3 });
    expect(config.targets!.map((t) => t.name)).toEqual(g.targets);
    const predictions = runTestPredictions(db, o.runId);
    expect(predictions).toHaveLength(12);
    predictions.forEach((p, i) => {
      expect(p.targets!.map((t) => t.truth)).toEqual(g.y[40 + i]);
      p.targets!.forEach((t, j) => expect(t.predicted).toBeCloseTo(g.fit.predictTest[i]![j]!, 3));
      expect([p.truth, p.predicted]).toEqual([p.targets![0]!.truth, p.targets![0]!.predicted]);
    });
    const test = o.metrics!.test;
    for (const name of g.targets) {
      const want = g.fit.perTarget[name]!;
      expect(test[`rmse:${name}`]).toBeCloseTo(want.rmse, 4);
      expect(test[`r2:${name}`]).toBeCloseTo(want.r2, 4);
      expect(test[`bias:${name}`]).toBeCloseTo(want.bias, 4);
    }
    // The headline: the mean over targets of RMSEP / SD of the test reference values (ddof 1).
    const relative = g.targets.map((name, t) => {
      const y = g.y.slice(40).map((r) => r[t]!);
      const mean = y.reduce((a, v) => a + v, 0) / y.length;
      return test[`rmse:${name}`]! / Math.sqrt(y.reduce((a, v) => a + (v - mean) ** 2, 0) / (y.length - 1));
    });
    expect(test.relativeRmse).toBeCloseTo(relative.reduce((a, v) => a + v, 0) / 3, 12);
    expect(run.metrics!.targets!.map((t) => [t.name, t.detail.rmse])).toEqual(g.targets.map((n) => [n, test[`rmse:${n}`]]));
    exportAndPredict(db, o.runId);
    db.close();
  }, 60_000);

  it('a network with one output per target: the stored predictions give the stored metrics, and it learns every target', async () => {
    const db = await project();
    const o = await train(db, 'mlp', { epochs: 200 });
    expect(o).toMatchObject({ status: 'done', task: 'regression', epochs: 200 });
    const predictions = runTestPredictions(db, o.runId);
    for (const [t, name] of g.targets.entries()) {
      const report = regressionReport(predictions.map((p) => p.targets![t]!.truth), predictions.map((p) => p.targets![t]!.predicted));
      expect(o.metrics!.test[`rmse:${name}`]).toBe(report.rmse);
      expect(o.metrics!.test[`r2:${name}`]).toBe(report.r2);
      // Far better than each target's mean (R² 0) with 40 training spectra and 200 epochs.
      expect(report.r2).toBeGreaterThan(0.8);
    }
    const config = trainedConfig(getRun(db, o.runId).config, o.runId);
    expect(config.targets!.map((t) => t.name)).toEqual(g.targets);
    // Each target standardised on the training rows, in its own units (population sd).
    const fat = g.y.slice(0, 40).map((r) => r[1]!);
    const mean = fat.reduce((a, v) => a + v, 0) / 40;
    expect(config.targets![1]!.mean).toBeCloseTo(mean, 12);
    expect(config.targets![1]!.std).toBeCloseTo(Math.sqrt(fat.reduce((a, v) => a + (v - mean) ** 2, 0) / 40), 12);
    exportAndPredict(db, o.runId);
    db.close();
  }, 120_000);

  it('a sample missing one of the targets, or a class column among them, is refused by name and nothing is stored', async () => {
    const db = await project((row, r) => (r === 3 ? [...row.slice(0, 3), '', ...row.slice(4)] : row));
    expect(() => train(db, 'pls')).toThrow('Sample "meat:4" has no value for "fat" but has the other targets; give it every target, or clear them all to leave it out.');
    expect(() => train(db, 'pls', { targets: ['moisture', 'cut'] })).toThrow('Column "cut" is a class column; several targets must all be number columns (train one class target at a time).');
    expect(listRuns(db)).toEqual([]);
    db.close();
  }, 60_000);
});
