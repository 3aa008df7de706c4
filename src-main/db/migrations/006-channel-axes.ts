/**
 * Migration 6: a name and an axis for each channel of a multi-channel dataset (a tablet measured
 * on two instruments, Raman and IR of one sample). A sample row keeps the axis of its channel 0
 * (`samples.axis_id`); a dataset with rows here gives every channel its own, so channels on
 * different axes are stored as they were measured. Datasets with one channel have no rows. No
 * row changes.
 */
export const migration006 = {
  version: 6,
  name: 'channel-axes',
  sql: `
CREATE TABLE channel_axes (
  dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
  channel INTEGER NOT NULL CHECK (channel >= 0),
  axis_id INTEGER NOT NULL REFERENCES axes(id),
  name TEXT NOT NULL,
  PRIMARY KEY (dataset_id, channel)
) STRICT;
`,
} as const;
