import crypto from 'node:crypto';
import type { Db } from './connection';
import type { AxisUnit } from '../common/domain/spectra';
import type { AxisGroup } from '../common/preprocessing/common-axis';
import { blobToF64, f64ToBlob } from './sql';

/** The id of the axis with these values and unit, inserting it when the project lacks it (axes are shared). */
export function upsertAxis(db: Db, values: Float64Array, unit: AxisUnit): number {
  const blob = f64ToBlob(values);
  const hash = crypto.createHash('sha256').update(unit).update(blob).digest('hex');
  const found = db.prepare('SELECT id FROM axes WHERE hash = ?').get(hash) as { id: number } | undefined;
  if (found) return found.id;
  return Number(
    db
      .prepare('INSERT INTO axes (unit, points, first_value, last_value, values_f64, hash) VALUES (?, ?, ?, ?, ?, ?)')
      .run(unit, values.length, values[0]!, values[values.length - 1]!, blob, hash).lastInsertRowid,
  );
}

/** The axes a dataset's spectra are on, in the order they first appear: values, unit, how many spectra and the first one's key. */
export function datasetAxisGroups(db: Db, datasetId: number): (AxisGroup & { axisId: number; values: Float64Array })[] {
  const rows = db
    .prepare(
      `SELECT a.id AS axisId, a.unit, a.values_f64, g.n AS count, f.sample_key AS firstKey
         FROM (SELECT axis_id, count(*) AS n, min(id) AS first_id FROM samples WHERE dataset_id = ? GROUP BY axis_id) g
         JOIN samples f ON f.id = g.first_id JOIN axes a ON a.id = g.axis_id ORDER BY g.first_id`,
    )
    .all(datasetId) as { axisId: number; unit: AxisUnit; values_f64: Buffer; count: number; firstKey: string }[];
  return rows.map((r) => ({ axisId: r.axisId, values: blobToF64(r.values_f64), unit: r.unit, count: r.count, first: r.firstKey }));
}
