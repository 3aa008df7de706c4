/**
 * Training on samples with two channels (two datasets joined by position) through the trainer
 * process: the network reads [points, 2], PLS both channels one after the other.
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
import { requestByName, startTraining } from '../../src-main/services/train';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { loadPredictor } from '../../src-main/services/predict';
import { tmpDir } from '../helpers/tmp';
import { userErrorOf } from '../helpers/errors';

const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
const ROWS = 40;
const POINTS = 30;

/**
 * Two instruments on the same 40 samples (30 train, 10 test): the first sees noise only, the
 * second a band whose height is the target; so only a model that reads channel 1 predicts it.
 */
async function joined(): Promise<Db> {
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
  return db;
}

describe('training on two channels', () => {
  it('a CNN reads [30 points, 2 channels] and PLS both channels, block-scaled; PLS predicts the target channel 1 carries', async () => {
    const db = await joined();
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
    // Predicting and activation maps read one channel so far: refused, not read from channel 0 alone.
    expect(userErrorOf(() => loadPredictor(db, cnn.runId)).message).toBe(
      `Run ${cnn.runId} was trained on 2 channels per sample ("Instrument 1", "Instrument 2"); predicting with it (from files or from a dataset) reads one channel so far. Its stored test metrics and predictions are on the run page, and its export recomputes them from every channel.`,
    );
    expect(userErrorOf(() => camForRun(db, cnn.runId)).message).toBe(
      `Run ${cnn.runId} was trained on 2 channels per sample ("Instrument 1", "Instrument 2"); computing its activation maps reads one channel so far. Its stored test metrics and predictions are on the run page, and its export recomputes them from every channel.`,
    );
    db.close();
  }, 60_000);
});
