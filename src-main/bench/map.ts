/**
 * The map section of `npm run bench` (BENCH_ONLY=map): a generated ENVI cube (float32 BIP,
 * BENCH_MAP=WxHxB, default 500x500x1000, about 1 GB) and a labelled 100 × 100 training cube
 * of the same spectra, written to the bench's temp folder. Each step runs in a process of its
 * own, so the peak resident memory it reports (process.resourceUsage().maxRSS) is that step's:
 * import of both cubes (streamed from the data file into SQLite, with the map's band-major copy,
 * db/map-bands.ts, written in the same transaction), a band read from each pixel's stored
 * spectrum with substr (what a read-only connection to a map without the copy does), building
 * the copy again on its own and a band image read from it, the
 * PCA image (the paged PCA: mean, covariance and scores in three passes over float32 pages),
 * training the CNN on the training cube (the trainer's own peak from the run's metrics), in memory
 * and streamed from the project file a window at a time, a cross-validation of it with its
 * spectra read once for every fold and with every fold streamed, and the prediction of every
 * pixel of the map in bands of rows.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { openProject } from '../db/connection';
import { datasetIdByNameOrId } from '../db/datasets';
import { mapSamples, spectrumSlices } from '../db/maps';
import { buildBandCopy } from '../db/map-bands';
import { getRun } from '../db/runs';
import { importFiles } from '../services/import';
import { mapImage, singleAxis } from '../services/maps';
import { predictMap } from '../services/map-predict';
import { requestByName, startTraining } from '../services/train';
import { defaultValidation } from '../services/run-data';
import { forkTrainer } from '../services/trainer-client';
import { STREAM_DEFAULTS } from '../services/streamed-run';
import { builtFile } from '../ml/built-files';
import { isCrossValidationConfig } from '../common/runs/schema';
import { parseScheme } from '../common/ml/splits';

const STAGE_ENV = 'BENCH_MAP_STAGE';
const DIR_ENV = 'BENCH_MAP_DIR';
const RESULT = '@@map-bench ';
/** Peak resident memory each process must stay under. */
const BUDGET_BYTES = 2 * 1024 ** 3;
const TRAIN_SIDE = 100;
const CLASSES = 3;
const EPOCHS = 2;
const CV_FOLDS = 2;

type Shape = { width: number; height: number; bands: number };

export function mapShape(text = process.env.BENCH_MAP ?? '500x500x1000'): Shape {
  const m = /^\s*(\d+)x(\d+)x(\d+)\s*$/.exec(text);
  const shape = m ? { width: Number(m[1]), height: Number(m[2]), bands: Number(m[3]) } : null;
  if (!shape || shape.width < 2 || shape.height < 2 || shape.bands < 8) throw new Error(`BENCH_MAP must be WIDTHxHEIGHTxBANDS, each at least 2 (bands at least 8), e.g. 100x100x1000 (got "${text}")`);
  return shape;
}

/** The class of a pixel: three vertical stripes, so a blocked split sees each class on both sides only by luck of the layout. */
const classOf = (s: number, width: number) => Math.min(CLASSES - 1, Math.floor((CLASSES * s) / width));

/**
 * Writes `<stem>.hdr` and `<stem>.img` a line at a time: a Gaussian band whose place depends on
 * the pixel's class, a sloping baseline and uniform noise from a fixed seed.
 */
export function writeCube(dir: string, stem: string, shape: Shape, seed: number): number {
  const { width, height, bands } = shape;
  const profiles = Array.from({ length: CLASSES }, (_, c) => Float32Array.from({ length: bands }, (_, b) => 1 + b / bands + 4 * Math.exp(-(((b - bands * (0.25 + 0.25 * c)) / (bands / 40)) ** 2))));
  const wavenumbers = Array.from({ length: bands }, (_, b) => (400 + (b * 1400) / (bands - 1)).toFixed(3));
  fs.writeFileSync(
    path.join(dir, `${stem}.hdr`),
    ['ENVI', `samples = ${width}`, `lines = ${height}`, `bands = ${bands}`, 'header offset = 0', 'data type = 4', 'interleave = bip', 'byte order = 0', 'wavelength units = Wavenumber', `wavelength = {${wavenumbers.join(', ')}}`, ''].join('\n'),
  );
  const line = new Float32Array(width * bands);
  let state = seed;
  const fd = fs.openSync(path.join(dir, `${stem}.img`), 'w');
  try {
    for (let l = 0; l < height; l++) {
      for (let s = 0; s < width; s++) {
        const profile = profiles[classOf(s, width)]!;
        for (let b = 0, o = s * bands; b < bands; b++) {
          state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
          line[o + b] = profile[b]! + (0.5 * state) / 0x7fffffff;
        }
      }
      fs.writeSync(fd, new Uint8Array(line.buffer));
    }
  } finally {
    fs.closeSync(fd);
  }
  return fs.statSync(path.join(dir, `${stem}.img`)).size;
}

function writeLabels(dir: string, shape: Shape): string {
  const file = path.join(dir, 'train-labels.csv');
  const rows = ['sample,class'];
  for (let k = 0; k < shape.width * shape.height; k++) rows.push(`train#${k + 1},class${classOf(k % shape.width, shape.width) + 1}`);
  fs.writeFileSync(file, `${rows.join('\n')}\n`);
  return file;
}

type StageResult = Record<string, number | string>;

const peak = () => process.resourceUsage().maxRSS * 1024;

/** One step, in this (child) process, on the project in `dir`. */
async function runStage(stage: string, dir: string): Promise<StageResult> {
  const db = openProject(path.join(dir, 'map.spectra'), stage === 'band-spectra' ? { readonly: true } : { create: stage === 'import' });
  try {
    const mapId = () => datasetIdByNameOrId(db, 'map');
    if (stage === 'import') {
      const t0 = performance.now();
      const map = await importFiles(db, { files: [path.join(dir, 'map.hdr')], dataset: 'map' });
      const seconds = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      const train = await importFiles(db, { files: [path.join(dir, 'train.hdr')], dataset: 'train', labels: path.join(dir, 'train-labels.csv') });
      return { seconds, spectra: map.samples, trainSeconds: (performance.now() - t1) / 1000, trainSpectra: train.samples, mainPeak: peak() };
    }
    if (stage === 'band-copy') {
      const datasetId = mapId();
      const points = singleAxis(db, datasetId).values.length;
      const t0 = performance.now();
      const bytes = buildBandCopy(db, datasetId, mapSamples(db, datasetId)!.ids, points);
      return { seconds: (performance.now() - t0) / 1000, bytes, mainPeak: peak() };
    }
    if (stage === 'band-spectra') {
      // The import wrote the copy, so the per-pixel read is timed on its own: the slices a band image reads.
      const axis = singleAxis(db, mapId()).values;
      const at = (x: number) => axis.reduce((best, v, i) => (Math.abs(v - x) < Math.abs(axis[best]! - x) ? i : best), 0);
      const t0 = performance.now();
      spectrumSlices(db, mapId(), at(1100), 1);
      const seconds = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      spectrumSlices(db, mapId(), at(1500), 1);
      return { seconds, redrawSeconds: (performance.now() - t1) / 1000, title: 'Intensity at 1100 cm⁻¹', mainPeak: peak() };
    }
    if (stage === 'band') {
      const t0 = performance.now();
      const image = mapImage(db, { datasetId: mapId(), spec: { kind: 'band', at: 1100 } });
      const seconds = (performance.now() - t0) / 1000;
      // Moving the band: the next image in the same process.
      const t1 = performance.now();
      mapImage(db, { datasetId: mapId(), spec: { kind: 'band', at: 1500 } });
      return { seconds, redrawSeconds: (performance.now() - t1) / 1000, title: image.title, mainPeak: peak() };
    }
    if (stage === 'pca') {
      const t0 = performance.now();
      const image = mapImage(db, { datasetId: mapId(), spec: { kind: 'pca', component: 1 } });
      return { seconds: (performance.now() - t0) / 1000, title: image.title, mainPeak: peak() };
    }
    if (stage === 'train' || stage === 'train-streamed') {
      const trainId = datasetIdByNameOrId(db, 'train');
      const t0 = performance.now();
      const req = requestByName(db, { dataset: 'train', target: 'class', model: 'cnn', validation: defaultValidation(db, trainId), seed: 1, epochs: EPOCHS });
      // The same run both ways: in memory, and streamed from the project file in windows (services/streamed-run.ts).
      const outcome = await startTraining(db, req, { spawn: forkTrainer(builtFile('ml/trainer.cjs')), stream: { when: stage === 'train' ? 'never' : 'always' } }).outcome;
      if (outcome.status !== 'done') throw new Error(`training ${outcome.status}: ${'message' in outcome ? String(outcome.message) : ''}`);
      const run = getRun(db, outcome.runId);
      const metrics = run.metrics;
      if (!metrics || isCrossValidationConfig(run.config) || !metrics.memory || typeof metrics.spectraPerSecond !== 'number') throw new Error('the run stored no training speed or memory');
      const accuracy = metrics.test && 'accuracy' in metrics.test ? Number(metrics.test.accuracy) : Number.NaN;
      return { seconds: (performance.now() - t0) / 1000, runId: outcome.runId, spectraPerSecond: metrics.spectraPerSecond, accuracy, engine: outcome.engine ?? '', mainPeak: peak(), trainerPeak: metrics.memory.peakRssBytes };
    }
    if (stage === 'cv' || stage === 'cv-streamed') {
      // A cross-validation both ways: its spectra read once for every fold, and each fold streamed from the project file.
      const trainId = datasetIdByNameOrId(db, 'train');
      const t0 = performance.now();
      const req = { ...requestByName(db, { dataset: 'train', target: 'class', model: 'cnn', validation: defaultValidation(db, trainId), seed: 1, epochs: EPOCHS }), validation: parseScheme(`kfold:${CV_FOLDS}`) };
      const outcome = await startTraining(db, req, { spawn: forkTrainer(builtFile('ml/trainer.cjs')), stream: { when: stage === 'cv' ? 'never' : 'always' } }).outcome;
      if (outcome.status !== 'done') throw new Error(`cross-validation ${outcome.status}: ${'message' in outcome ? String(outcome.message) : ''}`);
      const accuracy = Number(outcome.metrics?.test.accuracy ?? Number.NaN);
      return { seconds: (performance.now() - t0) / 1000, accuracy, mainPeak: peak() };
    }
    if (stage === 'predict') {
      const runId = Number(fs.readFileSync(path.join(dir, 'run-id'), 'utf8'));
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const m = predictMap(db, { datasetId: mapId(), runId });
      const cpu = process.cpuUsage(cpu0);
      let right = 0;
      for (let p = 0; p < m.width * m.height; p++) if (m.predicted[p] === classOf(p % m.width, m.width)) right++;
      return { seconds: (performance.now() - t0) / 1000, predictSeconds: m.seconds, loadSeconds: m.loadSeconds, spectra: m.spectra, agreement: right / (m.width * m.height), cpuSeconds: (cpu.user + cpu.system) / 1e6, mainPeak: peak() };
    }
    throw new Error(`unknown map bench stage ${stage}`);
  } finally {
    db.close();
  }
}

/** Runs one step in a child process of this script and returns what it reported. */
function inChild(stage: string, dir: string): StageResult {
  const res = spawnSync(process.execPath, [process.argv[1]!], { env: { ...process.env, [STAGE_ENV]: stage, [DIR_ENV]: dir }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
  const line = res.stdout.split('\n').find((l) => l.startsWith(RESULT));
  if (res.status !== 0 || !line) throw new Error(`map bench step "${stage}" failed (exit ${res.status}${res.signal ? `, ${res.signal}` : ''})`);
  return JSON.parse(line.slice(RESULT.length)) as StageResult;
}

/** In a child started by `inChild`: runs its step and prints the result; returns false in the bench's own process. */
export async function mapBenchChild(): Promise<boolean> {
  const stage = process.env[STAGE_ENV];
  if (!stage) return false;
  const result = await runStage(stage, process.env[DIR_ENV]!);
  process.stdout.write(`${RESULT}${JSON.stringify(result)}\n`);
  return true;
}

const mib = (bytes: number | string) => `${(Number(bytes) / 2 ** 20).toFixed(0)} MiB`;
const within = (bytes: number | string) => (Number(bytes) < BUDGET_BYTES ? 'under 2 GiB' : 'OVER 2 GiB');

export function runMapBench(dir: string, log: (line: string) => void): void {
  const shape = mapShape();
  const { width, height, bands } = shape;
  const train = { width: Math.min(TRAIN_SIDE, width), height: Math.min(TRAIN_SIDE, height), bands };
  log(`Map benchmark: generated ENVI cube ${width} × ${height} pixels × ${bands} bands (float32 BIP), training cube ${train.width} × ${train.height} with 3 classes in stripes`);
  const t0 = performance.now();
  const bytes = writeCube(dir, 'map', shape, 12345);
  writeCube(dir, 'train', train, 777);
  writeLabels(dir, train);
  log(`  cubes written in ${((performance.now() - t0) / 1000).toFixed(1)} s; map data file ${(bytes / 1e6).toFixed(0)} MB`);
  const imp = inChild('import', dir);
  // Read once the importing process has closed the project, so its write-ahead log is checkpointed into the file.
  const projectBytes = fs.statSync(path.join(dir, 'map.spectra')).size;
  log(`Import (streamed, one transaction, with the band-major copy): ${Number(imp.seconds).toFixed(1)} s for ${imp.spectra} spectra (${(bytes / 1e6 / Number(imp.seconds)).toFixed(0)} MB/s), project file ${(projectBytes / 1e6).toFixed(0)} MB (training cube: ${imp.trainSpectra} spectra in ${Number(imp.trainSeconds).toFixed(1)} s); peak memory ${mib(imp.mainPeak)} (${within(imp.mainPeak)})`);
  const perPixel = inChild('band-spectra', dir);
  log(`Band image (${perPixel.title}) without the band-major copy (a substr read of each pixel's stored spectrum): ${Number(perPixel.seconds).toFixed(2)} s, the next band ${Number(perPixel.redrawSeconds).toFixed(2)} s; peak memory ${mib(perPixel.mainPeak)} (${within(perPixel.mainPeak)})`);
  const copy = inChild('band-copy', dir);
  log(`Band-major copy built again on its own (the import's share, or maps:bandCopy on a map stored without it): ${Number(copy.seconds).toFixed(1)} s for ${(Number(copy.bytes) / 1e6).toFixed(0)} MB of float32; peak memory ${mib(copy.mainPeak)} (${within(copy.mainPeak)})`);
  const band = inChild('band', dir);
  log(`Band image (${band.title}) from the band-major copy: ${Number(band.seconds).toFixed(3)} s, the next band ${Number(band.redrawSeconds).toFixed(3)} s; peak memory ${mib(band.mainPeak)} (${within(band.mainPeak)})`);
  const pcaStep = inChild('pca', dir);
  log(`PCA image (${pcaStep.title}; paged: mean, covariance and scores in three passes): ${Number(pcaStep.seconds).toFixed(1)} s; peak memory ${mib(pcaStep.mainPeak)} (${within(pcaStep.mainPeak)})`);
  const tr = inChild('train', dir);
  log(
    `Training (CNN, ${EPOCHS} epochs, ${train.width * train.height} spectra of the training cube, blocked hold-out; ${tr.engine}): ${Number(tr.spectraPerSecond).toFixed(0)} spectra/s, test accuracy ${Number(tr.accuracy).toFixed(3)}, ${Number(tr.seconds).toFixed(1)} s in all; peak memory main ${mib(tr.mainPeak)} (${within(tr.mainPeak)}), trainer ${mib(tr.trainerPeak)} (${within(tr.trainerPeak)})`,
  );
  const st = inChild('train-streamed', dir);
  log(
    `Training streamed from the project file (the same CNN and training pixels, ${STREAM_DEFAULTS.windowRows} spectra at a time; ${st.engine}): ${Number(st.spectraPerSecond).toFixed(0)} spectra/s against ${Number(tr.spectraPerSecond).toFixed(0)} in memory (${(Number(st.spectraPerSecond) / Number(tr.spectraPerSecond)).toFixed(2)} ×), test accuracy ${Number(st.accuracy).toFixed(3)}, ${Number(st.seconds).toFixed(1)} s in all; peak memory main ${mib(st.mainPeak)} (${within(st.mainPeak)}), trainer ${mib(st.trainerPeak)} (${within(st.trainerPeak)})`,
  );
  const cv = inChild('cv', dir);
  const cvs = inChild('cv-streamed', dir);
  log(
    `Cross-validation (the same CNN, ${CV_FOLDS}-fold, the training cube): spectra read once for every fold ${Number(cv.seconds).toFixed(1)} s, mean accuracy ${Number(cv.accuracy).toFixed(3)}, peak memory main ${mib(cv.mainPeak)} (${within(cv.mainPeak)}); every fold streamed from the project file ${Number(cvs.seconds).toFixed(1)} s, mean accuracy ${Number(cvs.accuracy).toFixed(3)}, peak memory main ${mib(cvs.mainPeak)} (${within(cvs.mainPeak)})`,
  );
  fs.writeFileSync(path.join(dir, 'run-id'), String(tr.runId));
  const pr = inChild('predict', dir);
  log(`Prediction of the whole map (${pr.spectra} spectra, in bands of rows): ${Number(pr.seconds).toFixed(1)} s in all, of which ${Number(pr.loadSeconds).toFixed(1)} s loading the model and its out-of-model check and ${Number(pr.predictSeconds).toFixed(1)} s predicting (${(Number(pr.spectra) / Number(pr.predictSeconds)).toFixed(0)} spectra/s, ${(Number(pr.spectra) / Number(pr.predictSeconds) / Number(tr.spectraPerSecond)).toFixed(2)} × the in-memory training's ${Number(tr.spectraPerSecond).toFixed(0)}; ${Number(pr.cpuSeconds).toFixed(1)} s of CPU in all), ${(100 * Number(pr.agreement)).toFixed(1)} % of pixels given their stripe's class; peak memory ${mib(pr.mainPeak)} (${within(pr.mainPeak)})`);
}
