-- Schema of a new Spectra Desk project: user_version 8, application_id 0x5350444b.

CREATE TABLE axes (
  id INTEGER PRIMARY KEY,
  unit TEXT NOT NULL,
  points INTEGER NOT NULL CHECK (points > 0),
  first_value REAL NOT NULL,
  last_value REAL NOT NULL,
  values_f64 BLOB NOT NULL,
  hash TEXT NOT NULL UNIQUE
) STRICT;

-- index sqlite_autoindex_axes_1 on axes (implicit, from a UNIQUE or PRIMARY KEY constraint)

CREATE TABLE channel_axes (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  channel INTEGER NOT NULL CHECK (channel >= 0),
  axis_id INTEGER NOT NULL REFERENCES axes(id),
  name TEXT NOT NULL,
  PRIMARY KEY (dataset_id, channel)
) STRICT;

-- index sqlite_autoindex_channel_axes_1 on channel_axes (implicit, from a UNIQUE or PRIMARY KEY constraint)

CREATE TABLE channels (
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  channel INTEGER NOT NULL CHECK (channel >= 0),
  intensities_f32 BLOB NOT NULL,
  PRIMARY KEY (sample_id, channel)
) STRICT;

CREATE INDEX channels_beyond_first ON channels(sample_id, channel) WHERE channel > 0;

-- index sqlite_autoindex_channels_1 on channels (implicit, from a UNIQUE or PRIMARY KEY constraint)

CREATE TABLE columns (
  id INTEGER PRIMARY KEY,
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('class', 'number', 'text')),
  position INTEGER NOT NULL, unit TEXT CHECK (unit IS NULL OR length(unit) BETWEEN 1 AND 40),
  UNIQUE (dataset_id, name)
) STRICT;

-- index sqlite_autoindex_columns_1 on columns (implicit, from a UNIQUE or PRIMARY KEY constraint)

CREATE TABLE dataset_provenance (
  dataset_id INTEGER PRIMARY KEY REFERENCES datasets(id) ON DELETE CASCADE,
  source_dataset_id INTEGER REFERENCES datasets(id) ON DELETE SET NULL,
  source_dataset_name TEXT NOT NULL,
  recipe_name TEXT,
  pipeline_json TEXT NOT NULL,
  pipeline_hash TEXT NOT NULL,
  fitted_state_json TEXT NOT NULL,
  fitted_on TEXT NOT NULL CHECK (fitted_on IN ('train', 'all')),
  fitted_samples INTEGER NOT NULL,
  source_channel INTEGER NOT NULL DEFAULT 0,
  app_version TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE INDEX dataset_provenance_by_source ON dataset_provenance(source_dataset_id);

CREATE TABLE datasets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  y_unit TEXT
) STRICT;

-- index sqlite_autoindex_datasets_1 on datasets (implicit, from a UNIQUE or PRIMARY KEY constraint)

CREATE TABLE map_band_copies (
  dataset_id INTEGER PRIMARY KEY REFERENCES datasets(id) ON DELETE CASCADE,
  samples INTEGER NOT NULL CHECK (samples > 0),
  points INTEGER NOT NULL CHECK (points > 0),
  block_samples INTEGER NOT NULL CHECK (block_samples > 0),
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE map_bands (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  point INTEGER NOT NULL CHECK (point >= 0),
  block INTEGER NOT NULL CHECK (block >= 0),
  values_f32 BLOB NOT NULL,
  PRIMARY KEY (dataset_id, point, block)
) STRICT;

-- index sqlite_autoindex_map_bands_1 on map_bands (implicit, from a UNIQUE or PRIMARY KEY constraint)

CREATE TABLE pipelines (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  spec_json TEXT NOT NULL,
  spec_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

-- index sqlite_autoindex_pipelines_1 on pipelines (implicit, from a UNIQUE or PRIMARY KEY constraint)

CREATE TABLE project_info (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

-- index sqlite_autoindex_project_info_1 on project_info (implicit, from a UNIQUE or PRIMARY KEY constraint)

CREATE TABLE run_artifacts (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  media_type TEXT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (run_id, name)
) STRICT, WITHOUT ROWID;

CREATE TABLE run_epochs (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  fold INTEGER NOT NULL DEFAULT 0,
  epoch INTEGER NOT NULL,
  metrics_json TEXT NOT NULL,
  PRIMARY KEY (run_id, fold, epoch)
) STRICT, WITHOUT ROWID;

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
, parent_run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE, fold_index INTEGER, fold_label TEXT, trainer_pid INTEGER, trainer_host TEXT, heartbeat_at TEXT) STRICT;

CREATE INDEX runs_by_parent ON runs(parent_run_id);

CREATE TABLE sample_values (
  sample_id INTEGER NOT NULL REFERENCES samples(id) ON DELETE CASCADE,
  column_id INTEGER NOT NULL REFERENCES columns(id) ON DELETE CASCADE,
  text_value TEXT,
  number_value REAL,
  PRIMARY KEY (sample_id, column_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX sample_values_by_column_value ON sample_values(column_id, text_value, number_value);

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

CREATE INDEX samples_by_dataset_split ON samples(dataset_id, split, axis_id);

-- index sqlite_autoindex_samples_1 on samples (implicit, from a UNIQUE or PRIMARY KEY constraint)

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
