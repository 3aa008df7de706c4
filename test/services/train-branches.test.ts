/**
 * Channels on different axes fed to one network branch each (`channelLayout: 'branches'`): two
 * instruments on the same samples, one of 30 points and one of 20 on another range, joined by
 * position. Nothing is resampled; the network reads both channels' points end to end and its
 * stored test predictions are rebuilt from both channels by export and prediction.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { getRun, runTestPredictions } from '../../src-main/db/runs';
import { exportRun, runInputs, runNet } from '../../src-main/services/export';
import { importFiles } from '../../src-main/services/import';
import { joinDatasets } from '../../src-main/services/join';
import { requestByName, startTraining } from '../../src-main/services/train';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { modelSummary } from '../../src-main/services/model-summary';
import { computeView } from '../../src-main/services/views';
import type { ChannelsRecord } from '../../src-main/common/runs/channels';
import { summarizeModel, type LayerSpec } from '../../src-main/common/ml/model';
import { tmpDir } from '../helpers/tmp';
import { userErrorOfAsync } from '../helpers/errors';

const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
const ROWS = 40;

/** 40 samples (30 train, 10 test): instrument 1 on 1000–1058 cm-1 (30 points), instrument 2 on 1500–1595 (20 points) with a band whose height is the target. */
async function joined(): Promise<Db> {
  const dir = tmpDir();
  let seed = 777;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.02;
  const table = (axis: number[], band: (r: number, j: number) => number) => [`split,conc,${axis.join(',')}`, ...Array.from({ length: ROWS }, (_, r) => [r < 30 ? 'train' : 'test', r % 10, ...axis.map((_, j) => (band(r, j) + noise()).toFixed(5))].join(','))].join('\n');
  const tables = [table(Array.from({ length: 30 }, (_, j) => 1000 + 2 * j), () => 1), table(Array.from({ length: 20 }, (_, j) => 1500 + 5 * j), (r, j) => (r % 10) * Math.exp(-(((j - 10) / 3) ** 2)) * 0.1 + 0.5)];
  const db = openProject(path.join(dir, 'p.spectra'), { create: true });
  for (const [i, text] of tables.entries()) {
    const file = path.join(dir, `inst${i + 1}.csv`);
    fs.writeFileSync(file, `${text}\n`);
    await importFiles(db, { files: [file], dataset: `Instrument ${i + 1}`, axisUnit: 'cm-1', splitColumn: 'split' });
  }
  joinDatasets(db, { datasetIds: [1, 2], name: 'both', by: 'position' });
  return db;
}

describe('one branch per channel', () => {
  it('a CNN with a branch per channel reads 30 + 20 points, none resampled, and export and prediction rebuild its test predictions', async () => {
    const db = await joined();
    const outcome = await startTraining(db, requestByName(db, { dataset: 'both', target: 'conc', model: 'cnn', validation: { kind: 'given' }, seed: 1, epochs: 3, channelLayout: 'branches' }), { spawn }).outcome;
    expect(outcome).toMatchObject({ status: 'done', model: 'cnn', epochs: 3 });
    const run = getRun(db, outcome.runId);
    const config = run.config as { input: [number, number]; channels: ChannelsRecord; layers: LayerSpec[] };
    expect(config.input).toEqual([50, 1]);
    expect(config.channels.layout).toBe('branches');
    expect(config.channels.perChannel.map((c) => c.resampledFrom)).toEqual([undefined, undefined]);
    const table = summarizeModel({ schemaVersion: 1, name: 'cnn', layers: config.layers }, config.input, { units: 1 }).layers.filter((l) => !l.path.includes('.') || l.path.endsWith('.c')).map((l) => `${l.path} ${l.type} ${l.detail}`);
    expect(table).toEqual(['1 branches 2 branches: "Instrument 1" 30 points, "Instrument 2" 20 points', '1.c concatenate 128 + 128 = 256', '2 dense 256 → 1']);

    const stored = runTestPredictions(db, outcome.runId);
    const inputs = runInputs(db, run, stored.map((p) => p.sampleId));
    expect(inputs.x).toHaveLength(10 * 50);
    const raw = runNet(db, run).predict(inputs.x, 10);
    const { mean, std } = (run.config as { targetScaling: { mean: number; std: number } }).targetScaling;
    expect(Math.max(...stored.map((p, i) => Math.abs(raw[i]! * std + mean - Number(p.predicted)) / Math.max(1, Math.abs(Number(p.predicted)))))).toBeLessThanOrEqual(1e-5);
    const out = exportRun(db, outcome.runId, path.join(tmpDir(), 'export'));
    expect(JSON.parse(fs.readFileSync(path.join(out.dir, 'metrics.json'), 'utf8')).recomputedPredictionsAgree).toBe(true);
    const byKey = new Map(computeView(db, { op: 'predictDataset', runId: outcome.runId, datasetId: 3 }).rows.map((r) => [r.key, Number(r.predicted)]));
    expect(Math.max(...stored.map((p) => Math.abs(byKey.get(p.key)! - Number(p.predicted)) / Math.max(1, Math.abs(Number(p.predicted)))))).toBeLessThanOrEqual(1e-5);
    db.close();
  }, 120_000);

  it("the Train view's layer table: one branch per channel on its own length, then the join", async () => {
    const db = await joined();
    const s = modelSummary(db, { datasetId: 3, target: 'conc', model: 'cnn', channelLayout: 'branches' });
    expect(s).toMatchObject({ input: [50, 1], outputs: 1, channels: ['Instrument 1', 'Instrument 2'] });
    expect(s.layers.map((l) => l.path).filter((p) => !p.startsWith('1.') || p === '1.c' || p.endsWith('.1'))).toEqual(['1', '1.1.1', '1.2.1', '1.c', '2']);
    expect(s.layers.find((l) => l.path === '1.2.1')).toMatchObject({ input: [20, 1], output: [20, 16] });
    expect(modelSummary(db, { datasetId: 3, target: 'conc', model: 'cnn' }).input).toEqual([30, 2]);
    db.close();
  });

  it('refuses branches for PLS and for a dataset of one channel', async () => {
    const db = await joined();
    const err = (dataset: string, model: 'pls' | 'cnn') => userErrorOfAsync(async () => startTraining(db, requestByName(db, { dataset, target: 'conc', model, validation: { kind: 'given' }, seed: 1, epochs: 1, channelLayout: 'branches' }), { spawn }).outcome);
    expect((await err('both', 'pls')).message).toBe('Branches are for network templates and layer lists; PLS reads the channels one after the other.');
    expect((await err('Instrument 1', 'cnn')).message).toBe('Branches need samples with several channels (a joined dataset); this dataset has one channel per sample.');
    db.close();
  });
});
