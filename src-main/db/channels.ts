// Names and axes of the channels of a multi-channel dataset (migration 6, `channel_axes`), and
// the rows a join copies from its source datasets.
import type { Db } from './connection';
import type { AxisUnit } from '../common/domain/spectra';
import { blobToF64 } from './sql';

export interface ChannelAxis {
  channel: number;
  name: string;
  axisId: number;
  unit: AxisUnit;
  values: Float64Array;
}

export function insertChannelAxes(db: Db, datasetId: number, channels: { name: string; axisId: number }[]): void {
  const add = db.prepare('INSERT INTO channel_axes (dataset_id, channel, axis_id, name) VALUES (?, ?, ?, ?)');
  channels.forEach((c, i) => add.run(datasetId, i, c.axisId, c.name));
}

/** The dataset's channels in order with their names and axes; empty for a dataset of one channel. */
export function channelAxes(db: Db, datasetId: number): ChannelAxis[] {
  const rows = db
    .prepare('SELECT c.channel, c.name, c.axis_id, a.unit, a.values_f64 FROM channel_axes c JOIN axes a ON a.id = c.axis_id WHERE c.dataset_id = ? ORDER BY c.channel')
    .all(datasetId) as { channel: number; name: string; axis_id: number; unit: AxisUnit; values_f64: Buffer }[];
  return rows.map((r) => ({ channel: r.channel, name: r.name, axisId: r.axis_id, unit: r.unit, values: blobToF64(r.values_f64) }));
}

/** Every label value of a dataset's samples, by sample id then column name (missing values left out). */
export function labelValuesBySample(db: Db, datasetId: number): Map<number, Map<string, string | number>> {
  const rows = db
    .prepare('SELECT v.sample_id, c.name, coalesce(v.number_value, v.text_value) AS value FROM sample_values v JOIN columns c ON c.id = v.column_id WHERE c.dataset_id = ?')
    .all(datasetId) as { sample_id: number; name: string; value: string | number | null }[];
  const out = new Map<number, Map<string, string | number>>();
  for (const r of rows) {
    if (r.value === null) continue;
    let m = out.get(r.sample_id);
    if (!m) out.set(r.sample_id, (m = new Map()));
    m.set(r.name, r.value);
  }
  return out;
}

/** Where each of a dataset's samples sits: map coordinates and its row in its source file, by sample id. */
export function samplePlacements(db: Db, datasetId: number): Map<number, { mapX: number | null; mapY: number | null; sourceIndex: number | null }> {
  const rows = db.prepare('SELECT id, map_x, map_y, source_index FROM samples WHERE dataset_id = ?').all(datasetId) as { id: number; map_x: number | null; map_y: number | null; source_index: number | null }[];
  return new Map(rows.map((r) => [r.id, { mapX: r.map_x, mapY: r.map_y, sourceIndex: r.source_index }]));
}
