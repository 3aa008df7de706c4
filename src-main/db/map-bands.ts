// The band-major copy of a map dataset (migration 7): per axis point, per block of samples, the
// samples' intensities at that point. Spectra are stored one BLOB per pixel, so a band image read
// from them touches every pixel's row (6.9 s for 250,000 pixels × 1,000 points); from the copy it
// is ⌈pixels / BAND_BLOCK⌉ rows of one point.
import type { Db } from './connection';
import { spectrumPages } from './maps';
import { asyncTransaction, blobToF32, f32ToBlob } from './sql';
import { mapGrid } from '../common/maps/grid';
import { UserError } from '../common/errors';

/** Samples per stored row: 32 KiB of float32, so a 500 × 500 map's band is 31 rows. */
export const BAND_BLOCK = 8192;

interface CopyRow {
  samples: number;
  points: number;
  block_samples: number;
}

/** Whether the dataset has a complete copy over `samples` spectra of `points` points. */
export function hasBandCopy(db: Db, datasetId: number, samples: number, points: number): boolean {
  const row = db.prepare('SELECT samples, points, block_samples FROM map_band_copies WHERE dataset_id = ?').get(datasetId) as CopyRow | undefined;
  return row !== undefined && row.samples === samples && row.points === points;
}

/**
 * Builds the copy from channel 0 of the dataset's samples `ids` (all of them, ascending: the
 * order of the values in the copy; every spectrum `points` long), reading `block` (`BAND_BLOCK`) spectra
 * at a time and writing their `points` band rows, in one transaction: the marker row is written last,
 * so an interrupted build leaves no copy. A copy over other counts is replaced. Returns the bytes
 * of intensities stored.
 */
export function buildBandCopy(db: Db, datasetId: number, ids: readonly number[], points: number, options: { block?: number; onProgress?: (fraction: number) => void } = {}): number {
  const blockSamples = options.block ?? BAND_BLOCK;
  const write = blockWriter(db, datasetId, points, blockSamples);
  db.transaction(() => {
    removeBandCopy(db, datasetId);
    spectrumPages(db, ids, points, blockSamples).forEachPage((page, first, count) => {
      write(page, first, count);
      options.onProgress?.((first + count) / ids.length);
    });
    markComplete(db, datasetId, ids.length, points, blockSamples);
  })();
  return 4 * ids.length * points;
}

/**
 * {@link buildBandCopy} a block at a time, awaiting `between(fraction done)` after each, where
 * progress is reported and a cancel throws: the throw rolls the copy back. It runs in the
 * caller's transaction when there is one (an import: the copy lands with the spectra or not at
 * all), else in one of its own.
 */
export async function buildBandCopyAsync(db: Db, datasetId: number, ids: readonly number[], points: number, between: (fraction: number) => Promise<void> | void, block = BAND_BLOCK): Promise<number> {
  const write = blockWriter(db, datasetId, points, block);
  const build = async () => {
    removeBandCopy(db, datasetId);
    for (let first = 0; first < ids.length; first += block) {
      spectrumPages(db, ids.slice(first, first + block), points, block).forEachPage((page, _first, count) => write(page, first, count));
      await between(Math.min(ids.length, first + block) / ids.length);
    }
    markComplete(db, datasetId, ids.length, points, block);
  };
  if (db.inTransaction) await build();
  else await asyncTransaction(db, build);
  return 4 * ids.length * points;
}

/** Writes the band rows of the samples `first` … `first + count − 1` (`page`: their spectra, sample-major). */
function blockWriter(db: Db, datasetId: number, points: number, blockSamples: number): (page: Float32Array, first: number, count: number) => void {
  const insert = db.prepare('INSERT INTO map_bands (dataset_id, point, block, values_f32) VALUES (?, ?, ?, ?)');
  const band = new Float32Array(blockSamples);
  return (page, first, count) => {
    const block = first / blockSamples;
    const values = band.subarray(0, count);
    for (let point = 0; point < points; point++) {
      for (let i = 0; i < count; i++) values[i] = page[i * points + point]!;
      insert.run(datasetId, point, block, f32ToBlob(values));
    }
  };
}

function markComplete(db: Db, datasetId: number, samples: number, points: number, blockSamples: number): void {
  db.prepare('INSERT INTO map_band_copies (dataset_id, samples, points, block_samples, created_at) VALUES (?, ?, ?, ?, ?)').run(datasetId, samples, points, blockSamples, new Date().toISOString());
}

/**
 * What a band copy of the dataset would cover: its sample ids (ascending) and the points of
 * their one axis, when it is a map (every sample on a grid position) whose spectra share one
 * axis and it has no complete copy over them; else null. Read afresh, not from the per-connection
 * grid cache, as an import asks it inside a transaction that may yet roll back.
 */
export function bandCopyWanted(db: Db, datasetId: number): { ids: number[]; points: number } | null {
  const axes = db.prepare('SELECT DISTINCT s.axis_id AS id, a.points FROM samples s JOIN axes a ON a.id = s.axis_id WHERE s.dataset_id = ? LIMIT 2').all(datasetId) as { id: number; points: number }[];
  if (axes.length !== 1) return null;
  const rows = db.prepare('SELECT id, map_x AS x, map_y AS y FROM samples WHERE dataset_id = ? ORDER BY id').all(datasetId) as { id: number; x: number | null; y: number | null }[];
  if (rows.length < 2 || rows.some((r) => r.x === null || r.y === null)) return null;
  const points = axes[0]!.points;
  if (hasBandCopy(db, datasetId, rows.length, points)) return null;
  try {
    mapGrid(
      rows.map((r) => r.x!),
      rows.map((r) => r.y!),
    );
  } catch (err) {
    // Coordinates that are no grid: not a map, so no band image will read a copy.
    if (err instanceof UserError) return null;
    throw err;
  }
  return { ids: rows.map((r) => r.id), points };
}

export function removeBandCopy(db: Db, datasetId: number): void {
  db.prepare('DELETE FROM map_band_copies WHERE dataset_id = ?').run(datasetId);
  db.prepare('DELETE FROM map_bands WHERE dataset_id = ?').run(datasetId);
}

/**
 * Points first … first + count − 1 of every sample (id order), sample-major as `spectrumSlices`
 * gives them, read from the copy: `count` × ⌈samples / block⌉ rows.
 */
export function bandCopySlices(db: Db, datasetId: number, first: number, count: number): Float32Array {
  const copy = db.prepare('SELECT samples, points, block_samples FROM map_band_copies WHERE dataset_id = ?').get(datasetId) as CopyRow | undefined;
  if (!copy) throw new Error(`Dataset ${datasetId} has no band copy.`);
  if (first < 0 || first + count > copy.points) throw new RangeError(`Points ${first}…${first + count - 1} are outside the band copy's ${copy.points}.`);
  const out = new Float32Array(copy.samples * count);
  const rows = db.prepare('SELECT point, block, values_f32 AS v FROM map_bands WHERE dataset_id = ? AND point BETWEEN ? AND ?').iterate(datasetId, first, first + count - 1) as Iterable<{ point: number; block: number; v: Buffer }>;
  for (const r of rows) {
    const values = blobToF32(r.v);
    const k = r.point - first;
    const base = r.block * copy.block_samples;
    if (count === 1) out.set(values, base);
    else for (let i = 0; i < values.length; i++) out[(base + i) * count + k] = values[i]!;
  }
  return out;
}
