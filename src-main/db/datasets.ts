import type { Db } from './connection';
import type { ColumnSummary, DatasetSummary, SampleRow } from '../common/domain/project';
import type { AxisUnit, ColumnKind, SplitTag } from '../common/domain/spectra';
import { UserError } from '../common/errors';
import { excerpt, quoteExcerpt } from '../common/format/excerpt';
import { blobToF32, blobToF64 } from './sql';
import { derivedFrom } from './derived';
import { mapSummary } from './maps';

interface DatasetRow {
  id: number;
  name: string;
  created_at: string;
  y_unit: string | null;
}

export interface ColumnRow {
  id: number;
  name: string;
  kind: ColumnKind;
  position: number;
  unit: string | null;
}

export function findDataset(db: Db, name: string): DatasetRow | undefined {
  return db.prepare('SELECT id, name, created_at, y_unit FROM datasets WHERE name = ?').get(name) as DatasetRow | undefined;
}

export function getDataset(db: Db, id: number): DatasetRow {
  const row = db.prepare('SELECT id, name, created_at, y_unit FROM datasets WHERE id = ?').get(id) as DatasetRow | undefined;
  if (!row) throw new UserError('NOT_FOUND', `Dataset ${id} does not exist in this project.`);
  return row;
}

export function datasetExists(db: Db, id: number): boolean {
  return db.prepare('SELECT 1 FROM datasets WHERE id = ?').get(id) !== undefined;
}

export function datasetIdByNameOrId(db: Db, nameOrId: string): number {
  const byName = findDataset(db, nameOrId);
  if (byName) return byName.id;
  if (/^\d+$/.test(nameOrId)) return getDataset(db, Number(nameOrId)).id;
  const names = (db.prepare('SELECT name FROM datasets ORDER BY id').all() as { name: string }[]).map((r) => r.name);
  throw new UserError('NOT_FOUND', `No dataset named ${quoteExcerpt(nameOrId)}. Datasets in this project: ${names.length ? names.map((n) => excerpt(n)).join(', ') : 'none'}.`);
}

export function listColumns(db: Db, datasetId: number): ColumnRow[] {
  return db.prepare('SELECT id, name, kind, position, unit FROM columns WHERE dataset_id = ? ORDER BY position').all(datasetId) as ColumnRow[];
}

function summarizeColumn(db: Db, col: ColumnRow, samples: number): ColumnSummary {
  if (col.kind === 'number') {
    const s = db
      .prepare('SELECT count(DISTINCT number_value) AS d, count(number_value) AS n, min(number_value) AS lo, max(number_value) AS hi FROM sample_values WHERE column_id = ?')
      .get(col.id) as { d: number; n: number; lo: number | null; hi: number | null };
    const out: ColumnSummary = { kind: 'number', distinct: s.d, missing: samples - s.n };
    if (s.lo !== null && s.hi !== null) {
      out.min = s.lo;
      out.max = s.hi;
    }
    if (col.unit) out.unit = col.unit;
    return out;
  }
  if (col.kind === 'text') {
    // Free text (sample ids, comments): how many values, not each one.
    const t = db.prepare('SELECT count(DISTINCT text_value) AS d, count(text_value) AS n FROM sample_values WHERE column_id = ?').get(col.id) as { d: number; n: number };
    return { kind: 'text', distinct: t.d, missing: samples - t.n };
  }
  const counts = db
    .prepare('SELECT text_value AS value, count(*) AS count FROM sample_values WHERE column_id = ? AND text_value IS NOT NULL GROUP BY text_value ORDER BY count DESC, text_value')
    .all(col.id) as { value: string; count: number }[];
  const present = counts.reduce((a, c) => a + c.count, 0);
  return { kind: col.kind, distinct: counts.length, missing: samples - present, classes: counts.slice(0, 200) };
}

export function listDatasets(db: Db): DatasetSummary[] {
  const rows = db.prepare('SELECT id, name, created_at, y_unit FROM datasets ORDER BY id').all() as DatasetRow[];
  return rows.map((row) => summarizeDataset(db, row));
}

export function datasetSummary(db: Db, id: number): DatasetSummary {
  return summarizeDataset(db, getDataset(db, id));
}

function summarizeDataset(db: Db, row: DatasetRow): DatasetSummary {
  const counts = db
    .prepare(
      `SELECT count(*) AS n,
              sum(split = 'train') AS train, sum(split = 'test') AS test,
              count(DISTINCT axis_id) AS axes
         FROM samples WHERE dataset_id = ?`,
    )
    .get(row.id) as { n: number; train: number | null; test: number | null; axes: number };
  const axisRows = db
    .prepare(
      `SELECT a.unit, a.points, min(a.first_value, a.last_value) AS lo, max(a.first_value, a.last_value) AS hi, a.first_value > a.last_value AS descending
         FROM axes a WHERE a.id IN (SELECT DISTINCT axis_id FROM samples WHERE dataset_id = ?)`,
    )
    .all(row.id) as { unit: AxisUnit; points: number; lo: number; hi: number; descending: number }[];
  const points = new Set(axisRows.map((a) => a.points));
  // Every sample has channel 0; only the (indexed) further channels need looking at.
  const extra = db
    .prepare('SELECT max(channel) + 1 AS c FROM channels INDEXED BY channels_beyond_first WHERE channel > 0 AND sample_id IN (SELECT id FROM samples WHERE dataset_id = ?)')
    .get(row.id) as { c: number | null };
  const channels = { c: extra.c ?? (counts.n > 0 ? 1 : null) };
  const columns: Record<string, ColumnSummary> = {};
  for (const col of listColumns(db, row.id)) columns[col.name] = summarizeColumn(db, col, counts.n);
  const files = db
    .prepare('SELECT path, format, samples, imported_at AS importedAt FROM source_files WHERE dataset_id = ? ORDER BY id')
    .all(row.id) as DatasetSummary['sourceFiles'];
  const train = counts.train ?? 0;
  const test = counts.test ?? 0;
  const derived = derivedFrom(db, row.id);
  const map = mapSummary(db, row.id);
  return {
    id: row.id,
    name: row.name,
    samples: counts.n,
    points: points.size === 1 ? [...points][0]! : null,
    channels: channels.c ?? 0,
    axis: axisRows.length
      ? {
          unit: axisRows[0]!.unit,
          min: Math.min(...axisRows.map((a) => a.lo)),
          max: Math.max(...axisRows.map((a) => a.hi)),
          descending: axisRows[0]!.descending === 1,
        }
      : null,
    axes: counts.axes,
    splits: { train, test, none: counts.n - train - test },
    columns,
    sourceFiles: files,
    yUnit: row.y_unit,
    createdAt: row.created_at,
    ...(derived ? { derivedFrom: derived } : {}),
    ...(map ? { map } : {}),
  };
}

export interface SamplePageQuery {
  datasetId: number;
  offset: number;
  limit: number;
  /** Column name, or the built-ins `key` and `split`. */
  sortBy?: string;
  descending?: boolean;
  /** Case-insensitive substring over the key and every text value. */
  search?: string;
}

export function samplePage(db: Db, q: SamplePageQuery): { total: number; rows: SampleRow[] } {
  const cols = listColumns(db, q.datasetId);
  const params: (string | number)[] = [q.datasetId];
  let where = 's.dataset_id = ?';
  if (q.search && q.search.trim()) {
    const like = `%${q.search.trim().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    where += ` AND (s.sample_key LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM sample_values v WHERE v.sample_id = s.id AND (v.text_value LIKE ? ESCAPE '\\' OR CAST(v.number_value AS TEXT) LIKE ? ESCAPE '\\')))`;
    params.push(like, like, like);
  }
  let order = 's.id';
  const dir = q.descending ? 'DESC' : 'ASC';
  const sortParams: number[] = [];
  if (q.sortBy === 'key') order = `s.sample_key ${dir}, s.id`;
  else if (q.sortBy === 'split') order = `s.split ${dir}, s.id`;
  else if (q.sortBy) {
    const col = cols.find((c) => c.name === q.sortBy);
    if (col) {
      const field = col.kind === 'number' ? 'number_value' : 'text_value';
      order = `(SELECT v.${field} FROM sample_values v WHERE v.sample_id = s.id AND v.column_id = ?) ${dir}, s.id`;
      sortParams.push(col.id);
    }
  }
  const total = (db.prepare(`SELECT count(*) AS n FROM samples s WHERE ${where}`).get(...params) as { n: number }).n;
  const rows = db
    .prepare(`SELECT s.id, s.sample_key AS key, s.split, s.map_x AS mapX, s.map_y AS mapY, (SELECT count(*) FROM channels c WHERE c.sample_id = s.id) AS channels FROM samples s WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`)
    .all(...params, ...sortParams, q.limit, q.offset) as Omit<SampleRow, 'values'>[];
  return { total, rows: attachValues(db, cols, rows) };
}

function attachValues(db: Db, cols: ColumnRow[], rows: Omit<SampleRow, 'values'>[]): SampleRow[] {
  const byId = new Map<number, SampleRow>();
  const out = rows.map((r) => {
    const full: SampleRow = { ...r, values: Object.fromEntries(cols.map((c) => [c.name, null])) };
    byId.set(r.id, full);
    return full;
  });
  if (!rows.length) return out;
  const names = new Map(cols.map((c) => [c.id, c.name]));
  const stmt = db.prepare(
    `SELECT sample_id, column_id, text_value, number_value FROM sample_values WHERE sample_id IN (SELECT value FROM json_each(?))`,
  );
  for (const v of stmt.all(JSON.stringify(rows.map((r) => r.id))) as { sample_id: number; column_id: number; text_value: string | null; number_value: number | null }[]) {
    const row = byId.get(v.sample_id);
    const name = names.get(v.column_id);
    if (row && name !== undefined) row.values[name] = v.number_value ?? v.text_value;
  }
  return out;
}

export interface SpectrumData {
  sampleId: number;
  key: string;
  axisId: number;
  split: SplitTag | null;
  channels: Float32Array[];
}

export function loadAxis(db: Db, axisId: number): { unit: AxisUnit; values: Float64Array } {
  const row = db.prepare('SELECT unit, values_f64 FROM axes WHERE id = ?').get(axisId) as { unit: AxisUnit; values_f64: Buffer } | undefined;
  if (!row) throw new UserError('NOT_FOUND', `Axis ${axisId} is missing from the project.`);
  return { unit: row.unit, values: blobToF64(row.values_f64) };
}

/** Spectra of the given samples (all of the dataset when `sampleIds` is omitted), in id order. */
export function loadSpectra(db: Db, datasetId: number, sampleIds?: number[]): SpectrumData[] {
  const rows = (
    sampleIds
      ? db
          .prepare(
            `SELECT s.id, s.sample_key, s.axis_id, s.split, c.channel, c.intensities_f32 FROM samples s JOIN channels c ON c.sample_id = s.id
              WHERE s.dataset_id = ? AND s.id IN (SELECT value FROM json_each(?)) ORDER BY s.id, c.channel`,
          )
          .all(datasetId, JSON.stringify(sampleIds))
      : db
          .prepare(
            `SELECT s.id, s.sample_key, s.axis_id, s.split, c.channel, c.intensities_f32 FROM samples s JOIN channels c ON c.sample_id = s.id
              WHERE s.dataset_id = ? ORDER BY s.id, c.channel`,
          )
          .all(datasetId)
  ) as { id: number; sample_key: string; axis_id: number; split: SplitTag | null; channel: number; intensities_f32: Buffer }[];
  const out: SpectrumData[] = [];
  for (const r of rows) {
    let last = out[out.length - 1];
    if (!last || last.sampleId !== r.id) {
      last = { sampleId: r.id, key: r.sample_key, axisId: r.axis_id, split: r.split, channels: [] };
      out.push(last);
    }
    last.channels[r.channel] = blobToF32(r.intensities_f32);
  }
  return out;
}

/** A sample without its spectra: what a reader needs to plan reading them page by page. */
export interface SampleHead {
  sampleId: number;
  key: string;
  axisId: number;
  split: SplitTag | null;
  /** 1 + its highest channel number. */
  channels: number;
}

/** The dataset's samples in id order, without their spectra. */
export function sampleHeads(db: Db, datasetId: number): SampleHead[] {
  return db
    .prepare(
      `SELECT s.id AS sampleId, s.sample_key AS key, s.axis_id AS axisId, s.split, (SELECT coalesce(max(c.channel), -1) + 1 FROM channels c WHERE c.sample_id = s.id) AS channels
         FROM samples s WHERE s.dataset_id = ? ORDER BY s.id`,
    )
    .all(datasetId) as SampleHead[];
}

/** How many of a dataset's samples are tagged train and test (what a run's default validation asks). */
export function splitCounts(db: Db, datasetId: number): { train: number; test: number } {
  const r = db.prepare("SELECT coalesce(sum(split = 'train'), 0) AS train, coalesce(sum(split = 'test'), 0) AS test FROM samples WHERE dataset_id = ?").get(datasetId) as { train: number; test: number };
  return { train: r.train, test: r.test };
}

export function sampleIds(db: Db, datasetId: number): number[] {
  return (db.prepare('SELECT id FROM samples WHERE dataset_id = ? ORDER BY id').all(datasetId) as { id: number }[]).map((r) => r.id);
}

/** Values of one column for every sample of the dataset, in sample id order. */
export function columnValues(db: Db, datasetId: number, column: string): { sampleId: number; value: string | number | null }[] {
  const col = requireColumn(db, datasetId, column);
  return db
    .prepare(
      `SELECT s.id AS sampleId, coalesce(v.number_value, v.text_value) AS value FROM samples s
         LEFT JOIN sample_values v ON v.sample_id = s.id AND v.column_id = ? WHERE s.dataset_id = ? ORDER BY s.id`,
    )
    .all(col.id, datasetId) as { sampleId: number; value: string | number | null }[];
}

function requireColumn(db: Db, datasetId: number, column: string): ColumnRow {
  const columns = listColumns(db, datasetId);
  const col = columns.find((c) => c.name === column);
  if (!col) {
    const name = (db.prepare('SELECT name FROM datasets WHERE id = ?').get(datasetId) as { name: string } | undefined)?.name;
    const shown = columns.slice(0, 8).map((c) => excerpt(c.name)).join(', ');
    const has = columns.length ? ` Its columns: ${shown}${columns.length > 8 ? `, … (${columns.length} in all)` : ''}.` : ' It has no label columns yet.';
    throw new UserError('NOT_FOUND', `Dataset ${name === undefined ? '' : `${quoteExcerpt(name)} `}has no column ${quoteExcerpt(column)}.${has}`, { field: 'column' });
  }
  return col;
}

/** Sets one column's value on the given samples; creates a class column when it does not exist. */
export function setLabel(db: Db, datasetId: number, ids: number[], column: string, value: string | number | null): number {
  return db.transaction(() => {
    let col = listColumns(db, datasetId).find((c) => c.name === column);
    if (!col) {
      if (!column.trim()) throw new UserError('BAD_INPUT', 'A column name is required.', { field: 'column' });
      const position = (db.prepare('SELECT coalesce(max(position), -1) + 1 AS p FROM columns WHERE dataset_id = ?').get(datasetId) as { p: number }).p;
      const kind: ColumnKind = typeof value === 'number' ? 'number' : 'class';
      const id = Number(db.prepare('INSERT INTO columns (dataset_id, name, kind, position) VALUES (?, ?, ?, ?)').run(datasetId, column, kind, position).lastInsertRowid);
      col = { id, name: column, kind, position, unit: null };
    }
    let num: number | null = null;
    let text: string | null = null;
    if (value !== null && value !== '') {
      if (col.kind === 'number') {
        num = typeof value === 'number' ? value : Number(String(value).replace(',', '.'));
        if (!Number.isFinite(num)) throw new UserError('BAD_INPUT', `Column ${quoteExcerpt(column)} holds numbers; ${quoteExcerpt(String(value))} is not a number.`, { field: excerpt(column) });
      } else text = String(value);
    }
    const inDataset = db.prepare('SELECT 1 FROM samples WHERE id = ? AND dataset_id = ?');
    const del = db.prepare('DELETE FROM sample_values WHERE sample_id = ? AND column_id = ?');
    const put = db.prepare('INSERT OR REPLACE INTO sample_values (sample_id, column_id, text_value, number_value) VALUES (?, ?, ?, ?)');
    let changed = 0;
    for (const id of ids) {
      if (!inDataset.get(id, datasetId)) throw new UserError('NOT_FOUND', `Sample ${id} is not in this dataset.`);
      if (num === null && text === null) del.run(id, col.id);
      else put.run(id, col.id, text, num);
      changed++;
    }
    return changed;
  })();
}

/** Renames a class everywhere in one column; merging into an existing class is allowed. */
export function renameClass(db: Db, datasetId: number, column: string, from: string, to: string): number {
  const col = requireColumn(db, datasetId, column);
  if (col.kind !== 'class') throw new UserError('BAD_INPUT', `Column ${quoteExcerpt(column)} is not a class column.`, { field: excerpt(column) });
  if (!to.trim()) throw new UserError('BAD_INPUT', 'The new class name is empty.', { field: 'to' });
  return db.prepare('UPDATE sample_values SET text_value = ? WHERE column_id = ? AND text_value = ?').run(to.trim(), col.id, from).changes;
}

export function setSplit(db: Db, datasetId: number, ids: number[], split: SplitTag | null): number {
  return db.transaction(() => {
    const stmt = db.prepare('UPDATE samples SET split = ? WHERE id = ? AND dataset_id = ?');
    let n = 0;
    for (const id of ids) n += stmt.run(split, id, datasetId).changes;
    return n;
  })();
}

export function setColumnKind(db: Db, datasetId: number, column: string, kind: ColumnKind): void {
  const col = requireColumn(db, datasetId, column);
  if (col.kind === kind) return;
  db.transaction(() => {
    if (kind === 'number') {
      const rows = db.prepare('SELECT sample_id, text_value FROM sample_values WHERE column_id = ?').all(col.id) as { sample_id: number; text_value: string | null }[];
      const upd = db.prepare('UPDATE sample_values SET number_value = ?, text_value = NULL WHERE sample_id = ? AND column_id = ?');
      for (const r of rows) {
        const n = r.text_value === null ? NaN : Number(r.text_value.trim().replace(',', '.'));
        if (!Number.isFinite(n)) throw new UserError('BAD_INPUT', `Column ${quoteExcerpt(column)} cannot become numeric: ${quoteExcerpt(String(r.text_value))} is not a number.`, { field: excerpt(column) });
        upd.run(n, r.sample_id, col.id);
      }
    } else if (col.kind === 'number') {
      db.prepare("UPDATE sample_values SET text_value = CAST(number_value AS TEXT), number_value = NULL WHERE column_id = ?").run(col.id);
      // CAST gives '1.0' for integral REALs; labels read better as '1'.
      db.prepare("UPDATE sample_values SET text_value = substr(text_value, 1, length(text_value) - 2) WHERE column_id = ? AND text_value LIKE '%.0'").run(col.id);
    }
    db.prepare('UPDATE columns SET kind = ?, unit = CASE WHEN ? = \'number\' THEN unit ELSE NULL END WHERE id = ?').run(kind, kind, col.id);
  })();
}

/** The longest unit a column may have. */
export const MAX_UNIT_LENGTH = 40;

/**
 * Sets (or, with null or an empty string, clears) the unit of a numeric label column: what its
 * values are measured in ("%", "mg/L"). A class or text column has none; a run records the unit
 * its target had when it was trained.
 */
export function setColumnUnit(db: Db, datasetId: number, column: string, unit: string | null): void {
  const col = requireColumn(db, datasetId, column);
  const u = unit === null ? '' : unit.trim();
  if (u && col.kind !== 'number') throw new UserError('BAD_INPUT', `Column ${quoteExcerpt(column)} holds ${col.kind === 'class' ? 'classes' : 'text'}; only a numeric column has a unit.`, { field: 'unit' });
  if (u.length > MAX_UNIT_LENGTH) throw new UserError('BAD_INPUT', `A unit has at most ${MAX_UNIT_LENGTH} characters; ${quoteExcerpt(u)} has ${u.length}.`, { field: 'unit' });
  if ([...u].some((ch) => ch.charCodeAt(0) < 0x20 || ch === '\u007f')) throw new UserError('BAD_INPUT', 'A unit cannot hold line breaks or control characters.', { field: 'unit' });
  db.prepare('UPDATE columns SET unit = ? WHERE id = ?').run(u || null, col.id);
}

/** The unit of a numeric column of a dataset, or null (no such column, not numeric, or none given). */
export function columnUnit(db: Db, datasetId: number, column: string): string | null {
  const r = db.prepare("SELECT unit FROM columns WHERE dataset_id = ? AND name = ? AND kind = 'number'").get(datasetId, column) as { unit: string | null } | undefined;
  return r?.unit ?? null;
}

export function renameDataset(db: Db, datasetId: number, name: string): void {
  if (!name.trim()) throw new UserError('BAD_INPUT', 'A dataset name is required.', { field: 'name' });
  const clash = findDataset(db, name.trim());
  if (clash && clash.id !== datasetId) throw new UserError('CONFLICT', `A dataset named ${quoteExcerpt(name)} already exists.`, { field: 'name' });
  db.prepare('UPDATE datasets SET name = ? WHERE id = ?').run(name.trim(), datasetId);
}

export function deleteDataset(db: Db, datasetId: number): void {
  getDataset(db, datasetId);
  db.transaction(() => {
    db.prepare('DELETE FROM datasets WHERE id = ?').run(datasetId);
    db.prepare('DELETE FROM axes WHERE id NOT IN (SELECT axis_id FROM samples UNION SELECT axis_id FROM channel_axes)').run();
  })();
}
