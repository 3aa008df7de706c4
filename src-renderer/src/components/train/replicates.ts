/**
 * Replicates: a column with many small groups (sample ids, patients, batches) suggests spectra
 * that belong together, which a random split puts on both sides of the test.
 */
import type { DatasetSummary } from '@common/domain/project';
import { count } from '../../lib/format';

export function replicateWarning(ds: DatasetSummary, target: string, givenSplit: boolean): string | null {
  for (const [name, c] of Object.entries(ds.columns)) {
    if (name === target || c.kind === 'number') continue;
    const filled = ds.samples - c.missing;
    const biggest = c.classes?.[0]?.count ?? 0;
    if (c.distinct >= 4 && c.distinct * 10 >= filled && c.distinct < filled && biggest <= 10) {
      return `Column “${name}” repeats its values (${count(c.distinct)} values for ${count(filled)} spectra). If these are replicates of one sample, a ${givenSplit ? 'split that is not by sample' : 'random split'} puts some on both sides and the test score is too good: keep the replicates of each sample on one side.`;
    }
  }
  return null;
}
