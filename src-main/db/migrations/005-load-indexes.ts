/**
 * Migration 5: indexes for large projects (100,000 spectra and more), so the dataset list, the
 * sample table and `list` answer in well under 200 ms (`npm run bench`, BENCH_ONLY=load):
 * - samples by dataset, split and axis: the dataset summary's counts read the index alone;
 * - sample values by column and value: a column's classes, distinct values and range read the
 *   index in order, with no sort (it replaces the index by column alone);
 * - the channels beyond the first: a dataset's channel count looks only at multi-channel
 *   samples, which most projects have none of.
 * No row changes.
 */
export const migration005 = {
  version: 5,
  name: 'load-indexes',
  sql: `
CREATE INDEX samples_by_dataset_split ON samples(dataset_id, split, axis_id);
DROP INDEX samples_by_dataset;
CREATE INDEX sample_values_by_column_value ON sample_values(column_id, text_value, number_value);
DROP INDEX sample_values_by_column;
CREATE INDEX channels_beyond_first ON channels(sample_id, channel) WHERE channel > 0;
`,
} as const;
