import crypto from 'node:crypto';
import type { Db } from './connection';
import type { AxisUnit } from '../common/domain/spectra';
import { f64ToBlob } from './sql';

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
