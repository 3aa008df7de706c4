import type { AxisUnit, ColumnKind, SplitTag } from './spectra';

export interface ColumnSummary {
  kind: ColumnKind;
  /** Number of distinct non-empty values. */
  distinct: number;
  /** Empty cells. */
  missing: number;
  /** For class columns: counts per class, largest first (at most 200 entries). */
  classes?: { value: string; count: number }[];
  /** For number columns. */
  min?: number;
  max?: number;
}

export interface SourceFileSummary {
  path: string;
  format: string;
  samples: number;
  importedAt: string;
}

export interface DatasetSummary {
  id: number;
  name: string;
  samples: number;
  /** Points per spectrum; null when spectra have different lengths. */
  points: number | null;
  channels: number;
  axis: { unit: AxisUnit; min: number; max: number; descending: boolean } | null;
  /** Number of distinct axes (1 when all spectra share one). */
  axes: number;
  splits: { train: number; test: number; none: number };
  columns: Record<string, ColumnSummary>;
  sourceFiles: SourceFileSummary[];
  yUnit: string | null;
  createdAt: string;
}

export interface ProjectInfo {
  path: string;
  name: string;
  schemaVersion: number;
}

export interface RecentProject {
  path: string;
  name: string;
  lastOpened: string;
  exists: boolean;
}

export interface SampleRow {
  id: number;
  key: string;
  split: SplitTag | null;
  values: Record<string, string | number | null>;
  mapX: number | null;
  mapY: number | null;
}

export interface ImportResult {
  datasetId: number;
  dataset: string;
  files: { path: string; format: string; samples: number }[];
  samples: number;
  warnings: string[];
  durationMs: number;
}

export interface ImportProgress {
  jobId: string;
  file: string;
  fileIndex: number;
  files: number;
  /** Overall fraction done in [0, 1]. */
  fraction: number;
  stage: 'reading' | 'parsing' | 'storing' | 'done';
}
