import type { Db } from '../../src-main/db/connection';
import { importFiles } from '../../src-main/services/import';
import { ucr } from './datasets';

/** Imports the UCR archive's `name` TRAIN and TEST tables into dataset `name`, tagged train and test. */
export async function importUcr(db: Db, name: string): Promise<void> {
  for (const split of ['train', 'test'] as const) await importFiles(db, { files: [ucr(name, split)], dataset: name, splitTag: split });
}
