/**
 * Migration 1: the project file's first schema. Shipped migrations are never edited;
 * changes go into a new numbered file.
 */
export const migration001 = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE project_info (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- Spectral axes are stored once and shared by every sample measured on them.
CREATE TABLE axes (
  id INTEGER PRIMARY KEY,
  unit TEXT NOT NULL,
  points INTEGER NOT NULL CHECK (points > 0),
  first_value REAL NOT NULL,
  last_value REAL NOT NULL,
  values_f64 BLOB NOT NULL,
  hash TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE datasets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  y_unit TEXT
) STRICT;

CREATE TABLE source_files (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  format TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  samples INTEGER NOT NULL,
  imported_at TEXT NOT NULL
) STRICT;

CREATE TABLE samples (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  sample_key TEXT NOT NULL,
  axis_id INTEGER NOT NULL REFERENCES axes(id),
  split TEXT CHECK (split IN ('train', 'test')),
  map_x REAL,
  map_y REAL,
  source_file_id INTEGER REFERENCES source_files(id) ON DELETE SET NULL,
  source_index INTEGER,
  UNIQUE (dataset_id, sample_key)
) STRICT;
CREATE INDEX samples_by_dataset ON samples(dataset_id);

-- One row per channel; intensities are little-endian float32. A rowid table, not WITHOUT ROWID:
-- rows of several kB are what rowid tables are made for (SQLite's WITHOUT ROWID advice).
CREATE TABLE channels (
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  channel INTEGER NOT NULL CHECK (channel >= 0),
  intensities_f32 BLOB NOT NULL,
  PRIMARY KEY (sample_id, channel)
) STRICT;

-- Label and metadata columns of a dataset: class labels, numeric targets, group ids, free text.
CREATE TABLE columns (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('class', 'number', 'text')),
  position INTEGER NOT NULL,
  UNIQUE (dataset_id, name)
) STRICT;

CREATE TABLE sample_values (
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  column_id INTEGER NOT NULL REFERENCES columns(id) ON DELETE CASCADE,
  text_value TEXT,
  number_value REAL,
  PRIMARY KEY (sample_id, column_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX sample_values_by_column ON sample_values(column_id);

CREATE TABLE pipelines (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  spec_json TEXT NOT NULL,
  spec_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  model TEXT NOT NULL,
  task TEXT NOT NULL,
  target_column TEXT NOT NULL,
  config_json TEXT NOT NULL,
  pipeline_json TEXT,
  fitted_state_json TEXT,
  split_json TEXT,
  seed INTEGER,
  backend TEXT,
  versions_json TEXT,
  metrics_json TEXT,
  log TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  finished_at TEXT
) STRICT;

CREATE TABLE run_epochs (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  fold INTEGER NOT NULL DEFAULT 0,
  epoch INTEGER NOT NULL,
  metrics_json TEXT NOT NULL,
  PRIMARY KEY (run_id, fold, epoch)
) STRICT, WITHOUT ROWID;

CREATE TABLE run_artifacts (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (run_id, name)
) STRICT, WITHOUT ROWID;
`,
} as const;
