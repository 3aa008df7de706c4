import { readFileSync } from 'node:fs';
import path from 'node:path';

/** `../shared/datasets` beside the repository (CI clones the repo with shared/ next to it). */
export const DATASETS_DIR = path.resolve(__dirname, '../../../shared/datasets');

export function fixture(...parts: string[]): string {
  return path.join(DATASETS_DIR, ...parts);
}

/** The bytes of a file under DATASETS_DIR. */
export function readFixture(...parts: string[]): Uint8Array {
  return new Uint8Array(readFileSync(fixture(...parts)));
}

/** The bytes of a file under format_fixtures/ (one folder per file format). */
export function formatFixture(...parts: string[]): Uint8Array {
  return readFixture('format_fixtures', ...parts);
}

/** A table of the UCR archive's spectroscopy sets: `name`'s TRAIN or TEST split. */
export function ucr(name: string, split: 'train' | 'test'): string {
  return fixture('ucr_spectro', name, `${name}_${split.toUpperCase()}.tsv`);
}
