/**
 * Training on samples with two channels (two datasets joined by position) through the trainer
 * process: the network reads [points, 2], PLS both channels one after the other; prediction,
 * activation maps and PLS coefficients / VIP per channel.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { getRun, runArtifact, runEpochs, runTestPredictions } from '../../src-main/db/runs';
import { predictPls, type PlsModel } from '../../src-main/common/ml/pls';
import { camForRun, exportRun, runInputs, runNet } from '../../src-main/services/export';
import { importFiles } from '../../src-main/services/import';
import { joinDatasets } from '../../src-main/services/join';
import { modelSummary } from '../../src-main/services/model-summary';
import { parseRunRequest, requestByName, startTraining } from '../../src-main/services/train';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { computeView } from '../../src-main/services/views';
import { loadSpectra } from '../../src-main/db/datasets';
import { parsePipelineSpec } from '../../src-main/common/preprocessing/pipeline';
import type { ChannelsRecord } from '../../src-main/common/runs/channels';
import type { RunRequest } from '../../src-main/common/runs/schema';
import { loadPredictor, predictSpectra } from '../../src-main/services/predict';
import { pairChannels, readSpectraFiles } from '../../src-main/services/predict-files';
import { writeModelPackage } from '../../src-main/services/model-package';
import { plsCoefficients, plsVip } from '../../src-main/common/ml/pls/diagnostics';
import { interpretRun } from '../../src-main/services/run-views';
import { tmpDir } from '../helpers/tmp';
import { userErrorOf } from '../helpers/errors';

const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
const ROWS = 40;
const POINTS = 30;

/**
 * Two instruments on the same 40 samples (30 train, 10 test): the first sees noise only, the
 * second a band whose height is the target; so only a model that reads channel 1 predicts it.
 */
async function joined(): Promise<{ db: Db; files: string[] }> {
  const dir = tmpDir();
  let seed = 12345;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.02;
  const head = `split,conc,${Array.from({ length: POINTS }, (_, j) => 1000 + 2 * j).join(',')}`;
  const rows = (band: (r: number, j: number) => number) => Array.from({ length: ROWS }, (_, r) => [r < 30 ? 'train' : 'test', r % 10, ...Array.from({ length: POINTS }, (_, j) => (band(r, j) + noise()).toFixed(5))].join(','));
  const files = [rows(() => 1), rows((r, j) => (r % 10) * Math.exp(-(((j - 15) / 4) ** 2)) * 0.1 + 0.5)].map((lines, i) => {
    const file = path.join(dir, `inst${i + 1}.csv`);
    fs.writeFileSync(file, `${head}\n${lines.join('\n')}\n`);
    return file;
  });
  const db = openProject(path.join(dir, 'p.spectra'), { create: true });
  for (const [i, file] of files.entries()) await importFiles(db, { files: [file], dataset: `Instrument ${i + 1}`, axisUnit: 'cm-1', splitColumn: 'split' });
  joinDatasets(db, { datasetIds: [1, 2], name: 'both', by: 'position' });
  return { db, files };
}

describe('training on two channels', () => {
  it('a CNN reads [30 points, 2 channels] and PLS both channels, block-scaled; PLS predicts the target channel 1 carries', async () => {
    const { db, files } = await joined();
    expect(modelSummary(db, { datasetId: 3, target: 'conc', model: 'cnn' })).toMatchObject({ task: 'regression', input: [POINTS, 2], outputs: 1 });
    expect(modelSummary(db, { datasetId: 3, target: 'conc', model: 'cnn' }).layers[0]).toMatchObject({ input: [POINTS, 2] });

    const cnn = await startTraining(db, requestByName(db, { dataset: 'both', target: 'conc', model: 'cnn', validation: { kind: 'given' }, seed: 1, epochs: 4 }), { spawn }).outcome;
    expect(cnn).toMatchObject({ status: 'done', model: 'cnn', task: 'regression', epochs: 4 });
    expect(runEpochs(db, cnn.runId)).toHaveLength(4);
    const config = getRun(db, cnn.runId).config as { input: number[]; channels: { names: string[]; layout: string } };
    expect(config.input).toEqual([POINTS, 2]);
    expect(config.channels).toMatchObject({ names: ['Instrument 1', 'Instrument 2'], layout: 'channels-last' });

    const pls = await startTraining(db, requestByName(db, { dataset: 'both', target: 'conc', model: 'pls', validation: { kind: 'given' }, seed: 1, components: 2 }), { spawn }).outcome;
    expect(pls).toMatchObject({ status: 'done', model: 'pls', components: 2 });
    expect((getRun(db, pls.runId).config as { channels: { layout: string } }).channels.layout).toBe('concatenated');
    // The band's height is 0 to 0.9 in steps of 0.1 over noise of ±0.01: two components find it in channel 1.
    expect(pls.metrics!.test.rmse).toBeCloseTo(0.2617, 4);
    expect(pls.metrics!.test.r2).toBeCloseTo(0.9917, 4);
    // The stored model on the inputs rebuilt from both channels gives the stored test predictions.
    for (const runId of [cnn.runId, pls.runId]) {
      const run = getRun(db, runId);
      const stored = runTestPredictions(db, runId);
      const inputs = runInputs(db, run, stored.map((p) => p.sampleId));
      expect(inputs.x).toHaveLength(10 * POINTS * 2);
      const raw = run.model === 'pls' ? predictPls(JSON.parse(runArtifact(db, runId, 'pls-model.json')!.toString()) as PlsModel, Float64Array.from(inputs.x), 10) : runNet(db, run).predict(inputs.x, 10);
      const { mean, std } = (run.config as { targetScaling: { mean: number; std: number } }).targetScaling;
      const worst = Math.max(...stored.map((p, i) => Math.abs(raw[i]! * std + mean - Number(p.predicted)) / Math.max(1, Math.abs(Number(p.predicted)))));
      expect(worst).toBeLessThanOrEqual(1e-5);
      const out = exportRun(db, runId, path.join(tmpDir(), 'export'));
      expect(JSON.parse(fs.readFileSync(path.join(out.dir, 'metrics.json'), 'utf8')).recomputedPredictionsAgree).toBe(true);
    }
    // Predicting with both channels reproduces the stored test predictions, from the joined dataset and from the two files paired in order.
    for (const runId of [cnn.runId, pls.runId]) {
      const stored = runTestPredictions(db, runId);
      const worstOf = (rows: { key: string; predicted: string | number }[]) => {
        const byKey = new Map(rows.map((r) => [r.key, Number(r.predicted)]));
        return Math.max(...stored.map((p) => Math.abs(byKey.get(p.key)! - Number(p.predicted)) / Math.max(1, Math.abs(Number(p.predicted)))));
      };
      const fromDataset = computeView(db, { op: 'predictDataset', runId, datasetId: 3 });
      expect(fromDataset.rows).toHaveLength(ROWS);
      expect(worstOf(fromDataset.rows)).toBeLessThanOrEqual(1e-5);
      const predictor = loadPredictor(db, runId);
      const [first, second] = files.map((f) => readSpectraFiles([f], { axisUnit: 'cm-1' }));
      const fromFiles = predictSpectra(predictor, pairChannels(predictor, first!, [{ name: 'Instrument 2', spectra: second! }]));
      // Files name their spectra by row ("inst1.csv#31"), the dataset by key ("inst1:31"): the same rows in the same order.
      expect(worstOf(fromFiles.map((r, i) => ({ key: fromDataset.rows[i]!.key, predicted: r.predicted })))).toBeLessThanOrEqual(1e-5);
      // A dataset or files without the second channel: refused, naming the spectrum and the channel.
      expect(userErrorOf(() => computeView(db, { op: 'predictDataset', runId, datasetId: 1 })).message).toBe(
        `Instrument 1: spectrum "inst1:1" has no channel "Instrument 2" (channel 2); run ${runId} was trained on 2 channels ("Instrument 1", "Instrument 2"), and each spectrum needs every one of them.`,
      );
      expect(userErrorOf(() => predictSpectra(predictor, first!)).message).toBe(`inst1.csv: spectrum "inst1.csv#1" has no channel "Instrument 2" (channel 2); run ${runId} was trained on 2 channels ("Instrument 1", "Instrument 2"), and each spectrum needs every one of them.`);
      expect(userErrorOf(() => pairChannels(predictor, first!, [{ name: 'Instrument 2', spectra: second!.slice(1) }])).message).toBe('Channel "Instrument 2" has 39 spectra and channel "Instrument 1" 40; their spectra are paired in order, so the counts must match.');
      expect(userErrorOf(() => pairChannels(predictor, first!, [{ name: 'Raman', spectra: second! }])).message).toBe(`run ${runId} has no channel "Raman" after its first; it was trained on "Instrument 1", "Instrument 2".`);
    }

    // Activation maps per channel: each channel's share is the map minus the map with that channel set to its mean
    // training input; the CAM network averages its map into the score, so each share's mean over the axis is the
    // mean change of the (standardised) output when that channel is replaced.
    const cam = camForRun(db, cnn.runId);
    expect(cam.method).toBe('cam');
    expect(cam.channels!.map((c) => [c.name, c.classMeans.length, c.classMeans[0]!.cam.length, c.classMeans[0]!.spectrum.length])).toEqual([
      ['Instrument 1', 1, POINTS, POINTS],
      ['Instrument 2', 1, POINTS, POINTS],
    ]);
    const cnnRun = getRun(db, cnn.runId);
    const split = cnnRun.split as { train: number[]; monitor: number[] };
    const train = runInputs(db, cnnRun, [...split.train, ...split.monitor]);
    const n = train.sampleIds.length;
    const net = runNet(db, cnnRun);
    const full = net.predict(train.x, n);
    for (let ch = 0; ch < 2; ch++) {
      const mean = new Float64Array(POINTS);
      for (let r = 0; r < n; r++) for (let j = 0; j < POINTS; j++) mean[j]! += train.x[(r * POINTS + j) * 2 + ch]! / n;
      const occluded = Float32Array.from(train.x, (v, i) => (i % 2 === ch ? mean[Math.floor(i / 2) % POINTS]! : v));
      const out = net.predict(occluded, n);
      const change = Array.from(full, (v, r) => v - out[r]!).reduce((a, b) => a + b, 0) / n;
      const share = cam.channels![ch]!.classMeans[0]!.cam.reduce((a, b) => a + b, 0) / POINTS;
      expect(Math.abs(share - change)).toBeLessThan(1e-5);
      // The channel's mean spectrum after the recipe (raw here), over the training rows.
      const spectrum = Array.from({ length: POINTS }, (_, j) => train.channels![ch]!.processed.filter((_, i) => i % POINTS === j).reduce((a, b) => a + b, 0) / n);
      cam.channels![ch]!.classMeans[0]!.spectrum.forEach((v, j) => expect(v).toBeCloseTo(spectrum[j]!, 6));
    }
    expect(interpretRun(db, cnn.runId).channels!.map((c) => c.name)).toEqual(['Instrument 1', 'Instrument 2']);

    // PLS coefficients and VIP per channel block: the band (centre at point 15 of channel 2) is where VIP exceeds 1; channel 1, noise, stays below.
    const interp = interpretRun(db, pls.runId);
    const model = JSON.parse(runArtifact(db, pls.runId, 'pls-model.json')!.toString()) as PlsModel;
    const coef = plsCoefficients(model, 0);
    const vip = plsVip(model);
    interp.channels!.forEach((c, ch) => {
      expect(Array.from(c.classes[0]!.importance)).toEqual(Array.from(coef.slice(ch * POINTS, (ch + 1) * POINTS), Math.fround));
      expect(Array.from(c.vip!)).toEqual(Array.from(vip.slice(ch * POINTS, (ch + 1) * POINTS), Math.fround));
    });
    expect(interp.channels!.map((c) => [c.name, Math.max(...c.vip!), c.vip!.indexOf(Math.max(...c.vip!))])).toEqual([
      ['Instrument 1', expect.closeTo(0.7287, 4), 12],
      ['Instrument 2', expect.closeTo(1.8837, 4), 16],
    ]);
    expect(Array.from(interp.vip!)).toEqual(Array.from(interp.channels![0]!.vip!));
    // A model package describes one channel: refused for this run, which predicts from the project.
    expect(userErrorOf(() => writeModelPackage(db, cnn.runId, path.join(tmpDir(), 'pkg'))).message).toBe(
      `Run ${cnn.runId} was trained on 2 channels per sample ("Instrument 1", "Instrument 2"); writing a model package reads one channel so far. Its stored test metrics and predictions are on the run page, and its export recomputes them from every channel.`,
    );
    db.close();
  }, 60_000);

  it('one recipe per channel: SNV on channel 2 only, stored with the run and applied again when its inputs are rebuilt', async () => {
    const { db } = await joined();
    const snv = { name: 'SNV', spec: parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'snv' }] }) };
    const request = (channelRecipes: RunRequest['channelRecipes'], dataset = 'both') => requestByName(db, { dataset, target: 'conc', model: 'pls', validation: { kind: 'given' }, seed: 1, components: 2, ...(channelRecipes ? { channelRecipes } : {}) });
    const pls = await startTraining(db, request([null, snv]), { spawn }).outcome;
    expect(pls).toMatchObject({ status: 'done', model: 'pls' });
    const run = getRun(db, pls.runId);
    const channels = (run.config as { channels: ChannelsRecord }).channels;
    expect(channels.perChannel.map((c) => c.recipe)).toEqual([null, snv]);
    // Channel 2 after its recipe: each spectrum minus its mean, over its standard deviation (population, as the SNV step).
    const split = run.split as { train: number[]; monitor: number[]; test: number[] };
    const inputs = runInputs(db, run, split.test);
    const raw = loadSpectra(db, 3, [split.test[0]!])[0]!.channels[1]!;
    const m = raw.reduce((a, b) => a + b, 0) / POINTS;
    const sd = Math.sqrt(raw.reduce((a, b) => a + (b - m) ** 2, 0) / POINTS);
    Array.from(inputs.channels![1]!.processed.subarray(0, POINTS)).forEach((v, j) => expect(v).toBeCloseTo((raw[j]! - m) / sd, 5));
    expect(Array.from(inputs.channels![0]!.processed.subarray(0, POINTS))).toEqual(Array.from(loadSpectra(db, 3, [split.test[0]!])[0]!.channels[0]!));
    // Rebuilt inputs and a prediction of the dataset give the stored test predictions.
    expect(JSON.parse(fs.readFileSync(path.join(exportRun(db, pls.runId, path.join(tmpDir(), 'export')).dir, 'metrics.json'), 'utf8')).recomputedPredictionsAgree).toBe(true);
    const byKey = new Map(computeView(db, { op: 'predictDataset', runId: pls.runId, datasetId: 3 }).rows.map((r) => [r.key, Number(r.predicted)]));
    for (const p of runTestPredictions(db, pls.runId)) expect(Math.abs(byKey.get(p.key)! - Number(p.predicted))).toBeLessThanOrEqual(1e-5);

    // A recipe per channel needs one for each channel, and samples with several.
    const train = async (r: RunRequest) => startTraining(db, r, { spawn }).outcome;
    await expect(train(request([snv, null, snv]))).rejects.toThrow('3 channel recipes for 2 channels ("Instrument 1", "Instrument 2"); give one per channel, in order.');
    await expect(train(request([null, snv], 'Instrument 1'))).rejects.toThrow('The dataset has one channel per sample; a recipe per channel needs samples with several (a joined dataset).');
    expect(() => request([snv, snv]) && parseRunRequest({ ...request([snv, snv]), autoRecipe: true })).toThrow(/one recipe per channel or one recipe for all of them, not both/);
    db.close();
  }, 60_000);
});
