/**
 * `spectra-desk predict` with a run whose target is a channel (spectrum in, spectrum out): two
 * joined instruments, the second's spectrum a known linear map of the first's. Predicting the
 * files the project was imported from gives, for the run's test samples, the predicted spectra the
 * run stored, value for value; a file on another axis, a file lacking the channel the run reads,
 * and the target channel given as an input are refused naming the file and the channel.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, openProjectToRead } from '../../src-main/db/connection';
import { computeView } from '../../src-main/services/views';
import { getRun, runArtifact, runTestPredictions } from '../../src-main/db/runs';
import type { TestPrediction } from '../../src-main/common/runs/schema';
import { importFiles } from '../../src-main/services/import';
import { joinDatasets } from '../../src-main/services/join';
import { transferCalibration } from '../../src-main/services/transfer';
import { requestByName, startTraining } from '../../src-main/services/train';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { netOf, OUT_OF_MODEL_ARTIFACT, spectraInputs } from '../../src-main/services/predict';
import { readSpectraFiles } from '../../src-main/services/predict-files';
import { readModelPackage } from '../../src-main/services/model-package';
import * as tf from '@tensorflow/tfjs-core';
import { expectLoadedModelGives } from '../helpers/tfjs-layers';
import { runModelCli } from '../../src-main/cli/predict';
import { exportCommand } from '../../src-main/cli/export';
import { runCaptured } from '../helpers/cli';

const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-cli-target-channel-'));
const project = path.join(dir, 'p.spectra');
const files = ['inst1.csv', 'inst2.csv'].map((f) => path.join(dir, f));
const cli = (args: string[]) => runCaptured(runModelCli, args);

const AXIS_1 = Array.from({ length: 8 }, (_, j) => 1000 + 4 * j);
const AXIS_2 = Array.from({ length: 5 }, (_, j) => 1100 + 10 * j);
/** Sample r on instrument 1: a band whose height and position vary with r. */
const first = (r: number) => AXIS_1.map((_, j) => 0.5 + (0.2 + 0.03 * r) * Math.exp(-(((j - 3 - (r % 3) * 0.5) / 2) ** 2)));
/** Instrument 2: point k is 0.1 k + the mean of instrument 1's points k and k + 3, times 1.5. */
const second = (r: number) => AXIS_2.map((_, k) => 0.1 * k + 0.75 * (first(r)[k]! + first(r)[k + 3]!));
const wide = (axis: number[], spectrum: (r: number) => number[], rows: number[]) => `split,${axis.join(',')}\n${rows.map((r) => [r < 15 ? 'train' : 'test', ...spectrum(r).map((v) => v.toFixed(5))].join(',')).join('\n')}\n`;
const all = Array.from({ length: 20 }, (_, r) => r);

let predicts2 = 0;
let predicts1 = 0;
let stored2: TestPrediction[] = [];
let stored1: TestPrediction[] = [];
let checked: [boolean, boolean] = [false, false];

/** 20 samples (15 train, 5 test) on two instruments, joined by position; one run predicts each instrument from the other. */
beforeAll(async () => {
  fs.writeFileSync(files[0]!, wide(AXIS_1, first, all));
  fs.writeFileSync(files[1]!, wide(AXIS_2, second, all));
  const db = openProject(project, { create: true });
  for (const [i, file] of files.entries()) await importFiles(db, { files: [file], dataset: `Instrument ${i + 1}`, axisUnit: 'cm-1', splitColumn: 'split' });
  joinDatasets(db, { datasetIds: [1, 2], name: 'both', by: 'position' });
  const train = async (targetChannel: string) => (await startTraining(db, requestByName(db, { dataset: 'both', target: '', targetChannel, model: 'mlp', engine: 'js', validation: { kind: 'given' }, seed: 1, epochs: 5 }), { spawn }).outcome).runId;
  predicts2 = await train('Instrument 2');
  predicts1 = await train('Instrument 1');
  stored2 = runTestPredictions(db, predicts2);
  stored1 = runTestPredictions(db, predicts1);
  checked = [!!runArtifact(db, predicts2, OUT_OF_MODEL_ARTIFACT), !!runArtifact(db, predicts1, OUT_OF_MODEL_ARTIFACT)];
  db.close();
}, 60_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Doc {
  targetChannel: { name: string; axisUnit: string; axis: number[] };
  limits: { t2: number; q: number } | null;
  predictions: { sample: string; spectrum: number[]; t2: number | null; q: number | null; outOfModel: boolean }[];
}

/** Within float32 rounding of the stored value. */
const same = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(b)));

describe('spectra-desk predict with a channel as the target', () => {
  it('gives each test sample the spectrum the run stored, on the channel\'s axis, with the out-of-model check', async () => {
    expect(checked).toEqual([true, true]);
    const r = await cli(['predict', '--project', project, '--run', String(predicts2), files[0]!, '--axis-unit', 'cm-1', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Doc & Record<string, unknown>;
    expect(doc.targetChannel).toEqual({ name: 'Instrument 2', axisUnit: 'cm-1', axis: AXIS_2 });
    expect('targets' in doc).toBe(false);
    expect(doc.predictions).toHaveLength(20);
    expect(stored2.map((p) => p.key)).toEqual(['inst1:16', 'inst1:17', 'inst1:18', 'inst1:19', 'inst1:20']);
    const test = doc.predictions.slice(15);
    expect(test.map((p) => p.sample)).toEqual(['inst1.csv#16', 'inst1.csv#17', 'inst1.csv#18', 'inst1.csv#19', 'inst1.csv#20']);
    test.forEach((p, i) => {
      expect(p.spectrum).toHaveLength(5);
      p.spectrum.forEach((v, k) => same(v, stored2[i]!.channel!.predicted[k]!));
    });
    expect(doc.limits).not.toBeNull();
    doc.predictions.forEach((p) => expect([typeof p.t2, typeof p.q, typeof p.outOfModel]).toEqual(['number', 'number', 'boolean']));

    // The CSV: one row per spectrum, a column per point of the channel's axis, then the check; the same numbers as the JSON.
    const csv = await cli(['predict', '--project', project, '--run', String(predicts2), files[0]!, '--axis-unit', 'cm-1']);
    const lines = csv.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('sample,1100,1110,1120,1130,1140,t2,q,outOfModel');
    expect(lines).toHaveLength(21);
    lines.slice(1).forEach((line, i) => {
      const p = doc.predictions[i]!;
      expect(line).toBe([p.sample, ...p.spectrum, p.t2, p.q, p.outOfModel].map(String).join(','));
    });
  }, 30_000);

  it('reads the other channel when the target is the first: a run predicting instrument 1 from instrument 2', async () => {
    const r = await cli(['predict', '--project', project, '--run', String(predicts1), files[1]!, '--axis-unit', 'cm-1', '--json']);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout) as Doc;
    expect(doc.targetChannel).toEqual({ name: 'Instrument 1', axisUnit: 'cm-1', axis: AXIS_1 });
    doc.predictions.slice(15).forEach((p, i) => {
      expect(p.spectrum).toHaveLength(8);
      p.spectrum.forEach((v, k) => same(v, stored1[i]!.channel!.predicted[k]!));
    });
  }, 30_000);

  it('a long table with a channel column gives the channel the run reads by name, leaving the target channel out', async () => {
    const long = path.join(dir, 'long.csv');
    const lines = ['sample,channel,wavenumber (cm-1),intensity'];
    for (const r of all) {
      second(r).forEach((v, k) => lines.push(`T${r + 1},Instrument 2,${AXIS_2[k]},${v.toFixed(5)}`));
      first(r).forEach((v, j) => lines.push(`T${r + 1},Instrument 1,${AXIS_1[j]},${v.toFixed(5)}`));
    }
    fs.writeFileSync(long, `${lines.join('\n')}\n`);
    const byName = JSON.parse((await cli(['predict', '--project', project, '--run', String(predicts2), long, '--json'])).stdout) as Doc;
    const byPosition = JSON.parse((await cli(['predict', '--project', project, '--run', String(predicts2), files[0]!, '--axis-unit', 'cm-1', '--json'])).stdout) as Doc;
    expect(byName.predictions.map((p) => p.spectrum)).toEqual(byPosition.predictions.map((p) => p.spectrum));
  }, 30_000);

  it('the Predict view\'s service predicts the joined dataset itself, reading the channel the run reads by name', () => {
    const db = openProjectToRead(project);
    const r = computeView(db, { op: 'predictDataset', runId: predicts1, datasetId: 3 });
    db.close();
    expect(r.targetChannel).toEqual({ name: 'Instrument 1', axis: Float64Array.from(AXIS_1), axisUnit: 'cm-1', inputs: ['Instrument 2'] });
    const byKey = new Map(r.rows.map((row) => [row.key, row.values!]));
    stored1.forEach((p) => byKey.get(p.key)!.forEach((v, j) => same(v, p.channel!.predicted[j]!)));
    expect(r.csv.split('\n')[0]).toBe(`sample,${AXIS_1.join(',')},t2,q,outOfModel`);
  });

  it('export writes the measured and predicted test spectra and the RMSE per point the run stored', async () => {
    const out = path.join(dir, 'export');
    const r = await runCaptured(exportCommand, ['--project', project, '--run', String(predicts2), '--out', out, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { files: string[]; notes: string[] };
    expect(doc.files).toEqual(['pipeline.json', 'metrics.json', 'metrics.csv', 'point-rmse.csv', 'test-measured.csv', 'test-predicted.csv', 'model/model.json', 'model/spectra-desk.json', 'model/pipeline.json', 'model/weights.bin']);
    expect(doc.notes).toEqual([`No report.html: run ${predicts2} predicts channel "Instrument 2", a spectrum per sample; its run page draws the test spectra and the RMSE per point.`]);
    const db = openProjectToRead(project);
    const run = getRun(db, predicts2);
    db.close();
    const read = (f: string) => fs.readFileSync(path.join(out, f), 'utf8');
    const header = `sample_id,key,${AXIS_2.join(',')}`;
    expect(read('test-predicted.csv')).toBe(`${[header, ...stored2.map((p) => [p.sampleId, p.key, ...p.channel!.predicted].join(','))].join('\n')}\n`);
    expect(read('test-measured.csv')).toBe(`${[header, ...stored2.map((p) => [p.sampleId, p.key, ...p.channel!.truth].join(','))].join('\n')}\n`);
    expect(read('point-rmse.csv')).toBe(`${['axis_cm-1,rmse', ...AXIS_2.map((a, j) => `${a},${run.metrics!.pointRmse![j]}`)].join('\n')}\n`);
    expect(read('metrics.csv')).toBe(`metric,value\nrmse,${run.metrics!.test!.rmse}\n`);
    expect(JSON.parse(read('metrics.json'))).toMatchObject({ runId: predicts2, targetChannel: { name: 'Instrument 2', axisUnit: 'cm-1', axis: AXIS_2 }, test: run.metrics!.test, pointRmse: run.metrics!.pointRmse });
  }, 30_000);

  it('a model package predicts the same spectra as the run in the project, without it', async () => {
    const pkg = path.join(dir, 'package');
    const written = await cli(['export-model', '--project', project, '--run', String(predicts1), '--out', pkg, '--json']);
    expect(written.code).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(pkg, 'spectra-desk.json'), 'utf8')) as { targetChannel: unknown; targets: unknown[] };
    expect(manifest.targetChannel).toEqual({ name: 'Instrument 1', unit: 'cm-1', axis: AXIS_1, inputs: ['Instrument 2'] });
    expect(manifest.targets).toHaveLength(8);
    // The TF.js model's last layer has one unit per point.
    const topology = JSON.parse(fs.readFileSync(path.join(pkg, 'model.json'), 'utf8')) as { modelTopology: { config: { layers: { class_name: string; config: { units?: number } }[] } } };
    expect(topology.modelTopology.config.layers.at(-1)).toMatchObject({ class_name: 'Dense', config: { units: 8 } });
    const fromProject = JSON.parse((await cli(['predict', '--project', project, '--run', String(predicts1), files[1]!, '--axis-unit', 'cm-1', '--json'])).stdout) as Doc;
    const fromPackage = JSON.parse((await cli(['predict', '--model', pkg, files[1]!, '--axis-unit', 'cm-1', '--json'])).stdout) as Doc;
    expect(fromPackage.targetChannel).toEqual(fromProject.targetChannel);
    expect(fromPackage.predictions).toHaveLength(20);
    fromPackage.predictions.forEach((p, i) => {
      const q = fromProject.predictions[i]!;
      p.spectrum.forEach((v, k) => expect(Math.abs(v - q.spectrum[k]!)).toBeLessThanOrEqual(1e-6));
      expect([p.t2, p.q, p.outOfModel]).toEqual([q.t2, q.q, q.outOfModel]);
    });
    // tf.loadLayersModel reads the package's model.json and weights.bin and gives our standardised outputs, one per point.
    const p = readModelPackage(pkg);
    const x = spectraInputs(p, readSpectraFiles([files[1]!], { axisUnit: 'cm-1' }));
    const bytes = fs.readFileSync(path.join(pkg, 'weights.bin'));
    const bin = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    await tf.setBackend('cpu');
    await expectLoadedModelGives({ modelJson: JSON.parse(fs.readFileSync(path.join(pkg, 'model.json'), 'utf8')) as Record<string, unknown>, bin }, x, [20, 5, 1], [20, 8], netOf(p).predict(x, 20));
  }, 30_000);

  it('calibration transfer refuses it by its channel, not by its hundreds of point names', async () => {
    const db = openProject(project);
    try {
      await expect(transferCalibration(db, { runId: predicts2, targetDatasetId: 2, methods: ['ds'], by: 'position' }, { spawn, onEvent: () => undefined })).rejects.toThrow(`Run ${predicts2} predicts channel "Instrument 2" (a spectrum per sample); calibration transfer is judged on one target's RMSEP: transfer a run of one target.`);
    } finally {
      db.close();
    }
  });

  it('refuses a file on another axis, a file without the channel the run reads, and the target channel as an input, naming the file and the channel', async () => {
    const shifted = path.join(dir, 'shifted.csv');
    fs.writeFileSync(shifted, wide(AXIS_1.map((a) => a + 500), first, [0]));
    const off = await cli(['predict', '--project', project, '--run', String(predicts2), shifted, '--axis-unit', 'cm-1']);
    expect(off.code).toBe(1);
    expect(off.stderr).toBe(`spectra-desk: Spectrum "shifted.csv", channel "Instrument 1", covers 1500–1528 cm⁻¹, but run ${predicts2} needs 1000–1028 cm⁻¹. Measure or export the spectrum over the model's whole range.\n`);
    const only2 = path.join(dir, 'only2.csv');
    fs.writeFileSync(only2, `sample,channel,wavenumber (cm-1),intensity\n${second(0).map((v, k) => `T1,Instrument 2,${AXIS_2[k]},${v.toFixed(5)}`).join('\n')}\n`);
    const lacking = await cli(['predict', '--project', project, '--run', String(predicts2), only2]);
    expect(lacking.code).toBe(1);
    expect(lacking.stderr).toBe(`spectra-desk: Spectrum "only2.csv" has no channel "Instrument 1" (its channels: "Instrument 2"); run ${predicts2} reads "Instrument 1" to predict channel "Instrument 2".\n`);
    const asInput = await cli(['predict', '--project', project, '--run', String(predicts2), files[0]!, '--axis-unit', 'cm-1', '--channel', `Instrument 2=${files[1]!}`]);
    expect(asInput.code).toBe(1);
    expect(asInput.stderr).toBe(`spectra-desk: Channel "Instrument 2" is what run ${predicts2} predicts; give the spectra of the channel it reads ("Instrument 1").\n`);
  }, 30_000);
});
