/**
 * Model packages (UCR Coffee): a package written from one project predicts the same numbers
 * from the folder alone and in a fresh project, and its model.json loads in TensorFlow.js
 * (tfjs-layers on the CPU backend) with the same class probabilities — for the templates and for a
 * custom network of the layers published spectral CNNs use.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { openProject } from '../../src-main/db/connection';
import { loadSpectra, loadAxis, datasetIdByNameOrId } from '../../src-main/db/datasets';
import { importFiles } from '../../src-main/services/import';
import { requestByName, startTraining } from '../../src-main/services/train';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { loadPredictor, modelInputs, onModelAxis, predictSpectra, type Prediction, type SpectrumInput } from '../../src-main/services/predict';
import { readModelPackage, writeModelPackage } from '../../src-main/services/model-package';
import { parsePipelineSpec } from '../../src-main/common/preprocessing/pipeline';
import { parseFile } from '../../src-main/io';
import { fixture } from '../helpers/datasets';
import type { LayerSpec } from '../../src-main/common/ml/model';
import { getRun } from '../../src-main/db/runs';
import { firstLayer } from '../../src-main/services/run-views';

const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
const TEST_FILE = fixture('ucr_spectro/Coffee/Coffee_TEST.tsv');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-package-'));
const project = path.join(dir, 'coffee.spectra');
const runs: Record<'cnn' | 'resnet1d' | 'cnn-dense' | 'custom' | 'pls' | 'pls-nn', number> = { cnn: 0, resnet1d: 0, 'cnn-dense': 0, custom: 0, pls: 0, 'pls-nn': 0 };
/** The layers published spectral CNNs use, each kind once: explicit conv padding, leaky ReLU, 'same' max and average pooling (with short edge windows on Coffee's 286 points), ELU, tanh, sigmoid. */
const PUBLISHED_LAYERS: LayerSpec[] = [
  { type: 'conv1d', filters: 6, kernelSize: 5, strides: 2, dilation: 1, padding: 2, useBias: true, kernelInitializer: 'heNormal' },
  { type: 'leakyRelu', alpha: 0.2 },
  { type: 'maxPool1d', poolSize: 2, strides: 2, padding: 'same' },
  { type: 'conv1d', filters: 4, kernelSize: 3, strides: 1, dilation: 1, padding: 1, useBias: true },
  { type: 'batchNorm', momentum: 0.9, epsilon: 1e-3 },
  { type: 'elu' },
  { type: 'avgPool1d', poolSize: 3, strides: 2, padding: 'same' },
  { type: 'tanh' },
  { type: 'flatten' },
  { type: 'dense', units: 8, useBias: true },
  { type: 'sigmoid' },
  { type: 'dropout', rate: 0.3 },
];

function fileSpectra(file: string): SpectrumInput[] {
  const batch = parseFile(new Uint8Array(fs.readFileSync(file)), path.basename(file));
  return batch.samples.map((s) => ({ key: s.id, axis: batch.axes[s.axis]!.values, values: s.channels[0]!, unit: batch.axes[s.axis]!.unit, file: path.basename(file) }));
}

/** Largest |Δ| over every number of two prediction lists (probabilities or values, T², Q, limits). */
function maxDelta(a: Prediction[], b: Prediction[]): number {
  let d = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    expect(y.key).toBe(x.key);
    expect(y.predicted).toBe(typeof x.predicted === 'number' ? y.predicted : x.predicted);
    const xs = [...(x.probabilities ?? []), typeof x.predicted === 'number' ? x.predicted : 0, x.t2, x.q, x.t2Limit, x.qLimit];
    const ys = [...(y.probabilities ?? []), typeof y.predicted === 'number' ? y.predicted : 0, y.t2, y.q, y.t2Limit, y.qLimit];
    xs.forEach((v, j) => (d = Math.max(d, Math.abs(v - ys[j]!))));
  });
  return d;
}

beforeAll(async () => {
  const db = openProject(project, { create: true });
  await importFiles(db, { files: [fixture('ucr_spectro/Coffee/Coffee_TRAIN.tsv')], dataset: 'Coffee', splitTag: 'train' });
  await importFiles(db, { files: [TEST_FILE], dataset: 'Coffee', splitTag: 'test' });
  const pipeline = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'snv' }, { kind: 'savitzkyGolay', params: { windowSize: 7, polynomial: 2, derivative: 1 } }, { kind: 'meanCenter' }] });
  for (const model of ['cnn', 'resnet1d', 'cnn-dense', 'pls'] as const) {
    const o = await startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model, validation: { kind: 'given' }, seed: 5, epochs: 4, pipeline, ...(model === 'pls' ? { components: 4 } : {}) }), { spawn }).outcome;
    expect(o.status).toBe('done');
    runs[model] = o.runId;
  }
  const custom = await startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model: 'custom', layers: PUBLISHED_LAYERS, optimizer: 'rmsprop', validation: { kind: 'given' }, seed: 5, epochs: 4, pipeline }), { spawn }).outcome;
  expect(custom.status).toBe('done');
  expect(getRun(db, custom.runId).config).toMatchObject({ optimizer: 'rmsprop', momentum: 0, layers: PUBLISHED_LAYERS });
  runs.custom = custom.runId;
  const nn = await startTraining(db, requestByName(db, { dataset: 'Coffee', target: 'class', model: 'pls', validation: { kind: 'given' }, seed: 5, pipeline, components: 4, plsDecision: 'nearest-neighbour' }), { spawn }).outcome;
  expect(nn.decision).toBe('nearest-neighbour');
  runs['pls-nn'] = nn.runId;
  db.close();
}, 180_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('model package', () => {
  for (const model of ['cnn', 'resnet1d', 'custom', 'pls', 'pls-nn'] as const) {
    it(`${model}: the package alone and a fresh project predict what the project predicts`, async () => {
      const db = openProject(project);
      const out = path.join(dir, `${model}-package`);
      const { files } = writeModelPackage(db, runs[model], out);
      expect(files.sort()).toEqual(model.startsWith('pls') ? ['model.json', 'pipeline.json', 'spectra-desk.json'] : ['model.json', 'pipeline.json', 'spectra-desk.json', 'weights.bin']);
      expect(fs.readdirSync(out).sort()).toEqual(files.sort());
      if (model === 'pls-nn') {
        expect((JSON.parse(fs.readFileSync(path.join(out, 'model.json'), 'utf8')) as { decision: { rule: string; labels: number[] } }).decision).toMatchObject({ rule: 'nearest-neighbour', labels: expect.any(Array) as unknown });
        expect((JSON.parse(fs.readFileSync(path.join(out, 'spectra-desk.json'), 'utf8')) as { output: string }).output).toMatch(/^PLS model JSON with decision "nearest-neighbour": scores t = /);
      }
      // Format 2 only where an older reader would mispredict (the nearest-neighbour decision).
      expect((JSON.parse(fs.readFileSync(path.join(out, 'spectra-desk.json'), 'utf8')) as { formatVersion: number }).formatVersion).toBe(model === 'pls-nn' ? 2 : 1);
      const spectra = fileSpectra(TEST_FILE);
      const reference = predictSpectra(loadPredictor(db, runs[model]), spectra);
      db.close();

      // The folder alone, moved elsewhere.
      const moved = path.join(dir, 'moved', model);
      fs.mkdirSync(path.dirname(moved), { recursive: true });
      fs.renameSync(out, moved);
      const pkg = readModelPackage(moved);
      expect(pkg.classes).toEqual(['0', '1']);
      const alone = predictSpectra(pkg, spectra);
      expect(maxDelta(reference, alone)).toBeLessThanOrEqual(1e-6);
      expect(alone).toEqual(reference);

      // A fresh project: the spectra imported there, predicted with the package.
      const fresh = openProject(path.join(dir, `fresh-${model}.spectra`), { create: true });
      await importFiles(fresh, { files: [TEST_FILE], dataset: 'New' });
      const id = datasetIdByNameOrId(fresh, 'New');
      const stored = loadSpectra(fresh, id);
      const { values: axis, unit } = loadAxis(fresh, stored[0]!.axisId);
      const inFresh = predictSpectra(pkg, stored.map((s) => ({ key: s.key, axis, unit, values: s.channels[0]! })));
      fresh.close();
      expect(maxDelta(reference, inFresh)).toBeLessThanOrEqual(1e-6);
    }, 60_000);
  }

  for (const model of ['cnn', 'resnet1d', 'cnn-dense', 'custom'] as const) {
    it(`${model}: model.json loads in tfjs-layers and gives our class probabilities`, async () => {
      const db = openProject(project);
      const out = path.join(dir, `${model}-tfjs`);
      writeModelPackage(db, runs[model], out);
      db.close();
      const pkg = readModelPackage(out);
      const spectra = fileSpectra(TEST_FILE);
      const ours = predictSpectra(pkg, spectra);
      const json = JSON.parse(fs.readFileSync(path.join(out, 'model.json'), 'utf8')) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
      const bin = fs.readFileSync(path.join(out, 'weights.bin'));
      const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
      await tf.setBackend('cpu');
      const net = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData }));
      const L = pkg.rawAxis.length;
      const raw = new Float64Array(spectra.length * L);
      spectra.forEach((s, i) => raw.set(onModelAxis(pkg, s), i * L));
      const x = modelInputs(pkg, raw, spectra.length, spectra.map((s) => s.key));
      const y = net.predict(tf.tensor3d(x, [spectra.length, pkg.modelAxis.length, 1])) as tf.Tensor;
      const probs = (await y.data()) as Float32Array;
      let d = 0;
      ours.forEach((r, i) => r.probabilities!.forEach((v, c) => (d = Math.max(d, Math.abs(v - probs[i * 2 + c]!)))));
      expect(d).toBeLessThan(1e-4);
      y.dispose();
      net.dispose();
    }, 60_000);
  }

  it('custom: the first-layer view words the convolution as the layer table does (stride, explicit padding, initialiser)', () => {
    const db = openProject(project);
    const view = firstLayer(db, runs.custom);
    db.close();
    expect(view.detail).toBe('6 filters × 5, stride 2, padding 2, heNormal');
    expect([view.filterCount, view.kernelSize, view.maps.length]).toEqual([6, 5, 6 * 286]);
    expect(view.maps.every(Number.isFinite)).toBe(true);
  });

  it('mlp regression: the package predicts the project\'s values; tfjs-layers gives the standardised value', async () => {
    const lines = ['sample,set,y,' + Array.from({ length: 286 }, (_, j) => j + 1).join(',')];
    for (const [file, set] of [['Coffee_TRAIN.tsv', 'train'], ['Coffee_TEST.tsv', 'test']] as const) {
      fileSpectra(fixture('ucr_spectro/Coffee', file)).forEach((s, i) => lines.push(`${set}${i + 1},${set},${(10 * s.values[119]! + (i % 3)).toFixed(4)},${Array.from(s.values).join(',')}`));
    }
    const csv = path.join(dir, 'coffee-y.csv');
    fs.writeFileSync(csv, `${lines.join('\n')}\n`);
    const db = openProject(project);
    await importFiles(db, { files: [csv], dataset: 'CoffeeY', splitColumn: 'set' });
    const o = await startTraining(db, requestByName(db, { dataset: 'CoffeeY', target: 'y', model: 'mlp', validation: { kind: 'given' }, seed: 2, epochs: 5 }), { spawn }).outcome;
    const out = path.join(dir, 'mlp-y');
    writeModelPackage(db, o.runId, out);
    const spectra = fileSpectra(TEST_FILE);
    const reference = predictSpectra(loadPredictor(db, o.runId), spectra);
    db.close();
    const pkg = readModelPackage(out);
    const ours = predictSpectra(pkg, spectra);
    expect(maxDelta(reference, ours)).toBeLessThanOrEqual(1e-6);
    const json = JSON.parse(fs.readFileSync(path.join(out, 'model.json'), 'utf8')) as { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] };
    const bin = fs.readFileSync(path.join(out, 'weights.bin'));
    await tf.setBackend('cpu');
    const net = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]!.weights, weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) }));
    const raw = new Float64Array(spectra.length * 286);
    spectra.forEach((s, i) => raw.set(onModelAxis(pkg, s), i * 286));
    const y = net.predict(tf.tensor3d(modelInputs(pkg, raw, spectra.length, spectra.map((s) => s.key)), [spectra.length, 286, 1])) as tf.Tensor;
    const values = Array.from(await y.data(), (v) => v * pkg.targetScaling!.std + pkg.targetScaling!.mean);
    ours.forEach((r, i) => expect(Math.abs((r.predicted as number) - values[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(values[i]!))));
    y.dispose();
    net.dispose();
  }, 60_000);

  it('a folder that is not a package is refused with what is missing', () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    expect(() => readModelPackage(empty)).toThrow(`${empty} is not a Spectra Desk model package: spectra-desk.json is missing. Export one with spectra-desk export-model.`);
  });
});
