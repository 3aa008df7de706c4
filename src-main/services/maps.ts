/**
 * Map images of a map dataset: band intensity, band area, band ratio, PCA score, k-means and
 * Ward clusters, and a label column's classes. Band images read only the points they need from
 * the map's band-major copy (db/map-bands.ts), written at import ({@link buildMapBandCopy} for a
 * map stored without one); PCA and clusters read the spectra page by page (`spectrumPages`),
 * never the dataset as one float64 block, and report each pass over them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/connection';
import { datasetAxisGroups } from '../db/axes';
import { columnValues, getDataset, listColumns } from '../db/datasets';
import { mapSamples, spectrumPages, spectrumSlices, type MapSamples } from '../db/maps';
import { bandCopySlices, buildBandCopy, buildBandCopyAsync, hasBandCopy } from '../db/map-bands';
import type { RowPages } from '../common/maps/rows';
import { UserError } from '../common/errors';
import { AXIS_UNIT_LABELS, type AxisUnit } from '../common/domain/spectra';
import { adjustedRandIndex, kMeans, ward, WARD_MAX_ROWS, type Clustering } from '../common/maps/cluster';
import { pagedPca } from '../common/maps/pca-pages';
import { wasmCrossProducts } from '../ml/kernels/cross-products';
import { csvField } from '../common/csv';
import { encodePng } from './png';
import { mapImageSvg } from '../common/maps/image-svg';
import { bandArea, imageRgba, mapImageSpec, nearestPoint, PIXEL, pointRange, valueRange, type MapImage, type MapImageSpec } from '../common/maps/image';
import { targetFromColumn } from '../common/ml/prepare';

export interface MapImageRequest {
  datasetId: number;
  spec: MapImageSpec;
  /** Pixels (row-major indices) left out: drawn as masked, not clustered, not in the PCA. */
  mask?: number[];
}

/** An axis position as the axis stores it, without thousands separators (1002, 1449.5). */
const position = (x: number) => String(+x.toPrecision(6));

export function requireMap(db: Db, datasetId: number): MapSamples {
  const m = mapSamples(db, datasetId);
  if (!m) {
    const name = getDataset(db, datasetId).name;
    throw new UserError('BAD_INPUT', `Dataset "${name}" is not a map: its samples need x and y map coordinates (WDF maps, WiRE map text, ENVI cubes, tables with x/y columns).`);
  }
  return m;
}

/** The map's one axis: its values, its unit's label and the unit itself. */
export function singleAxis(db: Db, datasetId: number): { values: Float64Array; unit: string; axisUnit: AxisUnit } {
  const groups = datasetAxisGroups(db, datasetId);
  if (groups.length !== 1) throw new UserError('BAD_INPUT', `A map image needs every spectrum on one axis; this dataset has ${groups.length}. Put them on one axis first (harmonise).`);
  return { values: groups[0]!.values, unit: AXIS_UNIT_LABELS[groups[0]!.unit], axisUnit: groups[0]!.unit };
}

/** A band position or range outside the axis is the user's input, not a bug. */
function onAxis<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RangeError) throw new UserError('BAD_INPUT', err.message);
    throw err;
  }
}

/**
 * Points first … first + count − 1 of every pixel's spectrum (sample id order), from the
 * band-major copy, built here the first time on a writable connection; a read-only one without
 * a copy reads those bytes of each stored spectrum.
 */
export function bandSlices(db: Db, m: MapSamples, datasetId: number, points: number, first: number, count: number): Float32Array {
  if (!hasBandCopy(db, datasetId, m.ids.length, points)) {
    if (db.readonly) return spectrumSlices(db, datasetId, first, count).values;
    buildBandCopy(db, datasetId, m.ids, points);
  }
  return bandCopySlices(db, datasetId, first, count);
}

/** Progress of a map image or of a band copy: `done` of `total` (spectra), and what is being done. */
export type MapProgress = (done: number, total: number, what: string) => void;

/**
 * Writes the band-major copy of a map stored without one (imported before migration 7, or made
 * by a recipe, a join or put on one axis), reporting the spectra copied; `signal` stops it and
 * rolls the copy back. Nothing to do on a map that has its copy or on a read-only connection.
 */
export async function buildMapBandCopy(db: Db, datasetId: number, hooks: { signal?: AbortSignal; onProgress?: MapProgress } = {}): Promise<{ built: boolean; bytes: number }> {
  const m = requireMap(db, datasetId);
  const points = singleAxis(db, datasetId).values.length;
  if (db.readonly || hasBandCopy(db, datasetId, m.ids.length, points)) return { built: false, bytes: 0 };
  const bytes = await buildBandCopyAsync(db, datasetId, m.ids, points, async (fraction) => {
    hooks.onProgress?.(Math.round(fraction * m.ids.length), m.ids.length, 'indexing bands');
    await new Promise((resolve) => setImmediate(resolve));
    if (hooks.signal?.aborted) throw new UserError('CANCELLED', `Indexing the bands of "${getDataset(db, datasetId).name}" was cancelled; the map is as it was, and its band images read every spectrum until it is indexed.`);
  });
  return { built: true, bytes };
}

/** `pages` that report each page as it is read: PCA and k-means pass over the map several times, each pass named. */
function reportingPages(pages: RowPages, what: string, onProgress: MapProgress | undefined): RowPages {
  if (!onProgress) return pages;
  let pass = 0;
  return {
    rows: pages.rows,
    points: pages.points,
    row: (i) => pages.row(i),
    forEachPage(fn) {
      pass++;
      pages.forEachPage((block, first, count) => {
        fn(block, first, count);
        onProgress(first + count, pages.rows, `${what}, pass ${pass}`);
      });
    },
  };
}

export function mapImage(db: Db, req: MapImageRequest, onProgress?: MapProgress): MapImage {
  const spec = mapImageSpec.parse(req.spec);
  const m = requireMap(db, req.datasetId);
  const g = m.grid;
  const total = g.width * g.height;
  const state = new Uint8Array(total).fill(PIXEL.missing);
  const sampleIds = new Float64Array(total);
  m.ids.forEach((id, i) => {
    const p = g.pixelOfSample[i]!;
    state[p] = PIXEL.value;
    sampleIds[p] = id;
  });
  for (const p of req.mask ?? []) if (p >= 0 && p < total && state[p] === PIXEL.value) state[p] = PIXEL.masked;
  // Samples (id order) that take part: not masked.
  const kept: number[] = [];
  m.ids.forEach((_, i) => {
    if (state[g.pixelOfSample[i]!] === PIXEL.value) kept.push(i);
  });
  const values = new Float32Array(total).fill(Number.NaN);
  const yUnit = getDataset(db, req.datasetId).y_unit;
  const base = { width: g.width, height: g.height, x0: g.x0, y0: g.y0, stepX: g.stepX, stepY: g.stepY, unit: m.unit, values, state, sampleIds };
  const finish = (title: string, valueUnit: string | null, scaleLabel: string, extra: Partial<MapImage> = {}): MapImage => {
    for (let p = 0; p < total; p++) if (state[p] === PIXEL.value && !Number.isFinite(values[p]!)) state[p] = PIXEL.none;
    return { ...base, title, valueUnit, scaleLabel, ...valueRange(values), ...extra };
  };
  const intensityLabel = `Intensity (${yUnit ?? 'unit not given by the file'})`;

  if (spec.kind === 'class') {
    const byId = new Map(columnValues(db, req.datasetId, spec.column).map((v) => [v.sampleId, v.value]));
    const kind = listColumns(db, req.datasetId).find((c) => c.name === spec.column)!.kind;
    const target = targetFromColumn(kind, spec.column, m.ids.map((id) => byId.get(id) ?? null));
    const classes = target.kind === 'classification' ? target.classes : undefined;
    for (const i of kept) {
      const v = target.values[i]!;
      values[g.pixelOfSample[i]!] = classes && v < 0 ? Number.NaN : v;
    }
    if (!classes) return finish(spec.column, null, spec.column);
    return { ...finish(spec.column, null, spec.column, { classes }), min: 0, max: Math.max(0, classes.length - 1) };
  }

  const axis = singleAxis(db, req.datasetId);
  if (spec.kind === 'band' || spec.kind === 'ratio') {
    const at = spec.kind === 'band' ? [spec.at] : [spec.numerator, spec.denominator];
    const points = at.map((x) => onAxis(() => nearestPoint(axis.values, x, axis.unit)));
    const bands = points.map((point) => bandSlices(db, m, req.datasetId, axis.values.length, point, 1));
    for (const i of kept) {
      const p = g.pixelOfSample[i]!;
      values[p] = spec.kind === 'band' ? bands[0]![i]! : bands[1]![i]! === 0 ? Number.NaN : bands[0]![i]! / bands[1]![i]!;
    }
    const label = (k: number) => `${position(axis.values[points[k]!]!)} ${axis.unit}`;
    return spec.kind === 'band' ? finish(`Intensity at ${label(0)}`, yUnit, intensityLabel) : finish(`Ratio of the intensities at ${label(0)} and ${label(1)}`, null, 'Ratio (no unit)');
  }
  if (spec.kind === 'area') {
    const [first, last] = onAxis(() => pointRange(axis.values, spec.from, spec.to, axis.unit));
    const count = last - first + 1;
    const slice = bandSlices(db, m, req.datasetId, axis.values.length, first, count);
    for (const i of kept) values[g.pixelOfSample[i]!] = bandArea(axis.values, slice.subarray(i * count, (i + 1) * count), first);
    const lo = Math.min(axis.values[first]!, axis.values[last]!);
    const hi = Math.max(axis.values[first]!, axis.values[last]!);
    const areaUnit = `${yUnit ?? 'intensity'}·${axis.unit}`;
    return finish(`Band area ${position(lo)}–${position(hi)} ${axis.unit}`, areaUnit, `Band area (${areaUnit})`);
  }

  const pages = reportingPages(
    spectrumPages(
      db,
      kept.map((i) => m.ids[i]!),
      axis.values.length,
    ),
    spec.kind === 'pca' ? 'PCA' : spec.kind === 'kmeans' ? 'k-means' : 'Ward',
    onProgress,
  );
  if (spec.kind === 'pca') {
    if (kept.length <= spec.component) throw new UserError('BAD_INPUT', `PCA component ${spec.component} needs more than ${spec.component} spectra; the map has ${kept.length} outside the mask.`);
    const result = pagedPca(pages, spec.component, wasmCrossProducts() ?? undefined);
    if (result.k < spec.component) throw new UserError('BAD_INPUT', `These spectra have only ${result.k} principal components.`);
    kept.forEach((i, r) => {
      values[g.pixelOfSample[i]!] = result.scores[r * result.k + spec.component - 1]!;
    });
    const share = result.explainedVarianceRatio[spec.component - 1]!;
    return finish(`PCA score ${spec.component} (${(100 * share).toFixed(1)} % of the variance)`, null, `Score on PC${spec.component} (mean-centred spectra)`);
  }
  if (kept.length < spec.k) throw new UserError('BAD_INPUT', `${spec.k} clusters need at least ${spec.k} spectra; the map has ${kept.length} outside the mask.`);
  if (spec.kind === 'ward' && kept.length > WARD_MAX_ROWS) {
    throw new UserError('BAD_INPUT', `Ward clustering keeps every pairwise distance and takes at most ${WARD_MAX_ROWS} spectra; this map has ${kept.length}. Use k-means.`);
  }
  const clusters: Clustering = spec.kind === 'kmeans' ? kMeans(pages, spec.k, { seed: spec.seed ?? 1 }) : ward(pages, spec.k);
  kept.forEach((i, r) => {
    values[g.pixelOfSample[i]!] = clusters.labels[r]!;
  });
  const classes = clusters.counts.map((_, c) => `cluster ${c + 1}`);
  const title = spec.kind === 'kmeans' ? `k-means, ${spec.k} clusters (seed ${spec.seed ?? 1})` : `Ward clustering, ${spec.k} clusters`;
  const image = finish(title, null, 'Cluster', {
    classes,
    axis: axis.values,
    means: clusters.means.map((mean, c) => ({ name: classes[c]!, count: clusters.counts[c]!, mean: Float32Array.from(mean) })),
  });
  return { ...image, min: 0, max: spec.k - 1 };
}

/**
 * How well a cluster or class image agrees with a class column: the adjusted Rand index over
 * the pixels that have both a cluster and a value in the column, and, when the image's classes
 * are values of the column, the share of those pixels where they are the same.
 */
export function agreementWithColumn(db: Db, datasetId: number, image: MapImage, column: string): { column: string; pixels: number; adjustedRandIndex: number; agreeing?: number } {
  if (!image.classes) throw new UserError('BAD_INPUT', `--compare needs a cluster or class image; "${image.title}" holds values.`);
  const byId = new Map(columnValues(db, datasetId, column).map((v) => [v.sampleId, v.value]));
  const ours: number[] = [];
  const theirs: string[] = [];
  for (let p = 0; p < image.values.length; p++) {
    if (image.state[p] !== PIXEL.value) continue;
    const v = byId.get(image.sampleIds[p]!);
    if (v === null || v === undefined || v === '') continue;
    ours.push(image.values[p]!);
    theirs.push(String(v));
  }
  if (ours.length < 2) throw new UserError('BAD_INPUT', `Column "${column}" has a value at ${ours.length} of the image's pixels; nothing to compare.`);
  // Classes named as the column's values (a prediction of that column): also the share of pixels given the same one.
  const named = image.classes.every((c) => theirs.includes(c));
  const agreeing = named ? ours.reduce((a, c, i) => a + (image.classes![c] === theirs[i] ? 1 : 0), 0) / ours.length : undefined;
  return { column, pixels: ours.length, adjustedRandIndex: adjustedRandIndex(ours, theirs), ...(agreeing !== undefined ? { agreeing } : {}) };
}

/** One line per pixel, row by row: col, row, x, y, sample key and the value (a class name for class images); missing pixels have no sample. */
export function mapImageCsv(image: MapImage, keyOf: (sampleId: number) => string): string {
  const head = `${PIXEL_COLUMNS},${csvField(image.title)}\n`;
  const lines: string[] = [head];
  for (let p = 0; p < image.values.length; p++) {
    const v = image.values[p]!;
    const value = image.state[p] !== PIXEL.value ? '' : image.classes ? csvField(image.classes[v]!) : String(v);
    lines.push(`${pixelFields(image, p, keyOf)},${value}\n`);
  }
  return lines.join('');
}

/** The columns that place a pixel in a map CSV. */
export const PIXEL_COLUMNS = 'col,row,x,y,sample';

/** Pixel `p`'s col, row, x, y and sample key (empty on a missing pixel), as in {@link PIXEL_COLUMNS}. */
export function pixelFields(image: Pick<MapImage, 'width' | 'x0' | 'y0' | 'stepX' | 'stepY' | 'state' | 'sampleIds'>, p: number, keyOf: (sampleId: number) => string): string {
  const col = p % image.width;
  const row = Math.floor(p / image.width);
  const x = image.x0 + col * image.stepX;
  const y = image.y0 + row * image.stepY;
  const sample = image.state[p] === PIXEL.missing ? '' : csvField(keyOf(image.sampleIds[p]!));
  return `${col},${row},${+x.toPrecision(12)},${+y.toPrecision(12)},${sample}`;
}

/**
 * Writes the image as PNG (`scale` file pixels per map pixel), SVG (with its colour scale) or CSV
 * (`csvOf` when the CSV holds more than the image's values), by the file's extension; the file
 * appears whole or not at all.
 */
export function writeMapImage(db: Db, datasetId: number, image: MapImage, file: string, scale = 1, csvOf: (keyOf: (sampleId: number) => string) => string = (keyOf) => mapImageCsv(image, keyOf)): void {
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.png' && ext !== '.svg' && ext !== '.csv') throw new UserError('BAD_INPUT', `--out must end in .png, .svg or .csv, not "${path.basename(file)}".`, { field: '--out' });
  let data: Buffer | string;
  if (ext === '.png') data = encodePng(image.width * scale, image.height * scale, imageRgba(image, scale));
  else if (ext === '.svg') data = mapImageSvg(image);
  else {
    const m = requireMap(db, datasetId);
    const keys = new Map(m.ids.map((id, i) => [id, m.keys[i]!]));
    data = csvOf((id) => keys.get(id)!);
  }
  const tmp = `${file}.partial`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}
