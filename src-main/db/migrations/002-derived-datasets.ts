/**
 * Migration 2: provenance of derived datasets (a recipe applied to a dataset and stored as a new
 * one). One row per derived dataset; the row goes with it, and survives the deletion of its
 * source (the source's name is kept as text).
 */
export const migration002 = {
  version: 2,
  name: 'derived-datasets',
  sql: `
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
`,
} as const;
