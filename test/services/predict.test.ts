/**
 * Predicting with stored runs (UCR Coffee, given split): a short CNN and a PLS-DA run predict
 * their own test spectra exactly as training evaluated them, from the project and from the
 * instrument file; other axes are resampled or refused; far-off spectra are flagged.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { getRun, runArtifact } from '../../src-main/db/runs';
import { importFiles } from '../../src-main/services/import';
import { requestByName, startTraining } from '../../src-main/services/train';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { loadPredictor, predictSpectra, runSpectra, type Predictor, type SpectrumInput } from '../../src-main/services/predict';
import { parseFile } from '../../src-main/io';
import { parsePipelineSpec } from '../../src-main/common/preprocessing/pipeline';
import { fixture } from '../helpers/datasets';

const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
const TEST_FILE = fixture('ucr_spectro/Coffee/Coffee_TEST.tsv');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-predict-'));
const project = path.join(dir, 'coffee.spectra');
let cnnRun = 0;
let plsRun = 0;
let plsNnRun = 0;

function fileSpectra(file: string): SpectrumInput[] {
  const batch = parseFile(new Uint8Array(fs.readFileSync(file)), path.basename(file));
  return batch.samples.map((s) => ({ key: s.id, axis: batch.axes[s.axis]!.values, values: s.channels[0]!, unit: batch.axes[s.axis]!.unit, file: path.basename(file) }));
}

function testSet(db: Db, runId: number): SpectrumInput[] {
  const run = getRun(db, runId);
  const t = runSpectra(db, run, (run.split as { test: number[] }).test);
  const L = t.axis.length;
  return t.keys.map((key, i) => ({ key, axis: t.axis, values: t.rows.subarray(i * L, (i + 1) * L) }));
}

function stored(db: Db, runId: number): { key: string; predicted: string | number }[] {
  return JSON.parse(runArtifact(db, runId, 'test-predictions.json')!.toString()) as { key: string; predicted: string | number }[];
}

beforeAll(async () => {
  const db = openProject(project, { create: true });
  await importFiles(db, { files: [fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv')], dataset: 'Coffee', splitTag: 'train' });
  await importFiles(db, { files: [TEST_FILE], dataset: 'Coffee', splitTag: 'test' });
  const pipeline = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'savitzkyGolay', params: { windowSize: 9, polynomial: 2 } }, { kind: 'meanCenter' }] });
  const cnn = await startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model: 'cnn', validation: { kind: 'given' }, seed: 3, epochs: 8, pipeline }), { spawn }).outcome;
  const pls = await startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model: 'pls', validation: { kind: 'given' }, seed: 1, components: 3, pipeline }), { spawn }).outcome;
  const nn = await startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model: 'pls', validation: { kind: 'given' }, seed: 1, components: 3, plsDecision: 'nearest-neighbour', pipeline }), { spawn }).outcome;
  expect([cnn.status, pls.status, nn.status, nn.decision]).toEqual(['done', 'done', 'done', 'nearest-neighbour']);
  cnnRun = cnn.runId;
  plsRun = pls.runId;
  plsNnRun = nn.runId;
  db.close();
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('prediction from a stored run', () => {
  for (const kind of ['cnn', 'pls', 'pls-nn'] as const) {
    it(`${kind}: the run's own test spectra, from the project and from the file, give the stored test predictions`, () => {
      const db = openProject(project);
      const runId = kind === 'cnn' ? cnnRun : kind === 'pls' ? plsRun : plsNnRun;
      const p = loadPredictor(db, runId);
      const expected = stored(db, runId);
      const fromProject = predictSpectra(p, testSet(db, runId));
      expect(fromProject.map((r) => [r.key, r.predicted])).toEqual(expected.map((e) => [e.key, e.predicted]));
      const fromFile = predictSpectra(p, fileSpectra(TEST_FILE));
      expect(fromFile.map((r) => r.predicted)).toEqual(expected.map((e) => e.predicted));
      expect(fromFile.map((r) => r.probabilities)).toEqual(fromProject.map((r) => r.probabilities));
      for (const r of fromFile) {
        expect(r.probabilities!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        expect(r.probabilities!.every((v) => v >= 0 && v <= 1)).toBe(true);
        expect(p.classes[r.probabilities!.indexOf(Math.max(...r.probabilities!))]).toBe(r.predicted);
        expect([r.t2, r.q, r.t2Limit, r.qLimit].every(Number.isFinite)).toBe(true);
      }
      expect(p.outlier!.kind).toBe(kind === 'cnn' ? 'pca' : 'pls');
      // The limits are 95 % limits learned on 28 training spectra: most test spectra lie inside.
      expect(fromFile.filter((r) => r.outOfModel).length).toBeLessThan(10);
      db.close();
    }, 60_000);
  }

  it('regression runs (PLS and a CNN) give the stored test values exactly, in the target\'s units', async () => {
    // A wide CSV built from Coffee with a numeric target: 10 × the intensity at point 120 plus the class.
    const lines = ['sample,set,y,' + Array.from({ length: 286 }, (_, j) => j + 1).join(',')];
    for (const [file, set] of [['Coffee_TRAIN.tsv', 'train'], ['Coffee_TEST.tsv', 'test']] as const) {
      fileSpectra(fixture('ucr_spectro/Coffee', file)).forEach((s, i) => {
        const v = Array.from(s.values);
        lines.push(`${set}${i + 1},${set},${(10 * v[119]! + i % 2).toFixed(4)},${v.join(',')}`);
      });
    }
    const csv = path.join(dir, 'coffee-y.csv');
    fs.writeFileSync(csv, `${lines.join('\n')}\n`);
    const db = openProject(project);
    await importFiles(db, { files: [csv], dataset: 'CoffeeY', splitColumn: 'set' });
    const pipeline = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'snv' }] });
    for (const model of ['pls', 'cnn'] as const) {
      const o = await startTraining(db, requestByName(db, { dataset: 'CoffeeY', target: 'y', model, validation: { kind: 'given' }, seed: 4, epochs: 5, pipeline, ...(model === 'pls' ? { components: 5 } : {}) }), { spawn }).outcome;
      expect(o.status).toBe('done');
      const p = loadPredictor(db, o.runId);
      expect(p.task).toBe('regression');
      const got = predictSpectra(p, testSet(db, o.runId));
      const want = stored(db, o.runId);
      expect(got.map((r) => [r.key, r.predicted])).toEqual(want.map((w) => [w.key, w.predicted]));
      expect(got.every((r) => r.probabilities === null && typeof r.predicted === 'number' && Number.isFinite(r.t2))).toBe(true);
    }
    db.close();
  }, 90_000);

  it('a spectrum on a finer axis is resampled onto the model axis; the numbers do not change', () => {
    const db = openProject(project);
    const p = loadPredictor(db, cnnRun);
    const direct = predictSpectra(p, fileSpectra(TEST_FILE).slice(0, 3));
    const fine = fileSpectra(TEST_FILE)
      .slice(0, 3)
      .map((s) => {
        // Midpoints added: linear interpolation back onto the original points is exact.
        const n = s.axis.length;
        const axis = new Float64Array(2 * n - 1);
        const values = new Float64Array(2 * n - 1);
        for (let i = 0; i < n; i++) {
          axis[2 * i] = s.axis[i]!;
          values[2 * i] = s.values[i]!;
          if (i + 1 < n) {
            axis[2 * i + 1] = (s.axis[i]! + s.axis[i + 1]!) / 2;
            values[2 * i + 1] = (s.values[i]! + s.values[i + 1]!) / 2;
          }
        }
        return { ...s, axis: axis.reverse(), values: values.reverse() };
      });
    expect(predictSpectra(p, fine)).toEqual(direct);
    db.close();
  });

  it('a spectrum that does not cover the model range is refused, naming the file and both ranges', () => {
    const db = openProject(project);
    const p = loadPredictor(db, plsRun);
    const s = fileSpectra(TEST_FILE)[4]!;
    const cut: SpectrumInput = { ...s, axis: s.axis.subarray(10), values: (s.values as Float32Array).subarray(10) };
    expect(() => predictSpectra(p, [cut])).toThrow(`Coffee_TEST.tsv: spectrum "Coffee_TEST:5" covers 11–286, but run ${plsRun} needs 1–286. Measure or export the spectrum over the model's whole range.`);
    expect(() => predictSpectra(p, [{ ...s, unit: 'nm' }])).not.toThrow();
    expect(() => predictSpectra({ ...p, axisUnit: 'cm-1' }, [{ ...s, unit: 'nm' }])).toThrow(`Coffee_TEST.tsv: spectrum "Coffee_TEST:5" is on a nm axis, but run ${plsRun} was trained on cm⁻¹. Export the spectrum in cm⁻¹.`);
    db.close();
  });

  it('spectra unlike the training spectra are flagged out of model (T² or Q above its 95 % limit)', () => {
    const db = openProject(project);
    for (const runId of [cnnRun, plsRun]) {
      const p: Predictor = loadPredictor(db, runId);
      const s = fileSpectra(TEST_FILE)[0]!;
      const odd = Float64Array.from(s.values, (v, j) => v + 3 * Math.exp(-(((j - 140) / 6) ** 2)));
      const [base, off] = predictSpectra(p, [s, { ...s, key: 'odd', values: odd }]);
      expect(off!.outOfModel).toBe(true);
      expect(off!.q > off!.qLimit || off!.t2 > off!.t2Limit).toBe(true);
      expect(off!.q).toBeGreaterThan(base!.q);
    }
    db.close();
  });
});
