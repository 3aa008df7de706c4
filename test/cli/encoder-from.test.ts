/**
 * `spectra-desk train --encoder-from AE_RUN`: a regressor whose first layers are an autoencoder's
 * encoder, started from its stored weights (exactly, parameter by parameter), with a head for
 * the target, trained as a whole through the real trainer process; an encoder that reads another
 * axis, point count or recipe, a run that is not an autoencoder, and a named template are refused
 * and nothing is stored.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src-main/cli/run';
import { runCaptured } from '../helpers/cli';
import { openProjectToRead } from '../../src-main/db/connection';
import { getRun, listRuns } from '../../src-main/db/runs';
import { mulberry32 } from '../../src-main/common/ml/random';
import { planRun } from '../../src-main/common/runs/plan';
import { ENCODER_HEAD } from '../../src-main/common/runs/encoder';
import { encoderSource } from '../../src-main/services/encoder-source';
import { readDatasetForRun, targetColumnsOf } from '../../src-main/services/run-data';
import { requestByName } from '../../src-main/services/train';
import { createOwnRuntime } from '../../src-main/ml/runtime';
import { startFrom } from '../../src-main/ml/trainer/run';
import { runNetwork } from '../../src-main/services/predict';

const cli = (args: string[]) => runCaptured(runCli, args);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-cli-encoder-'));
const project = path.join(dir, 'p.spectra');
const snv = path.join(dir, 'snv.json');
let aeRun = 0;

/** Two Gaussian bands of varying height on `points` points; `height` is the first band's. */
function bandsCsv(file: string, points: number, samples: number, first = 1000): void {
  const rand = mulberry32(5);
  const lines = [`sample,set,height,${Array.from({ length: points }, (_, j) => first + 2 * j).join(',')}`];
  for (let i = 0; i < samples; i++) {
    const a = 1 + rand();
    const b = 0.5 + rand();
    const v = Array.from({ length: points }, (_, j) => a * Math.exp(-(((j - 15) / 4) ** 2)) + b * Math.exp(-(((j - 32) / 5) ** 2)) + 0.01 * rand());
    lines.push(`s${i + 1},${i < samples - 12 ? 'train' : 'test'},${a.toFixed(4)},${v.map((x) => x.toFixed(5)).join(',')}`);
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

const storedRuns = () => {
  const db = openProjectToRead(project);
  const runs = listRuns(db);
  db.close();
  return runs;
};

beforeAll(async () => {
  bandsCsv(path.join(dir, 'bands.csv'), 48, 52);
  bandsCsv(path.join(dir, 'short.csv'), 40, 52);
  bandsCsv(path.join(dir, 'shifted.csv'), 48, 52, 1001);
  fs.writeFileSync(snv, JSON.stringify({ schemaVersion: 1, steps: [{ kind: 'snv' }] }));
  for (const [file, name] of [['bands.csv', 'Bands'], ['bands.csv', 'Again'], ['short.csv', 'Short'], ['shifted.csv', 'Shifted']]) {
    expect((await cli(['import', path.join(dir, file), '--project', project, '--dataset', name, '--split-column', 'set'])).code).toBe(0);
  }
  // The same spectra twice as one dataset of two channels.
  expect((await cli(['join', '--project', project, '--datasets', 'Bands,Again', '--as', 'Both', '--by', 'id'])).code).toBe(0);
  const r = await cli(['train', '--project', project, '--dataset', 'Bands', '--model', 'ae', '--epochs', '30', '--seed', '1', '--engine', 'js', '--json']);
  expect(r.code).toBe(0);
  aeRun = JSON.parse(r.stdout).runId;
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('train --encoder-from', () => {
  it("starts the network's encoder layers from the autoencoder's stored weights, value for value", async () => {
    const db = openProjectToRead(project);
    try {
      const request = requestByName(db, { dataset: 'Bands', target: 'height', model: 'custom', encoderFrom: aeRun, pipeline: null, validation: { kind: 'given' }, seed: 3, engine: 'js' });
      const dataset = readDatasetForRun(db, request.datasetId);
      const encoder = encoderSource(db, aeRun);
      const plan = planRun({ request, data: dataset.data, ...targetColumnsOf(dataset, request), encoder });
      const ae = getRun(db, aeRun).config as { layers: unknown[] };
      // The ae's 48 points: two stride-2 stages (48 → 24 → 12), flatten, the latent dense layer.
      expect(plan.job.layers).toEqual([...ae.layers.slice(0, 6), ...ENCODER_HEAD]);
      expect(plan.config.encoderFrom).toEqual({ runId: aeRun, layers: 6, values: 16 * 9 + 16 + 32 * 16 * 7 + 32 + 12 * 32 * 8 + 8 });
      expect(plan.job.startWeights!.params.map((p) => p.name)).toEqual(['1_conv1d/kernel', '1_conv1d/bias', '3_conv1d/kernel', '3_conv1d/bias', '6_dense/kernel', '6_dense/bias']);
      const { job } = plan;
      const runtime = await createOwnRuntime({ layers: job.layers, input: job.input, task: job.task, batchSize: job.batchSize, seed: job.seed, optimizer: { learningRate: job.learningRate }, x: job.train.x, y: job.train.y, kernels: 'js', threads: 1 });
      try {
        const before = runtime.snapshot().weights;
        startFrom(runtime, job.startWeights!);
        const after = runtime.snapshot().weights;
        const stored = runNetwork(db, getRun(db, aeRun)).weights;
        const started = new Set(job.startWeights!.params.map((p) => p.name));
        const theirs = new Map(encoder.params.filter((p) => started.has(p.name)).map((p) => [p.name, stored.subarray(p.offset, p.offset + p.size)]));
        for (const p of runtime.params) {
          const ours = after.subarray(p.offset, p.offset + p.size);
          if (theirs.has(p.name)) expect(ours).toEqual(theirs.get(p.name));
          // The head and the output keep their own random initialisation.
          else expect(ours).toEqual(before.subarray(p.offset, p.offset + p.size));
        }
        expect(after.subarray(0, 16 * 9)).not.toEqual(before.subarray(0, 16 * 9));
      } finally {
        await runtime.dispose();
      }
    } finally {
      db.close();
    }
  }, 60_000);

  it('trains a regressor from the encoder, stores where it started and fine-tunes every layer', async () => {
    const r = await cli(['train', '--project', project, '--dataset', 'Bands', '--target', 'height', '--encoder-from', String(aeRun), '--epochs', '20', '--seed', '1', '--engine', 'js', '--json']);
    expect(r.code).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ model: 'custom', task: 'regression', status: 'done', epochs: 20 });
    const db = openProjectToRead(project);
    const run = getRun(db, o.runId);
    const stored = runNetwork(db, run).weights;
    const aeWeights = runNetwork(db, getRun(db, aeRun)).weights;
    db.close();
    expect(run.config).toMatchObject({ model: 'custom', encoderFrom: { runId: aeRun, layers: 6 }, input: [48, 1], recipe: null });
    expect(run.log).toContain(`Started from autoencoder run ${aeRun}: its 6 encoder layers up to the latent layer, with its trained weights, then a dense head of 32 units and the output; the whole network is fine-tuned (nothing frozen).`);
    // Fine-tuned: the first convolution moved away from the autoencoder's values.
    expect(stored.subarray(0, 16 * 9)).not.toEqual(aeWeights.subarray(0, 16 * 9));
    expect(Number.isFinite(o.metrics.test.rmse)).toBe(true);
  }, 120_000);

  it('refuses an encoder on another point count, axis, channels or recipe, a run that is not an autoencoder, or a named template; nothing is stored', async () => {
    const before = storedRuns().length;
    const train = (more: string[]) => cli(['train', '--project', project, '--target', 'height', '--epochs', '2', '--engine', 'js', ...more]);
    const lines = async (more: string[]) => {
      const r = await train(more);
      expect(r.code).not.toBe(0);
      return r.stderr.trim();
    };
    expect(await lines(['--dataset', 'Short', '--encoder-from', String(aeRun)])).toBe(`spectra-desk: Autoencoder run ${aeRun} does not read what this run reads: it has 48 points, this run 40. Train an autoencoder on the same axis, channels and recipe, or train without its encoder. (field encoderFrom)`);
    expect(await lines(['--dataset', 'Shifted', '--encoder-from', String(aeRun)])).toBe(`spectra-desk: Autoencoder run ${aeRun} does not read what this run reads: its axis differs at point 1 (1000 against 1001). Train an autoencoder on the same axis, channels and recipe, or train without its encoder. (field encoderFrom)`);
    expect(await lines(['--dataset', 'Both', '--encoder-from', String(aeRun)])).toBe(`spectra-desk: Autoencoder run ${aeRun} does not read what this run reads: it reads 1 channel, this run 2 channels (Bands, Again). Train an autoencoder on the same axis, channels and recipe, or train without its encoder. (field encoderFrom)`);
    expect(await lines(['--dataset', 'Bands', '--encoder-from', String(aeRun), '--pipeline', snv])).toBe(`spectra-desk: Autoencoder run ${aeRun} does not read what this run reads: it read its spectra through raw spectra, this run through snv. Train an autoencoder on the same axis, channels and recipe, or train without its encoder. (field encoderFrom)`);
    expect(await lines(['--dataset', 'Bands', '--encoder-from', String(aeRun), '--model', 'cnn'])).toBe("spectra-desk: A network started from an autoencoder's encoder is that encoder and a dense head, not the cnn model: train it as a custom model (the command line does when --model is left out). (field encoderFrom)");
    const regressor = storedRuns().find((run) => run.model === 'custom')!.id;
    expect(await lines(['--dataset', 'Bands', '--encoder-from', String(regressor)])).toBe(`spectra-desk: Run ${regressor} is a custom model, not an autoencoder (ae): only an autoencoder's encoder can start a network. (field encoderFrom)`);
    expect(storedRuns().length).toBe(before);
  }, 60_000);
});
