// Inserts of the rows that make up a new or growing dataset, shared by import and derived
// datasets. Reads of datasets are in datasets.ts.
import type { Db } from './connection';
import type { ColumnKind, SplitTag } from '../common/domain/spectra';
import { f32ToBlob } from './sql';

export function insertDataset(db: Db, name: string, createdAt: string, yUnit: string | null): number {
  return Number(db.prepare('INSERT INTO datasets (name, created_at, y_unit) VALUES (?, ?, ?)').run(name, createdAt, yUnit).lastInsertRowid);
}

export function insertColumn(db: Db, datasetId: number, name: string, kind: ColumnKind, position: number, unit: string | null = null): number {
  return Number(db.prepare('INSERT INTO columns (dataset_id, name, kind, position, unit) VALUES (?, ?, ?, ?, ?)').run(datasetId, name, kind, position, kind === 'number' ? unit : null).lastInsertRowid);
}

export interface NewSourceFile {
  datasetId: number;
  path: string;
  format: string;
  sizeBytes: number;
  sha256: string;
  samples: number;
  importedAt: string;
}

export interface NewSample {
  datasetId: number;
  key: string;
  axisId: number;
  split: SplitTag | null;
  mapX: number | null;
  mapY: number | null;
  /** Null for a derived dataset's samples: they come from another dataset, not a file. */
  sourceFileId: number | null;
  sourceIndex: number | null;
}

/**
 * The inserts of a bulk write of samples (import, derived dataset), prepared once and reused for
 * every row. Call it inside a transaction: it checks nothing the caller has not.
 */
export interface SampleWriter {
  sourceFile(f: NewSourceFile): number;
  sample(s: NewSample): number;
  channel(sampleId: number, channel: number, intensities: Float32Array): void;
  /** One label or metadata value: text for class/text columns, number for number columns. */
  value(sampleId: number, columnId: number, text: string | null, number: number | null): void;
}

export function sampleWriter(db: Db): SampleWriter {
  const insertSource = db.prepare('INSERT INTO source_files (dataset_id, path, format, size_bytes, sha256, samples, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insertSample = db.prepare('INSERT INTO samples (dataset_id, sample_key, axis_id, split, map_x, map_y, source_file_id, source_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const insertChannel = db.prepare('INSERT INTO channels (sample_id, channel, intensities_f32) VALUES (?, ?, ?)');
  const insertValue = db.prepare('INSERT INTO sample_values (sample_id, column_id, text_value, number_value) VALUES (?, ?, ?, ?)');
  return {
    sourceFile: (f) => Number(insertSource.run(f.datasetId, f.path, f.format, f.sizeBytes, f.sha256, f.samples, f.importedAt).lastInsertRowid),
    sample: (s) => Number(insertSample.run(s.datasetId, s.key, s.axisId, s.split, s.mapX, s.mapY, s.sourceFileId, s.sourceIndex).lastInsertRowid),
    channel: (sampleId, channel, intensities) => void insertChannel.run(sampleId, channel, f32ToBlob(intensities)),
    value: (sampleId, columnId, text, number) => void insertValue.run(sampleId, columnId, text, number),
  };
}

/** A lookup of the sample keys a dataset already holds, prepared once for checking many keys. */
export function sampleKeyLookup(db: Db, datasetId: number): (key: string) => boolean {
  const stmt = db.prepare('SELECT 1 FROM samples WHERE dataset_id = ? AND sample_key = ?');
  return (key) => stmt.get(datasetId, key) !== undefined;
}
