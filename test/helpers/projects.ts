import type { Db } from '../../src-main/db/connection';
import { importFiles } from '../../src-main/services/import';
import { fixture } from './datasets';

/** Imports the UCR archive's `name` TRAIN and TEST tables into dataset `name`, tagged train and test. */
export async function importUcr(db: Db, name: string): Promise<void> {
  await importFiles(db, { files: [fixture('ucr_spectro', name, `${name}_TRAIN.tsv`)], dataset: name, splitTag: 'train' });
  await importFiles(db, { files: [fixture('ucr_spectro', name, `${name}_TEST.tsv`)], dataset: name, splitTag: 'test' });
}
