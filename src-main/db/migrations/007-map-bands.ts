/**
 * Migration 7: a band-major copy of a map dataset's spectra, so a band image reads one band of
 * every pixel as a few rows instead of a few bytes of every pixel's stored spectrum.
 * `map_bands` holds, per point of the axis and per block of `block_samples` consecutive samples
 * (id order), those samples' intensities at that point as float32; `map_band_copies` says a
 * dataset's copy is complete and what it was built over (written last, in the same transaction).
 * Both go with their dataset. Built on a map's first band image (db/map-bands.ts). No row changes.
 */
export const migration007 = {
  version: 7,
  name: 'map-bands',
  sql: `
CREATE TABLE map_bands (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  point INTEGER NOT NULL CHECK (point >= 0),
  block INTEGER NOT NULL CHECK (block >= 0),
  values_f32 BLOB NOT NULL,
  PRIMARY KEY (dataset_id, point, block)
) STRICT;
CREATE TABLE map_band_copies (
  dataset_id INTEGER PRIMARY KEY REFERENCES datasets(id) ON DELETE CASCADE,
  samples INTEGER NOT NULL CHECK (samples > 0),
  points INTEGER NOT NULL CHECK (points > 0),
  block_samples INTEGER NOT NULL CHECK (block_samples > 0),
  created_at TEXT NOT NULL
) STRICT;
`,
} as const;
