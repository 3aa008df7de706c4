/**
 * Whole-map prediction gives, pixel by pixel, exactly the numbers of the plain path it was made
 * faster than: each spectrum copied on its own onto the raw axis (rounded to float32), the
 * recipe with its fitted state and the input scaling (`modelInputs`), the network's outputs
 * (`Net.predict`) and, in a forward pass of its own, its penultimate features (`Net.features`) for
 * the PCA check; PLS's prediction and its check on the same inputs. Checked on chondro (35 × 25
 * pixels) for a CNN with a fitted recipe and for PLS, on the whole map and in bands of 4 rows
 * (with progress after each band), and against `predictSpectra` given each spectrum with an axis
 * array of its own (compared value by value rather than by identity).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProject, type Db } from '../../src-main/db/connection';
import { loadAxis, loadSpectra } from '../../src-main/db/datasets';
import { importFiles } from '../../src-main/services/import';
import { requestByName, startTraining } from '../../src-main/services/train';
import { forkTrainer } from '../../src-main/services/trainer-client';
import { PARALLEL_MIN_SPECTRA, loadPredictor, modelInputs, netOf, predictSpectra, spectraInputs, withPredictionThreads, type Predictor, type SpectrumInput } from '../../src-main/services/predict';
import { predictMap } from '../../src-main/services/map-predict';
import { requireMap } from '../../src-main/services/maps';
import { parsePipelineSpec } from '../../src-main/common/preprocessing/pipeline';
import { parseScheme } from '../../src-main/common/ml/splits';
import { pcaOutlierStats } from '../../src-main/common/ml/outlier';
import { predictPls } from '../../src-main/common/ml/pls';
import { plsOutlierStats } from '../../src-main/common/ml/pls/diagnostics';
import { argmaxRows, softmaxRows } from '../../src-main/common/ml/metrics';
import { predictionThreadsRunning } from '../../src-main/ml/engine/predict-pool';
import { fixture } from '../helpers/datasets';

const spawn = forkTrainer(path.resolve(__dirname, '../../out/ml/trainer.cjs'));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spectra-map-predict-exact-'));
const project = path.join(dir, 'p.spectra');
const runs = { cnn: 0, pls: 0 };
let mapId = 0;

beforeAll(async () => {
  const db = openProject(project, { create: true });
  mapId = (await importFiles(db, { files: [fixture('raman_map_chondro', 'chondro.csv')], dataset: 'chondro', axisUnit: 'cm-1' })).datasetId;
  const pipeline = parsePipelineSpec({ schemaVersion: 1, steps: [{ kind: 'snv' }, { kind: 'savitzkyGolay', params: { windowSize: 7, polynomial: 2, derivative: 1 } }, { kind: 'meanCenter' }] });
  const validation = parseScheme('blocked-holdout:0.2:1');
  const cnn = await startTraining(db, requestByName(db, { dataset: 'chondro', target: 'cluster', model: 'cnn', pipeline, validation, seed: 2, epochs: 3 }), { spawn }).outcome;
  const pls = await startTraining(db, requestByName(db, { dataset: 'chondro', target: 'cluster', model: 'pls', pipeline: null, validation, seed: 1, components: 4 }), { spawn }).outcome;
  expect([cnn.status, pls.status]).toEqual(['done', 'done']);
  Object.assign(runs, { cnn: cnn.runId, pls: pls.runId });
  db.close();
}, 180_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface PixelFigures {
  predicted: number[];
  probabilities: number[];
  t2: number[];
  q: number[];
  outOfModel: number[];
  limits: number[];
}

/** The plain path, spectrum by spectrum and pass by pass, for the map's samples in id order. */
function reference(db: Db, p: Predictor): PixelFigures {
  const spectra = loadSpectra(db, mapId);
  const L = p.rawAxis.length;
  const n = spectra.length;
  const rows = new Float64Array(n * L);
  spectra.forEach((s, i) => rows.set(Float64Array.from(s.channels[0]!, Math.fround), i * L));
  const x = modelInputs(p, rows, n, spectra.map((s) => s.key));
  const K = p.classes.length;
  let out: Float64Array;
  let stats: ReturnType<typeof pcaOutlierStats>;
  if (p.pls) {
    out = predictPls(p.pls, Float64Array.from(x), n);
    stats = plsOutlierStats(p.pls, (p.outlier as { kind: 'pls'; limits: Parameters<typeof plsOutlierStats>[1] }).limits, Float64Array.from(x), n);
  } else {
    const net = netOf(p);
    out = Float64Array.from(net.predict(x, n));
    stats = pcaOutlierStats((p.outlier as { kind: 'pca'; model: Parameters<typeof pcaOutlierStats>[0] }).model, net.features(x, n), n);
  }
  const winners = argmaxRows(Float32Array.from(out), n, K);
  const probabilities: number[] = [];
  for (let i = 0; i < n; i++) {
    const o = Array.from(Float32Array.from(out.subarray(i * K, (i + 1) * K)));
    if (p.pls) {
      const clipped = o.map((v) => Math.min(1, Math.max(0, v)));
      const sum = clipped.reduce((a, b) => a + b, 0);
      probabilities.push(...(sum > 0 ? clipped.map((v) => v / sum) : clipped.map(() => 1 / K)));
    } else probabilities.push(...softmaxRows(o, 1, K));
  }
  return { predicted: Array.from(winners), probabilities, t2: Array.from(stats.t2), q: Array.from(stats.q), outOfModel: stats.outOfModel.map((f) => (f ? 1 : 0)), limits: [stats.t2Limit, stats.qLimit] };
}

/** The map's spectra in id order, as predictSpectra takes them. */
function mapSpectra(db: Db, p: Predictor): SpectrumInput[] {
  const spectra = loadSpectra(db, mapId);
  const axis = loadAxis(db, spectra[0]!.axisId);
  expect(axis.values.length).toBe(p.rawAxis.length);
  return spectra.map((s) => ({ key: s.key, axis: axis.values, values: s.channels[0]!, unit: axis.unit }));
}

/** A map prediction's figures for the map's samples in id order (chondro fills every pixel). */
function ofMap(db: Db, m: ReturnType<typeof predictMap>): PixelFigures {
  const { ids, grid } = requireMap(db, mapId);
  const K = m.classes.length;
  const pixels = ids.map((_, i) => grid.pixelOfSample[i]!);
  return {
    predicted: pixels.map((px) => m.predicted[px]!),
    probabilities: pixels.flatMap((px) => Array.from(m.probabilities!.subarray(px * K, (px + 1) * K))),
    t2: pixels.map((px) => m.t2[px]!),
    q: pixels.map((px) => m.q[px]!),
    outOfModel: pixels.map((px) => m.outOfModel[px]!),
    limits: [m.t2Limit, m.qLimit],
  };
}

describe('whole-map prediction equals the plain path exactly', () => {
  for (const kind of ['cnn', 'pls'] as const) {
    it(`${kind}: every pixel's class, probabilities, T², Q and flag, on the whole map and in bands of 4 rows`, () => {
      const db = openProject(project);
      const p = loadPredictor(db, runs[kind]);
      expect(p.outlier?.kind).toBe(kind === 'cnn' ? 'pca' : 'pls');
      if (kind === 'cnn') expect(p.recipe?.spec.steps.map((s) => s.kind)).toEqual(['snv', 'savitzkyGolay', 'meanCenter']);
      const want = reference(db, p);
      expect(want.predicted.length).toBe(875);
      // Flags to compare, and classes of more than one kind.
      expect(want.outOfModel.filter((f) => f === 1).length).toBeGreaterThan(0);
      expect(new Set(want.predicted).size).toBeGreaterThan(1);
      expect(ofMap(db, predictMap(db, { datasetId: mapId, runId: runs[kind] }))).toEqual(want);
      const progress: number[] = [];
      const banded = predictMap(db, { datasetId: mapId, runId: runs[kind], bandRows: 4 }, (done, total) => {
        expect(total).toBe(875);
        progress.push(done);
      });
      expect(ofMap(db, banded)).toEqual(want);
      // 25 rows of 35 pixels in bands of 4 rows: 140 pixels a band, the last band 35.
      expect(progress).toEqual([140, 280, 420, 560, 700, 840, 875]);
      db.close();
    }, 60_000);
  }

  it('cnn: split over a worker thread (forced from 1 spectrum), every pixel is the same, whole map and in bands of 4 rows, and the thread ends', async () => {
    const db = openProject(project);
    const p = loadPredictor(db, runs.cnn);
    const want = reference(db, p);
    // A row's outputs and features do not depend on the rows batched with it (so any split keeps them).
    const x = spectraInputs(p, mapSpectra(db, p));
    const net = netOf(p);
    const width = x.length / 875;
    const pieces = [0, 1, 37, 100, 101, 700, 875];
    const byPiece = (f: (x: Float32Array, n: number) => Float32Array) => pieces.slice(1).flatMap((to, i) => Array.from(f(x.subarray(pieces[i]! * width, to * width), to - pieces[i]!)));
    expect(byPiece((xs, n) => net.predict(xs, n))).toEqual(Array.from(net.predict(x, 875)));
    expect(byPiece((xs, n) => net.features(xs, n))).toEqual(Array.from(net.features(x, 875)));
    const passes: [number, number][] = [];
    const threads = { minSpectra: 1, workers: 1, onParallel: (t: number, n: number) => passes.push([t, n]) };
    expect(ofMap(db, predictMap(db, { datasetId: mapId, runId: runs.cnn, threads }))).toEqual(want);
    // 875 spectra, 14 batches of 64: 7 on this thread, 7 on the worker.
    expect(passes).toEqual([[2, 875]]);
    passes.length = 0;
    const progress: number[] = [];
    expect(ofMap(db, predictMap(db, { datasetId: mapId, runId: runs.cnn, bandRows: 4, threads }, (done) => progress.push(done)))).toEqual(want);
    // Bands of 140 spectra (3 batches: 2 here, 1 there); the last, of 35, is one batch: this thread alone.
    expect(passes).toEqual([[2, 140], [2, 140], [2, 140], [2, 140], [2, 140], [2, 140]]);
    expect(progress).toEqual([140, 280, 420, 560, 700, 840, 875]);
    // predictSpectra in a scope of its own: the same predictions as on this thread alone.
    const spectra = mapSpectra(db, p);
    expect(withPredictionThreads(p, spectra.length, () => predictSpectra(p, spectra), { minSpectra: 1, workers: 1 })).toEqual(predictSpectra(p, spectra));
    db.close();
    // Every pool was closed: its thread exits, nothing is left to keep the process alive.
    for (let i = 0; i < 500 && predictionThreadsRunning() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(predictionThreadsRunning()).toBe(0);
  }, 60_000);

  it('predictSpectra of 2,625 spectra (the map three times, over PARALLEL_MIN_SPECTRA) starts its own threads, gives what one thread gives, and closes them', async () => {
    const db = openProject(project);
    const p = loadPredictor(db, runs.cnn);
    const once = mapSpectra(db, p);
    const spectra = [...once, ...once, ...once];
    expect(spectra.length).toBeGreaterThanOrEqual(PARALLEL_MIN_SPECTRA);
    const single = withPredictionThreads(p, spectra.length, () => predictSpectra(p, spectra), { workers: 0 });
    expect(predictSpectra(p, spectra)).toEqual(single);
    db.close();
    for (let i = 0; i < 500 && predictionThreadsRunning() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(predictionThreadsRunning()).toBe(0);
  }, 60_000);

  it('predictSpectra, each spectrum with an axis array of its own, gives the same figures as the map', () => {
    const db = openProject(project);
    const p = loadPredictor(db, runs.cnn);
    const spectra = loadSpectra(db, mapId);
    const axis = loadAxis(db, spectra[0]!.axisId);
    const got = predictSpectra(
      p,
      spectra.map((s) => ({ key: s.key, axis: Float64Array.from(axis.values), values: Array.from(s.channels[0]!), unit: axis.unit })),
    );
    const want = reference(db, p);
    expect(got.map((r) => p.classes.indexOf(String(r.predicted)))).toEqual(want.predicted);
    expect(got.flatMap((r) => r.probabilities!)).toEqual(want.probabilities);
    expect([got.map((r) => r.t2), got.map((r) => r.q), got.map((r) => (r.outOfModel ? 1 : 0))]).toEqual([want.t2, want.q, want.outOfModel]);
    db.close();
  }, 60_000);
});
