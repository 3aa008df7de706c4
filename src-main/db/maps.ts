// A dataset as a map: its grid (from the samples' coordinates), and its spectra read in pages or
// as a few points of each spectrum, so a map image never loads the whole dataset.
import type { Db } from './connection';
import type { MapSummary } from '../common/domain/project';
import { mapGrid, type MapGrid } from '../common/maps/grid';
import type { RowPages } from '../common/maps/rows';
import { UserError } from '../common/errors';
import { blobToF32 } from './sql';

export interface MapSamples {
  /** Sample ids in id order; grid.pixelOfSample follows the same order. */
  ids: number[];
  keys: string[];
  grid: MapGrid;
  /** Unit of the coordinates where the instrument's format fixes it. */
  unit: string | null;
}

/** Coordinate units of formats that fix them: Renishaw and WITec files in µm, ENVI cubes in pixels. */
const FORMAT_UNITS: Record<string, string> = { wdf: 'µm', 'wire-text': 'µm', envi: 'px', witec: 'µm' };

/** The unit of the files the dataset was imported from; a derived dataset (no files of its own) has its source's. */
function coordinateUnit(db: Db, datasetId: number): string | null {
  const formats = db
    .prepare(
      `WITH RECURSIVE lineage(id) AS (SELECT ? UNION SELECT p.source_dataset_id FROM dataset_provenance p JOIN lineage l ON p.dataset_id = l.id WHERE p.source_dataset_id IS NOT NULL)
       SELECT DISTINCT format FROM source_files WHERE dataset_id = (SELECT id FROM lineage WHERE EXISTS (SELECT 1 FROM source_files f WHERE f.dataset_id = lineage.id) LIMIT 1)`,
    )
    .all(datasetId) as { format: string }[];
  const units = new Set(formats.map((f) => FORMAT_UNITS[f.format] ?? null));
  return units.size === 1 ? [...units][0]! : null;
}

/** Grids already recovered, per connection and dataset, with the state of the samples they were recovered from. */
const grids = new WeakMap<Db, Map<number, { state: string; samples: MapSamples | null }>>();

/**
 * The dataset's map grid, or null when it is not a map: fewer than two samples with coordinates,
 * or a sample without them. Coordinates that do not form a grid throw the grid's UserError.
 * A dataset's samples and their coordinates never change once stored, so the grid is kept per
 * connection and recovered again only when the dataset's creation time, sample count or id
 * range differ (a deleted dataset's ids can be given again): a band image redrawn on a
 * 250,000-pixel map does not read every sample's coordinates again.
 */
export function mapSamples(db: Db, datasetId: number): MapSamples | null {
  const s = db.prepare('SELECT d.created_at AS at, count(s.id) AS n, min(s.id) AS lo, max(s.id) AS hi FROM datasets d LEFT JOIN samples s ON s.dataset_id = d.id WHERE d.id = ?').get(datasetId) as { at: string | null; n: number; lo: number | null; hi: number | null };
  const state = `${s.at}|${s.n}|${s.lo}|${s.hi}`;
  const known = grids.get(db) ?? new Map<number, { state: string; samples: MapSamples | null }>();
  grids.set(db, known);
  const hit = known.get(datasetId);
  if (hit?.state === state) return hit.samples;
  const samples = readMapSamples(db, datasetId);
  known.set(datasetId, { state, samples });
  return samples;
}

function readMapSamples(db: Db, datasetId: number): MapSamples | null {
  const rows = db.prepare('SELECT id, sample_key AS key, map_x AS x, map_y AS y FROM samples WHERE dataset_id = ? ORDER BY id').all(datasetId) as {
    id: number;
    key: string;
    x: number | null;
    y: number | null;
  }[];
  if (rows.length < 2 || rows.some((r) => r.x === null || r.y === null)) return null;
  const grid = mapGrid(
    rows.map((r) => r.x!),
    rows.map((r) => r.y!),
  );
  return { ids: rows.map((r) => r.id), keys: rows.map((r) => r.key), grid, unit: coordinateUnit(db, datasetId) };
}

/** What `list` and the window say about a map dataset; null for a dataset that is not a map (or whose coordinates are no grid). */
export function mapSummary(db: Db, datasetId: number): MapSummary | null {
  const any = db.prepare('SELECT count(map_x) AS n FROM samples WHERE dataset_id = ?').get(datasetId) as { n: number };
  if (any.n < 2) return null;
  let m: MapSamples | null;
  try {
    m = mapSamples(db, datasetId);
  } catch (err) {
    if (err instanceof UserError) return null;
    throw err;
  }
  if (!m) return null;
  const g = m.grid;
  return { width: g.width, height: g.height, pixels: g.pixels, missing: g.missing.length, step: g.step, stepX: g.stepX, stepY: g.stepY, x0: g.x0, y0: g.y0, unit: m.unit };
}

/**
 * Points first … first + count − 1 of channel 0 of each given sample (ids ascending), one
 * query that reads only those bytes of each spectrum.
 */
export function spectrumSlices(db: Db, datasetId: number, first: number, count: number): { ids: Float64Array; values: Float32Array } {
  const rows = db
    .prepare(
      `SELECT s.id, substr(c.intensities_f32, ?, ?) AS part FROM samples s JOIN channels c ON c.sample_id = s.id AND c.channel = 0
        WHERE s.dataset_id = ? ORDER BY s.id`,
    )
    .all(1 + 4 * first, 4 * count, datasetId) as { id: number; part: Buffer }[];
  const ids = new Float64Array(rows.length);
  const values = new Float32Array(rows.length * count);
  rows.forEach((r, i) => {
    if (r.part.length !== 4 * count) throw new UserError('BAD_INPUT', `Sample ${r.id} has fewer points than the dataset's axis.`);
    ids[i] = r.id;
    values.set(blobToF32(r.part), i * count);
  });
  return { ids, values };
}

/** Channel 0 of the given samples (ids ascending), `pageRows` spectra per query. */
export function spectrumPages(db: Db, ids: readonly number[], points: number, pageRows = 2048): RowPages {
  const page = db.prepare('SELECT c.intensities_f32 AS v FROM channels c WHERE c.channel = 0 AND c.sample_id IN (SELECT value FROM json_each(?)) ORDER BY c.sample_id');
  const one = db.prepare('SELECT intensities_f32 AS v FROM channels WHERE channel = 0 AND sample_id = ?');
  const check = (v: Float32Array, id: number) => {
    if (v.length !== points) throw new UserError('BAD_INPUT', `Sample ${id} has ${v.length} points, not the ${points} of the dataset's axis.`);
    return v;
  };
  return {
    rows: ids.length,
    points,
    forEachPage(fn) {
      const block = new Float32Array(Math.min(pageRows, ids.length) * points);
      for (let first = 0; first < ids.length; first += pageRows) {
        const part = ids.slice(first, first + pageRows);
        const rows = page.all(JSON.stringify(part)) as { v: Buffer }[];
        rows.forEach((r, i) => block.set(check(blobToF32(r.v), part[i]!), i * points));
        fn(block.subarray(0, part.length * points), first, part.length);
      }
    },
    row(index) {
      const r = one.get(ids[index]) as { v: Buffer };
      return check(blobToF32(r.v), ids[index]!);
    },
  };
}
