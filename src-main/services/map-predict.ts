/**
 * Whole-map prediction: every pixel of a map dataset predicted with a finished run, in bands of
 * map rows read from the project file as float32 (`spectrumPages`), never the map as one float64
 * block. A run on neighbourhoods reads each band with `radius` rows above and below it, so a
 * pixel at a band's edge sees the same neighbours as in the whole map, and the map's own edges
 * are reflected as in training (`gridNeighbourhoodInputs`).
 */
import type { Db } from '../db/connection';
import { getDataset } from '../db/datasets';
import { spectrumPages } from '../db/maps';
import { UserError } from '../common/errors';
import { csvField } from '../common/csv';
import { checkRadius } from '../common/runs/neighbourhood';
import { PIXEL, type MapImage } from '../common/maps/image';
import { predictionImage, type MapPrediction, type MapPredictionShow } from '../common/maps/prediction';
import { gridNeighbourhoodInputs, loadPredictor, predictInputs, spectraInputs, withPredictionThreads, type Prediction, type PredictionThreads, type SpectrumInput } from './predict';
import { PIXEL_COLUMNS, pixelFields, requireMap, singleAxis } from './maps';

/** Model-input values (points × channels × spectra) per band: ≈ 32 MB of float64 per copy the recipe makes. */
const BAND_VALUES = 4_000_000;

export interface MapPredictionRequest {
  datasetId: number;
  runId: number;
  /** Map rows per band (at least the run's radius + 1); by default as many as hold about 4 M model-input values. */
  bandRows?: number;
  /** How a network's forward pass uses worker threads (started once for the whole map; by default for a map of 2,048 spectra or more). */
  threads?: PredictionThreads;
}

/**
 * Predicts every pixel of the map dataset with the run. `onProgress` gets (pixels done, pixels)
 * after each band.
 * @throws UserError when the dataset is not a map, the run cannot predict, reads several channels
 * that are not a neighbourhood, or its radius does not fit the map
 */
export function predictMap(db: Db, req: MapPredictionRequest, onProgress?: (done: number, total: number) => void): MapPrediction {
  const m = requireMap(db, req.datasetId);
  const name = getDataset(db, req.datasetId).name;
  const axis = singleAxis(db, req.datasetId);
  const loadStart = performance.now();
  const p = loadPredictor(db, req.runId);
  const loadSeconds = (performance.now() - loadStart) / 1000;
  if (p.channels && !p.neighbourhood) {
    throw new UserError('BAD_INPUT', `${p.source} reads ${p.channels.record.names.length} channels per spectrum (${p.channels.record.names.map((c) => `"${c}"`).join(', ')}); a map image predicts one spectrum per pixel. Predict the samples with all their channels in the Predict view or with spectra-desk predict.`);
  }
  const g = m.grid;
  const W = g.width;
  const H = g.height;
  const total = W * H;
  const radius = p.neighbourhood?.radius ?? 0;
  if (p.neighbourhood) checkRadius(radius, g, `map "${name}"`);
  const channels = p.channels?.record.names.length ?? 1;
  const reconstruction = p.network?.task.kind === 'reconstruction';
  const outputs = reconstruction ? ['reconstructionRmse'] : p.targets ? p.targets.map((t) => t.name) : [p.targetColumn];
  const T = p.task === 'classification' ? 1 : outputs.length;
  const K = p.classes.length;
  const state = new Uint8Array(total).fill(PIXEL.missing);
  const sampleIds = new Float64Array(total);
  m.ids.forEach((id, i) => {
    state[g.pixelOfSample[i]!] = PIXEL.value;
    sampleIds[g.pixelOfSample[i]!] = id;
  });
  const predicted = new Float64Array(total * T).fill(Number.NaN);
  const probabilities = p.task === 'classification' ? new Float64Array(total * K).fill(Number.NaN) : null;
  const outOfModel = new Uint8Array(total);
  const q = new Float64Array(total).fill(Number.NaN);
  const t2 = new Float64Array(total).fill(Number.NaN);
  let limits = { q: Number.NaN, t2: Number.NaN };
  const store = (px: number, r: Prediction) => {
    if (probabilities) {
      predicted[px] = p.classes.indexOf(String(r.predicted));
      r.probabilities!.forEach((v, c) => (probabilities[px * K + c] = v));
    } else if (r.values) r.values.forEach((v, o) => (predicted[px * T + o] = v));
    else predicted[px * T] = r.predicted as number;
    outOfModel[px] = r.outOfModel ? 1 : 0;
    q[px] = r.q;
    t2[px] = r.t2;
    limits = { q: r.qLimit, t2: r.t2Limit };
  };

  const points = axis.values.length;
  const bandRows = Math.min(H, Math.max(radius + 1, req.bandRows ?? Math.floor(BAND_VALUES / (W * Math.max(points, p.modelAxis.length) * channels))));
  const start = performance.now();
  let done = 0;
  withPredictionThreads(p, m.ids.length, () => {
    for (let r0 = 0; r0 < H; r0 += bandRows) {
      const r1 = Math.min(H, r0 + bandRows);
      const lo = Math.max(0, r0 - radius);
      const hi = Math.min(H, r1 + radius);
      // Samples (grid order) of the band's own rows first, then of the rows around it.
      const order: number[] = [];
      for (let px = r0 * W; px < r1 * W; px++) if (g.sampleAtPixel[px]! >= 0) order.push(g.sampleAtPixel[px]!);
      const own = order.length;
      for (let px = lo * W; px < hi * W; px++) if ((px < r0 * W || px >= r1 * W) && g.sampleAtPixel[px]! >= 0) order.push(g.sampleAtPixel[px]!);
      if (!own) continue;
      // Pages come back in sample id order; m.ids ascends with the sample index, so sorting the indices sorts the ids.
      const sorted = [...order].sort((a, b) => a - b);
      const at = new Map(sorted.map((s, k) => [s, k]));
      let block: Float32Array = new Float32Array(0);
      spectrumPages(
        db,
        sorted.map((s) => m.ids[s]!),
        points,
        sorted.length,
      ).forEachPage((page) => (block = page));
      const spectra: SpectrumInput[] = order.map((s) => {
        const k = at.get(s)!;
        return { key: m.keys[s]!, axis: axis.values, unit: axis.axisUnit, values: block.subarray(k * points, (k + 1) * points) };
      });
      let x: Float32Array;
      if (p.neighbourhood) {
        const sampleAtPixel = new Int32Array((hi - lo) * W).fill(-1);
        const pixelOfSample = Int32Array.from(order, (s, k) => {
          const local = g.pixelOfSample[s]! - lo * W;
          sampleAtPixel[local] = k;
          return local;
        });
        x = gridNeighbourhoodInputs(p, spectra, { width: W, height: hi - lo, pixelOfSample, sampleAtPixel }, p.neighbourhood, `map "${name}"`);
      } else x = spectraInputs(p, spectra);
      const width = x.length / spectra.length;
      const rows = predictInputs(p, spectra.slice(0, own), x.subarray(0, own * width));
      rows.forEach((r, k) => store(g.pixelOfSample[order[k]!]!, r));
      done += own;
      onProgress?.(done, m.ids.length);
    }
  }, req.threads);
  const seconds = (performance.now() - start) / 1000;
  return {
    width: W,
    height: H,
    x0: g.x0,
    y0: g.y0,
    stepX: g.stepX,
    stepY: g.stepY,
    unit: m.unit,
    sampleIds,
    source: p.source,
    model: p.model,
    task: reconstruction ? 'reconstruction' : p.task,
    classes: p.classes,
    outputs,
    state,
    predicted,
    probabilities,
    checked: !!p.outlier,
    outOfModel,
    q,
    t2,
    qLimit: limits.q,
    t2Limit: limits.t2,
    spectra: m.ids.length,
    seconds,
    loadSeconds,
  };
}

/** The last map predicted on each connection: the Maps view switches between its images without predicting again. */
const lastPrediction = new WeakMap<Db, { key: string; prediction: MapPrediction }>();

/** {@link predictMap}, or the connection's last prediction of the same map (same samples) with the same run. */
export function predictMapOnce(db: Db, req: MapPredictionRequest, onProgress?: (done: number, total: number) => void): MapPrediction {
  const m = requireMap(db, req.datasetId);
  const key = `${req.datasetId}:${req.runId}:${m.ids.length}:${m.ids[0]}:${m.ids[m.ids.length - 1]}`;
  const last = lastPrediction.get(db);
  if (last?.key === key) return last.prediction;
  const prediction = predictMap(db, req, onProgress);
  lastPrediction.set(db, { key, prediction });
  return prediction;
}

/** One image of a prediction map; a class or target the run lacks is the user's input. */
export function imageOfPrediction(prediction: MapPrediction, show: MapPredictionShow, mask?: number[]): MapImage {
  try {
    return predictionImage(prediction, show, mask);
  } catch (err) {
    if (err instanceof RangeError) throw new UserError('BAD_INPUT', err.message, { field: 'show' });
    throw err;
  }
}

/** A map image of the run's prediction of the map (`maps:prediction`). */
export function mapPredictionImage(db: Db, req: MapPredictionRequest & { show: MapPredictionShow; mask?: number[] }, onProgress?: (done: number, total: number) => void): MapImage {
  return imageOfPrediction(predictMapOnce(db, req, onProgress), req.show, req.mask);
}

const num = (v: number) => (Number.isFinite(v) ? String(v) : '');

/**
 * One line per pixel, row by row: the pixel's place, the prediction (a class name, or one column
 * per target), one probability column per class, t2, q and outOfModel (empty where the run has no
 * check); a missing pixel has no sample and no prediction.
 */
export function mapPredictionCsv(m: MapPrediction, keyOf: (sampleId: number) => string): string {
  const T = m.task === 'classification' ? 1 : m.outputs.length;
  const K = m.classes.length;
  const head = [PIXEL_COLUMNS, ...(m.task === 'classification' ? ['prediction'] : m.outputs.length > 1 ? m.outputs : [m.task === 'reconstruction' ? 'reconstructionRmse' : 'prediction']).map(csvField), ...m.classes.map((c) => csvField(`p_${c}`)), 't2', 'q', 'outOfModel'];
  const lines = [`${head.join(',')}\n`];
  const blank = new Array(T + K + 3).fill('').join(',');
  for (let p = 0; p < m.width * m.height; p++) {
    const place = pixelFields(m, p, keyOf);
    if (m.state[p] !== PIXEL.value) {
      lines.push(`${place},${blank}\n`);
      continue;
    }
    const predicted = m.task === 'classification' ? [csvField(m.classes[m.predicted[p]!]!)] : Array.from(m.predicted.subarray(p * T, (p + 1) * T), num);
    const probabilities = m.probabilities ? Array.from(m.probabilities.subarray(p * K, (p + 1) * K), num) : [];
    lines.push(`${[place, ...predicted, ...probabilities, num(m.t2[p]!), num(m.q[p]!), m.checked ? String(m.outOfModel[p] === 1) : ''].join(',')}\n`);
  }
  return lines.join('');
}
